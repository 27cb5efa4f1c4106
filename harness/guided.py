"""A tiny guided conversation (/survey: your name, your town, a button to confirm) kept in
the database as the bot's own are: what tests drive to show that a restart in the middle
loses nothing.
`python -m harness.guided` runs `partnerbot run` with it added, as a process."""

from __future__ import annotations

import asyncio
import html
import os
from enum import IntEnum

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
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
from bot.telegram.persistence import guided_conversation

NAME = "survey"


class Step(IntEnum):
    """An IntEnum, as the bot's conversations may use: stored as its number."""

    NAME = 1
    TOWN = 2
    CONFIRM = 3


TYPED = filters.TEXT & ~filters.COMMAND
END = ConversationHandler.END
YES = "survey:yes"


async def _say(
    update: Update, context: BotContext, text: str, step: int, *, confirm: bool = False
) -> None:
    """Answer, and go to `step` without letting the bot's other handlers see the message
    too (the survey is added in a group of its own, before theirs)."""
    assert update.effective_chat is not None
    keyboard = InlineKeyboardMarkup([[InlineKeyboardButton("✅", callback_data=YES)]])
    await context.bot.send_message(
        update.effective_chat.id, text, reply_markup=keyboard if confirm else None
    )
    raise ApplicationHandlerStop(step)


def _typed(update: Update) -> tuple[int, str]:
    assert update.effective_user is not None and update.effective_message is not None
    return update.effective_user.id, update.effective_message.text or ""


async def begin(update: Update, context: BotContext) -> None:
    user, _ = _typed(update)
    await context.storage.conversations.put_draft(user, NAME, {}, context.clock.now())
    await _say(update, context, "Your name?", Step.NAME)


async def named(update: Update, context: BotContext) -> None:
    user, name = _typed(update)
    draft = {"name": name}
    await context.storage.conversations.put_draft(user, NAME, draft, context.clock.now())
    await _say(update, context, f"Your town, {html.escape(name)}?", Step.TOWN)


async def placed(update: Update, context: BotContext) -> None:
    user, town = _typed(update)
    draft = await context.storage.conversations.draft(user, NAME) or {}
    draft["town"] = town
    await context.storage.conversations.put_draft(user, NAME, draft, context.clock.now())
    said = f"{html.escape(str(draft.get('name')))} from {html.escape(town)}?"
    await _say(update, context, said, Step.CONFIRM, confirm=True)


async def confirmed(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None
    draft = await context.storage.conversations.draft(query.from_user.id, NAME) or {}
    await query.answer()
    said = f"{html.escape(str(draft.get('name')))} from {html.escape(str(draft.get('town')))}"
    await query.edit_message_text(f"{said}: noted.")
    raise ApplicationHandlerStop(END)


async def cancel(update: Update, context: BotContext) -> None:
    await _say(update, context, "Cancelled.", END)


def survey() -> ConversationHandler[BotContext]:
    return guided_conversation(
        NAME,
        entry_points=[CommandHandler("survey", begin)],
        states={
            Step.NAME: [MessageHandler(TYPED, named)],
            Step.TOWN: [MessageHandler(TYPED, placed)],
            Step.CONFIRM: [CallbackQueryHandler(confirmed, pattern=f"^{YES}$")],
        },
        fallbacks=[CommandHandler("cancel", cancel)],
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
