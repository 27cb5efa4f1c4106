"""Occurrences of a meeting series: the RFC 5545 rule expanded on wall-clock time.

The rule runs on naive local times and each occurrence gets the series' zone afterwards,
so "every six weeks at 15:00 Europe/Berlin" stays 15:00 in Berlin across DST changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil.rrule import rrulestr

from bot.domain import MeetingSeries


@dataclass(frozen=True)
class Occurrence:
    series: MeetingSeries
    local_start: datetime
    """Naive wall-clock start in the series' zone: the occurrence's identity."""
    start: datetime
    end: datetime


def occurrences(series: MeetingSeries, after: datetime, before: datetime) -> list[Occurrence]:
    """Occurrences that have not ended by `after` and start before `before` (aware bounds)."""
    zone = ZoneInfo(series.timezone)
    duration = timedelta(minutes=series.duration_minutes)
    rule = rrulestr(series.rrule, dtstart=series.dtstart)
    # Widen the naive window by a day on each side: the offset is unknown until attached.
    low = after.astimezone(zone).replace(tzinfo=None) - duration - timedelta(days=1)
    high = before.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = []
    for local in rule.between(low, high, inc=True):
        start = local.replace(tzinfo=zone)
        end = (start.astimezone(UTC) + duration).astimezone(zone)  # real minutes, not wall
        if end > after and start < before:
            found.append(Occurrence(series, local, start, end))
    return found
