"""Planning into the outbox: the network as the planner reads it, and the chats' plans
written in short slices, so that the bot keeps answering while it plans.

A full re-plan (the hourly roll of the horizon, a change to the network's data) goes
through the chats a slice at a time: each slice reads its chats afresh, plans them and
writes their rows in one transaction of its own, then yields to the event loop. A
chat's rows are always written whole, so the dispatcher sees a chat either as it was
planned before or as it is planned now, never half of each. A change to one chat (a
follow, lead times, its zone) re-plans that chat alone.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Collection, Sequence
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from zoneinfo import ZoneInfo

from bot.model.domain import ChecklistItem
from bot.model.posts import Planned
from bot.schedule.plan import (
    Network,
    plan_action_reminders,
    plan_chat,
    plan_chats,
    plan_checklist_reminders,
    subject_last_day,
)
from storage.outbox import FINISHED, Finished
from storage.store import Storage

log = logging.getLogger(__name__)

SLICE_ROWS = 400
"""Planned rows per slice (more when one chat alone has more): at ~15 µs a row to plan
and about as much to write, a slice holds the loop and the database for ~10 ms."""
SLICE_SECONDS = 0.008
"""...and a slice stops planning after this long, whatever its rows."""
KEEP_DAYS = 8
"""Finished rows stay this many days after their subject's last day: one day for the
zones (see subject_last_day), a week to look back on."""
PRUNE_BATCH = 200  # decoding a row is ~20-50 µs: a batch holds the loop ~10 ms at most
LOAD_PAGE = 250
READ_AHEAD = 64
"""Chats whose settings a slice reads at once (it plans as many of them as fit)."""


async def load_network(
    storage: Storage, chat_id: int | None = None, now: datetime | None = None
) -> Network:
    """What planning and posts read: the dated records, and of the partnerships only those
    subscriptions reach. Not the whole dataset: its towns alone are 20,000 rows at scale.
    With `chat_id`: only the partnerships that chat's subscriptions reach and their
    meetings, all one chat's plan needs (not every group's 1,640 series). With `now`: the
    open checklist items of the exchanges not begun (planning and sending need them)."""
    network = storage.network
    if chat_id is None:  # thousands of records: read a page at a time, yielding between
        followed = await _paged(network.followed_partnerships)
        partnerships = {p.id: p for p in followed}
        series = await _paged(network.meeting_series)
        actions = await storage.actions.all_open()  # an owner's reminder may need any
    else:
        partnerships = {p.id: p for p in await network.followed_partnerships(chat_id)}
        series = await network.meeting_series(list(partnerships))
        actions = await storage.actions.open_for(list(partnerships))
        # A private chat also gets reminders of the meetings its user said ✅ to.
        going = await storage.rsvps.going_series(chat_id) - {s.id for s in series}
        if going:
            series += [s for s in await network.meeting_series() if s.id in going]
    return Network(
        phases={p.id: p for p in await network.phases()},
        milestones=await network.milestones(),
        partnerships=partnerships,
        series=series,
        events=await network.events(),
        changes=await network.meeting_changes(),
        actions=actions,
        checklist_items=await _open_checklists(storage, now, chat_id, partnerships),
    )


async def _open_checklists(
    storage: Storage, now: datetime | None, chat_id: int | None, partnerships: Collection[str]
) -> list[ChecklistItem]:
    """The open checklist items of exchanges from the day before `now` (UTC) on, one not
    begun yet somewhere in the world; none without `now` (what only reads meetings). For
    one chat: those of the partnerships it follows and, a private chat, of those its user
    is a focal point of (16,400 items of a large network took 200 ms to read whole)."""
    if now is None:
        return []
    since = now.astimezone(UTC).date() - timedelta(days=1)
    if chat_id is None:
        return await storage.checklists.open_ahead(since)
    focal = await storage.checklists.focal_chats([chat_id])
    mine = set(partnerships) | {pid for chat in focal for pid, _side in chat.sides}
    return await storage.checklists.open_ahead(since, mine)


T = TypeVar("T")


async def _paged(load: Callable[..., Awaitable[list[T]]]) -> list[T]:
    """All of `load`'s records, LOAD_PAGE at a time: decoding 1,640 meeting series in one
    go held the event loop ~35 ms. (Read outside a transaction: an import meanwhile
    changes the data version, and the safety tick plans again.)"""
    found: list[T] = []
    while True:
        page = await load(offset=len(found), limit=LOAD_PAGE)
        found += page
        if len(page) < LOAD_PAGE:
            return found
        await asyncio.sleep(0)


async def plan_into(
    storage: Storage, chat_ids: Sequence[int], net: Network, now: datetime, home: ZoneInfo
) -> int:
    """Plan these chats as they are now and write their rows in one transaction; returns
    rows added. Paused chats among them are left as they are."""
    chats = await storage.subscriptions.following_chats(chat_ids)
    planned = plan_chats(chats, net, now, home)
    return await _write(storage, chat_ids, planned, now, home, net)


async def replan(
    storage: Storage, now: datetime, home: ZoneInfo, net: Network | None = None
) -> int:
    """Write the plan of every chat into the outbox, in slices; returns rows added.
    `net`: the network, when the caller has loaded it already. Without a Planner, so
    nothing else may re-plan meanwhile (tests, `partnerbot schedule`)."""
    return await Planner(storage, home).replan_all(now, net)


class Planner:
    """One per application: full re-plans in slices and one chat's re-plan on request,
    never two writing at once.

    `_turn` is held for one slice or one chat's re-plan, read to write: whatever plans a
    chat last read its settings last. A full run's network is loaded once at its start,
    though, so a chat re-planned on its own since then (with a fresh network, after the
    change that asked for it) is not planned again by that run's later slices.
    """

    def __init__(
        self,
        storage: Storage,
        home: ZoneInfo,
        *,
        slice_rows: int = SLICE_ROWS,
        slice_seconds: float = SLICE_SECONDS,
    ) -> None:
        self.storage = storage
        self.home = home
        self.slice_rows, self.slice_seconds = slice_rows, slice_seconds
        self.slices = 0  # written so far, by full runs
        self._turn = asyncio.Lock()
        self._full = asyncio.Lock()  # one full run at a time; a second one waits, then runs
        self._fresh: set[int] = set()  # chats planned on their own during the full run

    async def replan_chat(self, chat_id: int, now: datetime) -> int:
        """After a change to this chat: plan it alone. Returns rows added."""
        async with self._turn:
            self._fresh.add(chat_id)
            net = await load_network(self.storage, chat_id, now)
            return await plan_into(self.storage, [chat_id], net, now, self.home)

    async def replan_all(self, now: datetime, net: Network | None = None) -> int:
        """Every chat, a slice at a time. Returns rows added."""
        async with self._full:
            started = time.perf_counter()
            self._fresh.clear()
            net = net or await load_network(self.storage, now=now)
            chats = await self.storage.subscriptions.active_chat_ids()
            added = slices = 0
            position = 0
            while position < len(chats):
                async with self._turn:
                    position, count = await self._slice(chats, position, net, now)
                added += count
                slices += 1
                self.slices += 1
                await asyncio.sleep(0)  # let updates and the dispatcher in
            log.info(
                "planned %d chats in %d slices, %.0f ms (%d new)",
                len(chats),
                slices,
                (time.perf_counter() - started) * 1000,
                added,
            )
            return added

    async def _slice(
        self, chats: Sequence[int], position: int, net: Network, now: datetime
    ) -> tuple[int, int]:
        """Plan chats from `position` on until the slice is full, and write them. Returns
        the next position and the rows added."""
        storage = self.storage
        window = chats[position : position + READ_AHEAD]
        wanted = [c for c in window if c not in self._fresh]
        by_id = {c.chat_id: c for c in await storage.subscriptions.following_chats(wanted)}
        planned: list[Planned] = []
        ids: list[int] = []
        used, started = 0, time.perf_counter()
        for chat_id in window:
            full = (
                len(planned) >= self.slice_rows
                or time.perf_counter() - started > self.slice_seconds
            )
            if ids and full:
                break
            used += 1
            if chat_id in self._fresh:
                continue
            ids.append(chat_id)  # one that follows nothing any more: its pending rows go
            if (chat := by_id.get(chat_id)) is not None:
                planned.extend(plan_chat(chat, net, now, self.home))
                await asyncio.sleep(0)  # a command's next step need not wait for the slice
        return position + used, await _write(storage, ids, planned, now, self.home, net)


async def _write(
    storage: Storage,
    chat_ids: Sequence[int],
    planned: Sequence[Planned],
    now: datetime,
    home: ZoneInfo,
    net: Network | None = None,
) -> int:
    """The chats' plan into the outbox, in one transaction; a chat paused since its plan was
    read is left as it is. `net`: what focal points' checklist reminders are planned from."""
    if not chat_ids:
        return 0
    active = await storage.subscriptions.active_chat_ids(chat_ids)
    keep = set(active)
    planned = [*planned, *await _action_reminders(storage, active, now, home)]
    if net is not None:
        planned += await _checklist_reminders(storage, active, net, now, home)
    mine = [p for p in planned if p.chat_id in keep]
    return await storage.outbox.replace_plan(active, mine, window_start=now)


async def _action_reminders(
    storage: Storage, chat_ids: Sequence[int], now: datetime, home: ZoneInfo
) -> list[Planned]:
    """The private chats' reminders of the action items their users own (or whose side
    they are a focal point of): planned with each chat, whatever it follows."""
    return [
        planned
        for owner in await storage.actions.owner_chats(chat_ids)
        for planned in plan_action_reminders(owner, now, home)
    ]


async def _checklist_reminders(
    storage: Storage, chat_ids: Sequence[int], net: Network, now: datetime, home: ZoneInfo
) -> list[Planned]:
    """The private chats' reminders of the checklist items of their sides (the users are
    focal points): planned with each chat, whatever it follows."""
    if not net.checklist_items:
        return []
    return [
        planned
        for focal in await storage.checklists.focal_chats(chat_ids)
        for planned in plan_checklist_reminders(focal, net, now, home)
    ]


def prune_before(now: datetime) -> datetime:
    """Finished rows due before this instant may be pruned, if their subject allows it.
    A row is due no later than its subject, which is before its last day + 2 in UTC."""
    today = now.astimezone(UTC).date()
    return datetime.combine(today - timedelta(days=KEEP_DAYS - 1), datetime.min.time(), UTC)


def expired(item: Finished, now: datetime) -> bool:
    """No button can reach this row any more, and no re-plan can make it again: its
    subject's last day is more than KEEP_DAYS behind."""
    if item.payload is None:
        return False
    last = subject_last_day(item.payload)
    return last is not None and last < now.astimezone(UTC).date() - timedelta(days=KEEP_DAYS)


async def prune(storage: Storage, now: datetime) -> int:
    """Delete finished rows whose subject is long past, in short batches (a read along an
    index, a delete of at most PRUNE_BATCH rows), yielding between them. Returns rows
    deleted. Pending and claimed rows are never touched: the dispatcher and the late/skip
    logic (send.py, overdue.py) read only those."""
    outbox, before, removed = storage.outbox, prune_before(now), 0
    for status in FINISHED:
        after: Finished | None = None
        while batch := await outbox.finished_before(status, before, after, PRUNE_BATCH):
            after = batch[-1]
            removed += await outbox.remove_finished([i.id for i in batch if expired(i, now)])
            await asyncio.sleep(0)
    # Checklist reminders: by their item's exchange as stored now (subject_last_day).
    old = now.astimezone(UTC).date() - timedelta(days=KEEP_DAYS)
    while True:
        count = await storage.checklists.prune_reminders(old, PRUNE_BATCH)
        removed += count
        if count < PRUNE_BATCH:
            break
        await asyncio.sleep(0)
    if removed:
        log.info("pruned %d finished posts", removed)
    return removed
