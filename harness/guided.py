"""A tiny guided conversation (/survey: your name, your town) kept in the database as the
bot's own will be: what tests drive to show that a restart in the middle loses nothing.
`python -m harness.guided` runs `partnerbot run` with it added, as a process."""

from __future__ import annotations

import asyncio
import html
import os
from enum import IntEnum
from typing import Any

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.app import build_application
from bot.config import load_settings
from bot.logs import setup_logging
from bot.model.clock import clock_from
from bot.telegram.context import BotApplication, BotContext

NAME = "survey"


class Step(IntEnum):
    """An IntEnum, as the bot's conversations may use: stored as its number."""

    NAME = 1
    TOWN = 2


TYPED = filters.TEXT & ~filters.COMMAND
END = ConversationHandler.END


async def _say(update: Update, context: BotContext, text: str, step: int) -> None:
    """Answer, and go to `step` without letting the bot's other handlers see the message
    too (the survey is added in a group of its own, before theirs)."""
    assert update.effective_chat is not None
    await context.bot.send_message(update.effective_chat.id, text)
    raise ApplicationHandlerStop(step)


async def begin(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None
    await context.storage.conversations.put_draft(
        update.effective_user.id, NAME, {}, context.clock.now()
    )
    await _say(update, context, "Your name?", Step.NAME)


async def named(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None and update.effective_message is not None
    name = update.effective_message.text or ""
    draft = {"name": name}
    user = update.effective_user.id
    await context.storage.conversations.put_draft(user, NAME, draft, context.clock.now())
    await _say(update, context, f"Your town, {html.escape(name)}?", Step.TOWN)


async def placed(update: Update, context: BotContext) -> None:
    assert update.effective_user is not None and update.effective_message is not None
    draft = await context.storage.conversations.draft(update.effective_user.id, NAME) or {}
    name, town = str(draft.get("name")), update.effective_message.text or ""
    await _say(update, context, f"{html.escape(name)} from {html.escape(town)}: noted.", END)


async def cancel(update: Update, context: BotContext) -> None:
    await _say(update, context, "Cancelled.", END)


def survey() -> ConversationHandler[Any]:
    return ConversationHandler(
        entry_points=[CommandHandler("survey", begin)],
        states={
            Step.NAME: [MessageHandler(TYPED, named)],
            Step.TOWN: [MessageHandler(TYPED, placed)],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
        name=NAME,
        persistent=True,
    )


def add_survey(application: BotApplication) -> None:
    """Before the bot's own handlers (a lower group is tried first)."""
    application.add_handler(survey(), group=-1)


def main() -> None:
    """`partnerbot run` (polling or webhook, as bot/cli.py starts them) with the survey."""
    settings = load_settings(os.environ)
    setup_logging(settings.log_level, settings.token, settings.webhook_secret)
    application = build_application(settings, clock=clock_from(settings.clock_start))
    add_survey(application)
    asyncio.set_event_loop(asyncio.new_event_loop())
    if settings.webhook_url is None:
        application.run_polling()
        return
    host, port = settings.webhook_listen
    application.run_webhook(
        listen=host,
        port=port,
        url_path=settings.webhook_path,
        webhook_url=settings.webhook_url,
        secret_token=settings.webhook_secret,
    )


if __name__ == "__main__":
    main()
