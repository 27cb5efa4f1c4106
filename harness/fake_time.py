"""A monotonic clock for the pacer that moves only when someone sleeps on it: tests of
pacing run through minutes of Telegram's limits without waiting for any of them."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass


@dataclass
class FakeTime:
    now: float = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        for _ in range(3):  # what is ready runs first: a sleep cut short moves no time
            await asyncio.sleep(0)
        self.now += max(seconds, 0.0)
