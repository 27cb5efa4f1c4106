"""/start and /help."""

from __future__ import annotations

from telegram import Chat, Update

from bot.telegram.callbacks import HelpPage, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.start_links import RemindMe, start_payload
from bot.text import places
from bot.views import help as view
from handlers import personal
from handlers.common import on_command, show
from handlers.home import ask_town


async def start(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    private = chat is not None and chat.type == Chat.PRIVATE
    payload = start_payload(context.args) if private else None
    if isinstance(payload, RemindMe):  # the Start button of an invitation's link
        await personal.remind_me(update, context, payload)
        return
    reader = await context.reader(update)
    await show(update, *view.welcome(reader.tr))
    if private:
        await personal.open_private_chat(update, context)  # they started the bot
        await ask_town(update, context)  # its own message, with its own buttons


async def help_command(update: Update, context: BotContext) -> None:
    await _help(update, context, 0)


async def help_button(update: Update, context: BotContext, data: HelpPage) -> None:
    await _help(update, context, data.page)


async def _help(update: Update, context: BotContext, page: int) -> None:
    reader = await context.reader(update)
    languages, zone = reader.languages, places.city(reader.zone, reader.tr.lang)
    private = update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE
    await show(
        update, *view.help_page(reader.tr, languages, zone, context.bot.username, page, private)
    )


def register(application: BotApplication) -> None:
    application.add_handler(on_command("start", start))
    application.add_handler(on_command("help", help_command))
    application.add_handler(on_press(HelpPage, help_button))
