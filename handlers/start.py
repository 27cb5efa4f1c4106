"""/start and /help."""

from __future__ import annotations

from telegram import Update
from telegram.ext import CommandHandler

from bot.telegram.commands import names
from bot.telegram.context import BotApplication, BotContext
from bot.views import help as view
from handlers.common import show


async def start(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    await show(update, view.welcome(reader.tr))


async def help_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    await show(
        update, view.help_text(reader.tr, reader.languages, reader.zone.key, context.bot.username)
    )


def register(application: BotApplication) -> None:
    application.add_handler(CommandHandler(names("start"), start))
    application.add_handler(CommandHandler(names("help"), help_command))
