"""One clock for the whole bot, so tests and the console move time instead of waiting."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware in UTC."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class MovableClock:
    """A clock that starts at a given instant and moves only when told to."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._now = start.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def advance(self, delta: timedelta) -> None:
        self._now += delta

    def set(self, instant: datetime) -> None:
        self._now = instant.astimezone(UTC)


class ShiftedClock:
    """Real time, moved to start at `start`: the process lives through a chosen moment
    (a reminder falling due, a restart two hours later) at normal speed."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("the clock needs an aware datetime")
        self._start = start.astimezone(UTC)
        self._origin = time.monotonic()

    def now(self) -> datetime:
        return self._start + timedelta(seconds=time.monotonic() - self._origin)


def clock_from(start: datetime | None) -> Clock:
    """The clock a command runs on: real time, or real time moved to start at `start`
    (PARTNERBOT_CLOCK_START), so a demo or a test lives through a chosen date."""
    return ShiftedClock(start) if start is not None else SystemClock()
