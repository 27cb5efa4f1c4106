"""Overdue reminders: when one is dropped instead of going late.

A reminder is overdue when its time passed before it could go: a chat followed its
subject after it (the planner sends the latest passed one at once, plan.py), or the bot
was down (the dispatcher finds it long due, send.py). Sent late, it reads from the moment
it goes ("begins in 1 hour", "deadline in 3 days"), so when a later reminder about the
same subject, in the same chat (a shorter lead), comes soon, both would say the same.
Then the overdue one is dropped: stored as skipped, with this reason, never sent.

One rule for both places, so a chat that subscribes and a bot that restarts agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.posts import Delivery, Reminder, lead

SOON = timedelta(hours=1)
LATE_AFTER = timedelta(minutes=15)
"""A post sent this long after its due time says it is late (compose.py). At sending, a
row is overdue from then on: one held back a few minutes (flood control, a slow start)
is not, and still goes before its sibling."""


@dataclass(frozen=True)
class Redundant:
    """Why an overdue reminder is dropped: the later sibling that says the same."""

    sibling: str
    """The sibling's key."""
    due_at: datetime

    def __str__(self) -> str:
        when = self.due_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
        return f"dropped: overdue, and {self.sibling} (due {when}) says the same"


def redundant(sibling_due: datetime, now: datetime, zone: ZoneInfo) -> bool:
    """Whether a later sibling due at `sibling_due` makes an overdue reminder sent `now`
    redundant: it is due already or within the hour (instants, so a DST change between
    them shifts nothing), or later the same day where the chat is (`zone`)."""
    today = now.astimezone(zone).date()
    return sibling_due - now <= SOON or sibling_due.astimezone(zone).date() == today


def at_sending(
    row: Delivery, siblings: Sequence[Delivery], now: datetime, zone: ZoneInfo
) -> Redundant | None:
    """Why this reminder, claimed `now`, is not to be sent, or None. `siblings`: the chat's
    other rows about its subject, pending or sent. One due already always wins (after
    downtime only the latest goes); one due soon only over a row that is overdue."""
    assert isinstance(row.payload, Reminder)
    mine = lead(row.payload)
    later = [s for s in siblings if isinstance(s.payload, Reminder) and lead(s.payload) < mine]
    if not later:
        return None
    first = min(later, key=lambda s: s.due_at)
    overdue = now - row.due_at > LATE_AFTER
    if first.due_at <= now or (overdue and redundant(first.due_at, now, zone)):
        return Redundant(first.key, first.due_at)
    return None
