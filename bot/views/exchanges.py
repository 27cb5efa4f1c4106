"""/exchanges: a page of exchanges, each in a few lines, with .ics buttons, paging and
past/upcoming; and which exchanges a filter matches."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model.agenda import Minutes
from bot.model.calendar import Exchange
from bot.model.chats import Target, TargetKind
from bot.model.domain import EventKind, Meeting, PartnershipView, Phase, Programme
from bot.telegram.callbacks import (
    CalendarFile,
    CalendarOf,
    CallbackData,
    ExchangePage,
    Period,
    button,
    grid,
)
from bot.telegram.commands import command, command_names
from bot.telegram.edit_callbacks import ChecklistOpen, Edit, EditMeeting, EditTarget
from bot.telegram.limits import SCREEN_ROOM, Keyboard, fit, screen_lines
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.dates import date_range, days_until
from bot.text.i18n import Translator
from bot.text.keywords import TENSES, Tense
from bot.text.markup import escape
from bot.text.moments import time_there, when
from bot.text.search import terms
from bot.views.agenda import minutes_line
from bot.views.common import KIND_ICONS, KIND_LABELS, example_label, marked

PARTNERSHIP_FILTER = "@"
"""A filter of '@' and a partnership id lists that partnership's exchanges."""


@dataclass(frozen=True)
class References:
    """What an exchange refers to, for labels and for filtering."""

    partnerships: Mapping[str, PartnershipView]
    phases: Mapping[str, Phase]
    programmes: Mapping[str, Programme]
    minutes: Mapping[Meeting, Minutes] = field(default_factory=dict)
    """Past meetings' minutes (bot/views/agenda.py), by (series id, occurrence)."""
    checklists: Mapping[str, tuple[int, int]] = field(default_factory=dict)
    """Exchanges with a checklist: (ticked, all) items by event id, for ☑️."""


def matches(item: Exchange, query: str, ctx: References, translators: Iterable[Translator]) -> bool:
    """Every word of the query starts a word of the exchange's texts, in any language."""
    wanted = terms(query)
    if not wanted:
        return True
    texts = [item.title, item.place]
    if item.partnership_id and (view := ctx.partnerships.get(item.partnership_id)):
        texts += [view.north.name, view.south.name]
    if item.phase_id and (phase := ctx.phases.get(item.phase_id)):
        texts.append(phase.name)
    if item.programme_id and (programme := ctx.programmes.get(item.programme_id)):
        texts.append(programme.name)
    words = set()
    for text in texts:
        for _lang, value in text.variants if text else ():
            words.update(terms(value))
    for tr in translators:
        words.update(terms(tr.gettext(KIND_LABELS[item.kind])))
    words.update(terms("online") if item.online else ())
    return all(any(w.startswith(t) for w in words) for t in wanted)


def subject(item: Exchange, ctx: References, lang: str) -> str | None:
    """'Bonn – La Paz' or 'Phase 8': whom the exchange is for."""
    if item.partnership_id and (view := ctx.partnerships.get(item.partnership_id)):
        return view.pair_name(lang)
    if item.phase_id and (phase := ctx.phases.get(item.phase_id)):
        return phase.name.get(lang)
    if item.programme_id and (programme := ctx.programmes.get(item.programme_id)):
        return programme.name.get(lang)
    return None


def render(item: Exchange, ctx: References, tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    """A few lines per exchange: kind and for whom, title, when (in each zone), where; what
    one line says is not said again on the next."""
    kind = tr.gettext(KIND_LABELS[item.kind])
    who = subject(item, ctx, tr.lang)
    title = marked(item.title, tr.lang)
    kind_words, title_words = set(terms(kind)), set(terms(title))
    show_title = not title_words <= kind_words | set(terms(who or ""))
    head = KIND_ICONS[item.kind]
    if not (show_title and kind_words <= title_words):  # "Workshop" / "Online workshop on…"
        head += f" <b>{escape(kind)}</b>"
    if who is not None:
        head += f" · {escape(who)}" if head != KIND_ICONS[item.kind] else f" {escape(who)}"
    if item.example:
        head += " · " + example_label(tr)
    lines = [head]
    if show_title:  # not "Virtual meeting Bonn – La Paz" under that very head
        lines.append(escape(title))
    lines.append("📅 " + _when(item, ctx, tr, zone, now))
    if item.online and item.kind is not EventKind.VIRTUAL_MEETING:  # 💻 says it already
        lines.append("📍 " + escape(tr.gettext("online")))
    elif item.place is not None and not item.online:
        lines.append("📍 " + escape(marked(item.place, tr.lang)))
    if (found := ctx.minutes.get(meeting_of(item))) is not None:
        lines.append(minutes_line(tr, found))
    return "\n".join(lines)


def meeting_of(item: Exchange) -> Meeting:
    """A meeting's (series id, occurrence), as its agenda and minutes name it; an event's
    is no meeting's."""
    if not item.in_series or item.occurrence is None:
        return Meeting("", "")
    return Meeting(item.source_id, item.occurrence.isoformat(timespec="minutes"))


def _when(item: Exchange, ctx: References, tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    if item.start is None:
        text = escape(date_range(tr, item.starts, item.ends))
        if item.starts.year is None and (item.ends is None or item.ends.year is None):
            text += f" ({escape(tr.gettext('year not given'))})"  # as /milestones says it
        first = item.starts.as_date()
        if first is not None and item.is_upcoming(now, zone):
            text += f" ({escape(days_until(tr, first, now.astimezone(zone).date()))})"
        return text
    local = item.start.astimezone(zone)
    text = when(tr, item.start, zone)
    if item.is_upcoming(now, zone):
        text += f" ({escape(days_until(tr, local.date(), now.astimezone(zone).date()))})"
    if item.partnership_id and (view := ctx.partnerships.get(item.partnership_id)):
        towns = [
            time_there(tr, item.start, ZoneInfo(town.timezone), town.name.get(tr.lang))
            for town in (view.north, view.south)
        ]
        text += "\n     " + " · ".join(towns)
    return text


def is_followed(item: Exchange, followed: AbstractSet[Target]) -> bool:
    """Whether a group follows the exchange's partnership, phase or programme."""
    return (
        (TargetKind.PARTNERSHIP, item.partnership_id) in followed
        or (TargetKind.PHASE, item.phase_id) in followed
        or (TargetKind.PROGRAMME, item.programme_id) in followed
    )


def has_calendar_file(item: Exchange) -> bool:
    return item.in_series or item.starts.as_date() is not None


def calendar_file(item: Exchange) -> CalendarFile:
    return CalendarFile(CalendarOf.SERIES if item.in_series else CalendarOf.EVENT, item.source_id)


def render_page(
    items: Sequence[Exchange],
    ctx: References,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    *,
    page: int,
    past: bool,
    suffix: str,
    heading: str,
    followed: AbstractSet[Target] = frozenset(),
    editable: Callable[[Exchange], bool] | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """A screen of exchanges in date order: as many as fit, a group's own marked ⭐; ☑️
    with its progress on each that has a checklist (`ctx.checklists`); a row of ✏️
    numbered like the items the reader may change (`editable`, in private).
    (No line naming the zone: each time names its town already.)"""
    footer = []
    if any(is_followed(item, followed) for item in items):
        footer.append(escape(tr.gettext("⭐ followed by this chat")))
    room = SCREEN_ROOM - screen_lines(heading) - sum(screen_lines(f) + 1 for f in footer)
    blocks = (
        (number, item, _numbered(number, item, ctx, tr, zone, now, followed))
        for number, item in enumerate(items, start=1)
    )
    # Each block and the empty line before it.
    shown, page, more = page_by_lines(blocks, lambda b: screen_lines(b[2]) + 1, room, page)
    rows = [
        [button("📎 " + tr.gettext("{number}: add to calendar").format(number=n), calendar_file(i))]
        for n, i, _text in shown
        if has_calendar_file(i)
    ]
    if checklists := ctx.checklists:
        boxes = [
            (checklist_label(n, *checklists[i.source_id]), ChecklistOpen(i.source_id))
            for n, i, _text in shown
            if not i.in_series and i.source_id in checklists
        ]
        rows.extend(grid(boxes, CHECKLISTS_A_ROW))
    if editable is not None:
        pencils = [(f"✏️ {n}", edit_data(i)) for n, i, _text in shown if editable(i)]
        rows.extend(grid(pencils, EDITS_A_ROW))
    period = Period.PAST if past else Period.UPCOMING
    if nav := nav_row(lambda n: ExchangePage(n, period, suffix), page, page + 1 + more):
        rows.append(nav)
    toggle = tr.gettext("Upcoming exchanges") if past else tr.gettext("Past exchanges")
    other = Period.UPCOMING if past else Period.PAST
    rows.append([button(toggle, ExchangePage(0, other, suffix))])
    text = "\n\n".join([heading, *(b for _n, _i, b in shown), *footer])
    return fit(text), Keyboard(rows)


EDITS_A_ROW = 5  # "✏️ 12" fits a fifth of the row
CHECKLISTS_A_ROW = 3  # "☑️ 2: 6/10" fits a third


def checklist_label(number: int, done: int, total: int) -> str:
    """☑️ of an exchange's checklist, numbered like the exchange, with its progress."""
    return f"☑️ {number}: {done}/{total}"


def edit_data(item: Exchange) -> CallbackData:
    """✏️ of an event, or of one meeting of a series (by its original local start)."""
    if item.in_series and item.occurrence is not None:
        return EditMeeting(int(item.occurrence.strftime("%Y%m%d%H%M")), item.source_id)
    return Edit(EditTarget.EVENT, item.source_id)


def _numbered(
    number: int,
    item: Exchange,
    ctx: References,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    followed: AbstractSet[Target],
) -> str:
    mark = "⭐ " if is_followed(item, followed) else ""
    return f"<b>{number}.</b> {mark}" + render(item, ctx, tr, zone, now)


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
                "or send /{cmd_exchanges} alone."
            ).format(words=filter_text, **command_names(tr.lang))
        )
    if past:
        return escape(tr.gettext("No past exchanges are recorded."))
    return escape(
        tr.gettext("No upcoming exchanges are planned. See /{exchanges} {past}.").format(
            exchanges=command("exchanges").name_in(tr.lang), past=TENSES.word(tr, Tense.PAST)
        )
    )


def partnerships_referred(items: Iterable[Exchange]) -> list[str]:
    return sorted({i.partnership_id for i in items if i.partnership_id})
