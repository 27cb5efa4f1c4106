"""/language: per user in private chats, per chat in groups (where admins decide)."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot import render
from bot.context import BotContext
from bot.dispatch import replan_and_arm
from bot.domain import LANGUAGES
from bot.i18n import supported_language
from bot.permissions import may_change_chat
from bot.zones import resolve_zone
from handlers.common import joined_args


async def language_command(update: Update, context: BotContext) -> None:
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    reader = await context.reader(update)
    if not context.args:
        await message.reply_text(
            render.language_prompt(reader.tr),
            reply_markup=render.language_keyboard(reader.languages),
        )
        return
    unknown = [arg for arg in context.args if supported_language(arg) is None]
    wanted = tuple(dict.fromkeys(lang for arg in context.args if (lang := supported_language(arg))))
    if unknown:
        await message.reply_text(render.unknown_language(reader.tr, unknown[0]))
    elif chat.type == Chat.PRIVATE and len(wanted) > 1:
        await message.reply_text(render.one_language_in_private(reader.tr))
    else:
        await _apply(update, context, wanted)


async def language_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    if query is None or query.data is None:
        return
    lang = query.data.removeprefix("lang:")
    if lang not in LANGUAGES:
        await query.answer()
        return
    await _apply(update, context, (lang,))


async def _apply(update: Update, context: BotContext, languages: tuple[str, ...]) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    reader = await context.reader(update)
    query = update.callback_query
    allowed = await may_change_chat(
        context.bot,
        chat,
        user.id,
        context.settings.admins,
        update.effective_message if query is None else None,
    )
    if not allowed:
        if query:
            await query.answer(render.not_allowed(reader.tr), show_alert=True)
        elif update.effective_message:
            await update.effective_message.reply_text(render.not_allowed(reader.tr))
        return
    prefs = context.storage.preferences
    if chat.type == Chat.PRIVATE:
        await prefs.set_user_language(user.id, languages[0])
    else:
        await prefs.set_chat_languages(chat.id, chat.type, chat.title, languages)
    text = render.language_set(context.i18n.translator(languages[0]), languages)
    if query:
        await query.answer()
        await query.edit_message_text(text)
    elif update.effective_message:
        await update.effective_message.reply_text(text)


async def timezone_command(update: Update, context: BotContext) -> None:
    """/timezone <IANA zone or town>: per user in private chats, per chat in groups."""
    message, chat, user = update.effective_message, update.effective_chat, update.effective_user
    if message is None or chat is None or user is None:
        return
    reader = await context.reader(update)
    now = context.clock.now()
    typed = joined_args(context.args)
    if not typed:
        await message.reply_text(render.zone_status(reader.tr, reader.zone, now))
        return
    zone = resolve_zone(typed, await context.storage.network.municipalities())
    if zone is None:
        await message.reply_text(render.unknown_zone(reader.tr, typed))
        return
    if not await may_change_chat(context.bot, chat, user.id, context.settings.admins, message):
        await message.reply_text(render.not_allowed(reader.tr))
        return
    prefs = context.storage.preferences
    if chat.type == Chat.PRIVATE:
        await prefs.set_user_timezone(user.id, zone.key)
    else:
        await prefs.set_chat_timezone(chat.id, chat.type, chat.title, zone.key)
        await replan_and_arm(context.application)  # reminders go out at 09:00 *there*
    await message.reply_text(render.zone_set(reader.tr, zone, now))


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CommandHandler("timezone", timezone_command))
    application.add_handler(CommandHandler("language", language_command))
    application.add_handler(CallbackQueryHandler(language_button, pattern=r"^lang:"))
