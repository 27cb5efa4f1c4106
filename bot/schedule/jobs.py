"""The scheduler in the running bot: JobQueue jobs that wake at the next due instant, a
safety tick, and the re-plan handlers ask for after a change."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from datetime import timedelta
from typing import Any

from telegram.ext import Application

from bot.schedule.replan import Planner, prune
from bot.schedule.send import Dispatcher
from bot.telegram.context import BotApplication, BotContext, BotData

log = logging.getLogger(__name__)

SAFETY_TICK = timedelta(minutes=1)
REPLAN_EVERY = timedelta(hours=1)
WAKE_JOB = "dispatch-wake"
JOB_KWARGS = {"misfire_grace_time": None, "coalesce": True}


class Scheduler:
    """One per application (bot_data.scheduler): plans, sends, and arms the wake-up job."""

    def __init__(self, application: BotApplication) -> None:
        data = application.bot_data
        assert data.storage is not None and data.i18n is not None and data.settings
        self.application = application
        self.dispatcher = Dispatcher(data.storage, data.i18n, data.clock, data.settings.timezone)
        self.planner = Planner(data.storage, data.settings.timezone)
        self.stopping = False
        self._running = 0
        self._idle = asyncio.Event()
        self._idle.set()

    async def send_due(self) -> int:
        """Send what is due now (until the application stops)."""
        application = self.application
        return await self.dispatcher.run(
            application.bot, lambda: application.running and not self.stopping
        )

    @contextlib.asynccontextmanager
    async def job(self) -> AsyncIterator[None]:
        """Around each of the jobs below: wind_down waits for the one running."""
        self._running += 1
        self._idle.clear()
        try:
            yield
        finally:
            self._running -= 1
            if not self._running:
                self._idle.set()

    async def wind_down(self, within: float) -> None:
        """Before the application stops: no job starts any more, and the one running ends
        after the post in flight (at most `within` seconds waited). PTB's JobQueue would
        cancel it, which APScheduler logs as the job's error with a traceback."""
        self.stopping = True
        queue = self.application.job_queue
        if queue is not None and queue.scheduler.running:
            queue.scheduler.pause()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._idle.wait(), within)

    async def replan(self, chat_id: int | None = None) -> None:
        """After a change to one chat's subscriptions, lead times or zone (`chat_id`), or
        to the network's data (every chat, in slices): plan, then arm."""
        now = self.application.bot_data.clock.now()
        if chat_id is None:
            await self.planner.replan_all(now)
        else:
            await self.planner.replan_chat(chat_id, now)
        await self.arm()

    async def arm(self) -> None:
        """(Re)schedule the one wake-up job at the next due instant."""
        queue = self.application.job_queue
        data = self.application.bot_data
        if queue is None or data.storage is None or not data.schedule:
            return
        due = await data.storage.outbox.next_due()
        # After the await: handlers re-plan concurrently, and each arms; the last one's
        # job is the one kept (a removal before the await would leave two).
        for job in queue.get_jobs_by_name(WAKE_JOB):
            job.schedule_removal()
        if due is None:
            return
        if self.dispatcher.hold_until is not None:
            due = max(due, self.dispatcher.hold_until)
        delay = max((due - data.clock.now()).total_seconds(), 0.0)
        queue.run_once(_tracked(wake), when=delay, name=WAKE_JOB, job_kwargs=JOB_KWARGS)

    async def start(self) -> None:
        """On start: release the row in flight at a crash, then catch up from a job.

        Sending from a job rather than from start-up matters: a stop signal waits for a
        running job, but would cut start-up short between a send and its confirmation.
        """
        data = self.application.bot_data
        assert data.storage is not None
        released = await data.storage.outbox.release_in_flight()
        if released:
            log.warning("%d post(s) were in flight when the bot stopped; sending again", released)
        queue = self.application.job_queue
        if queue is not None:
            queue.run_once(_tracked(catch_up), when=0, name="catch-up", job_kwargs=JOB_KWARGS)
            queue.run_repeating(
                _tracked(safety_tick),
                interval=SAFETY_TICK,
                name="safety-tick",
                job_kwargs=JOB_KWARGS,
            )


def scheduler_of(application: Application[Any, Any, Any, Any, BotData, Any]) -> Scheduler:
    scheduler = application.bot_data.scheduler
    if not isinstance(scheduler, Scheduler):
        raise RuntimeError("the scheduler is made in post_init; the application is not running")
    return scheduler


Job = Callable[[BotContext], Coroutine[Any, Any, None]]


def _tracked(job: Job) -> Job:
    """The job, counted while it runs (Scheduler.wind_down waits for it)."""

    @functools.wraps(job)
    async def tracked(context: BotContext) -> None:
        async with scheduler_of(context.application).job():
            await job(context)

    return tracked


async def wake(context: BotContext) -> None:
    """A job: send what is due, then sleep until the next due row."""
    scheduler = scheduler_of(context.application)
    await scheduler.send_due()
    await scheduler.arm()


async def safety_tick(context: BotContext) -> None:
    """Every minute: re-plan hourly (the horizon rolls on, imports land) and prune what is
    long past, then send."""
    data = context.bot_data
    now = data.clock.now()
    version = await context.storage.db.data_version()
    if (
        data.last_plan is None
        or now - data.last_plan >= REPLAN_EVERY
        or version != data.data_version
    ):  # an import from the command line landed
        await scheduler_of(context.application).planner.replan_all(now)
        await prune(context.storage, now)
        data.last_plan, data.data_version = now, version
    await wake(context)


async def catch_up(context: BotContext) -> None:
    """The first job after start: send what fell due while the bot was down (at its
    planned time, so it is marked late), then plan afresh and arm."""
    scheduler = scheduler_of(context.application)
    await scheduler.send_due()
    await scheduler.replan()
    context.bot_data.last_plan = context.bot_data.clock.now()
