"""The /exchanges list: a page of exchanges with .ics buttons, paging and past/upcoming."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.exchanges import Context, Exchange, render
from bot.i18n import Translator
from bot.paging import nav_row, page_of
from bot.render import button, fit

PAGE = "ex"  # ex:<page>:<u|p>:<filter>   filter: words, or @<partnership id>
ICS = "ics"  # ics:e:<event id> | ics:s:<series id>
PAGE_SIZE = 4


def first_for(items: Sequence[Exchange], followed: AbstractSet[tuple[str, str]]) -> list[Exchange]:
    """A group's own partnerships and phases first, otherwise soonest first (stable)."""

    def followed_first(item: Exchange) -> int:
        mine = (
            ("partnership", item.partnership_id) in followed
            or ("phase", item.phase_id) in followed
            or ("programme", item.programme_id) in followed
        )
        return 0 if mine else 1

    return sorted(items, key=followed_first)


def has_calendar_file(item: Exchange) -> bool:
    return item.ref.startswith("s:") or item.starts.as_date() is not None


def render_page(
    items: Sequence[Exchange],
    ctx: Context,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    *,
    page: int,
    past: bool,
    suffix: str,
    heading: str,
) -> tuple[str, InlineKeyboardMarkup]:
    shown, page, pages = page_of(items, page, PAGE_SIZE)
    blocks = [heading]
    ics_buttons = []
    for number, item in enumerate(shown, start=page * PAGE_SIZE + 1):
        blocks.append(f"<b>{number}.</b> " + render(item, ctx, tr, zone, now))
        if has_calendar_file(item):
            ics_buttons.append(button(f"📎 {number} .ics", f"{ICS}:{item.ref}"))
    blocks.append(
        escape(tr.gettext("Times in {zone}. Change with /timezone.").format(zone=zone.key))
    )
    rows = [ics_buttons] if ics_buttons else []
    if nav := nav_row(PAGE, page, pages, f"{'p' if past else 'u'}:{suffix}"):
        rows.append(nav)
    toggle = tr.gettext("Upcoming exchanges") if past else tr.gettext("Past exchanges")
    rows.append([button(toggle, f"{PAGE}:0:{'u' if past else 'p'}:{suffix}")])
    return fit("\n\n".join(blocks)), InlineKeyboardMarkup(rows)


def heading(tr: Translator, past: bool, count: int, filter_text: str) -> str:
    if past:
        text = tr.ngettext("{count} past exchange", "{count} past exchanges", count)
    else:
        text = tr.ngettext("{count} upcoming exchange", "{count} upcoming exchanges", count)
    text = text.format(count=count)
    if filter_text:
        text += " · " + tr.gettext("matching “{words}”").format(words=filter_text)
    return f"<b>{escape(text)}</b>"


def nothing_found(tr: Translator, past: bool, filter_text: str) -> str:
    if filter_text:
        return escape(
            tr.gettext(
                "No exchanges match “{words}”. Try a town, a country or a kind such as workshop, "
                "or send /exchanges alone."
            ).format(words=filter_text)
        )
    if past:
        return escape(tr.gettext("No past exchanges are recorded."))
    return escape(tr.gettext("No upcoming exchanges are planned. See /exchanges past."))


def partnerships_referred(items: Iterable[Exchange]) -> list[str]:
    return sorted({i.partnership_id for i in items if i.partnership_id})
