"""Checklists of exchanges: which template an exchange starts from, its items' due days,
and whose focal points each item is for. Plain functions over the domain's records."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.model.domain import (
    ChecklistItem,
    ChecklistSide,
    ChecklistTemplateItem,
    Event,
    EventKind,
    ExchangeTemplate,
)
from bot.model.ids import new_id
from bot.model.roles import Side

_AWAY = (EventKind.WORKSHOP, EventKind.NETWORK_MEETING, EventKind.KICKOFF)
"""Kinds whose in-person editions send people travelling to a workshop."""


def template_for(event: Event) -> ExchangeTemplate | None:
    """The template an exchange's checklist is made from: by its kind and who travels;
    None when nobody travels (an online event, or `travelling` not given)."""
    if event.travelling is None or event.online:
        return None
    if event.kind is EventKind.DELEGATION_VISIT:
        if event.travelling is Side.SOUTH:
            return ExchangeTemplate.SOUTH_NORTH_VISIT
        return ExchangeTemplate.NORTH_SOUTH_VISIT
    if event.kind is EventKind.EXPERT_SECONDMENT:
        return ExchangeTemplate.EXPERT_SECONDMENT
    if event.kind in _AWAY:
        return ExchangeTemplate.WORKSHOP_TRAVEL
    return None


def item_id(event_id: str, position: int, taken: Collection[str]) -> str:
    """'<event>-c3', cut to fit an id, unique among `taken`."""
    return new_id(event_id, f"c{position}", taken)


def items_from_template(
    event: Event, template: Iterable[ChecklistTemplateItem], taken: Collection[str] = ()
) -> list[ChecklistItem]:
    """The exchange's checklist as its template gives it, numbered from 1 in the
    template's order."""
    made: list[ChecklistItem] = []
    used = set(taken)
    for position, entry in enumerate(sorted(template, key=lambda t: t.position), start=1):
        new = item_id(event.id, position, used)
        used.add(new)
        made.append(
            ChecklistItem(
                id=new,
                event_id=event.id,
                position=position,
                title=entry.title,
                side=entry.side,
                lead=entry.lead,
                note=entry.note,
            )
        )
    return made


def due_day(item: ChecklistItem, event: Event) -> date | None:
    """The day the item is due: its lead time before the exchange's first day; None while
    the exchange's day is not known to the day."""
    first = event.starts.as_date()
    return None if first is None else first - timedelta(days=item.lead.days)


def owning_sides(side: ChecklistSide, travelling: Side | None) -> frozenset[Side]:
    """The partnership's sides an item is for (their focal points are reminded)."""
    if side is ChecklistSide.BOTH or travelling is None:
        return frozenset(Side) if side is ChecklistSide.BOTH else frozenset()
    if side is ChecklistSide.TRAVELLING:
        return frozenset({travelling})
    return frozenset(Side) - {travelling}


@dataclass(frozen=True)
class Tick:
    """Who ticked an item and when; `user_id` and `name` are None for a tick that came in
    with an import (or whose author asked to be forgotten)."""

    at: datetime | None
    user_id: int | None
    name: str | None


@dataclass(frozen=True)
class ChecklistEntry:
    """An item as /checklist shows it: with its due day and its tick."""

    item: ChecklistItem
    due: date | None
    tick: Tick | None


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    def __str__(self) -> str:
        return f"{self.done}/{self.total}"


def progress(items: Iterable[ChecklistItem]) -> Progress:
    every = list(items)
    return Progress(sum(1 for i in every if i.done), len(every))
