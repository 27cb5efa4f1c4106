"""Updates handled concurrently, each chat's in the order they came.

One at a time, a group that sent 40 commands (and may receive 20 messages a minute) kept a
private `/start` waiting behind its replies for a minute and more. Handling every update at
once would let a chat's later command overtake its earlier one (a `/language es` answered
after the `/milestones` sent behind it). So: concurrent across chats, in order within one.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from telegram import Update
from telegram.ext import BaseUpdateProcessor

log = logging.getLogger(__name__)

IN_HAND = 4096
"""Updates taken from the queue and not yet done, waiting for their chat's turn included
(PTB takes its slot before we take the chat's turn): PTB's bound on the update tasks."""
BACKLOG = 100
"""Updates one chat may have waiting for their turn. A group's replies go out at 20 a
minute, so this is five minutes of them; more come only from a chat flooding the bot, and
are dropped (logged) rather than let one chat take every slot of IN_HAND and stall all."""


@dataclass
class _Line:
    """One chat's updates: the one running holds `turn`; the others wait for it in order
    (asyncio's Lock wakes its waiters first come, first served, and a newcomer does not
    jump a waiter)."""

    turn: asyncio.Lock = field(default_factory=asyncio.Lock)
    waiting: int = 0


def order_key(update: object) -> int | None:
    """Whose updates must keep their order: the chat's, or for a press on an inline
    message (no chat), the user's; None for anything else (no order to keep)."""
    if not isinstance(update, Update):
        return None
    if (chat := update.effective_chat) is not None:
        return chat.id
    if (user := update.effective_user) is not None:
        return user.id  # the same number as the user's private chat: one line for both
    return None


class ChatOrder(BaseUpdateProcessor):
    """PTB's extension point for concurrent updates (`ApplicationBuilder.concurrent_updates`)."""

    def __init__(self, max_concurrent_updates: int = IN_HAND) -> None:
        super().__init__(max_concurrent_updates)
        self._lines: dict[int, _Line] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = order_key(update)
        if key is None:
            await coroutine
            return
        # Called in the order updates were fetched, and nothing here yields before the
        # lock is asked for: a chat's updates queue for it in their order.
        line = self._lines.get(key)
        if line is None:
            line = self._lines[key] = _Line()
        if line.waiting >= BACKLOG:
            log.warning("chat %s has %d updates waiting; update dropped", key, line.waiting)
            if inspect.iscoroutine(coroutine):
                coroutine.close()  # never run: say so to Python, not as a warning
            return
        line.waiting += 1
        try:
            async with line.turn:
                await coroutine
        finally:
            line.waiting -= 1
            if not line.waiting:
                del self._lines[key]

    def chats_in_hand(self) -> int:
        """Chats with an update running or waiting (the lines are forgotten once empty)."""
        return len(self._lines)

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to free: PTB waits for the updates in hand before it shuts down."""
