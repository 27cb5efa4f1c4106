"""What checklist reminders say: an open item of an exchange on its due day or overdue,
the lines the weekly overdue digest adds, and the ☑️ button that opens the checklist.

Posts to groups name no member: whose task an item is reads as the town's team ("La Paz
team"), as action items owned by a side do.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.model.checklists import owning_sides
from bot.model.domain import ChecklistItem, Event, LocalizedText, PartialDate, PartnershipView
from bot.model.roles import Side
from bot.telegram.callbacks import button, grid
from bot.telegram.edit_callbacks import ChecklistOpen
from bot.telegram.limits import LINE_WIDTH, Keyboard
from bot.telegram.limits import shorten as cut
from bot.text.dates import date_range, days_until, partial_date
from bot.text.i18n import Translator
from bot.text.moments import when
from bot.views.actions import due_label, side_label
from bot.views.common import KIND_ICONS

Shown = Callable[[LocalizedText], str]

DIGEST_ITEMS = 3
"""Overdue checklist items the weekly digest lists, then "…and 2 more" (☑️ shows them)."""


def whose(tr: Translator, item: ChecklistItem, event: Event, view: PartnershipView | None) -> str:
    """'La Paz team', 'Bonn team · La Paz team' (plain text); empty when nobody travels."""
    sides = owning_sides(item.side, event.travelling)
    ordered = [side for side in (Side.NORTH, Side.SOUTH) if side in sides]
    return " · ".join(side_label(tr, view, side) for side in ordered)


def exchange_line(
    tr: Translator, event: Event, shown: Shown, zone: ZoneInfo, today: date, detail: int = 2
) -> list[str]:
    """The exchange's title, and its day (with its time in the reader's zone, if it has
    one) and how far off it is (HTML lines). `detail` 1: not how far off; 0: no title."""
    day = event.starts.as_date()
    start = event.start_instant()
    if start is not None:
        dated = when(tr, start, zone)
    else:
        dated = escape(date_range(tr, event.starts, event.ends))
    lines = [f"{KIND_ICONS[event.kind]} " + escape(shown(event.title))] if detail > 0 else []
    lines.append("📅 " + dated)
    if day is not None and detail > 1:
        lines[-1] += " · " + escape(days_until(tr, day, today))
    return lines


def reminder_post(
    tr: Translator,
    item: ChecklistItem,
    event: Event,
    due: date,
    view: PartnershipView | None,
    shown: Shown,
    zone: ZoneInfo,
    now: datetime,
    detail: int = 2,
) -> str:
    """An open item on its due day, or overdue since it (HTML), with its note in a line;
    `detail` as in exchange_line, and below 2 without the note (the first to give way)."""
    today = now.astimezone(zone).date()
    title = shown(item.title)
    if today <= due:
        head = tr.gettext("Due today: {item}").format(item=title)
    else:
        since = partial_date(tr, PartialDate(None, due.month, due.day))  # weeks ago at most
        head = tr.gettext("Overdue since {date}: {item}").format(date=since, item=title)
    lines = ["☑️ <b>" + escape(head) + "</b>"]
    if owner := whose(tr, item, event, view):
        lines.append("👥 " + escape(owner))
    if item.note is not None and detail > 1:
        note = " ".join(shown(item.note).split())  # one line: what it takes, where
        lines.append("📝 " + escape(cut(note, LINE_WIDTH - 2)))
    lines += exchange_line(tr, event, shown, zone, today, detail)
    return "\n".join(lines)


def digest_part(
    tr: Translator,
    listed: Sequence[tuple[Event, Sequence[tuple[ChecklistItem, date]]]],
    view: PartnershipView | None,
    shown: Shown,
    today: date,
    pair: bool,
    detail: int = 2,
) -> str:
    """The weekly digest's overdue checklist items, per exchange (HTML); `pair`: name the
    partnership (when no action item above did). `detail` below 2: only how many (☑️
    below lists them), when the post in two languages would not fit a screen."""
    if detail < 2:
        count = sum(len(items) for _event, items in listed)
        said = tr.ngettext(
            "{count} checklist item is overdue", "{count} checklist items are overdue", count
        )
        lines = ["☑️ <b>" + escape(said.format(count=count)) + "</b>"]
        if pair and view is not None:
            lines.append("🤝 " + escape(view.pair_name(tr.lang)))
        return "\n".join(lines)
    lines = ["☑️ <b>" + escape(tr.gettext("Overdue checklist items")) + "</b>"]
    if pair and view is not None:
        lines.append("🤝 " + escape(view.pair_name(tr.lang)))
    room, left = DIGEST_ITEMS, 0
    for event, items in listed:
        if room <= 0:
            left += len(items)
            continue
        icon = KIND_ICONS[event.kind]
        if lines[-1].startswith(icon):  # a visit right under its partnership's 🤝
            icon = "▸"
        lines.append(f"{icon} " + escape(shown(event.title)))
        for item, due in items[:room]:
            parts = [escape(shown(item.title))]
            if owner := whose(tr, item, event, view):
                parts.append(escape(owner))
            parts.append(due_label(tr, due, today))
            lines.append("• " + " · ".join(parts))
        left += max(len(items) - room, 0)
        room -= len(items)
    if left:
        said = tr.ngettext("…and {count} more under ☑️", "…and {count} more under ☑️", left)
        lines.append(escape(said.format(count=left)))
    return "\n".join(lines)


def checklist_label(tr: Translator, ticked: int, total: int) -> str:
    """'☑️ Checklist 3/10'."""
    return "☑️ " + tr.gettext("Checklist {done}/{total}").format(done=ticked, total=total)


def checklist_keyboard(
    tr: Translator,
    events: Sequence[Event],
    progress: Mapping[str, tuple[int, int]],
) -> Keyboard | None:
    """☑️ under a post, opening an exchange's checklist; for several exchanges (the digest)
    one button each, named by the exchange. None when none has a checklist."""
    mine = [e for e in events if e.id in progress]
    if len(mine) == 1:
        ticked, total = progress[mine[0].id]
        return Keyboard([[button(checklist_label(tr, ticked, total), ChecklistOpen(mine[0].id))]])
    labelled = [
        (f"☑️ {progress[e.id][0]}/{progress[e.id][1]} " + e.title.get(tr.lang), ChecklistOpen(e.id))
        for e in mine
    ]
    return Keyboard(grid(labelled, 1)) if labelled else None
