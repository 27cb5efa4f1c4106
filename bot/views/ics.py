"""Calendar files (RFC 5545, via icalendar) that a phone's calendar imports."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import icalendar

from bot.model.domain import Event, MeetingChange, MeetingSeries
from bot.model.recurrence import last_start, next_start
from bot.text.i18n import Translator
from bot.views.common import marked

PRODID = "-//partnerbot//climate partnerships//EN"


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
    calendar = _calendar()
    calendar.add_component(vevent)
    return _finish(calendar, first, last)


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
    zone = ZoneInfo(series.timezone)
    mine = [c for c in changes if c.series_id == series.id]
    rule = icalendar.vRecur.from_ical(series.rrule)
    first, held = next_start(series, now)
    if "COUNT" in rule and held:
        rule["COUNT"] = [max(1, int(rule["COUNT"][0]) - held)]
    if "UNTIL" in rule:  # stored as local time; RFC 5545 wants UTC beside a TZID'd DTSTART
        rule["UNTIL"] = [_utc(u, zone) for u in rule["UNTIL"]]
    vevent = icalendar.Event()
    vevent.add("uid", f"series-{series.id}@partnerbot")
    vevent.add("dtstamp", now)
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
    vevent.add("location", series.join_url or tr.gettext("online"))
    if series.join_url:
        vevent.add("url", series.join_url)
    description = [marked(series.note, tr.lang)] if series.note else []
    if series.join_url:
        description.append(series.join_url)
    if description:
        vevent.add("description", "\n\n".join(description))
    calendar = _calendar()
    calendar.add_component(vevent)
    last = last_start(series, first) or first.replace(year=first.year + SERIES_HORIZON_YEARS)
    latest = max([last, *(c.moved_to for c in ahead if c.moved_to)])
    return _finish(calendar, first.date(), latest.date())
