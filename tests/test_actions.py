"""Action items after the call, through the real Application and the offline Bot API: the
ask after the meeting, adding an item in a group (by button and by /action, the owner
picked or replied to, the due day typed in several languages), /actions with its pages
and ✅, the owners' private reminders, the weekly overdue digest, and the next invitation's
"open from last time". Time is moved on the MovableClock, never waited for."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from bot.app import running
from bot.config import Settings
from bot.model.actions import ActionItem, Member, NewActionItem
from bot.model.clock import MovableClock
from bot.model.domain import ChangeStatus, Dataset, LocalizedText, Meeting, MeetingChange
from bot.model.reminders import ReminderSetting
from bot.model.roles import Side
from bot.text.i18n import I18n
from harness.fake_telegram import OfflineTelegram, as_update
from tests.conftest import COORDINATOR, Driver, make_app, plan_and_send, sent_to

GROUP = -700
PID = "bonn-la-paz"
SERIES = "bonn-la-paz-virtual"
MEETING = "2026-11-24T15:00"  # Tuesday 15:00 Berlin, an hour long: over at 15:00 UTC
OVER = datetime(2026, 11, 24, 15, 0, tzinfo=UTC)


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def follow(bot: Driver, chat_id: int = GROUP, languages: tuple[str, ...] = ("en",)) -> None:
    bot.api.add_chat({"id": chat_id, "type": "supergroup", "title": "Bonn – La Paz"})
    store, now = storage(bot), bot.app.bot_data.clock.now()
    await store.subscriptions.add(
        chat_id, "supergroup", "Bonn – La Paz", "partnership", PID, COORDINATOR, now
    )
    await store.preferences.set_chat_languages(chat_id, "supergroup", None, languages)


async def started(bot: Driver, user_id: int, language: str, zone: str) -> None:
    """The user opened the private chat and set their language and zone."""
    store = storage(bot)
    await bot.send("/start", bot.user(user_id, language))
    await store.preferences.set_user_language(user_id, language)
    await store.preferences.set_user_timezone(user_id, zone)
    await store.preferences.set_chat_languages(user_id, "private", None, ())


def reminders_to(bot: Driver, user_id: int) -> list[dict[str, Any]]:
    """The action item reminders a private chat got (not the answers to /start)."""
    return [m for m in sent_to(bot, user_id) if m["text"].startswith("📋")]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    """Label -> callback data of a message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", [])
    return {k["text"]: k["callback_data"] for row in rows for k in row if "callback_data" in k}


async def reply(
    bot: Driver, user: dict[str, Any], text: str, to: dict[str, Any]
) -> list[dict[str, Any]]:
    """`text` sent in the group as a reply to the bot's message `to` (as a ForceReply makes it)."""
    before = len(bot.api.calls)
    update = bot.api.reply_message(user, group(), text, to)
    await bot.app.process_update(as_update(update, bot.app.bot))
    return bot.replies(before)


def group() -> dict[str, Any]:
    return {"id": GROUP, "type": "supergroup", "title": "Bonn – La Paz"}


async def items(bot: Driver) -> list[ActionItem]:
    return list(await storage(bot).actions.open_for([PID]))


async def after_the_meeting(
    bot: Driver, clock: MovableClock, yes: tuple[int, ...] = ()
) -> dict[str, Any]:
    """The group invited (the given users answer ✅), then the meeting over: the ask."""
    await follow(bot)
    await plan_and_send(bot)
    [invitation] = sent_to(bot, GROUP)
    for user in yes:
        await bot.press(invitation, buttons(invitation)["✅ 0"], bot.user(user))
    clock.set(OVER + timedelta(minutes=1))
    await plan_and_send(bot)
    asks = [m for m in sent_to(bot, GROUP) if "The meeting is over" in m["text"]]
    assert len(asks) == 1
    return asks[0]


async def add_item(
    bot: Driver, store: Any, text: str, owner: Member | Side, due: date, now: datetime
) -> ActionItem:
    new = NewActionItem(PID, Meeting(SERIES, MEETING), LocalizedText.of(text, "en"), owner, due, 1)
    item: ActionItem = await store.actions.add(new, now)
    return item


# -- the ask, and adding an item ---------------------------------------------------------------


async def test_the_group_is_asked_once_when_the_meeting_is_over(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot)
    await plan_and_send(bot)
    clock.set(OVER - timedelta(minutes=1))  # still running: nothing asked yet
    await plan_and_send(bot)
    assert not [m for m in sent_to(bot, GROUP) if "The meeting is over" in m["text"]]
    clock.set(OVER + timedelta(minutes=1))
    await plan_and_send(bot)
    [ask] = [m for m in sent_to(bot, GROUP) if "The meeting is over" in m["text"]]
    assert "Virtual meeting Bonn – La Paz" in ask["text"]
    assert list(buttons(ask)) == ["➕ Add an action item"]
    assert buttons(ask)["➕ Add an action item"].startswith("ai:")
    await plan_and_send(bot)
    clock.set(OVER + timedelta(hours=5))
    await plan_and_send(bot)
    assert len([m for m in sent_to(bot, GROUP) if "The meeting is over" in m["text"]]) == 1


async def test_a_moved_meeting_is_asked_after_its_new_end_a_cancelled_one_never(
    bot: Driver, clock: MovableClock
) -> None:
    moved = MeetingChange(
        "m-nov",
        SERIES,
        datetime(2026, 11, 24, 15, 0),
        ChangeStatus.MOVED,
        datetime(2026, 11, 26, 17, 0),
    )
    cancelled = MeetingChange("c-jan", SERIES, datetime(2027, 1, 5, 15, 0), ChangeStatus.CANCELLED)
    await storage(bot).network.save(Dataset(meeting_changes=(moved, cancelled)))
    await follow(bot)

    def asks() -> list[str]:
        return [m["text"] for m in sent_to(bot, GROUP) if "The meeting is over" in m["text"]]

    clock.set(OVER + timedelta(minutes=1))  # the old end: nothing
    await plan_and_send(bot)
    assert asks() == []
    clock.set(datetime(2026, 11, 26, 17, 1, tzinfo=UTC))  # 18:00 Berlin: over
    await plan_and_send(bot)
    assert len(asks()) == 1
    clock.set(datetime(2027, 1, 5, 15, 1, tzinfo=UTC))  # the cancelled one's end
    await plan_and_send(bot)
    assert len(asks()) == 1
    async with storage(bot).db.conn.execute(
        "SELECT key, status FROM deliveries WHERE kind = 'actask' AND due_at < ? ORDER BY due_at",
        ("2027-02-01",),
    ) as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [
            (f"actask:{SERIES}:2026-11-24T15:00", "sent")  # the moved one, under its own key
        ]


async def test_adding_by_the_button_picking_an_answerer_with_a_spanish_date(
    bot: Driver, clock: MovableClock
) -> None:
    ask = await after_the_meeting(bot, clock, yes=(1, 2))
    ana = bot.user(1, "es")
    [prompt] = await bot.press(ask, buttons(ask)["➕ Add an action item"], ana)
    asked = bot.api.calls[-1].params  # a selective ForceReply, mentioning the one asked
    assert asked["reply_markup"] == {"force_reply": True, "selective": True}
    assert 'href="tg://user?id=1"' in asked["text"] and "what was agreed?" in prompt["text"]
    assert await bot.send("Talk around it, not a reply", ana, group()) == []  # not taken
    [owner_step] = await reply(bot, ana, "Enviar el borrador del presupuesto", prompt)
    picks = buttons(owner_step)
    assert {"👤 User1", "👤 User2", "👥 Bonn team", "👥 La Paz team"} <= set(picks)
    [due_step] = await bot.press(owner_step, picks["👤 User2"], ana)
    assert "By when?" in due_step["text"] or "by when?" in due_step["text"]
    saved, *_edited = await reply(bot, ana, "15 de diciembre", due_step)
    assert "Action item added" in saved["text"]
    assert "Enviar el borrador del presupuesto" in saved["text"]
    assert "User2" in saved["text"] and "December 15, 2026" in saved["text"]
    [item] = await items(bot)
    assert item.owner == Member(2, "User2") and item.due == date(2026, 12, 15)
    # The group reads English only, not the author's Spanish: its first language is taken.
    assert item.meeting == Meeting(SERIES, MEETING) and item.text.original_language == "en"
    assert item.chat_id == GROUP and item.created_by == 1


async def test_adding_by_reply_makes_that_member_the_owner_with_a_french_date(
    bot: Driver, clock: MovableClock
) -> None:
    await after_the_meeting(bot, clock)
    marie = bot.user(3, "fr")
    said = bot.api.user_message(marie, group(), "Je réserve la salle")["message"]
    update = bot.api.reply_message(bot.user(1), group(), "/action Réserver la salle", said)
    before = len(bot.api.calls)
    await bot.app.process_update(as_update(update, bot.app.bot))
    [due_step] = bot.replies(before)
    assert "User3" in due_step["text"]  # no owner asked: the one replied to
    saved, *_edited = await reply(bot, bot.user(1), "3 décembre", due_step)
    assert "Action item added" in saved["text"] and "December 3, 2026" in saved["text"]
    [item] = await items(bot)
    assert item.owner == Member(3, "User3") and item.due == date(2026, 12, 3)
    assert item.meeting is None  # added outside the meeting's ask


async def test_bad_input_is_explained_and_changes_nothing(bot: Driver, clock: MovableClock) -> None:
    await after_the_meeting(bot, clock)
    await bot.send("/action Book the hall", bot.user(1), group())
    [owner_step] = bot.replies(len(bot.api.calls) - 1)
    [due] = await bot.press(owner_step, buttons(owner_step)["👥 La Paz team"], bot.user(1))
    before = await bot.rows()
    [past] = await reply(bot, bot.user(1), "1 March 2020", due)
    assert "That day has passed" in past["text"]
    [unread] = await reply(bot, bot.user(1), "whenever it suits", past)
    assert "could not read a date" in unread["text"]
    assert (await bot.rows())["action_items"] == before["action_items"] == []
    saved, *_edited = await reply(bot, bot.user(1), "tomorrow", unread)
    assert "La Paz team" in saved["text"]
    [item] = await items(bot)
    assert item.owner is Side.SOUTH and item.due == date(2026, 11, 25)


async def test_cancel_leaves_and_adds_nothing(bot: Driver, clock: MovableClock) -> None:
    ask = await after_the_meeting(bot, clock)
    [prompt] = await bot.press(ask, buttons(ask)["➕ Add an action item"], bot.user(1))
    [empty] = await reply(bot, bot.user(1), "   ", prompt)
    assert "needs a text" in empty["text"]
    [left] = await bot.send("/cancel", bot.user(1), group())
    assert "No action item was added" in left["text"]
    await reply(bot, bot.user(1), "Something typed later", prompt)
    assert await items(bot) == []


async def test_a_restart_in_the_middle_of_adding_loses_nothing(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api)) as app:
        bot = Driver(app, api)
        ask = await after_the_meeting(bot, clock)
        [prompt] = await bot.press(ask, buttons(ask)["➕ Add an action item"], bot.user(1))
        [owner_step] = await reply(bot, bot.user(1), "Share the photos", prompt)
    async with running(make_app(settings, i18n, clock, api)) as app:
        bot = Driver(app, api)
        [due_step] = await bot.press(owner_step, buttons(owner_step)["🙋 Me"], bot.user(1))
        assert "User1" in due_step["text"]
        saved, *_edited = await reply(bot, bot.user(1), "2026-12-20", due_step)
        assert "Share the photos" in saved["text"] and "User1" in saved["text"]
        [item] = await items(bot)
        assert item.owner == Member(1, "User1") and item.due == date(2026, 12, 20)


# -- /actions ----------------------------------------------------------------------------------


async def test_actions_pages_oldest_first_and_ticking(bot: Driver, clock: MovableClock) -> None:
    await follow(bot)
    store, now = storage(bot), clock.now()
    made = []
    for n in range(9):
        owner = Member(2, "User2") if n % 2 else Side.NORTH
        text = f"Item number {n}: write to the partners about the next visit and its costs"
        made.append(
            await add_item(
                bot, store, text, owner, date(2026, 11, 20 + n), now + timedelta(minutes=n)
            )
        )
    [first] = await bot.send("/actions", bot.user(1), group())
    pages = await bot.pages(first)
    assert len(pages) > 1
    listed = [line for page in pages for line in page["text"].splitlines() if "Item number" in line]
    assert [int(line.split("Item number ")[1][0]) for line in listed] == list(range(9))
    assert "⏰" in pages[0]["text"]  # due 20 November, today is the 23rd
    # A member who neither owns it nor is a focal point: refused, nothing changes.
    second = made[1]
    tick = next(
        d for d in buttons(first).values() if d.startswith("act:") and f":{second.id}:" in d
    )
    before = await bot.rows()
    await bot.press(first, tick, bot.user(5))
    assert "Only the item's owner" in bot.alerts()[-1]
    assert bot.alerts()[-1].endswith("Ask one of them: /contacts <town>")
    ticks = [label for label, d in buttons(first).items() if d.startswith("act:")]
    assert ticks and all(label.startswith("☑️ ") for label in ticks)  # not the ✅ of answers
    assert (await bot.rows())["action_items"] == before["action_items"]
    # Its owner: done, the page edited in place.
    [edited] = await bot.press(first, tick, bot.user(2))
    assert edited["message_id"] == first["message_id"]
    assert "Item number 1" not in edited["text"]
    assert (await store.actions.get(second.id)).done_by == 2
    # A focal point of the partnership ticks a side's item.
    await store.roles.appoint_focal_point(PID, 6, Side.SOUTH, 9000, now)
    third = made[0]
    tick = next(d for d in buttons(edited).values() if f":{third.id}:" in d)
    await bot.press(edited, tick, bot.user(6))
    assert (await store.actions.get(third.id)).done_by == 6
    assert len(await items(bot)) == 7


async def test_actions_in_private_for_a_town_and_for_ones_own(
    bot: Driver, clock: MovableClock
) -> None:
    store, now = storage(bot), clock.now()
    await add_item(bot, store, "Send the minutes", Member(2, "User2"), date(2026, 12, 1), now)
    [named] = await bot.send("/actions La Paz", bot.user(4))
    assert "Send the minutes" in named["text"] and "Bonn – La Paz" in named["text"]
    # Not the partnership's: who owns it is not said (names are for its people).
    assert "User2" not in named["text"] and "👤 a member" in named["text"]
    [nothing] = await bot.send("/actions", bot.user(4))
    assert "Which partnership?" in nothing["text"]
    await store.roles.appoint_focal_point(PID, 4, Side.NORTH, 9000, now)
    [own] = await bot.send("/actions", bot.user(4))
    assert "Send the minutes" in own["text"] and "👤 User2" in own["text"]


# -- private reminders -------------------------------------------------------------------------


async def test_owners_are_reminded_privately_in_their_language_and_zone(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot)
    store = storage(bot)
    await started(bot, 2, "es", "America/La_Paz")
    clock.set(OVER + timedelta(minutes=1))
    mine = await add_item(
        bot, store, "Send the budget", Member(2, "User2"), date(2026, 12, 15), clock.now()
    )
    await add_item(bot, store, "Book the hall", Member(3, "User3"), date(2026, 12, 15), clock.now())
    await plan_and_send(bot)
    async with store.db.conn.execute(
        "SELECT chat_id, key, due_at FROM deliveries WHERE kind = 'action' ORDER BY due_at"
    ) as cur:
        rows = [tuple(r) for r in await cur.fetchall()]
    # 09:00 in La Paz (UTC-4) three days and one day before; nothing for user 3.
    assert [(r[0], r[1]) for r in rows] == [
        (2, f"action:{mine.id}:2026-12-15:3d"),
        (2, f"action:{mine.id}:2026-12-15:1d"),
    ]
    assert datetime.fromisoformat(rows[0][2]) == datetime(2026, 12, 12, 13, 0, tzinfo=UTC)
    clock.set(datetime(2026, 12, 12, 13, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [three] = reminders_to(bot, 2)
    assert "Send the budget (en)" in three["text"] and "vence dentro de 3 días" in three["text"]
    clock.set(datetime(2026, 12, 14, 13, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert len(reminders_to(bot, 2)) == 2 and "mañana" in reminders_to(bot, 2)[1]["text"]
    assert reminders_to(bot, 3) == []


async def test_a_ticked_items_pending_reminder_is_not_sent(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot)
    store = storage(bot)
    await started(bot, 2, "en", "Europe/Berlin")
    mine = await add_item(
        bot, store, "Send the budget", Member(2, "User2"), date(2026, 12, 15), clock.now()
    )
    clock.set(datetime(2026, 12, 12, 8, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [reminder] = reminders_to(bot, 2)
    done, *_edited = await bot.press(reminder, buttons(reminder)["✅ Done"], bot.user(2))
    assert done["text"].startswith("✅ Done: Send the budget")
    clock.set(datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert len(reminders_to(bot, 2)) == 1
    async with store.db.conn.execute(
        "SELECT count(*) FROM deliveries WHERE key = ?", (f"action:{mine.id}:2026-12-15:1d",)
    ) as cur:
        assert (await cur.fetchone())[0] == 0  # the re-plan after ✅ dropped it


async def test_a_sides_items_remind_that_sides_focal_points(
    bot: Driver, clock: MovableClock
) -> None:
    store = storage(bot)
    await started(bot, 7, "de", "Europe/Berlin")
    await started(bot, 8, "es", "America/La_Paz")
    await store.roles.appoint_focal_point(PID, 7, Side.NORTH, 9000, clock.now())
    await store.roles.appoint_focal_point(PID, 8, Side.SOUTH, 9000, clock.now())
    await add_item(bot, store, "Draft the report", Side.SOUTH, date(2026, 12, 3), clock.now())
    clock.set(datetime(2026, 12, 2, 13, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert reminders_to(bot, 7) == [] and len(reminders_to(bot, 8)) == 1


# -- the weekly digest and the next invitation -------------------------------------------------


async def test_the_overdue_digest_comes_weekly_only_with_overdue_items_naming_nobody(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot)
    store = storage(bot)
    clock.set(OVER + timedelta(minutes=1))
    late = await add_item(
        bot, store, "Send the budget", Member(2, "User2"), date(2026, 11, 30), clock.now()
    )
    await add_item(bot, store, "Draft the report", Side.SOUTH, date(2026, 12, 2), clock.now())

    def digests() -> list[dict[str, Any]]:
        return [m for m in sent_to(bot, GROUP) if "Overdue action items" in m["text"]]

    clock.set(datetime(2026, 11, 30, 8, 0, tzinfo=UTC))  # Monday 09:00 Berlin: none overdue yet
    await plan_and_send(bot)
    assert digests() == []
    clock.set(datetime(2026, 12, 7, 8, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [digest] = digests()
    assert "Send the budget" in digest["text"] and "La Paz team" in digest["text"]
    assert "User2" not in digest["text"]
    clock.set(datetime(2026, 12, 9, 8, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert len(digests()) == 1  # once a week at most
    await store.actions.done(late.id, 2, clock.now())
    await store.actions.done(late.id + 1, 2, clock.now())
    clock.set(datetime(2026, 12, 14, 8, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert len(digests()) == 1  # nothing overdue: no digest


async def test_the_next_invitation_shows_only_what_is_still_open(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot)
    await follow(bot, GROUP - 1, languages=("de", "es"))
    store = storage(bot)
    for chat_id in (GROUP, GROUP - 1):
        await store.subscriptions.set_reminder(
            chat_id, "supergroup", None, ReminderSetting.INVITE, 7
        )
    clock.set(OVER + timedelta(minutes=1))
    open_one = await add_item(
        bot, store, "Send the budget", Member(2, "User2"), date(2026, 12, 15), clock.now()
    )
    ticked = await add_item(
        bot, store, "Book the hall", Side.NORTH, date(2026, 12, 10), clock.now()
    )
    await store.actions.done(ticked.id, 2, clock.now())
    clock.set(datetime(2026, 12, 29, 14, 0, tzinfo=UTC))  # a week before 5 January
    await plan_and_send(bot)
    [invitation] = [m for m in sent_to(bot, GROUP) if "Invitation" in m["text"]]
    assert "Open from last time:" in invitation["text"]
    assert open_one.text.original in invitation["text"]
    assert "Book the hall" not in invitation["text"] and "User2" not in invitation["text"]
    assert "⏰" not in invitation["text"].split("Open from last time:")[0]
    # In German and Spanish: a heading in each, the item's line said once.
    [both] = [m for m in sent_to(bot, GROUP - 1) if "Einladung" in m["text"]]
    assert (
        "Noch offen vom letzten Mal:" in both["text"]
        and "Pendiente de la última vez:" in both["text"]
    )
    assert both["text"].count("• Send the budget (en)") == 1


async def test_the_invitation_sent_as_the_meeting_ended_shows_items_added_and_ticked_after(
    bot: Driver, clock: MovableClock
) -> None:
    """By default the next invitation goes out the minute the meeting ends, before anyone
    typed its items: adding one edits it in place, and ticking it takes it off again."""
    ask = await after_the_meeting(bot, clock)
    *_, invitation = [m for m in sent_to(bot, GROUP) if "Invitation" in m["text"]]
    assert "Open from last time" not in invitation["text"] and "Jan 5, 2027" in invitation["text"]
    said = bot.api.user_message(bot.user(3), group(), "I will book the hall")["message"]
    update = bot.api.reply_message(bot.user(1), group(), "/action Book the hall", said)
    await bot.app.process_update(as_update(update, bot.app.bot))
    *_, due_step = sent_to(bot, GROUP)
    assert "User3" in due_step["text"] and due_step["message_id"] > ask["message_id"]
    await reply(bot, bot.user(1), "December 20", due_step)
    shown = bot.api.messages[(GROUP, invitation["message_id"])]["text"]
    assert "Open from last time:" in shown and "Book the hall" in shown
    [item] = await items(bot)
    [listing] = await bot.send("/actions", bot.user(3), group())
    await bot.press(listing, buttons(listing)[next(iter(buttons(listing)))], bot.user(3))
    assert (await storage(bot).actions.get(item.id)).done_by == 3
    shown = bot.api.messages[(GROUP, invitation["message_id"])]["text"]
    assert "Book the hall" not in shown and "Open from last time" not in shown


async def test_focal_points_add_from_private_others_are_told_where(
    bot: Driver, clock: MovableClock
) -> None:
    store = storage(bot)
    before = await bot.rows()
    [refused] = await bot.send("/action Send the letters", bot.user(5))
    assert "added in the partnership's group" in refused["text"]
    assert (await bot.rows())["action_items"] == before["action_items"]
    await store.roles.appoint_focal_point(PID, 4, Side.NORTH, 9000, clock.now())
    [owner_step] = await bot.send("/tarea Enviar las cartas", bot.user(4, "es"))
    assert "¿Quién se encarga?" in owner_step["text"]
    [due_step] = await bot.press(owner_step, buttons(owner_step)["🙋 Yo"], bot.user(4, "es"))
    assert "¿para cuándo?" in due_step["text"]
    [saved] = await bot.send("20.12.", bot.user(4, "es"))
    assert "Tarea agregada" in saved["text"] and "20 de diciembre de 2026" in saved["text"]
    [item] = await items(bot)
    assert item.owner == Member(4, "User4") and item.chat_id is None
    assert item.text.original_language == "es"


async def test_a_group_not_linked_by_the_partnerships_people_adds_nothing(
    bot: Driver, clock: MovableClock
) -> None:
    """Any group may follow Bonn – La Paz; only one its focal points or the coordinators
    linked adds action items to it (by /action or by ➕)."""
    stranger_group = {"id": -799, "type": "supergroup", "title": "mine"}
    bot.api.add_chat(stranger_group)
    store = storage(bot)
    await store.subscriptions.add(-799, "supergroup", "mine", "partnership", PID, 66, clock.now())
    await store.preferences.set_chat_languages(-799, "supergroup", None, ("en",))
    ask = await after_the_meeting(bot, clock)
    before = await bot.rows()
    [refused] = await bot.send("/action Pay 500 EUR", bot.user(66), stranger_group)
    assert "does not speak for Bonn – La Paz" in refused["text"]
    [theirs] = [m for m in sent_to(bot, -799) if "The meeting is over" in m["text"]]
    assert await bot.press(theirs, buttons(theirs)["➕ Add an action item"], bot.user(66)) == []
    assert "does not speak for" in bot.alerts()[-1]
    assert (await bot.rows())["action_items"] == before["action_items"]
    # The partnership's own group: a reply to a member's message is talk, not the answer.
    [prompt] = await bot.press(ask, buttons(ask)["➕ Add an action item"], bot.user(1))
    said = bot.api.user_message(bot.user(3), group(), "Shall we meet in May?")["message"]
    talk = bot.api.reply_message(bot.user(1), group(), "Yes, good idea", said)
    await bot.app.process_update(as_update(talk, bot.app.bot))
    assert (await store.conversations.draft(1, "action")).get("text") is None
    [owner_step] = await reply(bot, bot.user(1), "Book the hall", prompt)
    assert "Book the hall" in owner_step["text"]


async def test_forgetme_ends_anothers_half_made_item_they_were_to_own(
    bot: Driver, clock: MovableClock
) -> None:
    await after_the_meeting(bot, clock)
    zyx = {"id": 77, "is_bot": False, "first_name": "Zyxwvu", "language_code": "en"}
    said = bot.api.user_message(zyx, group(), "I will book the hall")["message"]
    update = bot.api.reply_message(bot.user(1), group(), "/action Book the hall", said)
    await bot.app.process_update(as_update(update, bot.app.bot))
    *_, due_step = sent_to(bot, GROUP)
    assert "Zyxwvu" in due_step["text"]
    [offer] = await bot.send("/forgetme", zyx)
    await bot.press(offer, "fm:y", zyx)
    assert await storage(bot).conversations.draft(1, "action") is None
    await reply(bot, bot.user(1), "December 20", due_step)
    assert await items(bot) == []  # nothing made with their id or name


async def test_with_the_next_meeting_cancelled_the_one_after_shows_new_items(
    bot: Driver, clock: MovableClock
) -> None:
    cancelled = MeetingChange("c-jan", SERIES, datetime(2027, 1, 5, 15, 0), ChangeStatus.CANCELLED)
    await storage(bot).network.save(Dataset(meeting_changes=(cancelled,)))
    await follow(bot)
    await plan_and_send(bot)
    clock.set(OVER + timedelta(minutes=1))
    await plan_and_send(bot)
    *_, invitation = [m for m in sent_to(bot, GROUP) if "Invitation" in m["text"]]
    assert "Feb 16, 2027" in invitation["text"]  # 5 January is cancelled
    said = bot.api.user_message(bot.user(3), group(), "I will book the hall")["message"]
    update = bot.api.reply_message(bot.user(1), group(), "/action Book the hall", said)
    await bot.app.process_update(as_update(update, bot.app.bot))
    *_, due_step = sent_to(bot, GROUP)
    await reply(bot, bot.user(1), "December 20", due_step)
    assert "Book the hall" in bot.api.messages[(GROUP, invitation["message_id"])]["text"]
