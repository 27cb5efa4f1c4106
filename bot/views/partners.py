"""Partnership cards, result lists and browsing by country or phase."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from telegram import InlineKeyboardMarkup

from bot.model import territories
from bot.model.domain import Municipality, PartnershipView, Phase
from bot.telegram.callbacks import (
    Browse,
    BrowseBy,
    CallbackData,
    ListBy,
    PartnerCard,
    PartnerExchanges,
    PartnerList,
    PhaseMilestones,
    button,
    grid,
)
from bot.telegram.limits import Keyboard, fit
from bot.telegram.paging import nav_row
from bot.text.dates import partial_date
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.common import flag

PAGE_SIZE = 5
COUNTRIES_PER_ROW = 3  # at most: longer names take fewer neighbours
PHASES_PER_ROW = 3


def _town(town: Municipality, tr: Translator) -> str:
    return f"{flag(town.country)} {escape(territories.name(town.country, tr.lang))}"


def card(view: PartnershipView, tr: Translator) -> str:
    """One partnership: both towns and countries, programme and phase, since when, topics."""
    lines = [
        f"🤝 <b>{escape(view.pair_name(tr.lang))}</b>",
        f"{_town(view.north, tr)} · {_town(view.south, tr)}",
    ]
    frame = [p.name.get(tr.lang) for p in (view.programme, view.phase) if p is not None]
    if frame:
        lines.append("🏛 " + escape(" · ".join(frame)))
    since = view.partnership.since
    if since is not None:
        lines.append("🗓 " + escape(tr.gettext("Since {date}").format(date=partial_date(tr, since))))
    if view.topics:
        names = tr.format_list([t.name.get(tr.lang) for t in view.topics])
        lines.append("🌱 " + escape(names))
    if view.partnership.note is not None:
        lines.append("<i>" + escape(view.partnership.note.get(tr.lang)) + "</i>")
    return fit("\n".join(lines))


def card_keyboard(view: PartnershipView, tr: Translator) -> InlineKeyboardMarkup:
    row: list[tuple[str, CallbackData]] = []
    if view.phase is not None:
        row.append(("📌 " + tr.gettext("Milestones"), PhaseMilestones(view.phase.id)))
    row.append(("📅 " + tr.gettext("Exchanges"), PartnerExchanges(view.partnership.id)))
    return Keyboard(grid(row, 2))


def result_list(
    views: Sequence[PartnershipView], heading: str, first_number: int, tr: Translator
) -> str:
    lines = [heading, ""]
    for number, view in enumerate(views, start=first_number):
        countries = " ".join(flag(t.country) for t in (view.north, view.south))
        lines.append(f"{number}. {escape(view.pair_name(tr.lang))} {countries}")
    return fit("\n".join(lines))


def list_keyboard(
    views: Sequence[PartnershipView],
    first_number: int,
    page: int,
    pages: int,
    by: ListBy,
    value: str,
) -> InlineKeyboardMarkup:
    numbers = [
        button(str(n), PartnerCard(v.partnership.id))
        for n, v in enumerate(views, start=first_number)
    ]
    rows = [numbers]
    if nav := nav_row(lambda n: PartnerList(n, by, value), page, pages):
        rows.append(nav)
    return Keyboard(rows)


def browse_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    return Keyboard(
        grid(
            [
                ("🌍 " + tr.gettext("By country"), Browse(BrowseBy.COUNTRY)),
                ("📌 " + tr.gettext("By phase"), Browse(BrowseBy.PHASE)),
            ],
            2,
        )
    )


def country_keyboard(countries: Sequence[tuple[str, int]], tr: Translator) -> InlineKeyboardMarkup:
    labelled: list[tuple[str, CallbackData]] = [
        (
            f"{flag(code)} {territories.name(code, tr.lang)} ({count})",
            PartnerList(0, ListBy.COUNTRY, code),
        )
        for code, count in countries
    ]
    return Keyboard(grid(labelled, COUNTRIES_PER_ROW))


def phase_list_keyboard(
    phases: Sequence[Phase], counts: Mapping[str, int], tr: Translator
) -> InlineKeyboardMarkup:
    """Every phase with how many partnerships it has, as countries show theirs: a phase
    with none still leads to a plain "none yet"."""
    labelled: list[tuple[str, CallbackData]] = [
        (f"{p.name.get(tr.lang)} ({counts.get(p.id, 0)})", PartnerList(0, ListBy.PHASE, p.id))
        for p in phases
    ]
    return Keyboard(grid(labelled, PHASES_PER_ROW))
