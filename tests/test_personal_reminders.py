"""A user's own reminder lead times (meetings they answered ✅ to, action items they own),
stored beside their other settings in real SQLite."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app import running
from bot.config import Settings
from bot.model.chats import FollowingChat, TargetKind
from bot.model.clock import MovableClock
from bot.model.domain import (
    ChangeStatus,
    Dataset,
    LocalizedText,
    MeetingChange,
    MeetingSeries,
)
from bot.model.posts import PostKind
from bot.model.reminders import PersonalReminders
from bot.schedule.jobs import scheduler_of
from bot.schedule.plan import Network, plan_chat
from bot.telegram.limits import SCREEN_LINES, screen_lines
from bot.text.i18n import I18n
from harness.fake_telegram import OfflineTelegram
from storage.store import Storage
from tests.conftest import Driver, make_app, plan_and_send, sent_to


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite3", seed=False)
    yield store
    await store.close()


async def test_a_user_without_settings_gets_one_hour_and_three_and_one_days(
    storage: Storage,
) -> None:
    assert await storage.preferences.personal_reminders(7) == PersonalReminders((60,), (3, 1))


async def test_personal_lead_times_are_kept_beside_the_language(storage: Storage) -> None:
    await storage.preferences.set_user_language(7, "es")
    await storage.preferences.set_personal_reminders(7, PersonalReminders((1440, 30), ()))
    await storage.preferences.set_user_language(7, "pt")
    assert await storage.preferences.personal_reminders(7) == PersonalReminders((1440, 30), ())
    assert (await storage.preferences.user(7)).language == "pt"
    assert await storage.preferences.personal_reminders(8) == PersonalReminders()


# -- through the real Application: answered ✅, reminded privately ------------------------

SERIES = "bonn-la-paz-virtual"  # seeded: six-weekly on Tuesdays, 15:00 Europe/Berlin
LINK = "https://meet.example.org/bonn-la-paz"
GROUP = -700


def store(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def with_join_link(bot: Driver) -> None:
    [series] = [s for s in (await store(bot).network.load()).meeting_series if s.id == SERIES]
    await store(bot).network.save(Dataset(meeting_series=(replace(series, join_url=LINK),)))


async def invitation_in(bot: Driver, chat_id: int = GROUP) -> dict[str, Any]:
    """The group follows Bonn–La Paz (German and Spanish) and gets the next invitation."""
    bot.group(chat_id)
    now = bot.app.bot_data.clock.now()
    await store(bot).subscriptions.add(
        chat_id, "supergroup", "Bonn – La Paz", TargetKind.PARTNERSHIP, "bonn-la-paz", 1, now
    )
    await store(bot).preferences.set_chat_languages(chat_id, "supergroup", None, ("de", "es"))
    await plan_and_send(bot)
    [post] = sent_to(bot, chat_id)
    return post


def reminders_to(bot: Driver, user_id: int) -> list[dict[str, Any]]:
    """The posts of a user's private chat (not the replies to their commands)."""
    return [m for m in sent_to(bot, user_id) if m["text"].startswith("⏰")]


def answer_button(post: dict[str, Any], icon: str) -> str:
    [data] = [
        k["callback_data"]
        for k in post["reply_markup"]["inline_keyboard"][0]
        if k["text"].startswith(icon)
    ]
    return str(data)


async def personal_rows(bot: Driver, user_id: int) -> list[tuple[str, str, str]]:
    async with store(bot).db.conn.execute(
        "SELECT key, due_at, status FROM deliveries WHERE chat_id = ? AND kind = 'personal' "
        "ORDER BY id",
        (user_id,),
    ) as cur:
        return [(r[0], r[1], r[2]) for r in await cur.fetchall()]


async def test_a_yes_from_someone_who_started_the_bot_brings_one_reminder_an_hour_before(
    bot: Driver, clock: MovableClock, settings: Settings, i18n: I18n
) -> None:
    await with_join_link(bot)
    post = await invitation_in(bot)  # Tuesday 24 Nov 2026, 15:00 Berlin (14:00 UTC)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.send("/timezone America/La_Paz", user=ana)
    before = len(bot.api.calls)
    await bot.press(post, answer_button(post, "✅"), user=ana)
    assert [
        c.params.get("url") for c in bot.api.calls[before:] if c.method == "answerCallbackQuery"
    ] == [None]  # started already: no link
    key = f"personal:{SERIES}:2026-11-24T15:00:2026-11-24T15:00:60m"
    assert await personal_rows(bot, 11) == [(key, "2026-11-24T13:00:00+00:00", "pending")]
    clock.set(datetime(2026, 11, 24, 12, 59, tzinfo=UTC))
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    assert reminders_to(bot, 11) == []
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [reminder] = reminders_to(bot, 11)
    text = reminder["text"]
    assert text.startswith("⏰ Reunión virtual Bonn – La Paz comienza dentro de 1 hora.")
    assert "10:00 La Paz" in text.split("\n")[1]  # the day and time where she is
    assert LINK in text
    assert "Usted dijo que participará. Cambie cuándo se lo recuerdo" in text
    assert "Treffen" not in text  # Spanish only, not the group's German
    await plan_and_send(bot)  # planned twice: nothing twice
    assert len(reminders_to(bot, 11)) == 1


async def test_the_reminder_survives_a_restart_and_is_sent_once(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api)) as app:
        bot = Driver(app, api)
        post = await invitation_in(bot)
        ana = bot.user(11, "es")
        await bot.send("/start", user=ana)
        await bot.press(post, answer_button(post, "✅"), user=ana)
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        await plan_and_send(Driver(app, api))
        assert len(reminders_to(Driver(app, api), 11)) == 1
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        await plan_and_send(Driver(app, api))
        assert len(reminders_to(Driver(app, api), 11)) == 1


async def test_no_or_maybe_drops_the_pending_reminder_and_yes_brings_it_back(
    bot: Driver,
) -> None:
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.press(post, answer_button(post, "✅"), user=ana)
    assert len(await personal_rows(bot, 11)) == 1
    await bot.press(post, answer_button(post, "❌"), user=ana)
    assert await personal_rows(bot, 11) == []
    await bot.press(post, answer_button(post, "✅"), user=ana)
    await bot.press(post, answer_button(post, "❔"), user=ana)
    assert await personal_rows(bot, 11) == []


async def test_a_no_in_another_group_after_the_yes_wins(bot: Driver) -> None:
    first, second = await invitation_in(bot, -701), await invitation_in(bot, -702)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.press(first, answer_button(first, "✅"), user=ana)
    assert len(await personal_rows(bot, 11)) == 1
    bot.app.bot_data.clock.set(bot.app.bot_data.clock.now() + timedelta(minutes=1))
    await bot.press(second, answer_button(second, "❌"), user=ana)
    assert await personal_rows(bot, 11) == []


async def test_a_moved_meeting_moves_the_reminder_and_a_cancelled_one_ends_it(
    bot: Driver, clock: MovableClock
) -> None:
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.press(post, answer_button(post, "✅"), user=ana)
    moved = MeetingChange(
        "c-moved",
        SERIES,
        datetime(2026, 11, 24, 15, 0),
        ChangeStatus.MOVED,
        datetime(2026, 11, 26, 17, 0),
    )
    await store(bot).network.save(Dataset(meeting_changes=(moved,)))
    await plan_and_send(bot)
    key = f"personal:{SERIES}:2026-11-24T15:00:2026-11-26T17:00:60m"
    assert await personal_rows(bot, 11) == [(key, "2026-11-26T15:00:00+00:00", "pending")]
    cancelled = replace(moved, status=ChangeStatus.CANCELLED, moved_to=None)
    await store(bot).network.save(Dataset(meeting_changes=(cancelled,)))
    await plan_and_send(bot)
    assert await personal_rows(bot, 11) == []
    clock.set(datetime(2026, 11, 26, 15, 0, tzinfo=UTC))
    await plan_and_send(bot)
    assert reminders_to(bot, 11) == []


async def test_who_never_started_the_bot_gets_nothing_and_no_error_but_the_link_once(
    bot: Driver, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    post = await invitation_in(bot)
    bruno = bot.user(12, "de")
    answers = []
    for icon in ("✅", "❌", "✅"):
        before = len(bot.api.calls)
        await bot.press(post, answer_button(post, icon), user=bruno)
        [call] = [c for c in bot.api.calls[before:] if c.method == "answerCallbackQuery"]
        answers.append((call.params.get("text"), call.params.get("url")))
    link = (
        f"https://t.me/{bot.app.bot.username}?start=r-{answer_button(post, '✅').rsplit(':', 1)[1]}"
    )
    assert answers == [
        ("✅ Ihre Antwort: ja", link),  # a first ✅: the link to switch reminders on
        ("❌ Ihre Antwort: nein", None),
        ("✅ Ihre Antwort: ja", None),  # once per meeting, not on every press
    ]
    assert await personal_rows(bot, 12) == []
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    with caplog.at_level(logging.INFO):
        await plan_and_send(bot)
    assert sent_to(bot, 12) == []
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_the_start_link_switches_reminders_on_and_says_what_comes(
    bot: Driver, clock: MovableClock
) -> None:
    post = await invitation_in(bot)
    bruno = bot.user(12, "es")
    await bot.press(post, answer_button(post, "✅"), user=bruno)
    [call] = [c for c in bot.api.calls if c.method == "answerCallbackQuery"]
    payload = str(call.params["url"]).rsplit("=", 1)[1]
    await store(bot).preferences.set_user_timezone(12, "America/La_Paz")
    [reply] = await bot.send(f"/start {payload}", user=bruno)
    text = reply["text"]
    assert text.startswith("🔔 Listo: le recordaré cada reunión")
    assert "1 hora antes" in text and "en español" in text and "(La Paz)" in text
    assert "Reunión virtual Bonn – La Paz" in text  # the meeting the link came from
    assert "con el enlace para unirse" not in text  # the series has no link to join
    assert "/recordatorios" in text
    assert len(await personal_rows(bot, 12)) == 1  # planned at once
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [reminder] = reminders_to(bot, 12)
    assert "10:00 La Paz" in reminder["text"]


async def test_a_forged_start_payload_switches_on_without_naming_a_meeting(bot: Driver) -> None:
    [reply] = await bot.send("/start r-999999", user=bot.user(13, "en"))
    assert reply["text"].startswith("🔔 Done: I will remind you 1 hour before each meeting")
    assert "Next:" not in reply["text"]
    assert await store(bot).preferences.private_chat_open(13)


async def test_a_blocked_private_chat_is_paused_without_an_error(
    bot: Driver, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.press(post, answer_button(post, "✅"), user=ana)
    bot.api.blocked.add(11)
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))
    with caplog.at_level(logging.INFO):
        await plan_and_send(bot)
    assert await store(bot).subscriptions.is_paused(11)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not await store(bot).preferences.private_chat_open(11)


async def test_reminders_mine_sets_the_lead_time_and_re_plans(bot: Driver) -> None:
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.send("/start", user=ana)
    await bot.press(post, answer_button(post, "✅"), user=ana)
    [reply] = await bot.send("/recordatorios mis 1 día 15 min", user=ana)
    assert "Antes de las reuniones a las que respondió ✅: 1 día y 15 minutos." in reply["text"]
    rows = await personal_rows(bot, 11)
    assert [r[0].rsplit(":", 1)[1] for r in rows] == ["1440m", "15m"]
    assert rows[0][1] == "2026-11-23T14:00:00+00:00"
    [reply] = await bot.send("/reminders actions off", user=ana)
    assert "Antes del vencimiento de sus tareas: ninguno." in reply["text"]
    assert await store(bot).preferences.personal_reminders(11) == PersonalReminders((1440, 15), ())
    [reply] = await bot.send("/reminders mine off", user=ana)
    assert await personal_rows(bot, 11) == []
    [reply] = await bot.send("/reminders mine soon", user=ana)
    assert reply["text"].startswith("No lo he entendido.")
    assert await store(bot).preferences.personal_reminders(11) == PersonalReminders((), ())


async def test_the_private_reminders_screen_shows_the_own_lead_times(bot: Driver) -> None:
    [reply] = await bot.send("/reminders", user=bot.user(11, "en"))  # follows nothing
    assert "Before meetings you answered ✅ to: 1 hour." in reply["text"]
    assert "Before your action items are due: 3 days and 1 day." in reply["text"]
    assert screen_lines(reply["text"]) <= SCREEN_LINES


async def test_own_reminders_asked_for_in_a_group_are_pointed_to_the_private_chat(
    bot: Driver,
) -> None:
    group = bot.group(-703)
    before = await bot.rows()
    [reply] = await bot.send("/reminders mine 2h", user=bot.user(11, "en"), chat=group)
    assert "private chat" in reply["text"]
    assert await bot.rows() == before


async def test_dst_la_paz_and_berlin_users_get_it_an_hour_before_at_their_own_time(
    bot: Driver, clock: MovableClock
) -> None:
    """Berlin moves its clocks on 28 March 2027; the call stays at 15:00 Berlin, 13:00 UTC
    from then on, which is 09:00 in La Paz (10:00 before)."""
    clock.set(datetime(2027, 3, 26, 12, 0, tzinfo=UTC))
    post = await invitation_in(bot)  # Tuesday 30 March 2027
    ana, jonas = bot.user(11, "es"), bot.user(14, "de")
    for user, zone in ((ana, "America/La_Paz"), (jonas, "Europe/Berlin")):
        await bot.send("/start", user=user)
        await store(bot).preferences.set_user_timezone(user["id"], zone)
        await bot.press(post, answer_button(post, "✅"), user=user)
    for user_id in (11, 14):
        [(_key, due, _status)] = await personal_rows(bot, user_id)
        assert due == "2027-03-30T12:00:00+00:00"
    clock.set(datetime(2027, 3, 30, 12, 0, tzinfo=UTC))
    await plan_and_send(bot)
    [for_ana], [for_jonas] = reminders_to(bot, 11), reminders_to(bot, 14)
    assert "9:00 La Paz" in for_ana["text"].split("\n")[1]
    assert "15:00 Berlin" in for_jonas["text"].split("\n")[1]
    assert for_jonas["text"].startswith("⏰ Virtuelles Treffen Bonn – La Paz beginnt in 1 Stunde.")


def test_only_meetings_ahead_are_planned_and_each_at_its_lead_time() -> None:
    """The planner alone (pure): a private chat going to a past and a coming meeting gets
    the coming one's reminders, at each of the user's lead times; a group's chat settings
    (its own meeting reminders) play no part."""
    home = ZoneInfo("Europe/Berlin")
    series = MeetingSeries(
        id=SERIES,
        partnership_id="bonn-la-paz",
        title=LocalizedText({"en": "Call"}),
        rrule="FREQ=WEEKLY;INTERVAL=6;BYDAY=TU",
        dtstart=datetime(2024, 1, 9, 15, 0),
        timezone="Europe/Berlin",
    )
    net = Network(phases={}, milestones=(), partnerships={}, series=(series,), events=())
    chat = FollowingChat(
        11,
        None,
        ("es",),
        "America/La_Paz",
        going=frozenset({(SERIES, "2026-10-13T15:00"), (SERIES, "2026-11-24T15:00")}),
        personal_minutes=(1440, 60),
    )
    now = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
    planned = [p for p in plan_chat(chat, net, now, home) if p.kind is PostKind.PERSONAL]
    assert [(p.due_at.astimezone(UTC), p.key) for p in planned] == [
        (
            datetime(2026, 11, 23, 14, 0, tzinfo=UTC),
            f"personal:{SERIES}:2026-11-24T15:00:2026-11-24T15:00:1440m",
        ),
        (
            datetime(2026, 11, 24, 13, 0, tzinfo=UTC),
            f"personal:{SERIES}:2026-11-24T15:00:2026-11-24T15:00:60m",
        ),
    ]
    assert plan_chat(replace(chat, going=frozenset()), net, now, home) == []


async def test_reminders_set_in_private_without_start_are_sent(
    bot: Driver, clock: MovableClock
) -> None:
    """Someone who never sent /start but used /reminders in private has opened the chat:
    their ✅ brings the reminder they asked for."""
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.press(post, answer_button(post, "✅"), user=ana)
    assert await personal_rows(bot, 11) == []  # not opened yet: nothing may be sent
    await bot.send("/recordatorios mis 30 min", user=ana)
    assert await store(bot).preferences.private_chat_open(11)
    assert [r[0].rsplit(":", 1)[1] for r in await personal_rows(bot, 11)] == ["30m"]
    clock.set(datetime(2026, 11, 24, 13, 30, tzinfo=UTC))
    await plan_and_send(bot)
    [reminder] = reminders_to(bot, 11)
    assert "Reunión virtual Bonn – La Paz" in reminder["text"]


async def test_the_plain_reminders_screen_in_private_opens_the_chat_too(bot: Driver) -> None:
    post = await invitation_in(bot)
    ana = bot.user(11, "es")
    await bot.press(post, answer_button(post, "✅"), user=ana)
    await bot.send("/reminders", user=ana)
    assert await store(bot).preferences.private_chat_open(11)
    assert len(await personal_rows(bot, 11)) == 1  # re-planned at once: 1 hour before


async def test_the_link_to_join_is_promised_only_when_the_series_has_one(bot: Driver) -> None:
    await with_join_link(bot)
    post = await invitation_in(bot)
    bruno = bot.user(12, "en")
    await bot.press(post, answer_button(post, "✅"), user=bruno)
    [call] = [c for c in bot.api.calls if c.method == "answerCallbackQuery"]
    payload = str(call.params["url"]).rsplit("=", 1)[1]
    [reply] = await bot.send(f"/start {payload}", user=bruno)
    assert "with the link to join." in reply["text"]


async def test_french_reads_taches_and_still_actions(bot: Driver) -> None:
    marie = bot.user(14, "fr")
    [reply] = await bot.send("/rappels tâches 2", user=marie)
    assert "Avant l’échéance de vos tâches : 2 jours." in reply["text"]
    await bot.send("/rappels actions 4", user=marie)
    assert await store(bot).preferences.personal_reminders(14) == PersonalReminders((60,), (4,))
