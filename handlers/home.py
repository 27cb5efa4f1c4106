"""The town a user belongs to: asked after /start in a private chat, asked again by /iam.

The answer is users.municipality_id: the town's zone becomes the user's default, and its
country's language theirs if they chose none and Telegram's is not one of ours. While the
question is open (an hour at most), a town's name typed in that private chat answers it;
text that names no town gets the private-chat search's answer, and the question stays open.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Chat, Update
from telegram.ext import MessageHandler

from bot.model.domain import Municipality
from bot.telegram.callbacks import PickTown, SkipTown, TownPage, answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.text import places
from bot.text.i18n import supported_language
from bot.views import home as view
from handlers import partners
from handlers.common import PRIVATE_TEXT, joined_args, on_command, show

ASKED = "town-question"  # in user_data: when the question was put, while it is open
OPEN_FOR = timedelta(hours=1)


async def ask_town(update: Update, context: BotContext, typed: str | None = None) -> None:
    """Put the question (a new message), or answer a typed name with the towns it may be."""
    user, message = update.effective_user, update.effective_message
    if user is None or message is None:
        return
    reader = await context.reader(update)
    towns = await context.storage.network.town_index()
    current = await context.storage.preferences.user_town(user.id)
    if typed:
        shown = towns.named(typed, reader.tr.lang)
        text, keyboard = view.town_question(reader.tr, shown, current=current, typed=typed)
    else:
        ordered = towns.in_order(reader.tr.lang)
        page = view.page_with(ordered, current)
        text, keyboard = view.town_question(reader.tr, ordered, page, current)
    if context.user_data is not None:
        context.user_data[ASKED] = context.clock.now()
    await show(update, text, keyboard)


async def iam_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None or update.effective_message is None:
        return
    if chat.type != Chat.PRIVATE:  # the town is the user's own, not the group's
        reader = await context.reader(update)
        await update.effective_message.reply_text(view.only_in_private(reader.tr))
        return
    await ask_town(update, context, joined_args(context.args) or None)


async def typed_name(update: Update, context: BotContext) -> None:
    message = update.effective_message
    if message is None or not message.text:
        return
    reader = await context.reader(update)
    towns = await context.storage.network.town_index()
    if towns.named(message.text, reader.tr.lang):
        await ask_town(update, context, message.text)
    else:  # "hola", a partnership search: what it gets with no question open
        await partners.plain_text(update, context)


async def town_page(update: Update, context: BotContext, data: TownPage) -> None:
    reader = await context.reader(update)
    user = update.effective_user
    towns = (await context.storage.network.town_index()).in_order(reader.tr.lang)
    current = await context.storage.preferences.user_town(user.id) if user else None
    await show(update, *view.town_question(reader.tr, towns, data.page, current))


async def pick_town(update: Update, context: BotContext, data: PickTown) -> None:
    user = update.effective_user
    towns = await context.storage.network.town_index()
    town = towns.by_id.get(data.municipality_id)
    if user is None or town is None:  # forged, or the town left the network
        await answer_unusable(update, context)
        return
    prefs = context.storage.preferences
    before = await prefs.user(user.id)
    language = _language_for(town, before.language, user.language_code)
    await prefs.set_user_town(user.id, town.id, language)
    _close(context)
    reader = await context.reader(update)  # as it was: a language set now is not in it
    tr = context.i18n.translator(language) if language else reader.tr
    zone = before.timezone or town.timezone
    await show(update, view.town_set(tr, town, ZoneInfo(zone), context.clock.now(), language))


async def skip_town(update: Update, context: BotContext, data: SkipTown) -> None:
    _close(context)
    reader = await context.reader(update)
    await show(update, view.town_skipped(reader.tr))


def _language_for(town: Municipality, chosen: str | None, telegram: str | None) -> str | None:
    """The town's language, for a user who chose none and whose Telegram speaks none of
    ours: someone whose phone is in Spanish expects Spanish, whatever their town speaks."""
    if chosen or supported_language(telegram):
        return None
    return places.country_language(town.country)


def _close(context: BotContext) -> None:
    if context.user_data is not None:
        context.user_data.pop(ASKED, None)


class TownAnswer(MessageHandler[BotContext, None]):
    """Plain text in a private chat, but only from a user whose town question is open."""

    def __init__(self, application: BotApplication) -> None:
        super().__init__(PRIVATE_TEXT, typed_name)
        self.application = application

    def check_update(self, update: object) -> Any:
        found = super().check_update(update)
        if not found or not isinstance(update, Update) or update.effective_user is None:
            return None
        asked = self.application.user_data.get(update.effective_user.id, {}).get(ASKED)
        now = self.application.bot_data.clock.now()
        return found if asked is not None and now - asked < OPEN_FOR else None


def register(application: BotApplication) -> None:
    application.add_handler(TownAnswer(application))
    application.add_handler(on_command("iam", iam_command))
    application.add_handler(on_press(PickTown, pick_town))
    application.add_handler(on_press(TownPage, town_page))
    application.add_handler(on_press(SkipTown, skip_town))
