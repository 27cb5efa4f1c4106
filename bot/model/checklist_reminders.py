"""Reminders of checklist items: on which days an open item is reminded, and who reads
them privately (the focal points of the side that owns it). Plain values, no I/O."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from bot.model.checklists import due_day, owning_sides
from bot.model.domain import ChecklistItem, Event
from bot.model.posts import ChecklistStage
from bot.model.roles import Side


@dataclass(frozen=True)
class FocalChat:
    """A private chat (not paused) whose user is a focal point: their checklist reminders
    are planned from it, in their zone."""

    chat_id: int
    timezone: str | None
    sides: frozenset[tuple[str, Side]]
    """(partnership id, side) pairs the user is a focal point of."""

    def owns(self, item: ChecklistItem, event: Event) -> bool:
        """Whether the item is one of this user's sides' tasks."""
        if event.partnership_id is None:
            return False
        mine = {side for pid, side in self.sides if pid == event.partnership_id}
        return bool(mine & owning_sides(item.side, event.travelling))


def reminder_days(item: ChecklistItem, event: Event) -> dict[ChecklistStage, date]:
    """The days an open item is reminded: its due day, and a few days later as overdue
    when that is still before the exchange's first day. None while the exchange's day is
    not known to the day."""
    first, due = event.starts.as_date(), due_day(item, event)
    if first is None or due is None:
        return {}
    days = {stage: due + timedelta(days=stage.offset) for stage in ChecklistStage}
    return {s: d for s, d in days.items() if s is ChecklistStage.DUE or d < first}


def overdue_items(
    items: Iterable[ChecklistItem], event: Event, today: date
) -> list[tuple[ChecklistItem, date]]:
    """The open items past their due day (`today` where the reader is), with that day."""
    found = []
    for item in items:
        due = due_day(item, event)
        if not item.done and due is not None and due < today:
            found.append((item, due))
    return found
