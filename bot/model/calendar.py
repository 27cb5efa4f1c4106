"""The calendar: dated events and meeting occurrences as one list of exchanges."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.model.agenda import Minutes
from bot.model.domain import (
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    MeetingSeries,
    PartialDate,
)
from bot.model.recurrence import Occurrence, occurrence_of, occurrences

SERIES_HORIZON = timedelta(days=120)
SERIES_SHOWN = 2  # the next two meetings of each series: enough to plan, short on a phone


@dataclass(frozen=True)
class Exchange:
    """One thing on the calendar: an event, or one meeting of a series."""

    source_id: str
    """The id of the event, or of the series this meeting belongs to."""
    in_series: bool
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
    occurrence: datetime | None = None
    """A meeting's naive local start as its series' rule gives it (its identity, moved or
    not); None for an event."""

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
        event.id,
        False,
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


def meeting_exchange(o: Occurrence) -> Exchange:
    """One meeting of a series as the calendar lists it (moved: where it went)."""
    series = o.series
    return Exchange(
        series.id,
        True,
        EventKind.VIRTUAL_MEETING,
        series.title,
        PartialDate.of(o.start.astimezone(ZoneInfo(series.timezone)).date()),
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
        o.local_start,
    )


def from_series(
    series: MeetingSeries, now: datetime, changes: Iterable[MeetingChange] = ()
) -> list[Exchange]:
    ahead = occurrences(series, now, now + SERIES_HORIZON, changes)
    return [meeting_exchange(o) for o in ahead[:SERIES_SHOWN]]


def minuted_meetings(
    minutes: Iterable[Minutes],
    series_by_id: Mapping[str, MeetingSeries],
    changes: Iterable[MeetingChange],
    now: datetime,
) -> list[Exchange]:
    """The past meetings that have minutes, as /exchanges past lists them (it lists no
    other meeting: every six weeks of every series would bury the visits)."""
    changes = list(changes)
    found = []
    for one in minutes:
        series = series_by_id.get(one.series_id)
        o = occurrence_of(series, one.occurrence, changes) if series is not None else None
        if o is not None and o.end <= now:
            found.append(meeting_exchange(o))
    return found


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
        return latest_first(x for x in items if not x.is_upcoming(now, zone))
    items += [x for s in series for x in from_series(s, now, changes)]
    return sorted((x for x in items if x.is_upcoming(now, zone)), key=Exchange.sort_key)


def latest_first(items: Iterable[Exchange]) -> list[Exchange]:
    """Past exchanges as /exchanges past lists them: the latest first, year-less last."""
    return sorted(items, key=lambda x: (-x.sort_key()[0], x.sort_key()[1]), reverse=True)
