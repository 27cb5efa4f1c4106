"""Exchanges: dated events and meeting occurrences as one list, filtered, sorted, shown."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from bot.domain import (
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    MeetingSeries,
    PartialDate,
    PartnershipView,
    Phase,
    Programme,
)
from bot.i18n import N_, Translator
from bot.recurrence import occurrences
from bot.render import example_label
from bot.search import terms
from bot.timefmt import date_range, day_with_weekday, days_until, time_in

KIND_LABELS: Mapping[EventKind, str] = {
    EventKind.DELEGATION_VISIT: N_("Delegation visit"),
    EventKind.EXPERT_SECONDMENT: N_("Expert secondment"),
    EventKind.WORKSHOP: N_("Workshop"),
    EventKind.NETWORK_MEETING: N_("Network meeting"),
    EventKind.KICKOFF: N_("Kick-off"),
    EventKind.VIRTUAL_MEETING: N_("Virtual meeting"),
}
KIND_ICONS: Mapping[EventKind, str] = {
    EventKind.DELEGATION_VISIT: "🤝",
    EventKind.EXPERT_SECONDMENT: "🧭",
    EventKind.WORKSHOP: "🛠",
    EventKind.NETWORK_MEETING: "🌐",
    EventKind.KICKOFF: "🚀",
    EventKind.VIRTUAL_MEETING: "💻",
}
SERIES_HORIZON = timedelta(days=120)
SERIES_SHOWN = 2  # the next two meetings of each series: enough to plan, short on a phone


@dataclass(frozen=True)
class Exchange:
    """One thing on the calendar: an event, or one meeting of a series."""

    ref: str
    """'e:<event id>' or 's:<series id>', for the .ics button."""
    kind: EventKind
    title: LocalizedText
    starts: PartialDate
    ends: PartialDate | None
    start: datetime | None
    end: datetime | None
    zone: str | None
    online: bool
    place: LocalizedText | None
    partnership_id: str | None
    phase_id: str | None
    programme_id: str | None
    example: bool

    def last_day(self) -> PartialDate:
        return self.ends or self.starts

    def is_upcoming(self, now: datetime, reader_zone: ZoneInfo | None = None) -> bool:
        """Not over yet: until its end time, else until its last day is over where it is
        (or, for an event without a zone, where the reader is)."""
        if self.end is not None:
            return self.end > now
        latest = self.last_day().latest()
        if latest is None:
            return False  # the sources leave the year open: it cannot be upcoming
        zone = ZoneInfo(self.zone) if self.zone else reader_zone or ZoneInfo("UTC")
        today = now.astimezone(zone).date()
        return latest >= (today.year, today.month, today.day)

    def sort_key(self) -> tuple[int, datetime]:
        """Known instants in time order; dates at their start; year-less dates last."""
        if self.start is not None:
            return (0, self.start)
        if self.starts.year is None:
            return (1, datetime.min.replace(tzinfo=ZoneInfo("UTC")))
        day = date(self.starts.year, self.starts.month or 1, self.starts.day or 1)
        return (0, datetime.combine(day, time(), ZoneInfo(self.zone or "UTC")))


def from_event(event: Event) -> Exchange:
    start = event.start_instant()
    end = None
    if start is not None and event.end_time is not None:
        end_day = (event.ends or event.starts).as_date()
        assert end_day is not None and event.timezone is not None
        end = datetime.combine(end_day, event.end_time, ZoneInfo(event.timezone))
    return Exchange(
        f"e:{event.id}",
        event.kind,
        event.title,
        event.starts,
        event.ends,
        start,
        end,
        event.timezone,
        event.online,
        event.place,
        event.partnership_id,
        event.phase_id,
        event.programme_id,
        event.example,
    )


def from_series(
    series: MeetingSeries, now: datetime, changes: Iterable[MeetingChange] = ()
) -> list[Exchange]:
    return [
        Exchange(
            f"s:{series.id}",
            EventKind.VIRTUAL_MEETING,
            series.title,
            PartialDate.of(o.local_start.date()),
            None,
            o.start,
            o.end,
            series.timezone,
            True,
            None,
            series.partnership_id,
            None,
            None,
            series.example,
        )
        for o in occurrences(series, now, now + SERIES_HORIZON, changes)[:SERIES_SHOWN]
    ]


@dataclass(frozen=True)
class Context:
    """What an exchange refers to, for labels and for filtering."""

    partnerships: Mapping[str, PartnershipView]
    phases: Mapping[str, Phase]
    programmes: Mapping[str, Programme]


def collect(
    events: Iterable[Event],
    series: Iterable[MeetingSeries],
    now: datetime,
    *,
    past: bool,
    zone: ZoneInfo | None = None,
    changes: Iterable[MeetingChange] = (),
) -> list[Exchange]:
    """Upcoming exchanges soonest first, or past ones latest first (`zone`: the reader's)."""
    items = [from_event(e) for e in events]
    if past:
        chosen = [x for x in items if not x.is_upcoming(now, zone)]
        return sorted(chosen, key=lambda x: (-x.sort_key()[0], x.sort_key()[1]), reverse=True)
    items += [x for s in series for x in from_series(s, now, changes)]
    return sorted((x for x in items if x.is_upcoming(now, zone)), key=Exchange.sort_key)


def matches(item: Exchange, query: str, ctx: Context, translators: Iterable[Translator]) -> bool:
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


def subject(item: Exchange, ctx: Context, lang: str) -> str | None:
    """'Bonn – La Paz' or 'Phase 8': whom the exchange is for."""
    if item.partnership_id and (view := ctx.partnerships.get(item.partnership_id)):
        return view.pair_name(lang)
    if item.phase_id and (phase := ctx.phases.get(item.phase_id)):
        return phase.name.get(lang)
    if item.programme_id and (programme := ctx.programmes.get(item.programme_id)):
        return programme.name.get(lang)
    return None


def render(item: Exchange, ctx: Context, tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    """A few lines per exchange: kind and for whom, title, when (in each zone), where."""
    head = f"{KIND_ICONS[item.kind]} <b>{escape(tr.gettext(KIND_LABELS[item.kind]))}</b>"
    if (who := subject(item, ctx, tr.lang)) is not None:
        head += f" · {escape(who)}"
    if item.example:
        head += " · " + example_label(tr)
    lines = [head, escape(item.title.get(tr.lang)), "📅 " + _when(item, ctx, tr, zone, now)]
    if item.online:
        lines.append("📍 " + escape(tr.gettext("online")))
    elif item.place is not None:
        lines.append("📍 " + escape(item.place.get(tr.lang)))
    return "\n".join(lines)


def _when(item: Exchange, ctx: Context, tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    if item.start is None:
        text = escape(date_range(tr, item.starts, item.ends))
        first = item.starts.as_date()
        if first is not None and item.is_upcoming(now, zone):
            text += f" ({escape(days_until(tr, first, now.astimezone(zone).date()))})"
        return text
    local = item.start.astimezone(zone)
    text = f"{escape(day_with_weekday(tr, local))}, {escape(time_in(tr, item.start, zone))}"
    if item.is_upcoming(now, zone):
        text += f" ({escape(days_until(tr, local.date(), now.astimezone(zone).date()))})"
    if item.partnership_id and (view := ctx.partnerships.get(item.partnership_id)):
        towns = [
            time_in(tr, item.start, ZoneInfo(town.timezone), town.name.get(tr.lang))
            for town in (view.north, view.south)
        ]
        text += "\n     " + escape(" · ".join(towns))
    return text
