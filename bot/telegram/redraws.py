"""Messages redrawn after a press, off the press's own path: several people ticking one
checklist at once (a meeting, a slow connection, a group at its flood limit) each get
their pop-up at once, and the message is redrawn one edit at a time, to its newest state.

Updates of one chat are handled one after another (bot/telegram/ordering.py). A press
that waited for its edit held every later press in that chat behind it: five presses at
300 ms latency took 3.4 s to answer the last, and in a group that had used its 20
messages of the minute, each pop-up waited a minute for the edit before it."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Hashable

log = logging.getLogger(__name__)

Redraw = Callable[[], Awaitable[None]]


class Redraws:
    """One redraw running per message; those asked for meanwhile fold into one more, the
    last asked (it reads the state as it is when it runs)."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Task[None]] = {}
        self._next: dict[Hashable, Redraw] = {}

    def request(self, key: Hashable, redraw: Redraw) -> None:
        """Redraw the message `key` (chat id, message id) soon; returns at once."""
        if key in self._running:
            self._next[key] = redraw
            return
        self._running[key] = asyncio.get_running_loop().create_task(self._run(key, redraw))

    async def _run(self, key: Hashable, redraw: Redraw) -> None:
        try:
            while True:
                try:
                    await redraw()
                except Exception:  # a failed edit costs the picture, never the tick
                    log.exception("redrawing message %s failed", key)
                following = self._next.pop(key, None)
                if following is None:
                    return
                redraw = following
        finally:
            del self._running[key]

    async def settled(self) -> None:
        """Once every redraw asked for so far is done (tests; before the storage closes)."""
        while self._running:
            await asyncio.gather(*self._running.values(), return_exceptions=True)
