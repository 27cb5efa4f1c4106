"""Sending what is due: exactly once, whatever Telegram says.

The database decides; the JobQueue only wakes us (bot/schedule/jobs.py). Each row is
claimed (committed as 'sending') before its request and confirmed after, so a crash leaves
at most that one row in doubt, and it is sent again on start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from zoneinfo import ZoneInfo

from telegram import Bot, InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)

from bot.model.clock import Clock
from bot.model.domain import PartnershipView
from bot.model.posts import Delivery, Invitation, PostKind
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.plan import Network, partnership_ids
from bot.schedule.replan import load_network
from bot.text.i18n import I18n
from bot.text.reader import Reader
from bot.views.rsvp import rsvp_keyboard
from storage.store import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
REMINDERS = (PostKind.DEADLINE, PostKind.MEETING, PostKind.EVENT)
"""Kinds of which a later reminder, when due too, makes an earlier one superfluous."""


class Outcome(Enum):
    SENT = "sent"
    SKIPPED = "skipped"
    RETRY = "retry"
    """Back in the queue at once (the chat moved)."""
    PAUSED = "paused"
    FAILED = "failed"
    STOP = "stop"
    """Nothing more now: flood control or the network; `hold_until` says until when."""


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _seconds(wait: timedelta | float) -> timedelta:
    return wait if isinstance(wait, timedelta) else timedelta(seconds=float(wait))


@dataclass
class Dispatcher:
    """Sends due rows one at a time; one run at a time (the lock)."""

    storage: Storage
    i18n: I18n
    clock: Clock
    home: ZoneInfo
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    hold_until: datetime | None = None
    """After flood control or a network failure: send nothing before this instant."""

    async def run(self, bot: Bot, keep_going: Callable[[], bool] = lambda: True) -> int:
        """Send everything due now; stop early on flood control or a network failure, or
        when `keep_going()` turns false (the app is stopping: the rest waits for the next
        start instead of holding the stop up)."""
        sent, now = 0, self.clock.now
        async with self.lock:
            if self.hold_until is not None and self.clock.now() < self.hold_until:
                return 0
            loaded: tuple[Network, Mapping[str, PartnershipView]] | None = None
            while keep_going() and (delivery := await self.storage.outbox.claim_next(now())):
                if loaded is None:  # only when something is due: the tick runs every minute
                    loaded = await self._load()
                try:
                    outcome = await self._send_one(bot, delivery, *loaded)
                except Exception as exc:  # a bug must cost one row, not the outbox
                    log.exception("post %s to chat %s broke", delivery.key, delivery.chat_id)
                    await self.storage.outbox.mark_failed(delivery.id, f"internal error: {exc}")
                    continue
                if outcome is Outcome.SENT:
                    sent += 1
                elif outcome is Outcome.STOP:
                    break
        return sent

    async def _load(self) -> tuple[Network, Mapping[str, PartnershipView]]:
        """What posts are composed from: the network and the partnerships they name."""
        net = await load_network(self.storage)
        ids = list(partnership_ids(net))
        return net, {v.partnership.id: v for v in await self.storage.network.partnerships(ids)}

    async def _send_one(
        self,
        bot: Bot,
        delivery: Delivery,
        net: Network,
        views: Mapping[str, PartnershipView],
    ) -> Outcome:
        now = self.clock.now()
        try:
            if delivery.kind in REMINDERS and await self.storage.outbox.superseded(delivery, now):
                raise ObsoletePostError("a later reminder about it is due too")
            reader = await self._reader(delivery.chat_id)
            text = compose(
                delivery.payload, delivery.due_at, net, views, reader, self.i18n, now, self.home
            )
        except ObsoletePostError as why:
            log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, why)
            await self.storage.outbox.mark_skipped(delivery.id, str(why))
            return Outcome.SKIPPED
        try:
            message = await bot.send_message(
                delivery.chat_id, text, reply_markup=await self._keyboard(delivery)
            )
        except TelegramError as exc:
            return await self._refused(delivery, exc, now)
        await self.storage.outbox.mark_sent(delivery.id, message.message_id, self.clock.now())
        return Outcome.SENT

    async def _reader(self, chat_id: int) -> Reader:
        prefs = await self.storage.preferences.chat(chat_id)
        zone = ZoneInfo(prefs.timezone) if prefs.timezone else self.home
        return Reader.of(prefs.languages, zone, self.i18n)

    async def _keyboard(self, delivery: Delivery) -> InlineKeyboardMarkup | None:
        """An invitation carries the RSVP buttons with this chat's tally so far."""
        if not isinstance(delivery.payload, Invitation):
            return None
        tally = await self.storage.rsvps.tally(delivery.chat_id, delivery.payload)
        return rsvp_keyboard(delivery.id, delivery.payload, tally)

    async def _refused(self, delivery: Delivery, exc: TelegramError, now: datetime) -> Outcome:
        """What Telegram's refusal means for this row, for the chat, and for the run."""
        outbox, chat_id = self.storage.outbox, delivery.chat_id
        if isinstance(exc, RetryAfter):  # flood control: wait as told, lose nothing
            wait = _seconds(exc.retry_after)
            self.hold_until = now + wait  # Telegram meant all of our posts, not just this one
            await outbox.retry_at(delivery.id, self.hold_until, "flood control")
            log.warning("flood control: waiting %s before the next post", wait)
            return Outcome.STOP
        if isinstance(exc, ChatMigrated):  # the group became a supergroup: follow it
            await self.storage.subscriptions.migrate_chat(chat_id, exc.new_chat_id)
            await outbox.retry_at(delivery.id, None, "chat migrated")
            log.info("chat %s moved to %s", chat_id, exc.new_chat_id)
            return Outcome.RETRY
        if isinstance(exc, Forbidden):  # removed or blocked: pause, do not delete
            await self.storage.subscriptions.pause(chat_id, exc.message)
            await outbox.retry_at(delivery.id, None, f"paused: {exc.message}")
            log.warning("chat %s refused posts (%s); its subscriptions are paused", chat_id, exc)
            return Outcome.PAUSED
        if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
            # Timeouts and 5xx: back off, try later. (BadRequest is a NetworkError in PTB,
            # but final: this row failed.)
            self.hold_until = now + backoff(delivery.attempts)
            await outbox.retry_at(delivery.id, self.hold_until, str(exc))
            log.warning(
                "network error for %s, retrying from %s: %s", delivery.key, self.hold_until, exc
            )
            return Outcome.STOP
        await outbox.mark_failed(delivery.id, exc.message)
        log.error("post %s to chat %s refused: %s", delivery.key, chat_id, exc)
        return Outcome.FAILED
