"""Sending what is due: exactly once, whatever Telegram says.

The database decides; the JobQueue only wakes us (bot/schedule/jobs.py). Each row is
claimed (committed as 'sending') before its request and confirmed after, so a crash leaves
at most the rows in flight in doubt (`IN_FLIGHT`), and they are sent again on start.

A few sends are in flight at once, so that the round trip to Telegram does not set the
pace: the pacer (bot/telegram/pacing.py) does, with the dispatcher's posts marked to yield
to replies. At most one row of a chat is in flight, so each chat gets its posts in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import ExtBot

from bot.model.clock import Clock
from bot.model.domain import Event, PartnershipView
from bot.model.posts import (
    ActionReminder,
    ActionsAsk,
    ChecklistReminder,
    Delivery,
    EventReminder,
    Invitation,
    MeetingCorrection,
    MeetingReminder,
    OverdueDigest,
    Reminder,
)
from bot.schedule.checklist_posts import checklist_keyboard
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.overdue import at_sending
from bot.schedule.plan import Network, overdue_checklists, partnership_ids
from bot.schedule.replan import load_network
from bot.telegram.pacing import Pacer, Priority, retry_seconds
from bot.text.i18n import I18n
from bot.text.reader import Reader
from bot.views.actions import ask_keyboard, reminder_keyboard
from bot.views.rsvp import calendar_keyboard, rsvp_keyboard
from bot.views.topics import topic_lost
from storage.store import Storage

log = logging.getLogger(__name__)

MAX_BACKOFF = timedelta(minutes=10)
IN_FLIGHT = 4
"""Sends in flight at once. Telegram takes 30 a second, so this keeps up with round trips
of up to 4/30 s (130 ms; a slow link or a far host) and the database work between them;
more would buy nothing but a larger doubt: after kill -9 each row in flight may have
reached Telegram unconfirmed, and is sent again (at most IN_FLIGHT repeats, one per chat)."""
HELD_RECHECK = 1.0
"""Seconds between looks at `keep_going` while only rows of groups over their minute wait."""


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


async def post_reader(storage: Storage, i18n: I18n, home: ZoneInfo, chat_id: int) -> Reader:
    """The chat as its posts read it: its languages, its zone (else the network's)."""
    prefs = await storage.preferences.for_posts(chat_id)
    zone = ZoneInfo(prefs.timezone) if prefs.timezone else home
    return Reader.of(prefs.languages, zone, i18n)


@dataclass
class Dispatcher:
    """Sends due rows, IN_FLIGHT at a time; one run at a time (the lock)."""

    storage: Storage
    i18n: I18n
    clock: Clock
    home: ZoneInfo
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    hold_until: datetime | None = None
    """After flood control or a network failure: send nothing before this instant."""
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    """Waits (seconds) for a group's minute to free; tests move a fake clock instead."""

    async def run(self, bot: ExtBot[Any], keep_going: Callable[[], bool] = lambda: True) -> int:
        """Send everything due now, up to IN_FLIGHT at a time; stop early on flood control or
        a network failure, or when `keep_going()` turns false (the app is stopping: the rest
        waits for the next start instead of holding the stop up)."""
        async with self.lock:
            if self.hold_until is not None and self.clock.now() < self.hold_until:
                return 0
            return await self._run(bot, keep_going)

    async def _run(self, bot: ExtBot[Any], keep_going: Callable[[], bool]) -> int:
        pacer = _pacer_of(bot)
        outbox = self.storage.outbox
        flight: dict[asyncio.Task[Outcome], int] = {}  # each send, and its chat
        loaded: tuple[Network, Mapping[str, PartnershipView]] | None = None
        sent, stopping = 0, False
        try:
            while True:
                claimed = None
                held = pacer.held_groups() if pacer is not None else {}
                if not stopping and len(flight) < IN_FLIGHT and keep_going():
                    busy = set(flight.values()) | {c for c in held if isinstance(c, int)}
                    claimed = await outbox.claim_next(self.clock.now(), exclude=busy)
                if claimed is not None:
                    if loaded is None:  # only when something is due: the tick runs every minute
                        loaded = await self._load()
                    send = self._send_guarded(bot, claimed, *loaded, pacer is not None)
                    flight[asyncio.create_task(send)] = claimed.chat_id
                    continue
                if flight:  # a slot or a chat frees when a send ends
                    done, _ = await asyncio.wait(flight, return_when=asyncio.FIRST_COMPLETED)
                    for task in done:
                        del flight[task]
                        outcome = task.result()
                        sent += outcome is Outcome.SENT
                        stopping = stopping or outcome is Outcome.STOP
                    continue
                wait = await self._held_wait(held, stopping, keep_going)
                if wait is None:
                    return sent
                await self.sleep(min(wait, HELD_RECHECK))
        except asyncio.CancelledError:  # stopping hard: what is in flight stays 'sending'
            for task in flight:
                task.cancel()
            await asyncio.gather(*flight, return_exceptions=True)
            raise
        except Exception:  # a claim or a write failed (the database busy): the sends
            await asyncio.gather(*flight, return_exceptions=True)  # made are confirmed
            raise

    async def _held_wait(
        self, held: Mapping[int | str, float], stopping: bool, keep_going: Callable[[], bool]
    ) -> float | None:
        """Seconds until a group over its minute may receive again, when only such groups'
        rows are due; None when the run is over."""
        chats = [c for c in held if isinstance(c, int)]
        if stopping or not chats or not keep_going():
            return None
        if not await self.storage.outbox.has_due(self.clock.now(), chats):
            return None
        return min(held[c] for c in chats)

    async def _send_guarded(
        self,
        bot: ExtBot[Any],
        delivery: Delivery,
        net: Network,
        views: Mapping[str, PartnershipView],
        marked: bool,
    ) -> Outcome:
        try:
            return await self._send_one(bot, delivery, net, views, marked)
        except Exception as exc:  # a bug must cost one row, not the outbox
            log.exception("post %s to chat %s broke", delivery.key, delivery.chat_id)
            await self.storage.outbox.mark_failed(delivery.id, f"internal error: {exc}")
            return Outcome.FAILED

    async def _load(self) -> tuple[Network, Mapping[str, PartnershipView]]:
        """What posts are composed from: the network and the partnerships they name."""
        net = await load_network(self.storage, now=self.clock.now())
        ids = list(partnership_ids(net))
        return net, {v.partnership.id: v for v in await self.storage.network.partnerships(ids)}

    async def _send_one(
        self,
        bot: ExtBot[Any],
        delivery: Delivery,
        net: Network,
        views: Mapping[str, PartnershipView],
        marked: bool = False,
    ) -> Outcome:
        now = self.clock.now()
        reader = await post_reader(self.storage, self.i18n, self.home, delivery.chat_id)
        if isinstance(delivery.payload, Reminder):
            siblings = await self.storage.outbox.siblings(delivery)
            if (why := at_sending(delivery, siblings, now, reader.zone)) is not None:
                log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, why)
                await self.storage.outbox.mark_skipped(delivery.id, str(why))
                return Outcome.SKIPPED
        if (reason := await self._not_theirs(delivery, net)) is not None:
            log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, reason)
            await self.storage.outbox.mark_skipped(delivery.id, reason)
            return Outcome.SKIPPED
        agenda = []
        if isinstance(delivery.payload, Invitation | MeetingReminder):
            agenda = await self.storage.agenda.items(delivery.payload.meeting)
        try:
            text = compose(
                delivery.payload,
                delivery.due_at,
                net,
                views,
                reader,
                self.i18n,
                now,
                self.home,
                agenda,
            )
        except ObsoletePostError as why:
            log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, why)
            await self.storage.outbox.mark_skipped(delivery.id, str(why))
            return Outcome.SKIPPED
        keyboard = await self._keyboard(delivery, reader, net, now)
        if self.hold_until is not None and now < self.hold_until:  # another send was refused
            await self.storage.outbox.retry_at(delivery.id, self.hold_until, "held back")
            return Outcome.STOP
        thread = await self.storage.subscriptions.post_thread(delivery.chat_id)
        try:
            message = await bot.send_message(
                delivery.chat_id,
                text,
                reply_markup=keyboard,
                message_thread_id=thread,
                rate_limit_args=Priority.POST if marked else None,
            )
        except TelegramError as exc:
            if thread is not None and topic_gone(exc):
                return await self._topic_gone(bot, delivery, thread, reader, marked)
            # Telegram's wait counts from its answer, not from before the pacer's wait.
            return await self._refused(delivery, exc, self.clock.now())
        await self.storage.outbox.mark_sent(delivery.id, message.message_id, self.clock.now())
        return Outcome.SENT

    async def _not_theirs(self, delivery: Delivery, net: Network) -> str | None:
        """Why a private checklist reminder is not for its reader any more: its user is no
        longer a focal point of a side owning the item (dismissed, or moved to the other
        side, since it was planned). None when it is theirs, or when compose decides."""
        payload = delivery.payload
        if not isinstance(payload, ChecklistReminder) or delivery.chat_id < 0:
            return None
        item = net.checklist_item_by_id.get(payload.item_id)
        event = net.event_by_id.get(item.event_id) if item is not None else None
        if item is None or event is None:
            return None  # ticked or removed: compose says so
        focal = await self.storage.checklists.focal_chats([delivery.chat_id])
        if any(chat.owns(item, event) for chat in focal):
            return None
        return "the reader is no longer a focal point of a side owning the checklist item"

    async def _topic_gone(
        self, bot: ExtBot[Any], delivery: Delivery, thread: int, reader: Reader, marked: bool
    ) -> Outcome:
        """The group's topic is closed or deleted: its admins are told in General, then
        its posts go there, this one first (nothing is lost). The topic is forgotten only
        once they were told, so a notice Telegram asks us to wait for is not lost either:
        the post is tried again later, finds the topic gone, and the notice goes then."""
        chat_id = delivery.chat_id
        notice = topic_lost(self.i18n.translator(lang) for lang in reader.languages)
        try:
            await bot.send_message(
                chat_id, notice, rate_limit_args=Priority.POST if marked else None
            )
        except TelegramError as exc:
            if isinstance(exc, BadRequest | ChatMigrated):  # final for this notice: the
                log.warning("chat %s: topic notice refused: %s", chat_id, exc)  # posts go on
            else:  # flood control, the network, or removed: as for the post itself
                return await self._refused(delivery, exc, self.clock.now())
        if await self.storage.subscriptions.lose_post_thread(chat_id, thread):
            log.warning("chat %s: topic %s is gone; posts go to General", chat_id, thread)
        await self.storage.outbox.retry_at(delivery.id, None, "topic gone: to General")
        return Outcome.RETRY

    def _hold(self, until: datetime) -> None:
        """Send nothing before `until` (the latest of what the sends in flight were told)."""
        if self.hold_until is None or self.hold_until < until:
            self.hold_until = until

    async def _keyboard(
        self, delivery: Delivery, reader: Reader, net: Network, now: datetime
    ) -> InlineKeyboardMarkup | None:
        """An invitation carries the RSVP buttons with this chat's tally so far, a meeting's
        correction the series' calendar file; a post about an exchange with a checklist ☑️."""
        if isinstance(delivery.payload, ChecklistReminder | EventReminder | OverdueDigest):
            return await self._checklist_keyboard(delivery.payload, reader, net, now)
        if isinstance(delivery.payload, MeetingCorrection):
            return calendar_keyboard(delivery.payload.series_id, reader.tr)
        if isinstance(delivery.payload, ActionsAsk):
            return ask_keyboard(reader.tr, delivery.id)
        if isinstance(delivery.payload, ActionReminder):
            return reminder_keyboard(reader.tr, delivery.payload.item_id)
        if not isinstance(delivery.payload, Invitation):
            return None
        tally = await self.storage.rsvps.tally(delivery.chat_id, delivery.payload)
        return rsvp_keyboard(delivery.id, delivery.payload, tally, reader.tr)

    async def _checklist_keyboard(
        self,
        payload: ChecklistReminder | EventReminder | OverdueDigest,
        reader: Reader,
        net: Network,
        now: datetime,
    ) -> InlineKeyboardMarkup | None:
        """☑️ with the checklist's progress: under an item's reminder, an exchange's own
        reminder (when it has a checklist), and the digest (each exchange it lists)."""
        events: list[Event] = []
        if isinstance(payload, OverdueDigest):
            today = now.astimezone(reader.zone).date()
            listed = overdue_checklists(net, payload.partnership_id, today, now, reader.zone)
            events = [event for event, _items in listed]
        else:
            if isinstance(payload, ChecklistReminder):
                item = net.checklist_item_by_id.get(payload.item_id)
                event_id = item.event_id if item is not None else ""
            else:
                event_id = payload.event_id
            if (event := net.event_by_id.get(event_id)) is not None:
                events = [event]
        if not events:
            return None
        progress = await self.storage.checklists.has_checklist([e.id for e in events])
        return checklist_keyboard(reader.tr, events, progress)

    async def _refused(self, delivery: Delivery, exc: TelegramError, now: datetime) -> Outcome:
        """What Telegram's refusal means for this row, for the chat, and for the run."""
        outbox, chat_id = self.storage.outbox, delivery.chat_id
        if isinstance(exc, RetryAfter):  # flood control: wait as told, lose nothing
            wait = timedelta(seconds=retry_seconds(exc))
            self._hold(now + wait)  # Telegram meant all of our posts, not just this one
            await outbox.retry_at(delivery.id, self.hold_until, "flood control")
            log.warning("flood control: waiting %s before the next post", wait)
            return Outcome.STOP
        if isinstance(exc, ChatMigrated):  # the group became a supergroup: follow it
            await self.storage.subscriptions.migrate_chat(chat_id, exc.new_chat_id)
            await outbox.retry_at(delivery.id, None, "chat migrated")
            log.info("chat %s moved to %s", chat_id, exc.new_chat_id)
            return Outcome.RETRY
        if isinstance(exc, Forbidden) or topic_gone(exc):
            # Removed or blocked, or a forum's General closed with no topic chosen (a topic
            # gone is handled before): pause, lose nothing; an admin's word resumes it.
            await self.storage.subscriptions.pause(chat_id, exc.message)
            await outbox.retry_at(delivery.id, None, f"paused: {exc.message}")
            log.warning("chat %s refused posts (%s); its subscriptions are paused", chat_id, exc)
            return Outcome.PAUSED
        if isinstance(exc, NetworkError) and not isinstance(exc, BadRequest):
            # Timeouts and 5xx: back off, try later. (BadRequest is a NetworkError in PTB,
            # but final: this row failed.)
            self._hold(now + backoff(delivery.attempts))
            await outbox.retry_at(delivery.id, self.hold_until, str(exc))
            log.warning(
                "network error for %s, retrying from %s: %s", delivery.key, self.hold_until, exc
            )
            return Outcome.STOP
        await outbox.mark_failed(delivery.id, exc.message)
        log.error("post %s to chat %s refused: %s", delivery.key, chat_id, exc)
        return Outcome.FAILED


TOPIC_GONE = ("message thread not found", "topic_closed", "topic_deleted")
"""Telegram's 400 for a forum topic deleted ("Bad Request: message thread not found") or
closed ("Bad Request: TOPIC_CLOSED"); PTB drops the prefix and capitalises the rest."""


def topic_gone(exc: TelegramError) -> bool:
    return isinstance(exc, BadRequest) and exc.message.lower() in TOPIC_GONE


def _pacer_of(bot: ExtBot[Any]) -> Pacer | None:
    """The bot's pacer when it is ours: only it knows posts from replies and which groups
    have used up their minute (another limiter would read `rate_limit_args` otherwise)."""
    limiter = bot.rate_limiter
    return limiter if isinstance(limiter, Pacer) else None
