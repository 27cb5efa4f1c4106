"""Occurrences of a meeting series: the RFC 5545 rule expanded on wall-clock time.

The rule runs on naive local times and each occurrence gets the series' zone afterwards,
so "every six weeks at 15:00 Europe/Berlin" stays 15:00 in Berlin across DST changes.
Recorded changes apply on top: a cancelled meeting drops out, a moved one keeps its
identity (the original local start) and takes its new time.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.model.domain import ChangeStatus, MeetingChange, MeetingSeries

MOVE_REACH = timedelta(days=31)  # how far a meeting may be moved and still be found


@lru_cache(maxsize=4096)
def _parsed(text: str, dtstart: datetime) -> rrule:
    return rrulestr(text, dtstart=dtstart, cache=True)


def parsed_rule(series: MeetingSeries) -> rrule:
    """The series' rule, parsed once per process: parsing costs more than expanding, and
    the rule's own cache makes walking back to an earlier meeting cheap for every chat."""
    return _parsed(series.rrule, series.dtstart)


@dataclass(frozen=True)
class Occurrence:
    series: MeetingSeries
    local_start: datetime
    """Naive wall-clock start in the series' zone as the rule gives it: the identity."""
    start: datetime
    end: datetime
    moved: bool = False


def _at(series: MeetingSeries, local: datetime) -> tuple[datetime, datetime]:
    zone = ZoneInfo(series.timezone)
    start = local.replace(tzinfo=zone)
    # Real minutes, not wall-clock ones: a meeting across a DST change still lasts an hour.
    end = (start.astimezone(UTC) + timedelta(minutes=series.duration_minutes)).astimezone(zone)
    return start, end


def occurrences(
    series: MeetingSeries, after: datetime, before: datetime, changes: Iterable[MeetingChange] = ()
) -> list[Occurrence]:
    """Meetings that have not ended by `after` and start before `before` (aware bounds)."""
    zone = ZoneInfo(series.timezone)
    mine = {c.occurrence: c for c in changes if c.series_id == series.id}
    rule = parsed_rule(series)
    # Widen the naive window: offsets are unknown until attached, and moves reach further.
    reach = timedelta(days=1) + (MOVE_REACH if mine else timedelta())
    low = after.astimezone(zone).replace(tzinfo=None) - reach
    high = before.astimezone(zone).replace(tzinfo=None) + reach
    found = []
    for local in rule.between(low, high, inc=True):
        change = mine.get(local)
        if change is not None and change.status is ChangeStatus.CANCELLED:
            continue
        new_local = change.moved_to if change is not None else None
        start, end = _at(series, new_local or local)
        if end > after and start < before:
            found.append(Occurrence(series, local, start, end, new_local is not None))
    return sorted(found, key=lambda o: o.start)


def is_occurrence(series: MeetingSeries, local: datetime) -> bool:
    """Whether the rule itself yields a meeting at this local start."""
    rule = parsed_rule(series)
    return bool(rule.between(local, local, inc=True))
