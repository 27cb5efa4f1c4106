"""An exchange's checklist as readers see it: its items with their due days, whose task
each is (the town's name), who ticked what and when, the progress ("6/10"); the buttons
that tick an item, take a tick back (↩️), page and refresh; and the short list /checklist
gives when several exchanges have one. Plain functions of values.

An item takes two lines (its title cut to one, then whose and when), so a page holds
five of a template's ten; ◀ ▶ page, and a press edits the message in place."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from bot.model.checklists import Tick, due_day, owning_sides, progress
from bot.model.domain import ChecklistItem, Event, PartnershipView
from bot.model.roles import Side
from bot.telegram.callbacks import CallbackData, button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import (
    ChecklistEdit,
    ChecklistMode,
    ChecklistOpen,
    ChecklistTick,
    ChecklistUntick,
    ChecklistView,
)
from bot.telegram.limits import LINE_WIDTH, SCREEN_ROOM, Button, Keyboard, fit, screen_lines
from bot.telegram.limits import shorten as cut
from bot.telegram.paging import nav_row
from bot.text import cldr
from bot.text.dates import date_range, days_until
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.text.moments import when
from bot.views.common import ask_focal_points, marked, no_such_partnership

Entry = tuple[ChecklistItem, Tick | None]
INDENT = "   "
NAME_ROOM = 16
"""Characters of a ticker's name shown, so that the line keeps to one."""
POPUP_ROOM = 190
"""A pop-up's characters (Telegram takes 200)."""
LISTED = 5
"""Exchanges /checklist lists at most (two lines each), then "…and 2 more"."""


@dataclass(frozen=True)
class Shown:
    """What a checklist screen is of: the exchange, its partnership (for the towns' names),
    its items in order, and the reader's day and zone."""

    event: Event
    pair: PartnershipView | None
    entries: Sequence[Entry]
    today: date
    zone: ZoneInfo


# -- one checklist -----------------------------------------------------------------------------


def whose(tr: Translator, item: ChecklistItem, event: Event, pair: PartnershipView | None) -> str:
    """Whose task the item is, by the towns' names ("La Paz", "Bonn and La Paz"); empty
    for an exchange of no partnership, or one that does not say who travels (plain)."""
    if pair is None:
        return ""
    sides = owning_sides(item.side, event.travelling)
    towns = [
        town.name.get(tr.lang)
        for side, town in ((Side.NORTH, pair.north), (Side.SOUTH, pair.south))
        if side in sides
    ]
    return tr.format_list(towns) if towns else ""


def _ticked_line(tr: Translator, tick: Tick, item: ChecklistItem, zone: ZoneInfo) -> str:
    """'ticked by Ana, Dec 3, 2026'; 'ticked, Dec 3, 2026' for an imported tick or a
    forgotten person (HTML)."""
    day: date | None = None
    if tick.at is not None:
        day = tick.at.astimezone(zone).date()
    elif item.done_on is not None:
        day = item.done_on.as_date()
    when_ = short_day(tr, day) if day is not None else ""
    if tick.name:
        said = tr.gettext("ticked by {name}, {day}") if when_ else tr.gettext("ticked by {name}")
        name = cut(" ".join(tick.name.split()), NAME_ROOM)
        return escape(said.format(name=name, day=when_))
    said = tr.gettext("ticked, {day}") if when_ else tr.gettext("ticked")
    return escape(said.format(day=when_))


def _block(tr: Translator, shown: Shown, number: int, entry: Entry) -> str:
    """An item in two lines (HTML): box, number and title; then whose and when, or who
    ticked it."""
    item, tick = entry
    box = "✅" if item.done else "⬜"
    head = f"{box} {number}. "
    title = cut(marked(item.title, tr.lang), LINE_WIDTH - len(head))
    details = []
    if item.done:
        details.append(_ticked_line(tr, tick or _NOBODY, item, shown.zone))
    else:
        town = whose(tr, item, shown.event, shown.pair)
        if town:
            details.append(escape(town))
        due = due_day(item, shown.event)
        if due is not None:
            icon = "⏰" if due < shown.today else "📅"
            details.append(f"{icon} {escape(short_day(tr, due))}")
    lines = [head + escape(title)]
    if details:
        lines.append(INDENT + " · ".join(details))
    return "\n".join(lines)


_NOBODY = Tick(None, None, None)


def short_day(tr: Translator, day: date) -> str:
    """'December 7', '7. Dezember': an item's day without its year, which the exchange's
    day above says (items fall due within weeks of it)."""
    return cldr.skeleton("MMMMd", day, tr.lang)


def _day(tr: Translator, event: Event, today: date, zone: ZoneInfo) -> str:
    """The exchange's day (HTML): a time in the reader's zone inside <tg-time>, else its
    dates; how far off, while it is ahead."""
    start = event.start_instant()
    first: date | None
    if start is not None:
        text = when(tr, start, zone)
        first = start.astimezone(zone).date()
    else:
        text = escape(date_range(tr, event.starts, event.ends))
        first = event.starts.as_date()
    if first is not None and first >= today:
        text += f" ({escape(days_until(tr, first, today))})"
    return "📅 " + text


def _head(tr: Translator, shown: Shown, mode: ChecklistMode) -> list[str]:
    done = progress(item for item, _tick in shown.entries)
    title = cut(marked(shown.event.title, tr.lang), LINE_WIDTH - 3)
    day = _day(tr, shown.event, shown.today, shown.zone)
    head = [f"☑️ <b>{escape(title)}</b>", f"{day} · <b>{done}</b>"]
    if mode is ChecklistMode.UNTICK:
        head.append("↩️ " + escape(tr.gettext("Which tick was a mistake? Press it to undo.")))
    return head


def pages(tr: Translator, shown: Shown, mode: ChecklistMode) -> list[list[int]]:
    """The items' indexes on each page: as many two-line items as fit under the head."""
    room = SCREEN_ROOM - sum(screen_lines(h) for h in _head(tr, shown, mode))
    found: list[list[int]] = [[]]
    used = 0
    for index, entry in enumerate(shown.entries):
        height = screen_lines(_block(tr, shown, index + 1, entry))
        if found[-1] and used + height > room:
            found.append([])
            used = 0
        found[-1].append(index)
        used += height
    return found


def page_of_item(tr: Translator, shown: Shown, item_id: str) -> int:
    """The page an item is on (0 if it is gone)."""
    for number, indexes in enumerate(pages(tr, shown, ChecklistMode.TICK)):
        if any(shown.entries[i][0].id == item_id for i in indexes):
            return number
    return 0


def checklist(
    tr: Translator,
    shown: Shown,
    *,
    page: int = 0,
    mode: ChecklistMode = ChecklistMode.TICK,
    editable: bool = False,
) -> tuple[str, Keyboard]:
    """One page of the checklist (HTML) and its keyboard: a ☑️ per open item on the page
    (↩️'s mode: a button per ticked item, and back), ◀ ▶, 🔄, ↩️, and ✏️ (`editable`)."""
    split = pages(tr, shown, mode)
    page = min(max(page, 0), len(split) - 1)
    event_id = shown.event.id
    on_page = [(i + 1, shown.entries[i][0]) for i in split[page]]
    blocks = [_block(tr, shown, i + 1, shown.entries[i]) for i in split[page]]
    if not shown.entries:
        blocks = [escape(tr.gettext("This checklist has no items."))]
    text = "\n".join([*_head(tr, shown, mode), *blocks])
    rows: list[list[Button]]
    labelled: list[tuple[str, CallbackData]]
    if mode is ChecklistMode.UNTICK:
        labelled = [
            (f"↩️ {n}. {marked(item.title, tr.lang)}", ChecklistUntick(item.id))
            for n, item in on_page
            if item.done
        ]
        rows = grid(labelled, 2)
        back = "✖ " + tr.gettext("Cancel")
        rows.append([button(back, ChecklistView(ChecklistMode.TICK, page, event_id))])
    else:
        labelled = [
            (f"☑️ {n}. {marked(item.title, tr.lang)}", ChecklistTick(item.id))
            for n, item in on_page
            if not item.done
        ]
        rows = grid(labelled, 2)
    if nav := nav_row(lambda p: ChecklistView(mode, p, event_id), page, len(split)):
        rows.append(nav)
    if mode is ChecklistMode.TICK:
        refresh = ChecklistView(ChecklistMode.TICK, page, event_id)
        tools: list[tuple[str, CallbackData]] = [("🔄 " + tr.gettext("Refresh"), refresh)]
        if any(item.done for _n, item in on_page):
            undo = ChecklistView(ChecklistMode.UNTICK, page, event_id)
            tools.append(("↩️ " + tr.gettext("Undo"), undo))
        if editable:
            tools.append(("✏️ " + tr.gettext("Edit"), ChecklistEdit(event_id)))
        rows.extend(grid(tools, 3))
    return fit(text), Keyboard(rows)


# -- pop-ups after a press (plain text) ---------------------------------------------------------


def _popup(text: str) -> str:
    return cut(text, POPUP_ROOM)


def ticked(tr: Translator, item: ChecklistItem, done: str) -> str:
    said = tr.gettext("Ticked ({progress}): {title}")
    return _popup(said.format(progress=done, title=marked(item.title, tr.lang)))


def already_ticked(tr: Translator) -> str:
    return tr.gettext("Someone ticked this already. Here is the list as it stands.")


def unticked(tr: Translator, item: ChecklistItem) -> str:
    said = tr.gettext("Open again: {title}")
    return _popup(said.format(title=marked(item.title, tr.lang)))


def already_open(tr: Translator) -> str:
    return tr.gettext("This item is open already. Here is the list as it stands.")


def item_gone(tr: Translator) -> str:
    return tr.gettext("This item is no longer on the checklist: it was removed.")


def exchange_gone(tr: Translator) -> str:
    return tr.gettext("This exchange no longer exists, and its checklist with it.")


def not_allowed(tr: Translator, pair: PartnershipView | None) -> str:
    """The refusal of a tick (a pop-up): who may, and whom to ask."""
    if pair is None:  # a phase's or the programme's exchange: no town's focal points
        return _popup(
            tr.gettext(
                "Only the network's coordinators tick this checklist: tell them when an item "
                "is done."
            )
        )
    said = tr.gettext(
        "Only the focal points of {partnership}, members from its towns (/{cmd_iam}) and "
        "the coordinators tick this checklist."
    ).format(partnership=pair.pair_name(tr.lang), cmd_iam=command_names(tr.lang)["cmd_iam"])
    contacts = command_names(tr.lang)["cmd_contacts"]
    return _popup(said + " " + ask_focal_points(tr, pair.north.name.get(tr.lang), contacts))


# -- /checklist's answers ----------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """An exchange with a checklist, as /checklist lists it."""

    event: Event
    done: int
    total: int


def listing(tr: Translator, listed: Sequence[Listed]) -> tuple[str, Keyboard]:
    """Several exchanges' checklists: each in two lines, a ☑️ button each (HTML)."""
    head = "☑️ <b>" + escape(tr.gettext("Checklists of upcoming exchanges")) + "</b>"
    blocks, labelled = [], []
    for number, entry in enumerate(listed[:LISTED], start=1):
        title = cut(marked(entry.event.title, tr.lang), LINE_WIDTH - 4)
        day = date_range(tr, entry.event.starts, entry.event.ends)
        blocks.append(
            f"{number}. {escape(title)}\n{INDENT}📅 {escape(day)} · {entry.done}/{entry.total}"
        )
        labelled.append((f"☑️ {number}", ChecklistOpen(entry.event.id)))
    lines = [head, *blocks]
    if len(listed) > LISTED:
        said = tr.ngettext(
            "…and {count} more: /{cmd_exchanges}",
            "…and {count} more: /{cmd_exchanges}",
            len(listed) - LISTED,
        )
        lines.append(escape(said.format(count=len(listed) - LISTED, **command_names(tr.lang))))
    return fit("\n".join(lines)), Keyboard(grid(labelled, 5))


def none_here(tr: Translator, group: bool) -> str:
    """No checklist to show, and how an exchange comes to have one (HTML)."""
    if group:
        first = tr.gettext("No upcoming exchange this group follows has a checklist.")
    else:
        first = tr.gettext("No upcoming exchange of these partnerships has a checklist.")
    how = tr.gettext(
        "An exchange gets one once it says who travels: coordinators and focal points set "
        "that with ✏️ on /{cmd_exchanges}, or add one with /{cmd_new}, in a private chat "
        "with me."
    )
    return escape(first + " " + how.format(**command_names(tr.lang)))


def usage(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Which partnership? Add a town, for example /{cmd_checklist} Bonn. "
            "Or tell me your town first: /{cmd_iam}"
        ).format(**command_names(tr.lang))
    )


def follows_nothing(tr: Translator) -> str:
    return escape(
        tr.gettext("This group follows no partnership. Follow one first: /{cmd_subscribe}").format(
            **command_names(tr.lang)
        )
    )


def not_found(tr: Translator, typed: str) -> str:
    return no_such_partnership(tr, typed)
