"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot import render
from bot.context import BotContext


async def start(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    if update.effective_message:
        await update.effective_message.reply_text(render.welcome(reader.tr))


async def help_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    if update.effective_message:
        await update.effective_message.reply_text(
            render.help_text(reader.tr, reader.languages, reader.zone.key, context.bot.username)
        )


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CommandHandler("help", help_command))
