"""Planning with an injected clock: offsets, zones, DST, month precision, moves, idempotence."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.model.chats import FollowingChat
from bot.model.codec import DatasetError
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import (
    ChangeStatus,
    Dataset,
    LocalizedText,
    MeetingChange,
    Milestone,
    PartialDate,
    Partnership,
    Phase,
)
from bot.model.posts import MeetingCorrection, MeetingReminder, Planned
from bot.model.recurrence import occurrences
from bot.schedule.plan import Network, deadline_end, plan_chat
from bot.schedule.replan import load_network, replan
from harness.generated import generated_network
from storage.store import Storage, seed_yaml

BERLIN, LA_PAZ, ADDIS = (
    ZoneInfo(z) for z in ("Europe/Berlin", "America/La_Paz", "Africa/Addis_Ababa")
)
SEED = dataset_from_yaml(seed_yaml())


def network(*milestones: Milestone) -> Network:
    phase = Phase("px", "kkp", LocalizedText.of("Phase X"))
    return Network(
        phases={p.id: p for p in (*SEED.phases, phase)},
        milestones=[*SEED.milestones, *milestones],
        partnerships={p.id: p for p in SEED.partnerships},
        series=SEED.meeting_series,
        events=SEED.events,
    )


def chat(
    *targets: tuple[str, str],
    zone: str | None = None,
    days: tuple[int, ...] = (14, 3, 1),
    minutes: tuple[int, ...] = (1440, 60),
) -> FollowingChat:
    return FollowingChat(-100, "group", ("de", "es"), zone, days, minutes, frozenset(targets))


def due(milestone_due: PartialDate) -> Milestone:
    return Milestone("mx", "px", 1, LocalizedText.of("Submit the report"), milestone_due)


def test_deadline_reminders_at_nine_in_the_groups_zone() -> None:
    net = network(due(PartialDate(2027, 2, 15)))
    now = datetime(2027, 1, 10, tzinfo=UTC)
    plan = [
        p
        for p in plan_chat(chat(("phase", "px"), zone="America/La_Paz"), net, now, BERLIN)
        if p.kind == "deadline"
    ]
    assert [(p.key, p.due_at.astimezone(LA_PAZ)) for p in plan] == [
        ("deadline:mx:2027-02-15:14d", datetime(2027, 2, 1, 9, 0, tzinfo=LA_PAZ)),
        ("deadline:mx:2027-02-15:3d", datetime(2027, 2, 12, 9, 0, tzinfo=LA_PAZ)),
        ("deadline:mx:2027-02-15:1d", datetime(2027, 2, 14, 9, 0, tzinfo=LA_PAZ)),
    ]
    assert all(p.due_at.astimezone(LA_PAZ).hour == 9 for p in plan)  # never at 03:00


def test_deadline_is_the_end_of_the_day_in_the_home_zone() -> None:
    assert deadline_end(PartialDate(2014, 8, 15), BERLIN) == datetime(2014, 8, 16, tzinfo=BERLIN)
    assert deadline_end(PartialDate(2015, 3), BERLIN) == datetime(2015, 4, 1, tzinfo=BERLIN)
    assert deadline_end(PartialDate(2014, 12), BERLIN) == datetime(2015, 1, 1, tzinfo=BERLIN)
    assert deadline_end(PartialDate(None, 11, 24), BERLIN) is None


def test_month_precision_counts_back_from_the_last_day() -> None:
    net = network(due(PartialDate(2027, 3)))
    plan = plan_chat(
        chat(("phase", "px"), zone="Africa/Addis_Ababa", days=(14,)),
        net,
        datetime(2027, 1, 1, tzinfo=UTC),
        BERLIN,
    )
    [reminder] = [p for p in plan if p.kind == "deadline"]
    assert reminder.due_at == datetime(2027, 3, 17, 9, 0, tzinfo=ADDIS)


def test_a_passed_reminder_goes_out_once_now_the_rest_at_their_time() -> None:
    net = network(due(PartialDate(2027, 2, 15)))
    now = datetime(2027, 2, 10, 12, tzinfo=UTC)  # 14 days before is gone; 3 and 1 remain
    plan = [
        (p.key, p.due_at)
        for p in plan_chat(chat(("phase", "px")), net, now, BERLIN)
        if p.kind == "deadline"
    ]
    # A chat that joins (or changes zone) after the 14-day reminder gets it now, once: its
    # key tells the outbox whether it was sent already.
    assert plan == [
        ("deadline:mx:2027-02-15:14d", now),
        ("deadline:mx:2027-02-15:3d", datetime(2027, 2, 12, 9, tzinfo=BERLIN)),
        ("deadline:mx:2027-02-15:1d", datetime(2027, 2, 14, 9, tzinfo=BERLIN)),
    ]
    after = datetime(2027, 2, 16, tzinfo=UTC)  # the deadline is over: nothing at all
    assert not [
        p for p in plan_chat(chat(("phase", "px")), net, after, BERLIN) if p.kind == "deadline"
    ]


def test_no_passed_reminder_now_when_another_says_the_same_later_today() -> None:
    net = network(due(PartialDate(2027, 2, 15)))

    def deadlines(now: datetime) -> list[tuple[str, datetime]]:
        plan = plan_chat(chat(("phase", "px")), net, now, BERLIN)
        return [(p.key[len("deadline:mx:2027-02-15:") :], p.due_at) for p in plan if not p.dropped]

    # 01:30 on the day of the 3-day reminder: the 14-day one, passed, would also say "in 3
    # days" and come seven and a half hours before it. Only the 3-day one goes, at 09:00;
    # the 14-day one is stored as dropped, at its own time, with the reason.
    night = datetime(2027, 2, 12, 1, 30, tzinfo=BERLIN)
    assert deadlines(night) == [
        ("3d", datetime(2027, 2, 12, 9, tzinfo=BERLIN)),
        ("1d", datetime(2027, 2, 14, 9, tzinfo=BERLIN)),
    ]
    [dropped] = [p for p in plan_chat(chat(("phase", "px")), net, night, BERLIN) if p.dropped]
    assert (dropped.key, dropped.due_at) == (
        "deadline:mx:2027-02-15:14d",
        datetime(2027, 2, 1, 9, tzinfo=BERLIN),
    )
    assert dropped.dropped == (
        "dropped: overdue, and deadline:mx:2027-02-15:3d (due 2027-02-12 08:00 UTC) says the same"
    )
    # The day before, the passed 14-day reminder is news ("in 4 days"): sent now.
    eve = night - timedelta(days=1)
    assert deadlines(eve)[0] == ("14d", eve)
    # After 09:00 the 3-day reminder itself has passed: it goes now, the 1-day one later.
    noon = night.replace(hour=12)
    assert deadlines(noon) == [("3d", noon), ("1d", datetime(2027, 2, 14, 9, tzinfo=BERLIN))]
    # "Today" is the chat's: 01:30 in Berlin is still the 11th in La Paz, where the
    # 3-day reminder comes the next morning, so the passed one is sent now.
    la_paz = plan_chat(chat(("phase", "px"), zone="America/La_Paz"), net, night, BERLIN)
    assert ("deadline:mx:2027-02-15:14d", night) in [(p.key, p.due_at) for p in la_paz]


def test_a_meeting_reminder_passed_is_sent_now_only_if_none_comes_later_today() -> None:
    def meeting_day(now: datetime, zone: str | None = None) -> list[tuple[str, datetime]]:
        plan = plan_chat(chat(("partnership", "bonn-la-paz"), zone=zone), network(), now, BERLIN)
        prefix = "meeting:bonn-la-paz-virtual:2027-01-05T15:00:"
        return [
            (p.key[len(prefix) :], p.due_at)
            for p in plan
            if p.key.startswith(prefix) and not p.dropped
        ]

    an_hour_before = ("60m", datetime(2027, 1, 5, 14, tzinfo=BERLIN))
    # 13:36 on the day: "begins in 1 hour" now and again at 14:00 would say the same;
    # 10:00: the invitation (sent now) gives the time, the 14:00 reminder follows.
    for hour, minute in ((13, 36), (10, 0), (0, 30)):
        assert meeting_day(datetime(2027, 1, 5, hour, minute, tzinfo=BERLIN)) == [an_hour_before]
    # The evening before, the day-before reminder (passed at 15:00) is news: sent now.
    eve = datetime(2027, 1, 4, 20, 0, tzinfo=BERLIN)
    assert meeting_day(eve) == [("1440m", eve), an_hour_before]
    # "Today" is the chat's: at 00:30 in Berlin it is still the 4th in La Paz.
    night = datetime(2027, 1, 5, 0, 30, tzinfo=BERLIN)
    assert meeting_day(night, "America/La_Paz") == [("1440m", night), an_hour_before]


def test_meeting_reminders_follow_berlin_wall_clock_across_dst() -> None:
    now = datetime(2027, 3, 1, tzinfo=UTC)
    plan = plan_chat(chat(("partnership", "bonn-la-paz")), network(), now, BERLIN)
    hour_before = {
        p.payload.occurrence: p.due_at.astimezone(UTC)
        for p in plan
        if isinstance(p.payload, MeetingReminder) and p.payload.minutes == 60
    }
    # 15:00 Berlin is 14:00 UTC in winter and 13:00 UTC after the change to summer time
    # (28 March 2027); the reminder an hour before moves with it.
    assert hour_before["2027-03-30T15:00"] == datetime(2027, 3, 30, 12, 0, tzinfo=UTC)
    assert hour_before["2027-05-11T15:00"] == datetime(2027, 5, 11, 12, 0, tzinfo=UTC)
    winter = plan_chat(
        chat(("partnership", "bonn-la-paz")), network(), datetime(2027, 2, 1, tzinfo=UTC), BERLIN
    )
    [feb] = [p for p in winter if p.key == "meeting:bonn-la-paz-virtual:2027-02-16T15:00:60m"]
    assert feb.due_at.astimezone(UTC) == datetime(2027, 2, 16, 13, 0, tzinfo=UTC)
    [invite] = [p for p in plan if p.key == "invite:bonn-la-paz-virtual:2027-03-30T15:00"]
    # invited when the previous meeting (16 Feb, 15:00-16:00 CET) is over: clamped to now
    assert invite.due_at == now


def test_invitation_when_the_previous_meeting_is_over() -> None:
    now = datetime(2027, 2, 1, tzinfo=UTC)
    plan = plan_chat(
        chat(("partnership", "bonn-la-paz")), network(), now, BERLIN, horizon=timedelta(days=100)
    )
    invite = next(p for p in plan if p.key == "invite:bonn-la-paz-virtual:2027-03-30T15:00")
    assert invite.due_at == datetime(2027, 2, 16, 16, 0, tzinfo=BERLIN)


def test_six_weekly_series_over_two_years_plans_every_meeting_once() -> None:
    now = datetime(2027, 1, 1, tzinfo=UTC)
    plan = plan_chat(
        chat(("partnership", "bonn-la-paz")), network(), now, BERLIN, horizon=timedelta(days=730)
    )
    invites = [p for p in plan if p.kind == "invite"]
    # 5 Jan 2027 + 17 x 42 days = 20 Dec 2028: 18 meetings, each invited once, two reminders
    assert len(invites) == 18 and len({p.key for p in invites}) == 18
    assert len([p for p in plan if p.kind == "meeting"]) == 36


def test_following_a_programme_reaches_its_phases_and_partnerships() -> None:
    plan = plan_chat(
        chat(("programme", "kkp")),
        network(due(PartialDate(2027, 2, 15))),
        datetime(2027, 1, 10, tzinfo=UTC),
        BERLIN,
    )
    kinds = {p.kind for p in plan}
    assert kinds == {"deadline", "invite", "meeting", "actask"}


async def test_replanning_is_idempotent_and_follows_a_moved_milestone(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "plan.sqlite3")
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    await store.load_example(now.date())
    await store.subscriptions.add(-100, "supergroup", "g", "phase", "example-phase", 1, now)
    first = await replan(store, now, BERLIN)
    # milestones due in 3, 10 and 24 days: 1 + 2 + 3 reminders still ahead; two events: 2
    # + the 3-day reminder of the first and the 14-day one of the second, passed: sent now
    assert first == 10

    async def rows() -> set[tuple[str, int, str]]:
        return {
            (d.key, d.chat_id, d.status)
            for d in await store.outbox.pending_until(now + timedelta(days=400))
        }

    before = await rows()
    assert await replan(store, now, BERLIN) == 0  # nothing new the second time...
    assert await replan(store, now + timedelta(hours=1), BERLIN) == 0  # ...nor an hour on
    assert await rows() == before
    dataset = await store.network.load(examples=True)
    [m1] = [m for m in dataset.milestones if m.id == "example-m1"]
    moved = Milestone(
        m1.id, m1.phase_id, m1.position, m1.title, PartialDate(2026, 12, 20), example=True
    )
    await store.network.save(Dataset(milestones=(moved,)))
    await replan(store, now, BERLIN)
    keys = [d.key for d in await store.outbox.pending_until(now + timedelta(days=90))]
    assert not [k for k in keys if "example-m1:2026-11-26" in k]  # the old date's rows are gone
    assert "deadline:example-m1:2026-12-20:14d" in keys
    net = await load_network(store)
    assert net.milestones  # the planner's view loads
    await store.close()


async def test_replace_plan_adds_moves_and_drops_only_pending_rows(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "outbox.sqlite3")
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    for chat_id in (-1, -2):
        await store.subscriptions.add(chat_id, "group", "g", "phase", "p8", 1, now)

    def correction(subject: str, version: int = 0) -> MeetingCorrection:
        """A post about `subject`; versions differ in payload, not in key."""
        return MeetingCorrection(f"c{version}", subject, "2026-12-01T15:00", "cancelled", "")

    def key(subject: str) -> str:
        return correction(subject).key

    def row(subject: str, chat_id: int, hours: int, version: int = 0) -> Planned:
        return Planned(chat_id, now + timedelta(hours=hours), correction(subject, version))

    outbox = store.outbox
    assert (
        await outbox.replace_plan(
            [-1, -2], [row("a", -1, 1), row("b", -1, 2), row("c", -2, 3)], now
        )
        == 3
    )
    delivery = await outbox.claim_next(now + timedelta(hours=1))
    assert delivery is not None and delivery.key == key("a")
    await outbox.mark_sent(delivery.id, 7, now)
    # "a" was sent: it stays as it was; "b" moves; "c" is no longer planned; "d" is new.
    plan = [row("a", -1, 5, 1), row("b", -1, 4, 1), row("d", -2, 6)]
    assert await outbox.replace_plan([-1, -2], plan, now) == 1
    assert await outbox.replace_plan([-1, -2], plan, now) == 0
    pending = await outbox.pending_until(now + timedelta(days=1))
    assert [(d.key, d.chat_id, d.due_at, d.payload) for d in pending] == [
        (key("d"), -2, now + timedelta(hours=6), correction("d", 0)),
        (key("b"), -1, now + timedelta(hours=4), correction("b", 1)),
    ]
    sent = await outbox.get(delivery.id)
    assert sent is not None and (sent.status, sent.due_at) == ("sent", now + timedelta(hours=1))
    assert await outbox.replace_plan([-1], [], now) == 0  # chat -1 planned empty: only its rows go
    assert [d.key for d in await outbox.pending_until(now + timedelta(days=1))] == [key("d")]
    await store.close()


async def test_the_planner_loads_only_the_partnerships_subscriptions_reach(
    tmp_path: Path,
) -> None:
    store = await Storage.open(tmp_path / "reach.sqlite3")
    now = datetime(2026, 11, 23, 9, tzinfo=UTC)
    generated = generated_network(30)  # programme kkp, no phase
    phase_only = Partnership("phase-only", "bonn", "mtwara", phase_id="p8")  # no programme
    await store.network.save(replace(generated, partnerships=(*generated.partnerships, phase_only)))

    async def reached(*targets: tuple[str, str]) -> set[str]:
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM subscriptions")
        for n, (kind, target) in enumerate(targets):
            await store.subscriptions.add(-1 - n, "group", "g", kind, target, 1, now)
        return set((await load_network(store)).partnerships)

    p8 = {p.id for p in SEED.partnerships if p.phase_id == "p8"} | {"phase-only"}
    assert await reached() == set()
    assert await reached(("partnership", "bonn-la-paz"), ("phase", "p8")) == {"bonn-la-paz", *p8}
    assert await reached(("programme", "tandem")) == {"worms-metz"}
    kkp = await reached(("programme", "kkp"))  # its own partnerships and those of its phases
    assert "phase-only" in kkp and "gen-29" in kkp and "worms-metz" not in kkp
    assert len(kkp) == len(SEED.partnerships) - 1 + 30 + 1
    await store.close()


def test_cancelled_and_moved_meetings() -> None:
    cancel = MeetingChange(
        "c1", "bonn-la-paz-virtual", datetime(2027, 1, 5, 15, 0), ChangeStatus.CANCELLED
    )
    move = MeetingChange(
        "m1",
        "bonn-la-paz-virtual",
        datetime(2027, 2, 16, 15, 0),
        ChangeStatus.MOVED,
        datetime(2027, 2, 18, 16, 0),
    )
    net = network()
    net = Network(
        net.phases, net.milestones, net.partnerships, net.series, net.events, changes=(cancel, move)
    )
    now = datetime(2026, 12, 1, tzinfo=UTC)
    plan = plan_chat(chat(("partnership", "bonn-la-paz")), net, now, BERLIN)
    keys = {p.key for p in plan}
    assert not [k for k in keys if k.startswith(("invite:", "meeting:")) and "2027-01-05" in k]
    assert "change:bonn-la-paz-virtual:2027-01-05T15:00:cancelled:" in keys
    assert "change:bonn-la-paz-virtual:2027-02-16T15:00:moved:2027-02-18T16:00" in keys
    [hour_before] = [p for p in plan if p.key == "meeting:bonn-la-paz-virtual:2027-02-16T15:00:60m"]
    assert hour_before.due_at == datetime(2027, 2, 18, 15, 0, tzinfo=BERLIN)  # the new time
    occ = occurrences(SEED.meeting_series[0], now, now + timedelta(days=90), net.changes)
    assert [o.start.astimezone(BERLIN).strftime("%m-%d %H") for o in occ] == ["02-18 16"]


def test_a_change_must_name_a_real_meeting() -> None:
    text = seed_yaml() + (
        "meeting_changes:\n- id: c1\n  series_id: bonn-la-paz-virtual\n"
        "  occurrence: '2027-01-06T15:00'\n  status: cancelled\n"
    )
    with pytest.raises(DatasetError, match="the series has no meeting at that time"):
        dataset_from_yaml(text)
    good = text.replace("2027-01-06T15:00", "2027-01-05T15:00")
    [change] = dataset_from_yaml(good).meeting_changes
    assert change.status is ChangeStatus.CANCELLED
