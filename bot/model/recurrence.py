"""Occurrences of a meeting series: the RFC 5545 rule expanded on wall-clock time.

The rule runs on naive local times and each occurrence gets the series' zone afterwards,
so "every six weeks at 15:00 Europe/Berlin" stays 15:00 in Berlin across DST changes.
Recorded changes apply on top: a cancelled meeting drops out, a moved one keeps its
identity (the original local start) and takes its new time.

Every expansion is bounded, whatever the database holds: a rule a meeting series cannot
have (more than one meeting a day) expands to nothing, and a walk through a rule stops
after MAX_STEPS meetings from the first, keeping at most MAX_PER_WINDOW.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from itertools import islice
from zoneinfo import ZoneInfo

from dateutil.rrule import rrule, rrulestr

from bot.model.codec import quoted
from bot.model.domain import ChangeStatus, MeetingChange, MeetingSeries

MOVE_REACH = timedelta(days=31)  # how far a meeting may be moved and still be found
MEETING_FREQUENCIES = ("DAILY", "WEEKLY", "MONTHLY", "YEARLY")
"""A series meets at most once a day: SECONDLY to HOURLY rules are not meetings (and
one from 2024 would take minutes to walk to today)."""
MAX_STEPS = 100_000
"""Meetings walked from a series' first to the end of a window: 270 years of daily ones."""
MAX_PER_WINDOW = 1_000
"""Meetings one expansion gives: the longest window (planning's 90 days, widened by the
reach of moves) holds some 150 daily ones."""
_ENDS = re.compile(r"(?:^|;)\s*(?:UNTIL|COUNT)\s*=", re.IGNORECASE)  # a rule that ends
_ONE_VALUE = ("BYHOUR", "BYMINUTE", "BYSECOND")  # more than one: several meetings a day
# RFC 5545's rule parts: dateutil knows more (BYEASTER), calendars do not
_PARTS = frozenset(
    [
        "FREQ",
        "UNTIL",
        "COUNT",
        "INTERVAL",
        "BYSECOND",
        "BYMINUTE",
        "BYHOUR",
        "BYDAY",
        "BYMONTHDAY",
        "BYYEARDAY",
        "BYWEEKNO",
        "BYMONTH",
        "BYSETPOS",
        "WKST",
    ]
)


def rule_problem(text: str) -> str | None:
    """Why `text` cannot be a meeting series' RRULE, or None: RFC 5545's parts only, each
    once, and how often it meets (at most daily, INTERVAL from 1); rrulestr and icalendar
    check the rest."""
    parts: dict[str, str] = {}
    for part in text.strip().split(";"):
        name, equals, value = (p.strip().upper() for p in part.partition("="))
        if not equals or ":" in name or "\n" in part:
            return "give one RRULE value, as FREQ=WEEKLY;BYDAY=TU"
        if name in parts:
            return f"{name} is given twice"
        if name not in _PARTS:
            return f"{quoted(name)} is not a part of an RFC 5545 RRULE"
        parts[name] = value
    frequency = parts.get("FREQ")
    if frequency not in MEETING_FREQUENCIES:
        return f"FREQ must be one of {', '.join(MEETING_FREQUENCIES)}: a series meets at most daily"
    for name in _ONE_VALUE:
        if "," in parts.get(name, ""):
            return f"{name} takes one value: a series meets at most once a day"
    interval = parts.get("INTERVAL", "1")  # ASCII digits: isdigit() takes "²", and int()
    if not re.fullmatch(r"[0-9]{1,4}", interval) or int(interval) < 1:  # 5,000 digits
        return "INTERVAL must be a whole number from 1"  # 0 repeats one meeting forever
    return None


@lru_cache(maxsize=4096)
def _usable(text: str) -> bool:
    return rule_problem(text) is None


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
    if not _usable(series.rrule):
        return []
    zone = ZoneInfo(series.timezone)
    mine = {c.occurrence: c for c in changes if c.series_id == series.id}
    rule = parsed_rule(series)
    # Widen the naive window: offsets are unknown until attached, and moves reach further.
    reach = timedelta(days=1) + (MOVE_REACH if mine else timedelta())
    low = after.astimezone(zone).replace(tzinfo=None) - reach
    high = before.astimezone(zone).replace(tzinfo=None) + reach
    found = []
    for local in _walk(rule, low, high):
        change = mine.get(local)
        if change is not None and change.status is ChangeStatus.CANCELLED:
            continue
        new_local = change.moved_to if change is not None else None
        start, end = _at(series, new_local or local)
        if end > after and start < before:
            found.append(Occurrence(series, local, start, end, new_local is not None))
    return sorted(found, key=lambda o: o.start)


def occurrence_of(
    series: MeetingSeries, local: str, changes: Iterable[MeetingChange] = ()
) -> Occurrence | None:
    """The meeting named by its original local start (ISO, as posts and rows name it),
    where it is now: moved, or None when cancelled or no longer in the schedule."""
    start = datetime.fromisoformat(local)
    around = start.replace(tzinfo=ZoneInfo(series.timezone))
    window = occurrences(series, around - MOVE_REACH, around + MOVE_REACH, changes)
    return next((o for o in window if o.local_start == start), None)


def is_occurrence(series: MeetingSeries, local: datetime) -> bool:
    """Whether the rule itself yields a meeting at this local start."""
    return _usable(series.rrule) and local in _walk(parsed_rule(series), local, local)


def _walk(rule: rrule, low: datetime, high: datetime) -> list[datetime]:
    """The rule's starts from `low` to `high`, both included (naive local times), as
    `rule.between` gives them, but bounded: see MAX_STEPS and MAX_PER_WINDOW."""
    found: list[datetime] = []
    for local in islice(rule, MAX_STEPS):
        if local > high:
            break
        if local >= low:
            found.append(local)
            if len(found) == MAX_PER_WINDOW:
                break
    return found


def next_start(series: MeetingSeries, now: datetime) -> tuple[datetime, int]:
    """The rule's first start (naive local) of a meeting not over by `now`, and how many
    came before it; the last start if all are over, the first if the rule gives none
    (bounded by MAX_STEPS, as every walk)."""
    if not _usable(series.rrule):
        return series.dtstart, 0
    # A meeting still running counts as ahead: an hour-long one at 15:00 at 15:30.
    last = None
    for held, local in enumerate(islice(parsed_rule(series), MAX_STEPS)):
        if _at(series, local)[1] > now:
            return local, held
        last = (local, held)
    return last or (series.dtstart, 0)


def last_start(series: MeetingSeries, after: datetime) -> datetime | None:
    """The rule's last start (naive local) when it ends (UNTIL or COUNT) within MAX_STEPS
    starts; None for a rule without an end."""
    if not _usable(series.rrule) or not _ENDS.search(series.rrule):
        return None
    last = None
    for local in islice(parsed_rule(series), MAX_STEPS):
        last = local
    return last if last is not None and last >= after else after
