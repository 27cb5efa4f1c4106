"""What nobody else handles (registered last): a command gets a short hint to /help, a
button press a short note that the button no longer works."""

from __future__ import annotations

from telegram import Chat, MessageEntity, Update
from telegram.ext import CallbackQueryHandler, MessageHandler, filters

from bot.telegram.callbacks import answer_unusable
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


async def unknown_button(update: Update, context: BotContext) -> None:
    """Data no kind owns (an older version's button, or forged): answered, or the user's
    button would spin until Telegram gives up; nothing else happens."""
    await answer_unusable(update, context)


def register(application: BotApplication) -> None:
    # After every other button handler (bot/app.py registers this module last); the two
    # never compete, as one takes only presses and the other only messages.
    application.add_handler(CallbackQueryHandler(unknown_button))
    application.add_handler(
        MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command)
    )
