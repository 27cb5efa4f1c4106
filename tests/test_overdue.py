"""Overdue reminders: one whose later sibling (same subject, same chat, a shorter lead)
is due already, within the hour, or later the same day where the chat is, is dropped
with its reason; otherwise it goes late. At planning (a new subscriber) and at sending
(after downtime) alike. The clock is moved, never waited for."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.config import Settings
from bot.model.chats import FollowingChat, TargetKind
from bot.model.clock import MovableClock
from bot.model.domain import Event, EventKind, LocalizedText, MeetingSeries, PartialDate, Phase
from bot.model.posts import MeetingReminder
from bot.model.reminders import ReminderSetting
from bot.schedule.jobs import scheduler_of
from bot.schedule.plan import Network, plan_chat
from bot.schedule.replan import replan
from bot.schedule.report import schedule_report
from bot.text.i18n import I18n
from harness.bot_process import CLOCK_START
from storage.store import Storage
from tests.conftest import Driver, sent_to
from tests.test_dispatch import follow, storage
from tests.test_plan import SEED

ADMIN = 11
BERLIN = ZoneInfo("Europe/Berlin")
MEETING = "meeting:bonn-la-paz-virtual:2026-11-24T15:00:"
"""The seed's meeting of 24 Nov 2026, 15:00 Berlin (14:00 UTC): its 1-day reminder is due
23 Nov 14:00 UTC, its 1-hour reminder 24 Nov 13:00 UTC."""
HOUR_REMINDER = datetime(2026, 11, 24, 13, 0, tzinfo=UTC)
LATE = "🕓 Sent late"


async def rows(bot: Driver, chat_id: int, key_start: str) -> dict[str, tuple[str, str | None]]:
    """The chat's rows about one subject: lead -> (status, reason)."""
    async with storage(bot).db.conn.execute(
        "SELECT key, status, error FROM deliveries WHERE chat_id = ? AND key LIKE ?",
        (chat_id, key_start + "%"),
    ) as cur:
        return {r[0][len(key_start) :]: (r[1], r[2]) for r in await cur.fetchall()}


def reminders(bot: Driver, chat_id: int) -> list[str]:
    """The texts of the meeting reminders (not invitations) the chat got."""
    return [m["text"] for m in sent_to(bot, chat_id) if m["text"].startswith("⏰ Virtual meeting")]


async def send_due(bot: Driver) -> int:
    return await scheduler_of(bot.app).dispatcher.run(bot.app.bot)


def dropped_for(reason: str | None, sibling: str) -> bool:
    """The stored reason names the sibling that made the row redundant."""
    return reason is not None and reason.startswith("dropped:") and sibling in reason


# --- the case: subscribing 20 s before the 1-hour reminder ------------------------


@pytest.mark.parametrize(
    "zone",
    [
        None,  # the home zone, Berlin: the 1-hour reminder comes at 14:00
        "Pacific/Noumea",  # UTC+11: the 1-hour reminder comes at midnight, "tomorrow"
    ],
)
async def test_subscribing_20_s_before_the_1_hour_reminder_sends_that_one_alone(
    bot: Driver, clock: MovableClock, zone: str | None
) -> None:
    group = bot.group(-800, {ADMIN: "administrator"})
    await storage(bot).preferences.set_chat_languages(-800, "supergroup", "g", ("en",))
    if zone:
        await bot.send(f"/timezone {zone}", user=bot.user(ADMIN), chat=group)
    clock.set(HOUR_REMINDER - timedelta(seconds=20))
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)  # plans this chat
    planned = await rows(bot, -800, MEETING)
    assert planned["1440m"][0] == "skipped" and planned["60m"] == ("pending", None)
    # planning again writes nothing new
    assert await scheduler_of(bot.app).planner.replan_chat(-800, clock.now()) == 0
    assert await rows(bot, -800, MEETING) == planned
    await send_due(bot)  # the invitation: this meeting's time, with the RSVP buttons
    clock.advance(timedelta(seconds=20))
    await send_due(bot)
    [reminder] = reminders(bot, -800)
    assert reminder.startswith("⏰ Virtual meeting Bonn – La Paz begins in 1 hour.")
    assert LATE not in reminder
    found = await rows(bot, -800, MEETING)
    assert found["60m"] == ("sent", None)
    status, reason = found["1440m"]
    assert status == "skipped" and dropped_for(reason, MEETING + "60m")


# --- after downtime ------------------------------------------------------------------------


async def down_until(bot: Driver, clock: MovableClock, chat_id: int, back: datetime) -> None:
    """The chat follows Bonn – La Paz from the clock's start (23 Nov, 09:00 UTC) and gets
    what is due then; the bot is down until `back`."""
    await follow(bot, chat_id, languages=("en",))
    await scheduler_of(bot.app).planner.replan_chat(chat_id, clock.now())
    await send_due(bot)  # the invitation
    clock.set(back)


@pytest.mark.parametrize("replan_first", [False, True])
async def test_down_for_a_day_only_the_1_hour_reminder_goes(
    bot: Driver, clock: MovableClock, replan_first: bool
) -> None:
    """Both reminders overdue: only the latest-lead one goes, marked late. (A re-plan may
    run before the catch-up sends: an update queued meanwhile.)"""
    await down_until(bot, clock, -801, HOUR_REMINDER + timedelta(minutes=30))
    if replan_first:
        await scheduler_of(bot.app).planner.replan_chat(-801, clock.now())
    await send_due(bot)
    [reminder] = reminders(bot, -801)
    assert "begins in 30 minutes" in reminder and reminder.endswith(LATE)
    found = await rows(bot, -801, MEETING)
    assert found["60m"][0] == "sent"
    status, reason = found["1440m"]
    assert status == "skipped" and dropped_for(reason, MEETING + "60m")
    assert await send_due(bot) == 0  # and nothing a second time


@pytest.mark.parametrize("replan_first", [False, True])
async def test_back_within_the_hour_of_the_1_hour_reminder_drops_the_1_day_one(
    bot: Driver, clock: MovableClock, replan_first: bool
) -> None:
    await down_until(bot, clock, -802, HOUR_REMINDER - timedelta(minutes=30))
    if replan_first:
        await scheduler_of(bot.app).planner.replan_chat(-802, clock.now())
    await send_due(bot)
    assert reminders(bot, -802) == []  # not "begins in 1 hour 30 minutes", then "in 1 hour"
    status, reason = (await rows(bot, -802, MEETING))["1440m"]
    assert status == "skipped" and dropped_for(reason, MEETING + "60m")
    clock.set(HOUR_REMINDER)
    await send_due(bot)
    [reminder] = reminders(bot, -802)
    assert reminder.startswith("⏰ Virtual meeting Bonn – La Paz begins in 1 hour.")
    assert LATE not in reminder


async def test_back_the_evening_before_the_1_day_reminder_still_goes_late(
    bot: Driver, clock: MovableClock
) -> None:
    """Overdue, but the 1-hour reminder is 16 hours away, on another day: the late one is
    news ("tomorrow at 15:00"), so it goes, marked late."""
    await down_until(bot, clock, -803, datetime(2026, 11, 23, 21, 0, tzinfo=BERLIN))
    await send_due(bot)
    [reminder] = reminders(bot, -803)
    assert reminder.endswith(LATE)
    assert (await rows(bot, -803, MEETING))["1440m"] == ("sent", None)
    # The next morning a re-plan finds it redundant with the 1-hour one: sent stays sent.
    clock.set(datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN))
    await scheduler_of(bot.app).planner.replan_chat(-803, clock.now())
    assert (await rows(bot, -803, MEETING))["1440m"] == ("sent", None)
    clock.set(HOUR_REMINDER)
    await send_due(bot)
    assert len(reminders(bot, -803)) == 2


async def test_back_in_the_morning_of_the_meeting_the_1_hour_reminder_is_enough(
    bot: Driver, clock: MovableClock
) -> None:
    """Overdue, and the 1-hour reminder comes later the same day where the chat is: the
    planner's rule for a new subscriber (see test_plan.py) holds after downtime too."""
    await down_until(bot, clock, -804, datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN))
    await send_due(bot)
    assert reminders(bot, -804) == []
    status, reason = (await rows(bot, -804, MEETING))["1440m"]
    assert status == "skipped" and dropped_for(reason, MEETING + "60m")


async def test_a_reminder_held_back_a_few_minutes_is_not_overdue(
    bot: Driver, clock: MovableClock
) -> None:
    """Lead times 90 and 60 minutes: the 90-minute one sent 10 minutes late (flood control,
    a slow start) is not overdue, though its sibling is due within the hour."""
    await storage(bot).subscriptions.set_reminder(
        -805, "supergroup", "g", ReminderSetting.MEETINGS, (90, 60)
    )
    await down_until(bot, clock, -805, HOUR_REMINDER - timedelta(minutes=20))
    await send_due(bot)
    assert len(reminders(bot, -805)) == 1
    assert (await rows(bot, -805, MEETING))["90m"] == ("sent", None)


async def test_a_re_plan_meanwhile_keeps_a_reminder_held_back_a_few_minutes(
    bot: Driver, clock: MovableClock
) -> None:
    """The same, with the chat re-planned before the row goes (a /timezone in the group,
    the hourly re-plan): a row only minutes late is not overdue there either."""
    await storage(bot).subscriptions.set_reminder(
        -806, "supergroup", "g", ReminderSetting.MEETINGS, (90, 60)
    )
    await down_until(bot, clock, -806, HOUR_REMINDER - timedelta(minutes=20))
    await scheduler_of(bot.app).planner.replan_chat(-806, clock.now())
    assert (await rows(bot, -806, MEETING))["90m"][0] == "pending"
    await send_due(bot)
    assert len(reminders(bot, -806)) == 1
    assert (await rows(bot, -806, MEETING))["90m"] == ("sent", None)


# --- deadlines: 7 days and 1 day before ---------------------------------------------------

DEADLINE = "deadline:example-m2:2026-12-03:"
"""The example phase's second milestone, due 3 Dec 2026 (10 days after the clock's start):
its 7-day reminder is due 26 Nov, its 1-day one 2 Dec, each at 09:00 Berlin."""


async def deadlines_down_until(
    bot: Driver, clock: MovableClock, chat_id: int, back: datetime
) -> None:
    await storage(bot).subscriptions.set_reminder(
        chat_id, "supergroup", "g", ReminderSetting.DEADLINES, (7, 1)
    )
    await follow(bot, chat_id, kind="phase", target="example-phase", languages=("en",))
    await scheduler_of(bot.app).planner.replan_chat(chat_id, clock.now())
    await send_due(bot)
    clock.set(back)


async def posts_about(bot: Driver, chat_id: int, key_start: str) -> list[str]:
    """The texts the chat got for its rows about one subject."""
    async with storage(bot).db.conn.execute(
        "SELECT message_id FROM deliveries WHERE chat_id = ? AND key LIKE ? AND status = 'sent'",
        (chat_id, key_start + "%"),
    ) as cur:
        ids = {r[0] for r in await cur.fetchall()}
    return [m["text"] for m in sent_to(bot, chat_id) if m["message_id"] in ids]


@pytest.mark.parametrize(
    ("back", "sent", "dropped"),
    [
        # down over both: only the nearest goes, late
        (datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN), "1d", "7d"),
        # back at 08:30 on the day of the 1-day reminder: it comes within the hour
        (datetime(2026, 12, 2, 8, 30, tzinfo=BERLIN), None, "7d"),
        # back at 01:30 that day: it comes later the same day
        (datetime(2026, 12, 2, 1, 30, tzinfo=BERLIN), None, "7d"),
        # back the evening before: the 7-day one is news ("in 2 days"), late
        (datetime(2026, 12, 1, 20, 0, tzinfo=BERLIN), "7d", None),
    ],
)
async def test_deadline_reminders_after_downtime_only_the_nearest(
    bot: Driver, clock: MovableClock, back: datetime, sent: str | None, dropped: str | None
) -> None:
    await deadlines_down_until(bot, clock, -810, back)
    await send_due(bot)
    found = await rows(bot, -810, DEADLINE)
    assert [lead for lead, (status, _) in found.items() if status == "sent"] == (
        [sent] if sent else []
    )
    if dropped:
        status, reason = found[dropped]
        assert status == "skipped" and dropped_for(reason, DEADLINE + "1d")
    posts = await posts_about(bot, -810, DEADLINE)
    assert len(posts) == (1 if sent else 0) and all(p.endswith(LATE) for p in posts)
    clock.set(datetime(2026, 12, 2, 10, 0, tzinfo=BERLIN))  # the day goes on
    await send_due(bot)
    found = await rows(bot, -810, DEADLINE)
    assert found["1d"][0] == "sent"
    assert len(await posts_about(bot, -810, DEADLINE)) == (2 if sent == "7d" else 1)


def test_event_reminders_follow_the_same_rule() -> None:
    """An event on 15 Feb 2027, 15:00 Berlin; reminders 7 days and 1 day before (09:00)."""
    event = Event(
        "ev",
        EventKind.WORKSHOP,
        LocalizedText.of("Workshop"),
        PartialDate(2027, 2, 15),
        start_time=time(15, 0),
        timezone="Europe/Berlin",
        phase_id="px",
    )
    phase = Phase("px", "kkp", LocalizedText.of("Phase X"))
    net = Network(phases={"px": phase}, milestones=[], partnerships={}, series=[], events=[event])
    chat = FollowingChat(
        -1, "g", ("en",), None, event_days=(7, 1), targets=frozenset({(TargetKind.PHASE, "px")})
    )
    one_day = datetime(2027, 2, 14, 9, tzinfo=BERLIN)

    def planned(now: datetime) -> dict[str, tuple[datetime, str | None]]:
        return {
            p.key[len("event:ev:2027-02-15:") :]: (p.due_at, p.dropped)
            for p in plan_chat(chat, net, now, BERLIN)
        }

    morning = datetime(2027, 2, 14, 8, 30, tzinfo=BERLIN)  # the 1-day one within the hour
    plan = planned(morning)
    assert plan["1d"] == (one_day, None)
    assert plan["7d"] == (
        datetime(2027, 2, 8, 9, tzinfo=BERLIN),
        "dropped: overdue, and event:ev:2027-02-15:1d (due 2027-02-14 08:00 UTC) says the same",
    )
    evening = datetime(2027, 2, 13, 20, tzinfo=BERLIN)  # the 1-day one is tomorrow: news
    assert planned(evening) == {"7d": (evening, None), "1d": (one_day, None)}


# --- planning across a DST change: instants, not wall-clock differences --------------------

SANTIAGO = ZoneInfo("America/Santiago")
"""Changes its clocks at midnight: 6 Sep 2026, 00:00 -04 -> 01:00 -03; 4 Apr 2027,
24:00 -03 -> 23:00 -04 (3 Apr). So "an hour" on the wall clock and in time differ across
midnight, where the rule can no longer say "later the same day"."""


def santiago_meeting(local_start: datetime) -> Network:
    series = MeetingSeries(
        "stgo",
        "bonn-la-paz",
        LocalizedText.of("Santiago"),
        "FREQ=WEEKLY",
        local_start,
        "America/Santiago",
    )
    return Network(
        phases={p.id: p for p in SEED.phases},
        milestones=[],
        partnerships={p.id: p for p in SEED.partnerships},
        series=[series],
        events=[],
    )


def reminders_planned(net: Network, now: datetime) -> dict[int, tuple[datetime, Any]]:
    """Minutes -> (due, drop reason) of the first meeting's reminders."""
    chat = FollowingChat(
        -1,
        "g",
        ("en",),
        "America/Santiago",
        targets=frozenset({(TargetKind.PARTNERSHIP, "bonn-la-paz")}),
    )
    first = net.series[0].dtstart.isoformat(timespec="minutes")
    return {
        p.payload.minutes: (p.due_at, p.dropped)
        for p in plan_chat(chat, net, now, BERLIN)
        if isinstance(p.payload, MeetingReminder) and p.payload.occurrence == first
    }


def test_spring_forward_an_hour_is_an_hour_of_time_not_of_the_wall_clock() -> None:
    # Meeting 6 Sep 02:30 -03 (05:30 UTC): 1-hour reminder 04:30 UTC (01:30 -03, the 6th),
    # 1-day reminder 5 Sep 05:30 UTC (01:30 -04).
    net = santiago_meeting(datetime(2026, 9, 6, 2, 30))
    hour = datetime(2026, 9, 6, 4, 30, tzinfo=UTC)
    # 23:45 -04 on the 5th: the 1-hour reminder is 45 minutes away (1 h 45 on the wall
    # clock), on the next day: the overdue 1-day reminder is dropped.
    now = datetime(2026, 9, 6, 3, 45, tzinfo=UTC)
    plan = reminders_planned(net, now)
    assert plan[60] == (hour, None)
    assert plan[1440][1] is not None and "60m" in plan[1440][1]
    # 23:15 -04: 1 h 15 away (2 h 15 on the wall clock), the next day: sent now.
    now = datetime(2026, 9, 6, 3, 15, tzinfo=UTC)
    assert reminders_planned(net, now) == {1440: (now, None), 60: (hour, None)}


def test_fall_back_an_hour_is_an_hour_of_time_not_of_the_wall_clock() -> None:
    # Meeting 4 Apr 2027 01:05 -04 (05:05 UTC): 1-hour reminder 04:05 UTC (00:05 -04, the
    # 4th); 1-day reminder 3 Apr 05:05 UTC.
    net = santiago_meeting(datetime(2027, 4, 4, 1, 5))
    hour = datetime(2027, 4, 4, 4, 5, tzinfo=UTC)
    # 23:50 -03 on the 3rd (before the clocks go back): 15 minutes on the wall clock to
    # 00:05, but 1 h 15 of time, and the next day: the 1-day reminder is news, sent now.
    now = datetime(2027, 4, 4, 2, 50, tzinfo=UTC)
    assert reminders_planned(net, now) == {1440: (now, None), 60: (hour, None)}
    # 23:10 -04, after the clocks went back: 55 minutes: dropped.
    now = datetime(2027, 4, 4, 3, 10, tzinfo=UTC)
    plan = reminders_planned(net, now)
    assert plan[60] == (hour, None)
    assert plan[1440][1] is not None and "60m" in plan[1440][1]


# --- where the operator looks: `partnerbot schedule` ---------------------------------------


async def report_at(
    settings: Settings, i18n: I18n, path: Path, chat_zone: str | None, *instants: datetime
) -> str:
    """A group follows Bonn – La Paz from the clock's start; the bot plans at the first
    instant (if more than one) and is then down; `partnerbot schedule` at the last."""
    store = await Storage.open(path)
    try:
        await store.load_example(CLOCK_START.date())
        await store.subscriptions.add(
            -900, "supergroup", "g", "partnership", "bonn-la-paz", 1, CLOCK_START
        )
        await store.preferences.set_chat_languages(-900, "supergroup", "g", ("en",))
        if chat_zone:
            await store.preferences.set_chat_timezone(-900, "supergroup", "g", chat_zone)
        for instant in instants[:-1]:
            await replan(store, instant, settings.timezone)
        clock = MovableClock(instants[-1])
        return await schedule_report(store, settings, clock, days=2, i18n=i18n)
    finally:
        await store.close()


async def test_the_schedule_lists_a_dropped_reminder_with_its_reason(
    settings: Settings, i18n: I18n, tmp_path: Path
) -> None:
    """Subscribing 20 s before the 1-hour reminder, at midnight in Noumea: the 1-day one
    is listed as dropped, beside the 1-hour one."""
    report = await report_at(
        settings,
        i18n,
        tmp_path / "s.sqlite3",
        "Pacific/Noumea",
        HOUR_REMINDER - timedelta(seconds=20),
    )
    lines = report.splitlines()
    assert (
        "  2026-11-24 01:00  meeting   (dropped: overdue, and "
        f"{MEETING}60m (due 2026-11-24 13:00 UTC) says the same) — Virtual meeting Bonn – La Paz"
    ) in lines
    assert (
        "  2026-11-25 00:00  meeting   ⏰ Virtual meeting Bonn – La Paz begins in 1 hour." in lines
    )


async def test_the_schedule_says_which_overdue_reminder_the_dispatcher_will_drop(
    settings: Settings, i18n: I18n, tmp_path: Path
) -> None:
    """Planned from the start, then down until half an hour after the 1-hour reminder."""
    report = await report_at(
        settings,
        i18n,
        tmp_path / "s.sqlite3",
        None,
        CLOCK_START,
        HOUR_REMINDER + timedelta(minutes=30),
    )
    lines = report.splitlines()
    assert (
        "  2026-11-23 15:00  meeting   (will be dropped: overdue, and "
        f"{MEETING}60m (due 2026-11-24 13:00 UTC) says the same) — Virtual meeting Bonn – La Paz"
    ) in lines
    [hour] = [line for line in lines if line.startswith("  2026-11-24 14:00  meeting")]
    assert "begins in 30 minutes" in hour
