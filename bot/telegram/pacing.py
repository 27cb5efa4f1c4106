"""Pacing what the bot sends to Telegram's limits, replies before posts.

Telegram allows a bot about 30 messages a second, and 20 a minute in one group, counted as
they arrive. PTB's AIORateLimiter is a leaky bucket: it lets a burst of 30 through at once
and then 30 a second, so one second can hold 57; and it serves requests as they come, so a
user's reply queues behind a fan-out's posts. `Pacer` keeps both limits as sliding windows
(never more than the limit in any window; each window counted a little longer than
Telegram's, because Telegram counts arrivals and the network's jitter moves them), spaces
what it sends evenly (a burst of 30 sent at once reaches Telegram spread over tens of
milliseconds, and the next second's first sends then make 31 in Telegram's count; evenly
spaced sends do not, and a reply never waits for a burst to drain), and lets a waiting
reply go before every waiting post.

It is PTB's extension point (`BaseRateLimiter`): the dispatcher marks its sends with
`rate_limit_args=Priority.POST`; anything unmarked is a reply. When Telegram still answers
429 (its count is not ours: other bots' traffic on the same account, a clock of its own),
the pacer keeps that chat closed for the `retry_after` it was told, for every send. A reply
then goes again once the chat may receive: a reply is never lost to flood control. A post's
429 reaches the dispatcher, whose outbox keeps the post for later.
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from typing import Any

from telegram.error import RetryAfter
from telegram.ext import BaseRateLimiter

from bot.telegram.flood_gate import TELEGRAM, Chat, Gate, Group, Limits, chat_of, group_of

log = logging.getLogger(__name__)

COUNTED = ("send", "edit", "copy", "forward")
"""Methods Telegram's flood limits count: messages sent, edited, copied or forwarded.
Everything else (answerCallbackQuery, getChat, setMyCommands, …) is not paced."""
NOT_A_MESSAGE = frozenset({"sendChatAction"})
"""Named like a send, but shows "typing…" rather than sending a message."""
REPLY_PATIENCE = 900.0
"""Seconds a refused reply keeps trying: a chat Telegram closes for longer, or keeps
refusing for longer, gets the error in the handler (logged), not a reply an hour late."""
Sleep = Callable[[float], Awaitable[None]]


class Priority(Enum):
    """Who waits for whom when both want the same slot."""

    REPLY = "reply"
    """An answer to a user (the default for anything unmarked): goes first."""
    POST = "post"
    """The scheduler's posts: they yield to replies, and are spaced evenly."""


@dataclass
class _Waiter:
    priority: Priority
    group: Group | None
    chat: Chat | None
    admitted: asyncio.Future[None]


class Pacer(BaseRateLimiter[Priority]):
    """Telegram's limits kept as sliding windows; replies first, posts spaced.

    `limits=None` paces nothing (tests, and benchmarks of the bot's own cost); `clock` and
    `sleep` are injected so that tests move time instead of waiting for it.
    """

    def __init__(
        self,
        limits: Limits | None = TELEGRAM,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.gate = Gate(limits) if limits is not None else None
        self._clock, self._sleep = clock, sleep
        self._waiting: list[_Waiter] = []
        self._wake = asyncio.Event()
        self._pump: asyncio.Task[None] | None = None

    async def initialize(self) -> None:
        """Nothing to set up: the pump starts with the first send that has to wait."""

    async def shutdown(self) -> None:
        if self._pump is not None:
            self._pump.cancel()
            self._pump = None

    def held_groups(self) -> dict[Group, float]:
        """Groups whose minute is used up, with the seconds until they may receive again:
        the dispatcher leaves their posts for later instead of waiting in a slot."""
        return self.gate.held(self._clock()) if self.gate is not None else {}

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[dict[str, Any]]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: Priority | None,
    ) -> bool | dict[str, Any] | list[dict[str, Any]]:
        if self.gate is None or not counted(endpoint):
            return await callback(*args, **kwargs)
        priority = rate_limit_args if isinstance(rate_limit_args, Priority) else Priority.REPLY
        chat = chat_of(data.get("chat_id"))
        group = group_of(chat)
        started = self._clock()
        while True:
            if priority is Priority.REPLY and chat is not None:
                self._give_up_if_closed_too_long(chat, started)
            await self._admit(chat, group, priority)
            try:
                return await callback(*args, **kwargs)
            except RetryAfter as refused:
                if chat is not None:
                    self.gate.close(self._clock(), chat, retry_seconds(refused))
                if priority is Priority.POST or chat is None:
                    raise
                log.warning(
                    "flood control: a reply to chat %s goes again in %.0f s",
                    chat,
                    retry_seconds(refused),
                )

    def _give_up_if_closed_too_long(self, chat: Chat, started: float) -> None:
        """A reply to a chat Telegram closed until past REPLY_PATIENCE (counted from when
        the reply was asked for) is not waited for: RetryAfter reaches the handler."""
        assert self.gate is not None
        now, reopens = self._clock(), self.gate.closed.get(chat, -math.inf)
        if reopens - started > REPLY_PATIENCE:
            raise RetryAfter(timedelta(seconds=math.ceil(reopens - now)))

    async def _admit(self, chat: Chat | None, group: Group | None, priority: Priority) -> None:
        """Return once this send may go, counted."""
        assert self.gate is not None
        now = self._clock()
        if not self._waiting and self.gate.ready_at(now, group, chat) <= now:
            self.gate.record(now, group)
            return
        waiter = _Waiter(priority, group, chat, asyncio.get_running_loop().create_future())
        self._waiting.append(waiter)
        if self._pump is None or self._pump.done():
            self._pump = asyncio.create_task(self._admit_waiting(), name="pacer")
        else:
            self._wake.set()
        try:
            await waiter.admitted
        except asyncio.CancelledError:
            if waiter in self._waiting:  # gave up while waiting
                self._waiting.remove(waiter)
            elif not waiter.admitted.cancelled():  # let through, but gone before sending
                self.gate.withdraw(group)
                self._wake.set()  # its place is free: a waiter may go now
            raise
        self.gate.made(self._clock(), group)  # now, not when let through: see Gate

    async def _admit_waiting(self) -> None:
        """Let waiting sends go as slots free, replies first, each kind in arrival order;
        a send held only by its group's minute does not hold up the others."""
        gate = self.gate
        assert gate is not None
        while self._waiting:
            now, next_at = self._clock(), math.inf
            self._waiting.sort(key=lambda w: w.priority is Priority.POST)  # stable: FIFO kept
            for waiter in list(self._waiting):
                if waiter.admitted.done():
                    self._waiting.remove(waiter)
                    continue
                at = gate.ready_at(now, waiter.group, waiter.chat)
                if at <= now:
                    gate.admit(now, waiter.group)
                    waiter.admitted.set_result(None)
                    self._waiting.remove(waiter)
                else:
                    next_at = min(next_at, at)
            if not self._waiting:
                break
            self._wake.clear()
            await _first(self._sleep(next_at - now), self._wake.wait())


async def _first(*waits: Awaitable[Any]) -> None:
    """Wait until the first of `waits` is done; the others are cancelled."""
    tasks = [asyncio.ensure_future(w) for w in waits]
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in tasks:
            task.cancel()


def counted(endpoint: str) -> bool:
    """Whether Telegram counts this method against the bot's flood limits."""
    return endpoint.startswith(COUNTED) and endpoint not in NOT_A_MESSAGE


def retry_seconds(refused: RetryAfter) -> float:
    """The seconds Telegram said to wait: `retry_after` is a timedelta with PTB_TIMEDELTA
    set (as the app does), seconds otherwise."""
    wait = refused.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)
