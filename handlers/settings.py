"""/language and /timezone: per user in private chats, per chat in groups (admins decide)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from telegram import Chat, ReplyKeyboardRemove, Update
from telegram.ext import MessageHandler, filters

from bot.model.domain import LANGUAGES
from bot.telegram.callbacks import PickLanguage, answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.permissions import allowed_to_change
from bot.text.i18n import supported_language
from bot.text.where import zone_at
from bot.text.zones import SeveralZones, resolve_zone
from bot.views import settings as view
from handlers.common import joined_args, on_command


async def language_command(update: Update, context: BotContext) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    reader = await context.reader(update)
    if not context.args:
        await message.reply_text(
            view.language_prompt(reader.tr),
            reply_markup=view.language_keyboard(reader.languages),
        )
        return
    unknown = [arg for arg in context.args if supported_language(arg) is None]
    wanted = tuple(dict.fromkeys(lang for arg in context.args if (lang := supported_language(arg))))
    if unknown:
        await message.reply_text(view.unknown_language(reader.tr, unknown[0]))
    elif chat.type == Chat.PRIVATE and len(wanted) > 1:
        await message.reply_text(view.one_language_in_private(reader.tr))
    else:
        await _apply(update, context, wanted)


async def language_button(update: Update, context: BotContext, data: PickLanguage) -> None:
    if data.language not in LANGUAGES:  # forged
        await answer_unusable(update, context)
        return
    await _apply(update, context, (data.language,))


async def _apply(update: Update, context: BotContext, languages: tuple[str, ...]) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if not await allowed_to_change(update, context):
        return
    prefs = context.storage.preferences
    if chat.type == Chat.PRIVATE:
        await prefs.set_user_language(user.id, languages[0])
    else:
        await prefs.set_chat_languages(chat.id, chat.type, chat.title, languages)
    text = view.language_set(context.i18n.translator(languages[0]), languages)
    query = update.callback_query
    if query:
        await query.answer()
        await query.edit_message_text(text)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


async def timezone_command(update: Update, context: BotContext) -> None:
    """/timezone <town, country, city, abbreviation or IANA zone>: per user in private
    chats, per chat in groups. In private, a shared location sets it too."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    reader = await context.reader(update)
    now, private = context.clock.now(), chat.type == Chat.PRIVATE
    location = view.location_keyboard(reader.tr) if private else None
    typed = joined_args(context.args)
    if not typed:
        await message.reply_text(
            view.zone_status(reader.tr, reader.zone, now, private), reply_markup=location
        )
        return
    found = resolve_zone(typed, await context.storage.network.town_index())
    if found is None:
        await message.reply_text(
            view.unknown_zone(reader.tr, typed, private), reply_markup=location
        )
    elif isinstance(found, SeveralZones):
        await message.reply_text(view.several_zones(reader.tr, found.country, found.zones))
    else:
        await _set_zone(update, context, found.zone)


async def location_message(update: Update, context: BotContext) -> None:
    """A location shared in a private chat: its zone becomes the user's."""
    message = update.effective_message
    if message is None or message.location is None:
        return
    where = message.location
    zone = await zone_at(where.latitude, where.longitude)
    if zone is None:
        reader = await context.reader(update)
        await message.reply_text(
            view.location_unknown(reader.tr), reply_markup=ReplyKeyboardRemove()
        )
        return
    await _set_zone(update, context, zone)


async def _set_zone(update: Update, context: BotContext, zone: ZoneInfo) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    assert message is not None and chat is not None and user is not None
    if not await allowed_to_change(update, context):
        return
    reader, now = await context.reader(update), context.clock.now()
    prefs = context.storage.preferences
    if chat.type == Chat.PRIVATE:
        await prefs.set_user_timezone(user.id, zone.key)
        # The location button's keyboard has done its job.
        await message.reply_text(
            view.zone_set(reader.tr, zone, now), reply_markup=ReplyKeyboardRemove()
        )
    else:
        await prefs.set_chat_timezone(chat.id, chat.type, chat.title, zone.key)
        await message.reply_text(view.zone_set(reader.tr, zone, now))
    # Reminders go out at 09:00 *there*, in a private chat too (its posts read as the
    # user does); after the answer.
    await context.replan(chat.id)


def register(application: BotApplication) -> None:
    application.add_handler(on_command("timezone", timezone_command))
    application.add_handler(
        MessageHandler(
            filters.UpdateType.MESSAGE & filters.LOCATION & filters.ChatType.PRIVATE,
            location_message,
        )
    )
    application.add_handler(on_command("language", language_command))
    application.add_handler(on_press(PickLanguage, language_button))
