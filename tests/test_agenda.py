"""The agenda before a meeting, in process (real SQLite, the real Application): items added
by /agenda and by 📝 and a reply, each group's invitation edited in place, arranged by a
focal point and refused to others, bad input explained, a restart mid-conversation, the
reminder a day before, and a long agenda kept to one screen."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.config import Settings
from bot.model.agenda import MAX_ITEM_CHARS
from bot.model.clock import MovableClock
from bot.model.roles import Side
from bot.telegram.edit_callbacks import AgendaAdd
from bot.telegram.limits import SCREEN_LINES, screen_lines
from bot.text.i18n import I18n
from harness.fake_telegram import as_update
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver, make_app, plan_and_send, sent_to
from tests.test_dispatch import follow

JSON = dict[str, Any]
GROUP_A, GROUP_B = -7001, -7002
FOCAL, MEMBER = 51, 52
SERIES = "bonn-la-paz-virtual"
# The meeting after CLOCK_START's (whose invitation says that La Paz's clocks changed, a
# longer post): its invitation goes when that one is over.
AFTER = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
MEETING = (SERIES, "2027-01-05T15:00")
START = datetime(2027, 1, 5, 14, 0, tzinfo=UTC)  # 15:00 in Bonn


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def group(chat_id: int) -> JSON:
    return {"id": chat_id, "type": "supergroup", "title": f"group {chat_id}"}


async def invited(bot: Driver, *groups: tuple[int, tuple[str, ...]]) -> dict[int, JSON]:
    """Each group follows Bonn – La Paz in its languages and gets the invitation."""
    clock = bot.app.bot_data.clock
    assert isinstance(clock, MovableClock)
    if clock.now() < AFTER:
        clock.set(AFTER)
    for chat_id, languages in groups:
        await follow(bot, chat_id, languages=languages)
    await plan_and_send(bot)
    return {chat_id: sent_to(bot, chat_id)[-1] for chat_id, _languages in groups}


def now_shown(bot: Driver, post: JSON) -> JSON:
    """The message as its chat sees it now (edited in place or not)."""
    message: JSON = bot.api.messages[(post["chat"]["id"], post["message_id"])]
    return message


def add_data(post: JSON) -> str:
    """📝 under an invitation: its last row."""
    data: str = post["reply_markup"]["inline_keyboard"][-1][0]["callback_data"]
    assert AgendaAdd.unpack(data) is not None
    return data


def buttons(message: JSON) -> dict[str, str]:
    return {
        key["text"]: key.get("callback_data", "")
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for key in row
    }


async def appoint_focal(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    await storage(bot).roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now)


async def reply(bot: Driver, user: JSON, chat: JSON, text: str, to: JSON) -> list[JSON]:
    before = len(bot.api.calls)
    update = bot.api.reply_message(user, chat, text, to)
    await bot.app.process_update(as_update(update, bot.app.bot))
    return bot.replies(before)


async def texts(bot: Driver) -> list[tuple[str, str]]:
    return [
        (i.text.original, i.text.original_language)
        for i in await storage(bot).agenda.items(MEETING)
    ]


# -- adding -------------------------------------------------------------------------------------


async def test_items_added_by_command_show_on_every_invitation_marked_by_language(
    bot: Driver,
) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    before_a = now_shown(bot, posts[GROUP_A])["text"]
    spanish, german = bot.user(1, "es"), bot.user(2, "de")
    [said, *_edits] = await bot.send("/agenda Presupuesto del taller", spanish, group(GROUP_A))
    assert said["text"].startswith(
        "📝 Auf der Tagesordnung (1 Punkt) — Virtuelles Treffen Bonn – La Paz:"
    )
    assert "(1 Punkt)" in said["text"]
    [said, *_edits] = await bot.send(
        "/tagesordnung Jugendaustausch 2027 <b>", german, group(GROUP_B)
    )
    assert said["text"].startswith("📝 En el orden del día")
    assert await texts(bot) == [
        ("Presupuesto del taller", "es"),
        ("Jugendaustausch 2027 <b>", "es"),  # group B reads Spanish only: its language
    ]
    # Group A reads both languages: nothing marked; each item names its author.
    a = now_shown(bot, posts[GROUP_A])["text"]
    assert a.startswith(before_a.split("\n")[0]) and a != before_a
    assert "Tagesordnung · Orden del día" in a
    assert "1. Presupuesto del taller — User1" in a
    assert "2. Jugendaustausch 2027 <b> — User2" in a  # escaped: shown as typed
    b = now_shown(bot, posts[GROUP_B])["text"]
    assert "📝 Orden del día\n1. Presupuesto del taller — User1" in b
    # The buttons stay: RSVP first, 📝 under them.
    rows = now_shown(bot, posts[GROUP_B])["reply_markup"]["inline_keyboard"]
    assert [k["text"] for k in rows[0]] == ["✅ 0", "❌ 0", "❔ 0", "👥"]
    assert rows[-1][0]["text"] == "📝 Agregar al orden del día"
    assert await plan_and_send(bot) == 0  # edited in place, nothing sent again


async def test_an_item_in_a_language_the_group_does_not_read_is_marked(bot: Driver) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    german = bot.user(2, "de")
    await bot.send("/agenda Jugendaustausch 2027", german, group(GROUP_A))
    assert "1. Jugendaustausch 2027 (de) — User2" in now_shown(bot, posts[GROUP_B])["text"]
    [screen] = await bot.send("/agenda", bot.user(3, "es"), group(GROUP_B))
    assert "1. Jugendaustausch 2027 (de) — User2" in screen["text"]
    assert "⬆️" not in str(buttons(screen)) and "🗑" not in str(buttons(screen))


async def test_the_button_asks_and_the_reply_becomes_the_item(bot: Driver) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    french = {**bot.user(3, "fr"), "first_name": "Zoé <3"}
    chat = group(GROUP_A)
    [prompt] = await bot.press(posts[GROUP_A], add_data(posts[GROUP_A]), french)
    call = [c for c in bot.api.calls if c.method == "sendMessage"][-1]
    markup = call.params["reply_markup"]
    markup = markup if isinstance(markup, dict) else json.loads(markup)
    assert markup["force_reply"] is True and markup["selective"] is True
    # Named by a link to the presser, so that only their reply box opens.
    assert prompt["text"].startswith("Zoé <3, bitte senden Sie den Tagesordnungspunkt")
    assert '<a href="tg://user?id=3">Zoé &lt;3</a>' in call.params["text"]
    # Another message in the group, not a reply to the prompt, is not the item.
    await reply(bot, french, chat, "hors sujet", posts[GROUP_A])
    assert await texts(bot) == []
    [said, *edits] = await reply(bot, french, chat, "Bilan du festival", prompt)
    assert said["text"].startswith("📝 Auf der Tagesordnung")
    # French is not a language of the group: the item is in its first, German.
    assert await texts(bot) == [("Bilan du festival", "de")]
    assert {e["chat"]["id"] for e in edits} == {GROUP_A, GROUP_B}
    assert "1. Bilan du festival — Zoé <3" in now_shown(bot, posts[GROUP_A])["text"]
    assert "1. Bilan du festival (de) — Zoé <3" in now_shown(bot, posts[GROUP_B])["text"]
    # The conversation is over: a later reply to the prompt adds nothing.
    await reply(bot, french, chat, "encore", prompt)
    assert len(await texts(bot)) == 1


async def test_the_button_in_spanish_and_a_too_long_reply_asks_again(bot: Driver) -> None:
    posts = await invited(bot, (GROUP_B, ("es",)))
    user, chat = bot.user(4, "es"), group(GROUP_B)
    [prompt] = await bot.press(posts[GROUP_B], add_data(posts[GROUP_B]), user)
    assert prompt["text"].startswith("User4, envíe el punto del orden del día")
    rows_before = await bot.rows()
    [refused] = await reply(bot, user, chat, "x" * (MAX_ITEM_CHARS + 1), prompt)
    assert refused["text"] == (
        f"Un punto del orden del día puede tener como máximo {MAX_ITEM_CHARS} caracteres; "
        f"este tiene {MAX_ITEM_CHARS + 1}. Por favor, acórtelo."
    )
    after = await bot.rows()
    assert after["agenda_items"] == rows_before["agenda_items"] == []
    [said, _edit] = await reply(bot, user, chat, "Calendario 2027", prompt)
    assert said["text"].startswith("📝 En el orden del día")
    assert await texts(bot) == [("Calendario 2027", "es")]


async def test_cancel_leaves_the_question(bot: Driver) -> None:
    posts = await invited(bot, (GROUP_B, ("es",)))
    user, chat = bot.user(4, "es"), group(GROUP_B)
    [prompt] = await bot.press(posts[GROUP_B], add_data(posts[GROUP_B]), user)
    await bot.send("/cancelar", user, chat)
    await reply(bot, user, chat, "Calendario 2027", prompt)
    assert await texts(bot) == []


async def test_bad_input_by_command_changes_nothing(bot: Driver) -> None:
    await invited(bot, (GROUP_B, ("es",)))
    user, chat = bot.user(4, "es"), group(GROUP_B)
    before = await bot.rows()
    [said] = await bot.send("/agenda " + "y" * 250, user, chat)
    assert "como máximo 200 caracteres; este tiene 250" in said["text"]
    assert await bot.rows() == before


async def test_no_invitation_yet_and_a_meeting_begun_are_explained(
    bot: Driver, clock: MovableClock
) -> None:
    user = bot.user(4, "es")
    # A group that follows nothing: no invitation, none planned.
    bot.api.add_chat(group(-7003))
    await storage(bot).preferences.set_chat_languages(-7003, "supergroup", None, ("es",))
    before = await bot.rows()
    [said] = await bot.send("/agenda Algo", user, group(-7003))
    assert said["text"] == (
        "Podrá agregar puntos al orden del día cuando este chat haya recibido una invitación."
    )
    assert await bot.rows() == before
    # In private, where nothing is awaited: where the agenda is made.
    [said] = await bot.send("/agenda Algo", user)
    assert said["text"] == (
        "El orden del día se arma en el grupo de la alianza: envíe allí /agenda <texto>."
    )
    # Invited, then the meeting begins: closed, and the next invitation's day is said.
    await invited(bot, (GROUP_B, ("es",)))
    clock.set(START + timedelta(minutes=5))
    settings = bot.app.bot_data.settings
    assert settings is not None
    from bot.schedule.replan import replan

    await replan(storage(bot), clock.now(), settings.timezone)
    [said] = await bot.send("/agenda Algo", user, group(GROUP_B))
    assert said["text"].startswith("La reunión ya comenzó, así que su orden del día está cerrado.")
    assert "La próxima invitación llega el" in said["text"]
    assert await texts(bot) == []


# -- arranging ------------------------------------------------------------------------------------


async def test_a_focal_point_moves_and_drops_a_member_is_refused(bot: Driver) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    await appoint_focal(bot)
    for n, user_id in enumerate((1, 2, 3), start=1):
        await bot.send(f"/agenda Punto {n}", bot.user(user_id, "es"), group(GROUP_B))
    focal = bot.user(FOCAL, "es")
    [screen] = await bot.send("/agenda", focal, group(GROUP_B))
    labels = buttons(screen)
    assert "⬆️ 1" not in labels and {"⬆️ 2", "⬆️ 3", "🗑 1", "🗑 2", "🗑 3"} <= set(labels)
    # A member's press changes nothing.
    member = bot.user(MEMBER, "es")
    before = await bot.rows()
    since = len(bot.api.calls)
    await bot.press(screen, labels["🗑 1"], member)
    await bot.press(screen, labels["⬆️ 3"], member)
    assert (
        bot.alerts(since)
        == [
            "Solo los puntos focales de la alianza y la coordinación ordenan el orden del día. "
            "Pregunte a uno de ellos: /contactos <ciudad>"
        ]
        * 2
    )
    assert await bot.rows() == before
    # The focal point moves the third up, then drops the first.
    [moved, *edits] = await bot.press(screen, labels["⬆️ 3"], focal)
    assert [t for t, _l in await texts(bot)] == ["Punto 1", "Punto 3", "Punto 2"]
    assert "1. Punto 1 — User1\n2. Punto 3 — User3\n3. Punto 2 — User2" in moved["text"]
    assert {e["chat"]["id"] for e in edits} == {GROUP_A, GROUP_B}
    since = len(bot.api.calls)
    [dropped, *_edits] = await bot.press(moved, buttons(moved)["🗑 1"], focal)
    assert bot.alerts(since) == ["🗑 Quitado: Punto 1"]
    assert [t for t, _l in await texts(bot)] == ["Punto 3", "Punto 2"]
    shown = now_shown(bot, posts[GROUP_A])["text"]
    assert "Punto 1" not in shown and "1. Punto 3 — User3\n2. Punto 2 — User2" in shown
    assert "Punto 1" not in dropped["text"]
    # Pressed again (an old screen): the item is gone, said so; nothing changes.
    since = len(bot.api.calls)
    await bot.press(screen, labels["🗑 1"], focal)
    assert bot.alerts(since) == ["Este punto ya no está en el orden del día."]


async def test_a_coordinator_arranges_too(bot: Driver) -> None:
    await invited(bot, (GROUP_B, ("es",)))
    await bot.send("/agenda Uno", bot.user(1, "es"), group(GROUP_B))
    await bot.send("/agenda Dos", bot.user(1, "es"), group(GROUP_B))
    coordinator = bot.user(COORDINATOR, "es")
    [screen] = await bot.send("/agenda", coordinator, group(GROUP_B))
    await bot.press(screen, buttons(screen)["⬆️ 2"], coordinator)
    assert [t for t, _l in await texts(bot)] == ["Dos", "Uno"]


# -- a restart in the middle --------------------------------------------------------------------


@pytest.fixture
async def lives(settings: Settings, i18n: I18n, clock: MovableClock) -> AsyncIterator[list[Driver]]:
    """Applications on one database file and one fake Telegram; each but the last is
    abandoned (a crash: never stopped, so PTB writes nothing at shutdown)."""
    from harness.fake_telegram import OfflineTelegram

    api = OfflineTelegram(clock=clock)
    started: list[Driver] = []
    app = make_app(settings, i18n, clock, api)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    started.append(Driver(app, api))
    yield started
    *abandoned, last = started
    for driver in abandoned:
        if driver.app.bot_data.storage is not None:
            await driver.app.bot_data.storage.close()
    await last.app.shutdown()
    assert last.app.post_shutdown is not None
    await last.app.post_shutdown(last.app)


async def test_a_restart_between_the_question_and_the_reply_loses_nothing(
    lives: list[Driver], settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    first = lives[0]
    posts = await invited(first, (GROUP_B, ("es",)))
    user, chat = first.user(4, "es"), group(GROUP_B)
    [prompt] = await first.press(posts[GROUP_B], add_data(posts[GROUP_B]), user)

    app = make_app(settings, i18n, clock, first.api)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    again = Driver(app, first.api)
    lives.append(again)
    [said, _edit] = await reply(again, user, chat, "Tras el reinicio", prompt)
    assert said["text"].startswith("📝 En el orden del día")
    assert "1. Tras el reinicio — User4" in now_shown(again, posts[GROUP_B])["text"]


# -- posts ----------------------------------------------------------------------------------------


async def test_the_reminder_a_day_before_carries_the_agenda(
    bot: Driver, clock: MovableClock
) -> None:
    await invited(bot, (GROUP_B, ("es",)))
    await bot.send("/agenda Presupuesto", bot.user(1, "es"), group(GROUP_B))
    await bot.send("/agenda Budget", bot.user(2, "de"), group(GROUP_B))
    clock.set(START - timedelta(days=1))
    await plan_and_send(bot)
    reminder = sent_to(bot, GROUP_B)[-1]["text"]
    assert reminder.startswith("⏰")
    assert "📝 Orden del día\n1. Presupuesto — User1\n2. Budget — User2" in reminder


async def test_a_long_agenda_keeps_each_post_to_one_screen(
    bot: Driver, clock: MovableClock
) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    long = "Ein sehr langer Punkt über den Haushalt des Jugendaustauschs und die Reisekosten"
    for n in range(12):
        await bot.send(f"/agenda {n + 1}. {long}", bot.user(n + 1, "de"), group(GROUP_A))
    for post in posts.values():
        text = now_shown(bot, post)["text"]
        assert screen_lines(text) <= SCREEN_LINES, text
        assert "/tagesordnung" in text or "/agenda" in text  # where the rest is
    # Cut to fit, and marked as German where the group does not read it.
    b = now_shown(bot, posts[GROUP_B])["text"]
    assert "1. 1. Ein sehr langer Punkt über den Haushalt des… (de) — User1" in b
    assert "…y 8 más: /agenda" in b  # the question gave its line to a fourth item
    assert "…und 10 weitere · …y 10 más: /tagesordnung" in now_shown(bot, posts[GROUP_A])["text"]
    # /agenda shows them all, a screen a page.
    [first] = await bot.send("/agenda", bot.user(1, "de"), group(GROUP_A))
    pages = await bot.pages(first, bot.user(1, "de"))
    assert len(pages) > 1
    for page in pages:
        assert screen_lines(page["text"]) <= SCREEN_LINES
    shown = "\n".join(p["text"] for p in pages)
    assert all(f"{n + 1}. {n + 1}. {long[:20]}" in shown for n in range(12))
    clock.set(START - timedelta(days=1))
    await plan_and_send(bot)
    for chat_id in (GROUP_A, GROUP_B):
        reminder = sent_to(bot, chat_id)[-1]["text"]
        assert reminder.startswith("⏰") and screen_lines(reminder) <= SCREEN_LINES


async def test_a_deleted_invitation_does_not_stop_the_add_nor_the_other_edits(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    posts = await invited(bot, (GROUP_A, ("de", "es")), (GROUP_B, ("es",)))
    del bot.api.messages[(GROUP_A, posts[GROUP_A]["message_id"])]  # deleted by an admin
    with caplog.at_level("INFO", logger="bot.schedule.invitations"):
        [said, edit] = await bot.send("/agenda Calendario", bot.user(1, "es"), group(GROUP_A))
    assert said["text"].startswith("📝 Auf der Tagesordnung")
    assert edit["chat"]["id"] == GROUP_B and "1. Calendario — User1" in edit["text"]
    [record] = [r for r in caplog.records if r.name == "bot.schedule.invitations"]
    assert record.levelname == "INFO" and "message to edit not found" in record.getMessage().lower()
    assert await texts(bot) == [("Calendario", "es")]


async def test_the_repository_keeps_order_per_meeting(bot: Driver) -> None:
    from bot.model.agenda import Direction
    from bot.model.domain import LocalizedText

    agenda, now = storage(bot).agenda, bot.app.bot_data.clock.now()
    other = (SERIES, "2027-02-16T15:00")
    a, b, c = [
        await agenda.add(MEETING, LocalizedText.of(t, "es"), 1, "Ana", None, now) for t in "abc"
    ]
    d = await agenda.add(other, LocalizedText.of("d", "de"), None, None, None, now)
    assert [i.position for i in (a, b, c)] == [1, 2, 3] and d.position == 1
    assert await agenda.move(a.id, Direction.UP) is False  # first already
    assert await agenda.move(a.id, Direction.DOWN) is True
    assert await agenda.move(c.id, Direction.DOWN) is False  # last already
    dropped = await agenda.drop(b.id)
    assert dropped is not None and dropped.text.original == "b"
    assert await agenda.drop(b.id) is None
    both = await agenda.items_for([MEETING, other, (SERIES, "2030-01-01T15:00")])
    assert {m: [i.text.original for i in items] for m, items in both.items()} == {
        MEETING: ["a", "c"],
        other: ["d"],
    }
    assert await agenda.move(9999, Direction.UP) is False


async def test_arranging_on_a_later_page_stays_on_that_page(bot: Driver) -> None:
    await invited(bot, (GROUP_B, ("es",)))
    await appoint_focal(bot)
    long = "un punto largo sobre el presupuesto del intercambio juvenil y los viajes"
    for n in range(1, 9):
        await bot.send(f"/agenda {n} {long}", bot.user(n, "es"), group(GROUP_B))
    focal = bot.user(FOCAL, "es")
    [first] = await bot.send("/agenda", focal, group(GROUP_B))
    pages = await bot.pages(first, focal)
    assert len(pages) >= 2
    last = pages[-1]
    ups = {label: data for label, data in buttons(last).items() if label.startswith("⬆️")}
    label, data = sorted(ups.items())[-1]
    number = int(label.split()[1])
    [moved, *_edits] = await bot.press(last, data, focal)
    # The moved item is on the screen shown, one place higher.
    assert f"{number - 1}. {number} {long}" in moved["text"]
    assert screen_lines(moved["text"]) <= SCREEN_LINES


def add_button(post: JSON) -> str:
    """📝's callback data under an invitation."""
    rows = post["reply_markup"]["inline_keyboard"]
    return next(k["callback_data"] for row in rows for k in row if k["callback_data"][:3] == "ag:")


async def test_only_the_partnerships_people_and_own_groups_add_to_its_meetings(
    bot: Driver, clock: MovableClock
) -> None:
    """Anyone may follow a partnership and so get its invitations; its meetings take items
    only from its focal points and the coordinators, and from the groups they linked."""
    posts = await invited(bot, (GROUP_A, ("en",)))
    stranger_group, stranger = -7099, bot.user(66, "en")
    bot.api.add_chat(group(stranger_group))
    await storage(bot).subscriptions.add(
        stranger_group, "supergroup", "mine", "partnership", "bonn-la-paz", 66, clock.now()
    )
    await bot.send("/start", stranger)
    await bot.send("/subscribe bonn", stranger)  # their private chat follows it too
    await plan_and_send(bot)
    [theirs] = [m for m in sent_to(bot, stranger_group) if "Invitation" in m["text"]]
    before = await bot.rows()
    for chat in (group(stranger_group), None):
        [refused] = await bot.send("/agenda Buy my <b>crypto</b>", stranger, chat)
        assert "does not speak for Bonn – La Paz" in refused["text"]
    assert await bot.press(theirs, add_button(theirs), stranger) == []  # no prompt
    assert "does not speak for" in bot.alerts()[-1]
    assert (await bot.rows())["agenda_items"] == before["agenda_items"]
    assert now_shown(bot, posts[GROUP_A])["text"] == posts[GROUP_A]["text"]
    # A focal point of the partnership adds from their private chat, which follows it.
    now = clock.now()
    await storage(bot).roles.appoint_focal_point("bonn-la-paz", 66, Side.SOUTH, COORDINATOR, now)
    await bot.send("/agenda Presupuesto", stranger)
    assert "Presupuesto" in now_shown(bot, posts[GROUP_A])["text"]


async def test_a_private_question_takes_only_the_reply_to_it(
    bot: Driver, clock: MovableClock
) -> None:
    """📝 in a private chat, then other talk: only the reply to the question is the item."""
    focal = bot.user(FOCAL, "en")
    await storage(bot).roles.appoint_focal_point(
        "bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, clock.now()
    )
    if clock.now() < AFTER:
        clock.set(AFTER)
    await bot.send("/start", focal)
    await bot.send("/subscribe bonn", focal)
    await plan_and_send(bot)
    [invitation] = [m for m in sent_to(bot, FOCAL) if "Invitation" in m["text"]]
    [prompt] = await bot.press(invitation, add_button(invitation), focal)
    await bot.send("Bonn", focal)  # talk (an answer to another question), not the item
    assert await storage(bot).agenda.items(MEETING) == []
    private = {"id": FOCAL, "type": "private", "first_name": focal["first_name"]}
    update = bot.api.reply_message(focal, private, "Budget 2027", prompt)
    await bot.app.process_update(as_update(update, bot.app.bot))
    [item] = await storage(bot).agenda.items(MEETING)
    assert item.text.original == "Budget 2027"


async def test_a_coordinators_subscribe_links_a_group_that_already_follows(
    bot: Driver, clock: MovableClock
) -> None:
    """A group an admin subscribed speaks for the partnership once a coordinator (or its
    focal point) sends /subscribe there too."""
    if clock.now() < AFTER:
        clock.set(AFTER)
    chat = bot.group(-7098, {66: "administrator", COORDINATOR: "administrator"})
    await bot.send("/subscribe bonn", bot.user(66), chat)
    await plan_and_send(bot)
    [refused] = await bot.send("/agenda Budget", bot.user(67), chat)
    assert "spricht nicht für Bonn – La Paz" in refused["text"]  # the group reads German
    assert await storage(bot).agenda.items(MEETING) == []
    [linked] = await bot.send("/subscribe bonn", bot.user(COORDINATOR), chat)
    assert "von Ihnen verknüpft" in linked["text"]
    await bot.send("/agenda Budget", bot.user(67), chat)
    assert [i.text.original for i in await storage(bot).agenda.items(MEETING)] == ["Budget"]
