"""Planning into the outbox and sending what is due: exactly once, whatever Telegram says.

The database decides; the JobQueue only wakes us. Each row is claimed (committed as
'sending') before its request and confirmed after, so a crash leaves at most that one row
in doubt, and it is sent again on start.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Bot
from telegram.error import (
    BadRequest,
    ChatMigrated,
    Forbidden,
    NetworkError,
    RetryAfter,
    TelegramError,
)
from telegram.ext import Application

from bot.clock import Clock
from bot.context import BotContext
from bot.i18n import I18n
from bot.plan import Network, plan_chat
from bot.posts import ObsoletePostError, Reader, compose, partnership_ids
from storage.outbox import Delivery, Planned
from storage.store import Storage

log = logging.getLogger(__name__)

SAFETY_TICK = timedelta(minutes=1)
REPLAN_EVERY = timedelta(hours=1)
MAX_BACKOFF = timedelta(minutes=10)
WAKE_JOB = "dispatch-wake"


async def load_network(storage: Storage) -> Network:
    """What planning and posts read: the dated records, and of the partnerships only those
    subscriptions reach. Not the whole dataset: its towns alone are 20,000 rows at scale."""
    network = storage.network
    return Network(
        phases={p.id: p for p in await network.phases()},
        milestones=await network.milestones(),
        partnerships={p.id: p for p in await network.followed_partnerships()},
        series=await network.meeting_series(),
        events=await network.events(),
        changes=await network.meeting_changes(),
    )


async def replan(storage: Storage, now: datetime, home: ZoneInfo) -> int:
    """Write the plan of every following chat into the outbox; returns rows added."""
    net = await load_network(storage)
    chats = await storage.subscriptions.following_chats()
    planned: list[Planned] = []
    for chat in chats:
        planned += plan_chat(chat, net, now, home)
    known = await storage.subscriptions.active_chat_ids()
    added = await storage.outbox.replace_plan(known, planned, window_start=now)
    log.info("planned %d posts for %d chats (%d new)", len(planned), len(chats), added)
    return added


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(attempts - 1, 0)), MAX_BACKOFF)


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
            loaded: tuple[Network, dict[str, Any]] | None = None
            while keep_going() and (delivery := await self.storage.outbox.claim_next(now())):
                if loaded is None:  # only when something is due: the tick runs every minute
                    loaded = await self._load()
                try:
                    outcome = await self._send_one(bot, delivery, *loaded)
                except Exception as exc:  # a bug must cost one row, not the outbox
                    log.exception("post %s to chat %s broke", delivery.key, delivery.chat_id)
                    await self.storage.outbox.mark_failed(delivery.id, f"internal error: {exc}")
                    continue
                if outcome == "sent":
                    sent += 1
                elif outcome == "stop":
                    break
        return sent

    async def _load(self) -> tuple[Network, dict[str, Any]]:
        """What posts are composed from: the network and the partnerships they name."""
        net = await load_network(self.storage)
        ids = list(partnership_ids(net))
        return net, {v.partnership.id: v for v in await self.storage.network.partnerships(ids)}

    async def _send_one(
        self, bot: Bot, delivery: Delivery, net: Network, views: dict[str, Any]
    ) -> str:
        outbox, now = self.storage.outbox, self.clock.now()
        prefs = await self.storage.preferences.chat(delivery.chat_id)
        reader = Reader(prefs.languages, ZoneInfo(prefs.timezone) if prefs.timezone else self.home)
        if delivery.kind in ("deadline", "meeting", "event") and await outbox.superseded(
            delivery, now
        ):
            reason = "a later reminder about it is due too"
            log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, reason)
            await outbox.mark_skipped(delivery.id, reason)
            return "skipped"
        try:
            tally = (
                await self.storage.rsvps.tally(delivery.chat_id, delivery.payload)
                if delivery.kind == "invite"
                else None
            )
            post = compose(delivery, net, views, reader, self.i18n, now, self.home, tally)
        except ObsoletePostError as why:
            log.info("skipped %s in chat %s: %s", delivery.key, delivery.chat_id, why)
            await outbox.mark_skipped(delivery.id, str(why))
            return "skipped"
        try:
            message = await bot.send_message(
                delivery.chat_id, post.text, reply_markup=post.keyboard
            )
        except RetryAfter as exc:  # flood control: wait as told, lose nothing
            wait = (
                exc.retry_after
                if isinstance(exc.retry_after, timedelta)
                else timedelta(seconds=float(exc.retry_after))
            )
            self.hold_until = now + wait  # Telegram meant all of our posts, not just this one
            await outbox.retry_at(delivery.id, self.hold_until, "flood control")
            log.warning("flood control: waiting %s before the next post", wait)
            return "stop"
        except ChatMigrated as exc:  # the group became a supergroup: follow it
            await self.storage.subscriptions.migrate_chat(delivery.chat_id, exc.new_chat_id)
            await outbox.retry_at(delivery.id, None, "chat migrated")
            log.info("chat %s moved to %s", delivery.chat_id, exc.new_chat_id)
            return "retry"
        except Forbidden as exc:  # removed or blocked: pause, do not delete
            await self.storage.subscriptions.pause(delivery.chat_id, exc.message)
            await outbox.retry_at(delivery.id, None, f"paused: {exc.message}")
            log.warning(
                "chat %s refused posts (%s); its subscriptions are paused",
                delivery.chat_id,
                exc.message,
            )
            return "paused"
        except BadRequest as exc:  # a NetworkError subclass in PTB, but final: this row failed
            await outbox.mark_failed(delivery.id, exc.message)
            log.error("post %s to chat %s refused: %s", delivery.key, delivery.chat_id, exc)
            return "failed"
        except NetworkError as exc:  # timeouts and 5xx: back off, try later
            self.hold_until = now + backoff(delivery.attempts)
            await outbox.retry_at(delivery.id, self.hold_until, str(exc))
            log.warning(
                "network error for %s, retrying from %s: %s", delivery.key, self.hold_until, exc
            )
            return "stop"
        except TelegramError as exc:  # anything else: this row failed, the rest go on
            await outbox.mark_failed(delivery.id, str(exc))
            log.error("post %s to chat %s failed: %s", delivery.key, delivery.chat_id, exc)
            return "failed"
        await outbox.mark_sent(delivery.id, message.message_id, self.clock.now())
        return "sent"


# -- the JobQueue wiring: wake at the next due instant, plus a safety tick -----------------

JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}


def dispatcher_of(application: Application[Any, Any, Any, Any, Any, Any]) -> Dispatcher:
    data = application.bot_data
    if getattr(data, "dispatcher", None) is None:
        assert data.storage is not None and data.i18n is not None and data.settings
        data.dispatcher = Dispatcher(data.storage, data.i18n, data.clock, data.settings.timezone)
    dispatcher: Dispatcher = data.dispatcher
    return dispatcher


async def wake(context: BotContext) -> None:
    """A job: send what is due, then sleep until the next due row."""
    application = context.application
    await dispatcher_of(application).run(context.bot, lambda: application.running)
    await arm(application)


async def safety_tick(context: BotContext) -> None:
    """Every minute: re-plan hourly (the horizon rolls on, imports land), then send."""
    data = context.bot_data
    now = data.clock.now()
    version = await context.storage.db.data_version()
    if (
        data.last_plan is None
        or now - data.last_plan >= REPLAN_EVERY
        or version != data.data_version
    ):  # an import from the command line landed
        await replan(context.storage, now, context.settings.timezone)
        data.last_plan, data.data_version = now, version
    await wake(context)


async def arm(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """(Re)schedule the one wake-up job at the next due instant."""
    queue = application.job_queue
    data = application.bot_data
    if queue is None or data.storage is None or not data.schedule:
        return
    for job in queue.get_jobs_by_name(WAKE_JOB):
        job.schedule_removal()
    due = await data.storage.outbox.next_due()
    if due is None:
        return
    hold = dispatcher_of(application).hold_until
    if hold is not None:
        due = max(due, hold)
    delay = max((due - data.clock.now()).total_seconds(), 0.0)
    queue.run_once(wake, when=delay, name=WAKE_JOB, job_kwargs=JOB_KWARGS)


async def replan_and_arm(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """After a change to data, subscriptions, offsets or zones."""
    data = application.bot_data
    if data.storage is None:
        return
    await replan(data.storage, data.clock.now(), data.settings.timezone)
    await arm(application)


async def catch_up(context: BotContext) -> None:
    """The first job after start: send what fell due while the bot was down (at its
    planned time, so it is marked late), then plan afresh and arm."""
    application = context.application
    await dispatcher_of(application).run(context.bot, lambda: application.running)
    await replan_and_arm(application)
    context.bot_data.last_plan = context.bot_data.clock.now()


async def start_scheduling(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """On start: release the row in flight at a crash, then catch up from a job.

    Sending from a job rather than from start-up matters: a stop signal waits for a
    running job, but would cut start-up short between a send and its confirmation.
    """
    data = application.bot_data
    released = await data.storage.outbox.release_in_flight()
    if released:
        log.warning("%d post(s) were in flight when the bot stopped; sending again", released)
    if application.job_queue is not None:
        application.job_queue.run_once(catch_up, when=0, name="catch-up", job_kwargs=JOB_KWARGS)
        application.job_queue.run_repeating(
            safety_tick, interval=SAFETY_TICK, name="safety-tick", job_kwargs=JOB_KWARGS
        )
