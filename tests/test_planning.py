"""Planning into the outbox in slices, one chat's re-plan, and pruning what is long past:
a real SQLite file, the clock injected."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import (
    ChangeStatus,
    Dataset,
    LocalizedText,
    MeetingChange,
    MeetingSeries,
    Milestone,
    PartialDate,
    Phase,
)
from bot.model.example import PHASE_ID
from bot.model.posts import (
    DeadlineReminder,
    DeliveryStatus,
    EventReminder,
    Invitation,
    MeetingCorrection,
)
from bot.schedule.jobs import scheduler_of
from bot.schedule.plan import plan_chat, subject_last_day
from bot.schedule.replan import KEEP_DAYS, Planner, load_network, prune
from storage.outbox import Finished
from storage.store import Storage, seed_yaml
from tests.conftest import Driver

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
SEED = dataset_from_yaml(seed_yaml())
[BONN_LA_PAZ] = [p for p in SEED.partnerships if p.id == "bonn-la-paz"]
Rows = set[tuple[int, str, str, str]]


def phase_with_a_meeting(phase_id: str, due: PartialDate) -> Dataset:
    """A phase with one partnership that meets weekly and one deadline."""
    pid = f"{phase_id}-1"
    return Dataset(
        phases=(Phase(phase_id, "kkp", LocalizedText.of(f"Phase {phase_id}")),),
        partnerships=(replace(BONN_LA_PAZ, id=pid, phase_id=phase_id),),
        milestones=(Milestone(f"{phase_id}-m", phase_id, 1, LocalizedText.of("Report"), due),),
        meeting_series=(
            MeetingSeries(
                f"{pid}-weekly",
                pid,
                LocalizedText.of("Weekly call"),
                "FREQ=WEEKLY;BYDAY=TH",
                datetime(2026, 1, 1, 10, 0),
                "America/La_Paz",
            ),
        ),
    )


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    """A database with the seed and the example phase; closed even when a test fails."""
    opened = await Storage.open(tmp_path / "planning.sqlite3")
    try:
        await opened.load_example(NOW.date())
        yield opened
    finally:
        await opened.close()


async def follow(store: Storage, chat_id: int, kind: str, target: str) -> None:
    await store.subscriptions.add(chat_id, "supergroup", f"g{chat_id}", kind, target, 1, NOW)


async def outbox(store: Storage) -> Rows:
    async with store.db.conn.execute(
        "SELECT chat_id, key, due_at, status FROM deliveries ORDER BY chat_id, key"
    ) as cur:
        return {(r[0], r[1], r[2], r[3]) for r in await cur.fetchall()}


async def test_a_full_replan_in_slices_writes_what_one_piece_would(store: Storage) -> None:
    chats = range(-200, -170)
    for chat_id in chats:
        await follow(store, chat_id, "partnership", "bonn-la-paz")
        if chat_id % 3 == 0:
            await follow(store, chat_id, "phase", PHASE_ID)
    net = await load_network(store)
    expected = {
        (p.chat_id, p.key)
        for chat in await store.subscriptions.following_chats()
        for p in plan_chat(chat, net, NOW, BERLIN)
    }
    planner = Planner(store, BERLIN, slice_rows=10)
    added = await planner.replan_all(NOW)
    assert planner.slices > 5  # it did go in slices
    assert added == len(expected)
    assert {(c, k) for c, k, _, _ in await outbox(store)} == expected
    assert await planner.replan_all(NOW) == 0  # and again: nothing new


async def test_one_chats_replan_leaves_the_others_alone(store: Storage) -> None:
    for chat_id in (-1, -2):
        await follow(store, chat_id, "partnership", "bonn-la-paz")
    planner = Planner(store, BERLIN)
    await planner.replan_all(NOW)
    before = await outbox(store)
    for chat_id in (-1, -2):  # both change, but only -1 asks for its re-plan
        await follow(store, chat_id, "phase", PHASE_ID)
    added = await planner.replan_chat(-1, NOW)
    after = await outbox(store)
    assert added > 0
    assert {r for r in after if r[0] == -2} == {r for r in before if r[0] == -2}
    assert {r[1] for r in after if r[0] == -1} > {r[1] for r in before if r[0] == -1}
    assert any("deadline:example-m1" in r[1] for r in after if r[0] == -1)


class Watched(Planner):
    """A planner that says when its full run has written a slice."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.under_way = asyncio.Event()

    async def _slice(self, *args: Any) -> tuple[int, int]:
        written = await super()._slice(*args)
        self.under_way.set()
        return written


async def test_a_chat_replanned_during_a_full_run_keeps_its_fresh_plan(store: Storage) -> None:
    """The full run read the network before the change; the chat's own re-plan after it.
    Whichever writes the chat last, the chat ends up planned from what it follows now."""
    await store.network.save(phase_with_a_meeting("pz", PartialDate(2026, 12, 18)))
    for chat_id in range(-60, -1):
        await follow(store, chat_id, "partnership", "bonn-la-paz")
    late = -1  # the last chat in the full run's order
    await follow(store, late, "partnership", "bonn-la-paz")
    planner = Watched(store, BERLIN, slice_rows=1)  # one chat per slice: a long run
    full = asyncio.create_task(planner.replan_all(NOW))
    await planner.under_way.wait()  # its network read, its first slice written
    await follow(store, late, "partnership", "pz-1")  # nobody followed pz-1 before
    await planner.replan_chat(late, NOW)
    assert not full.done()  # the chat's re-plan did come in the middle of the run
    await full
    keys = {k for c, k, _, _ in await outbox(store) if c == late}
    # pz-1's phase brings its deadline: only a network read after the change knows pz-1
    assert "deadline:pz-m:2026-12-18:14d" in keys
    assert any(k.startswith("invite:pz-1-weekly:") for k in keys)


async def test_the_bot_replans_only_the_chat_that_changed(bot: Driver) -> None:
    group = bot.group(-300, admins={1: "creator"})
    other = bot.group(-301, admins={1: "creator"})
    await bot.send("/subscribe Bonn", chat=group)
    await bot.send("/subscribe Bonn", chat=other)
    store = bot.app.bot_data.storage
    assert store is not None
    planner = scheduler_of(bot.app).planner
    slices = planner.slices
    await bot.send("/reminders meetings 2h", chat=group)
    rows = await outbox(store)
    assert planner.slices == slices  # no full run
    assert any(k.endswith(":120m") for c, k, _, _ in rows if c == -300)
    assert not any(k.endswith(":120m") for c, k, _, _ in rows if c == -301)


# -- pruning -------------------------------------------------------------------------------


def network_with_everything() -> Dataset:
    """Deadlines by day and by month, events, a weekly meeting with a moved and a
    cancelled occurrence: every kind of post, in zones far apart."""
    data = phase_with_a_meeting("pq", PartialDate(2027, 2))
    moved = MeetingChange(
        "pq-moved",
        "pq-1-weekly",
        datetime(2026, 12, 10, 10, 0),
        ChangeStatus.MOVED,
        datetime(2026, 12, 30, 10, 0),  # 20 days on: its first date is long past by then
    )
    cancelled = MeetingChange(
        "pq-off", "pq-1-weekly", datetime(2027, 1, 7, 10, 0), ChangeStatus.CANCELLED
    )
    return replace(data, meeting_changes=(moved, cancelled))


async def mark_due_sent(store: Storage, now: datetime, message_id: int) -> int:
    """What the dispatcher does with every due row, in one go: sent, some skipped."""
    async with store.db.transaction() as conn:
        cur = await conn.execute(
            "UPDATE deliveries SET status = CASE WHEN id % 5 = 0 THEN 'skipped' ELSE 'sent' END, "
            "message_id = ?, sent_at = ? WHERE status = 'pending' AND due_at <= ?",
            (message_id, now.isoformat(), now.astimezone(UTC).isoformat(timespec="seconds")),
        )
        return cur.rowcount


async def test_pruning_never_lets_a_replan_send_a_post_twice(store: Storage) -> None:
    """Live through four months in six-hour steps: plan, send what is due, prune. Every
    post a chat got is remembered; no re-plan may ever make one of them pending again,
    whatever was pruned, in zones from UTC-11 to UTC+14."""
    await store.network.save(network_with_everything())
    zones = ("Pacific/Pago_Pago", "Pacific/Kiritimati", "Europe/Berlin", "America/La_Paz")
    for n, zone in enumerate(zones):
        chat_id = -10 - n
        await follow(store, chat_id, "partnership", "pq-1")
        await follow(store, chat_id, "phase", PHASE_ID)
        await store.preferences.set_chat_timezone(chat_id, "supergroup", None, zone)
    await store.subscriptions.set_reminder(-12, "supergroup", None, "invite", 0)
    planner, sent, pruned = Planner(store, BERLIN, slice_rows=20), set(), 0
    now = NOW
    for step in range(4 * 30 * 4):
        now = NOW + timedelta(hours=6 * step)
        await planner.replan_all(now)
        pending = {(c, k) for c, k, _, s in await outbox(store) if s == "pending"}
        assert not pending & sent, f"sent again after pruning, at {now}"
        await mark_due_sent(store, now, step)
        sent |= {(c, k) for c, k, _, s in await outbox(store) if s != "pending"}
        pruned += await prune(store, now)
    left = await outbox(store)
    assert pruned > len(left) / 2  # most of what was sent is gone...
    finished = [k for _, k, _, s in left if s != "pending"]
    kinds = {key.split(":", 1)[0] for _, key in sent}
    assert {"deadline", "invite", "meeting", "change", "event"} <= kinds
    assert finished  # ...but what a button or a re-plan can still reach stays
    last_days = [subject_last_day(d.payload) for d in await finished_rows(store) if d.payload]
    assert all(d is not None and d >= now.date() - timedelta(days=KEEP_DAYS) for d in last_days)


async def finished_rows(store: Storage) -> list[Finished]:
    found: list[Finished] = []
    for status in (DeliveryStatus.SENT, DeliveryStatus.SKIPPED):
        found += await store.outbox.finished_before(status, NOW + timedelta(days=10_000))
    return found


async def test_pruning_keeps_pending_and_claimed_rows(store: Storage) -> None:
    await follow(store, -5, "phase", PHASE_ID)
    await Planner(store, BERLIN).replan_all(NOW)
    async with store.db.transaction() as conn:  # one claimed, the rest still pending
        await conn.execute("UPDATE deliveries SET status = 'sending' WHERE id = 1")
    rows = await outbox(store)
    assert await prune(store, NOW + timedelta(days=400)) == 0
    assert await outbox(store) == rows


async def test_a_press_on_a_pruned_invitation_gets_a_polite_answer(bot: Driver) -> None:
    group = bot.group(-400, admins={1: "creator"})
    await bot.send("/subscribe Bonn", chat=group)
    await bot.send("/language es", chat=group)
    scheduler = scheduler_of(bot.app)
    await scheduler.dispatcher.run(bot.app.bot)
    [invite] = [
        c.result
        for c in bot.api.calls
        if c.method == "sendMessage" and c.result and c.result["text"].startswith("📅")
    ]
    yes = invite["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.press(invite, yes, user=bot.user(2))
    assert bot.alerts() == ["✅ Su respuesta: sí"]
    store = bot.app.bot_data.storage
    assert store is not None
    assert await prune(store, bot.app.bot_data.clock.now() + timedelta(days=60)) > 0
    await bot.press(invite, yes, user=bot.user(3, "es"))
    assert bot.alerts()[1:] == ["Esta reunión ya terminó: no se aceptan más respuestas."]


def test_a_posts_subject_ends_on_the_last_day_its_key_names() -> None:
    assert subject_last_day(DeadlineReminder("m", "2027-02", 3)) == date(2027, 2, 28)
    assert subject_last_day(DeadlineReminder("m", "2027", 3)) == date(2027, 12, 31)
    assert subject_last_day(EventReminder("e", "2027-03-04", 7)) == date(2027, 3, 4)
    # a move of up to 31 days keeps an invitation (and a meeting reminder) alive
    assert subject_last_day(Invitation("s", "2027-01-05T23:30")) == date(2027, 2, 5)
    moved = MeetingCorrection("c", "s", "2027-01-05T10:00", ChangeStatus.MOVED, "2027-01-09T10:00")
    assert subject_last_day(moved) == date(2027, 1, 9)  # the later of the two days
    assert subject_last_day(EventReminder("e", "--11-24", 7)) is None  # no year: kept
