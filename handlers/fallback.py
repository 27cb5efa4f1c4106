"""A command nobody handles: a short hint to /help (registered last)."""

from __future__ import annotations

from telegram import Chat, MessageEntity, Update
from telegram.ext import MessageHandler, filters

from bot.telegram.context import BotApplication, BotContext
from bot.views import help as view
from handlers.common import show


async def unknown_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or not message.text:
        return
    commands = message.parse_entities([MessageEntity.BOT_COMMAND])
    first = min(commands, key=lambda entity: entity.offset, default=None)
    if first is None or first.offset != 0:
        return
    command = commands[first]
    name, _, addressee = command.partition("@")
    if chat.type != Chat.PRIVATE and addressee.lower() != (context.bot.username or "").lower():
        return  # in groups, other bots' commands are none of our business
    reader = await context.reader(update)
    await show(update, view.unknown_command(reader.tr, name))


def register(application: BotApplication) -> None:
    application.add_handler(MessageHandler(filters.COMMAND, unknown_command))
