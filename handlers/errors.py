"""The one error handler: log with context, answer with a short localized apology."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import RetryAfter, TelegramError

from bot.telegram.context import BotContext
from bot.views import help as view
from handlers.common import here

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    chat = update.effective_chat if isinstance(update, Update) else None
    user = update.effective_user if isinstance(update, Update) else None
    log.error(
        "error while handling update %s (chat %s, user %s)",
        update.update_id if isinstance(update, Update) else None,
        chat.id if chat else None,
        user.id if user else None,
        exc_info=context.error,
    )
    # In a forum, the apology goes to the topic the update came from.
    topic = here(update) if isinstance(update, Update) else None
    if chat is None or isinstance(context.error, RetryAfter):
        return  # Telegram closed the chat for longer than a reply waits: so would an apology
    try:
        tr = (await context.reader(update)).tr
    except Exception:  # the database may be what failed; apologise in English then
        log.warning("could not resolve the reader's language for the apology", exc_info=True)
        tr = context.i18n.translator("en")
    try:
        await context.bot.send_message(chat.id, view.apology(tr), message_thread_id=topic)
    except TelegramError:
        log.warning("could not send the apology to chat %s", chat.id, exc_info=True)
