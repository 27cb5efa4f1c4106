"""Calendar files (RFC 5545, via icalendar) that a phone's calendar imports."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, TypeVar, cast
from zoneinfo import ZoneInfo

import icalendar

from bot.model.agenda import AgendaItem
from bot.model.domain import Event, Meeting, MeetingChange, MeetingSeries
from bot.model.recurrence import last_start, next_start
from bot.text.i18n import Translator
from bot.views.common import marked

PRODID = "-//partnerbot//climate partnerships//EN"
T = TypeVar("T")


def _calendar() -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    return calendar


def _finish(calendar: icalendar.Calendar, first: date, last: date) -> bytes:
    # VTIMEZONE for every TZID used, over the span of what the file holds (a year either
    # side), not more: it keeps the file small.
    calendar.add_missing_timezones(
        first_date=date(first.year - 1, 1, 1), last_date=date(last.year + 2, 1, 1)
    )
    return bytes(calendar.to_ical())


def event_ics(event: Event, tr: Translator, now: datetime, *, sequence: int) -> bytes | None:
    """An .ics for an event known to the day; None for dates known only to the month.
    `sequence`: the event's revision (storage: it rises whenever what this file says
    changes, and never falls)."""
    made = _event_vevent(event, tr, now, sequence)
    if made is None:
        return None
    vevent, first, last = made
    calendar = _calendar()
    calendar.add_component(vevent)
    return _finish(calendar, first, last)


def _event_vevent(
    event: Event, tr: Translator, now: datetime, sequence: int
) -> tuple[icalendar.Event, date, date] | None:
    """The event's VEVENT and its first and last day; None unless known to the day."""
    first = event.starts.as_date()
    last = (event.ends or event.starts).as_date()
    if first is None or last is None:
        return None
    vevent = icalendar.Event()
    vevent.add("uid", f"event-{event.id}@partnerbot")
    vevent.add("dtstamp", now)
    vevent.add("sequence", sequence)
    vevent.add("summary", marked(event.title, tr.lang))
    start = event.start_instant()
    if start is not None and event.timezone is not None:
        vevent.add("dtstart", start)
        end = (
            datetime.combine(last, event.end_time, ZoneInfo(event.timezone))
            if event.end_time
            else start + timedelta(hours=1)
        )
        vevent.add("dtend", end)
    else:  # all-day: DTEND is the day after the last day (RFC 5545, 3.6.1)
        vevent.add("dtstart", first)
        vevent.add("dtend", last + timedelta(days=1))
    location = (
        tr.gettext("online")
        if event.online
        else (marked(event.place, tr.lang) if event.place else None)
    )
    if event.online and event.join_url:
        location = event.join_url
    if location:
        vevent.add("location", location)
    if event.join_url:
        vevent.add("url", event.join_url)
    description = [marked(event.note, tr.lang)] if event.note else []
    if event.join_url:
        description.append(event.join_url)
    if description:
        vevent.add("description", "\n\n".join(description))
    return vevent, first, last


def _utc(until: date | datetime, zone: ZoneInfo) -> datetime:
    if not isinstance(until, datetime):  # a date: through the end of that day
        until = datetime.combine(until, datetime.max.time().replace(microsecond=0))
    if until.tzinfo is None:
        until = until.replace(tzinfo=zone)
    return until.astimezone(UTC)


SERIES_HORIZON_YEARS = 20
"""A rule without an end: its VTIMEZONE lists the zone's changes this far ahead."""


def series_ics(
    series: MeetingSeries,
    tr: Translator,
    now: datetime,
    changes: Iterable[MeetingChange] = (),
    *,
    sequence: int,
) -> bytes:
    """The series from its next meeting on as one recurring event: DTSTART in its zone,
    its RRULE (a COUNT reduced by the meetings already held), the changes as EXDATE and
    RDATE, the join link and the note. `sequence`: the series' revision (storage: it rises
    with every change of the series or of its moved and cancelled meetings, never falls),
    so a calendar that imported an older file takes the newer one as an update of the same
    UID. The file starting later as meetings are held is no revision: the meetings it
    holds from then on are the same."""
    first, held = next_start(series, now)
    vevent, latest = _series_vevent(series, tr, now, changes, sequence, first, held)
    calendar = _calendar()
    calendar.add_component(vevent)
    return _finish(calendar, first.date(), latest.date())


def _series_vevent(
    series: MeetingSeries,
    tr: Translator,
    stamp: datetime,
    changes: Iterable[MeetingChange],
    sequence: int,
    first: datetime,
    held: int,
) -> tuple[icalendar.Event, datetime]:
    """The series' recurring VEVENT from `first` (naive local; `held` meetings of the rule
    before it), and the last start it may give (naive local)."""
    zone = ZoneInfo(series.timezone)
    mine = [c for c in changes if c.series_id == series.id]
    rule = icalendar.vRecur.from_ical(series.rrule)
    if "COUNT" in rule and held:
        rule["COUNT"] = [max(1, int(rule["COUNT"][0]) - held)]
    if "UNTIL" in rule:  # stored as local time; RFC 5545 wants UTC beside a TZID'd DTSTART
        rule["UNTIL"] = [_utc(u, zone) for u in rule["UNTIL"]]
    vevent = icalendar.Event()
    vevent.add("uid", _series_uid(series))
    vevent.add("dtstamp", stamp)
    vevent.add("sequence", sequence)
    vevent.add("summary", marked(series.title, tr.lang))
    vevent.add("dtstart", first.replace(tzinfo=zone))
    vevent.add("duration", timedelta(minutes=series.duration_minutes))
    vevent.add("rrule", rule)
    # A cancelled or moved meeting leaves the rule (EXDATE); a moved one comes back at its
    # new time (RDATE), so the phone's calendar shows what will really happen. Changes
    # before the new DTSTART are no longer part of the rule.
    ahead = [c for c in mine if c.occurrence >= first]
    if ahead:
        vevent.add("exdate", [c.occurrence.replace(tzinfo=zone) for c in ahead])
    if moved := [c.moved_to.replace(tzinfo=zone) for c in ahead if c.moved_to]:
        vevent.add("rdate", moved)
    _where(vevent, series, tr)
    description = _series_description(series, tr)
    if description:
        vevent.add("description", "\n\n".join(description))
    last = last_start(series, first) or first.replace(year=first.year + SERIES_HORIZON_YEARS)
    return vevent, max([last, *(c.moved_to for c in ahead if c.moved_to)])


def _series_uid(series: MeetingSeries) -> str:
    return f"series-{series.id}@partnerbot"


def _where(vevent: icalendar.Event, series: MeetingSeries, tr: Translator) -> None:
    vevent.add("location", series.join_url or tr.gettext("online"))
    if series.join_url:
        vevent.add("url", series.join_url)


def _series_description(
    series: MeetingSeries, tr: Translator, agenda: Sequence[AgendaItem] = ()
) -> list[str]:
    """The note, the agenda (numbered, each item marked with its language for readers of
    others) and the join link, as paragraphs."""
    description = [marked(series.note, tr.lang)] if series.note else []
    if agenda:
        items = [f"{n}. {marked(item.text, tr.lang)}" for n, item in enumerate(agenda, 1)]
        description.append("\n".join([tr.gettext("Agenda:"), *items]))
    if series.join_url:
        description.append(series.join_url)
    return description


# -- the subscribable feed -------------------------------------------------------------------

FEED_STAMP = datetime(1970, 1, 1, tzinfo=UTC)
"""The DTSTAMP a feed is built with; the caller puts the content's own stamp in its place
(FEED_STAMP_BYTES), so that the content can be compared before it is stamped."""
FEED_STAMP_BYTES = b"19700101T000000Z"
REFRESH = timedelta(hours=1)
"""How often a subscribed calendar is asked to poll (Outlook and Google poll as they like)."""


@dataclass(frozen=True)
class FeedContent:
    """What a feed holds, read by the caller; `agenda` by meeting (series id, occurrence
    as the naive local start, ISO to the minute)."""

    name: str
    series: Sequence[MeetingSeries]
    events: Sequence[Event]
    changes: Sequence[MeetingChange]
    series_revisions: Mapping[str, int]
    event_revisions: Mapping[str, int]
    agenda: Mapping[Meeting, Sequence[AgendaItem]]


@dataclass(frozen=True)
class FeedBlock:
    """One series' or event's VEVENTs, serialized, with the zones they name and the days
    they span (for the VTIMEZONEs)."""

    ical: bytes
    zones: frozenset[str]
    first: date
    last: date


class BlockMemo:
    """Blocks already serialized, by everything they are made of: a feed that changed in
    one series serializes that one again, not all of them (icalendar takes about 1 ms a
    series). Bounded; the least recently used go first."""

    def __init__(self, size: int = 4096) -> None:
        self._size = size
        self._kept: OrderedDict[Hashable, FeedBlock | bytes | None] = OrderedDict()

    def get(self, key: Hashable, make: Callable[..., T], *args: Any) -> T:
        """The value under `key`, else `make(*args)`, kept."""
        if key in self._kept:
            self._kept.move_to_end(key)
            return cast(T, self._kept[key])
        value = make(*args)
        self._kept[key] = value  # type: ignore[assignment]
        if len(self._kept) > self._size:
            self._kept.popitem(last=False)
        return value


def feed_ics(content: FeedContent, tr: Translator, memo: BlockMemo | None = None) -> bytes:
    """One calendar of every series (from its first meeting: a subscribed calendar keeps
    the past too) with its moved and cancelled meetings, and every event known to the day.
    A meeting with agenda items gets its own VEVENT (RECURRENCE-ID) whose description
    lists them. Built with FEED_STAMP as every DTSTAMP: the same content gives the same
    bytes, whenever it is built."""
    memo = memo or BlockMemo()
    blocks: list[FeedBlock] = []
    for series in sorted(content.series, key=lambda s: s.id):
        changes = tuple(
            sorted((c for c in content.changes if c.series_id == series.id), key=lambda c: c.id)
        )
        agenda = tuple(
            sorted((k[1], tuple(v)) for k, v in content.agenda.items() if k[0] == series.id and v)
        )
        sequence = content.series_revisions.get(series.id, 0)
        blocks.append(
            memo.get(
                ("series", series, changes, sequence, agenda, tr.lang),
                _series_block,
                series,
                changes,
                sequence,
                agenda,
                tr,
            )
        )
    for event in sorted(content.events, key=lambda e: e.id):
        sequence = content.event_revisions.get(event.id, 0)
        block = memo.get(("event", event, sequence, tr.lang), _event_block, event, sequence, tr)
        if block is not None:
            blocks.append(block)
    calendar = _calendar()
    calendar.add("name", content.name)
    calendar.add("x-wr-calname", content.name)
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", icalendar.vDuration(REFRESH))  # an X- name: typed here
    frame = bytes(calendar.to_ical())
    zones = b""
    if blocks:
        # As _finish: a year before the first day to two after the last.
        first = date(min(b.first for b in blocks).year - 1, 1, 1)
        last = date(max(b.last for b in blocks).year + 2, 1, 1)
        for tzid in sorted(set().union(*(b.zones for b in blocks))):
            zones += memo.get(("zone", tzid, first, last), _zone_block, tzid, first, last)
    end = b"END:VCALENDAR\r\n"
    assert frame.endswith(end)
    return frame[: -len(end)] + zones + b"".join(b.ical for b in blocks) + end


def _zone_block(tzid: str, first: date, last: date) -> bytes:
    try:
        return bytes(icalendar.Timezone.from_tzid(tzid, first_date=first, last_date=last).to_ical())
    except ValueError:  # a zone icalendar does not know: left out, as add_missing_timezones
        return b""


def _series_block(
    series: MeetingSeries,
    changes: tuple[MeetingChange, ...],
    sequence: int,
    agenda: tuple[tuple[str, tuple[AgendaItem, ...]], ...],
    tr: Translator,
) -> FeedBlock:
    vevent, latest = _series_vevent(series, tr, FEED_STAMP, changes, sequence, series.dtstart, 0)
    parts = [bytes(vevent.to_ical())]
    parts += [bytes(o.to_ical()) for o in _agenda_overrides(series, changes, agenda, tr, sequence)]
    return FeedBlock(
        b"".join(parts), frozenset({series.timezone}), series.dtstart.date(), latest.date()
    )


def _event_block(event: Event, sequence: int, tr: Translator) -> FeedBlock | None:
    made = _event_vevent(event, tr, FEED_STAMP, sequence)
    if made is None:
        return None
    vevent, first, last = made
    timed = event.timezone is not None and event.start_instant() is not None
    zones = frozenset({event.timezone}) if timed and event.timezone else frozenset[str]()
    return FeedBlock(bytes(vevent.to_ical()), zones, first, last)


def _agenda_overrides(
    series: MeetingSeries,
    changes: tuple[MeetingChange, ...],
    agenda_of: tuple[tuple[str, tuple[AgendaItem, ...]], ...],
    tr: Translator,
    sequence: int,
) -> list[icalendar.Event]:
    """One VEVENT per meeting with an agenda, in place of that meeting of the rule (its
    RECURRENCE-ID: the rule's start, or the new start of a moved meeting, which comes
    back as an RDATE); a cancelled meeting has none."""
    zone = ZoneInfo(series.timezone)
    changed = {c.occurrence.isoformat(timespec="minutes"): c for c in changes}
    made = []
    for occurrence, agenda in agenda_of:
        change = changed.get(occurrence)
        if change is not None and change.moved_to is None:
            continue  # cancelled
        try:
            start = change.moved_to if change else datetime.fromisoformat(occurrence)
        except ValueError:
            continue  # not a meeting's key: nothing to attach it to
        if start is None:
            continue
        local = start.replace(tzinfo=zone)
        vevent = icalendar.Event()
        vevent.add("uid", _series_uid(series))
        vevent.add("dtstamp", FEED_STAMP)
        vevent.add("sequence", sequence)
        vevent.add("recurrence-id", local)
        vevent.add("summary", marked(series.title, tr.lang))
        vevent.add("dtstart", local)
        vevent.add("duration", timedelta(minutes=series.duration_minutes))
        _where(vevent, series, tr)
        vevent.add("description", "\n\n".join(_series_description(series, tr, agenda)))
        made.append(vevent)
    return made
