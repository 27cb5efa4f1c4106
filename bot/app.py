"""The one place that builds the PTB Application: services, handlers, lifecycle."""

from __future__ import annotations

import gc
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from telegram import (
    BotCommand,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    LinkPreviewOptions,
)
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    ApplicationBuilder,
    BaseRateLimiter,
    ContextTypes,
    Defaults,
)
from telegram.request import BaseRequest

from bot.config import Settings
from bot.model.clock import Clock, SystemClock
from bot.model.domain import LANGUAGES
from bot.schedule.jobs import Scheduler
from bot.telegram.application import PersistentApplication
from bot.telegram.commands import offered
from bot.telegram.context import BotApplication, BotContext, BotData
from bot.telegram.flood_gate import TELEGRAM
from bot.telegram.ordering import ChatOrder
from bot.telegram.pacing import Pacer
from bot.telegram.persistence import ConversationPersistence
from bot.text.i18n import FALLBACK, I18n
from handlers import (
    actions,
    agenda,
    appoint,
    audit,
    calendar,
    checklist,
    checklist_edit,
    edit_form,
    editing,
    errors,
    exchanges,
    fallback,
    groups,
    home,
    meetings,
    milestones,
    minutes,
    new,
    partners,
    people,
    rsvp,
    series,
    settings,
    start,
    topics,
    translate,
)

log = logging.getLogger(__name__)

OFFLINE_TOKEN = "0:offline"  # noqa: S105 - not a secret: the in-process Bot API takes any token


def build_application(
    settings: Settings,
    *,
    request: BaseRequest | None = None,
    clock: Clock | None = None,
    i18n: I18n | None = None,
    demo: bool = False,
    rate_limiter: BaseRateLimiter[Any] | None = None,
    schedule: bool = True,
) -> BotApplication:
    """The bot, wired: pass `request` to talk to an in-process Bot API instead of HTTP."""
    # Opt in to PTB 23's behaviour now: durations such as RetryAfter.retry_after come as
    # timedelta (and without a deprecation warning on every flood-control answer).
    os.environ.setdefault("PTB_TIMEDELTA", "true")
    builder = (
        ApplicationBuilder()
        .token(settings.token or OFFLINE_TOKEN)
        .base_url(f"{settings.api_url}/bot")
        .base_file_url(f"{settings.api_url}/file/bot")
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(rate_limiter or paced())
        .concurrent_updates(ChatOrder())
        # Guided conversations keep their state in the database (bot/telegram/persistence.py)
        # and the application writes it after each update; it opens the storage, too.
        .application_class(PersistentApplication)
        .persistence(ConversationPersistence())
        .post_init(_post_init)
        .post_stop(_post_stop)
        .post_shutdown(_post_shutdown)
    )
    if request is not None:
        builder = builder.request(request).get_updates_request(request)
    application: BotApplication = builder.build()
    data = application.bot_data
    data.settings = settings
    data.clock = clock or SystemClock()
    data.i18n = i18n or I18n.load()
    data.demo = demo
    data.schedule = schedule
    register(application)
    return application


def paced() -> Pacer:
    """Telegram's limits (30 messages in any second, 20 in any minute per group) as sliding
    windows, each counted 20 ms long: Telegram counts arrivals and we count sends, so the
    margin keeps network jitter from making 31 (measured in bench/README.md, fan-out).
    Replies go before the scheduler's posts (`bot/telegram/pacing.py`)."""
    return Pacer(TELEGRAM)


def register(application: BotApplication) -> None:
    """All handlers, in the order they are tried: PTB asks each in turn whether an update
    is its own, so the busiest come first (no two claim the same update, except the
    unknown-command hint, which takes any command and so comes last). The town question's
    answer comes first: it claims plain text only while that user's question is open.
    Guided conversations are in a group of their own, tried before these."""
    # Guided conversations first: while one waits for a typed answer, it is theirs (not the
    # town question's, nor the partner search's).
    edit_form.register(application)
    checklist_edit.register(application)
    appoint.register(application)
    meetings.register(application)
    series.register(application)
    agenda.register(application)
    minutes.register(application)
    actions.register(application)  # before /cancel outside a form (edit_form.register_late)
    home.register(application)
    partners.register(application)
    exchanges.register(application)
    checklist.register(application)
    milestones.register(application)
    rsvp.register(application)
    groups.register(application)
    topics.register(application)
    settings.register(application)
    editing.register(application)
    new.register(application)
    edit_form.register_late(application)
    people.register(application)
    calendar.register(application)
    audit.register(application)
    translate.register(application)
    start.register(application)
    partners.register_plain_text(application)  # after any handler of typed answers
    fallback.register(application)
    application.add_error_handler(errors.on_error)


async def _post_init(application: BotApplication) -> None:
    data = application.bot_data
    assert data.settings is not None
    assert data.storage is not None  # opened by PersistentApplication.initialize
    if data.demo:
        await data.storage.load_example(data.clock.now().astimezone(data.settings.timezone).date())
    else:
        await data.storage.network.delete_examples()
    if given := await data.storage.preferences.give_groups_their_towns_languages():
        log.info("%d groups read their partnership's languages from now on", given)
    await _publish_commands(application)
    scheduler = Scheduler(application)
    data.scheduler = scheduler
    # What start-up built lives as long as the process: the collector need not walk it
    # again. Planning allocates enough to set off full collections, and each walked
    # ~70,000 such objects with the event loop held (43-79 ms; frozen: 3-7 ms).
    gc.collect()
    gc.freeze()
    if data.schedule:
        await scheduler.start()
    if data.feed_sockets:
        from handlers.feed_server import FeedServer  # tornado: PTB's webhook server's too

        server = FeedServer(data, data.feed_sockets)
        server.start()
        data.feed_server = server


async def _post_stop(application: BotApplication) -> None:
    """Before shut-down closes the storage: no feed is asked for once it is gone, and
    pressed messages are redrawn to what was ticked."""
    data = application.bot_data
    await data.redraws.settled()
    if data.feed_server is not None:
        await data.feed_server.stop()
        data.feed_server = None


async def _post_shutdown(application: BotApplication) -> None:
    gc.unfreeze()  # what start-up froze may go now (several apps in one process: tests)
    application.bot_data.scheduler = None  # the storage was closed by shutdown


async def _publish_commands(application: BotApplication) -> None:
    """Telegram's command menu, per language with that language's names (private chats
    without the group-only commands); English also as the default for everyone else."""
    i18n = application.bot_data.i18n
    assert i18n is not None
    try:
        for lang in (None, *LANGUAGES):
            tr = i18n.translator(lang or FALLBACK)
            for scope, private in (
                (BotCommandScopeAllPrivateChats(), True),
                (BotCommandScopeAllGroupChats(), False),
            ):
                commands = [
                    BotCommand(c.name_in(tr.lang), tr.gettext(c.description))
                    for c in offered(private)
                ]
                await application.bot.set_my_commands(commands, scope=scope, language_code=lang)
    except TelegramError:
        log.warning("could not publish the command list; the bot works without it", exc_info=True)


@asynccontextmanager
async def running(application: BotApplication) -> AsyncIterator[BotApplication]:
    """Start the app as run_polling would, but without polling: for the console and tests."""
    await application.initialize()
    try:
        if application.post_init:
            await application.post_init(application)
        await application.start()
        try:
            yield application
        finally:
            await application.stop()
            if application.post_stop:
                await application.post_stop(application)
    finally:
        await application.shutdown()
        if application.post_shutdown:
            await application.post_shutdown(application)
