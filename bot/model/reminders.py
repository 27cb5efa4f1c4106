"""When reminders come: a chat's lead times, their defaults and limits, and how
`/reminders` arguments are read."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

DEFAULT_DEADLINE_DAYS = (14, 3, 1)
DEFAULT_MEETING_MINUTES = (1440, 60)
DEFAULT_EVENT_DAYS = (7,)
MAX_OFFSETS = 5


class ReminderSetting(StrEnum):
    """Which of a chat's lead times `/reminders` changes."""

    DEADLINES = "deadlines"
    MEETINGS = "meetings"
    EVENTS = "events"
    INVITE = "invite"


@dataclass(frozen=True)
class ReminderSettings:
    deadline_days: tuple[int, ...] = DEFAULT_DEADLINE_DAYS
    meeting_minutes: tuple[int, ...] = DEFAULT_MEETING_MINUTES
    event_days: tuple[int, ...] = DEFAULT_EVENT_DAYS
    invite_days: int | None = None
    """None: invite when the previous meeting is over."""


ReminderValue = tuple[int, ...] | int | None
"""Lead times in days or minutes; for invitations one number of days, or None."""


# ASCII digits only, and few: int() would also read "١٤", "1_4" and " 14 ", and thousands
# of digits (slowly, then refusing).
_DAYS = re.compile(r"[0-9]{1,3}")
_DURATION = re.compile(r"([0-9]{1,3})\s*([dhm]?)", re.ASCII)


def parse_days(args: Sequence[str]) -> tuple[int, ...] | None:
    """'14 3 1' -> (14, 3, 1): whole days from 0 to 60, at most five, largest first."""
    if not all(_DAYS.fullmatch(a) for a in args):
        return None
    days = sorted({int(a) for a in args}, reverse=True)
    if not days or len(days) > MAX_OFFSETS or not all(0 <= d <= 60 for d in days):
        return None
    return tuple(days)


def parse_durations(args: Sequence[str]) -> tuple[int, ...] | None:
    """'1d 1h 15m' -> minutes (1440, 60, 15); a bare number is hours."""
    minutes = set()
    for arg in args:
        match = _DURATION.fullmatch(arg.strip().lower())
        if not match:
            return None
        value, unit = int(match[1]), match[2] or "h"
        minutes.add(value * {"d": 1440, "h": 60, "m": 1}[unit])
    if not minutes or len(minutes) > MAX_OFFSETS or not all(5 <= m <= 14 * 1440 for m in minutes):
        return None
    return tuple(sorted(minutes, reverse=True))


SETTING_WORDS: dict[str, ReminderSetting] = {
    "meetings": ReminderSetting.MEETINGS,
    "meeting": ReminderSetting.MEETINGS,
    "events": ReminderSetting.EVENTS,
    "event": ReminderSetting.EVENTS,
    "invite": ReminderSetting.INVITE,
    "invitations": ReminderSetting.INVITE,
    "invitation": ReminderSetting.INVITE,
}


def parse_reminders(args: Sequence[str]) -> tuple[ReminderSetting, ReminderValue] | None:
    """'/reminders 14 3 1', '… meetings 1d 1h', '… events 7 1', '… invite 3', '… invite after'."""
    deadlines = ReminderSetting.DEADLINES
    setting = SETTING_WORDS.get(args[0].lower(), deadlines) if args else deadlines
    rest = list(args[1:] if setting != deadlines else args)
    if setting == ReminderSetting.MEETINGS:
        minutes = parse_durations(rest)
        return (setting, minutes) if minutes else None
    if setting == ReminderSetting.INVITE:
        if [a.lower() for a in rest] == ["after"]:
            return setting, None
        days = parse_days(rest)
        return (setting, days[0]) if days and len(days) == 1 and days[0] >= 1 else None
    days = parse_days(rest)
    return (setting, days) if days else None
