"""When reminders come: a chat's lead times, their defaults and limits (the words of
`/reminders` are read in bot.text.keywords)."""

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


DEFAULT_PERSONAL_MEETING_MINUTES = (60,)
DEFAULT_ACTION_DAYS = (3, 1)


@dataclass(frozen=True)
class PersonalReminders:
    """A user's own reminders, in their private chat: before each meeting they answered ✅
    to, and before each action item they own is due. An empty tuple: none of that kind."""

    meeting_minutes: tuple[int, ...] = DEFAULT_PERSONAL_MEETING_MINUTES
    action_days: tuple[int, ...] = DEFAULT_ACTION_DAYS


ReminderValue = tuple[int, ...] | int | None
"""Lead times in days or minutes; for invitations one number of days, or None."""


# ASCII digits only, and few: int() would also read "١٤", "1_4" and " 14 ", and thousands
# of digits (slowly, then refusing).
_DAYS = re.compile(r"[0-9]{1,3}")


def parse_days(args: Sequence[str]) -> tuple[int, ...] | None:
    """'14 3 1' -> (14, 3, 1): whole days from 0 to 60, at most five, largest first."""
    if not all(_DAYS.fullmatch(a) for a in args):
        return None
    days = sorted({int(a) for a in args}, reverse=True)
    if not days or len(days) > MAX_OFFSETS or not all(0 <= d <= 60 for d in days):
        return None
    return tuple(days)


def valid_durations(minutes: Sequence[int]) -> tuple[int, ...] | None:
    """Lead times in minutes, from 5 minutes to 14 days, at most five, largest first."""
    unique = set(minutes)
    if not unique or len(unique) > MAX_OFFSETS or not all(5 <= m <= 14 * 1440 for m in unique):
        return None
    return tuple(sorted(unique, reverse=True))
