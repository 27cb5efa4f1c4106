"""RSVP buttons under a meeting invitation: the tally updates in place."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.posts import ANSWERS, ICONS, RSVP, rsvp_keyboard
from storage.outbox import Delivery


async def rsvp_button(update: Update, context: BotContext) -> None:
    query = update.callback_query
    assert query is not None and query.data is not None
    _prefix, code, delivery_id = [*query.data.split(":", 2), "", ""][:3]
    answer = ANSWERS.get(code)
    delivery = await context.storage.outbox.get(int(delivery_id)) if delivery_id.isdigit() else None
    chat, message = update.effective_chat, query.message
    if (
        answer is None
        or delivery is None
        or delivery.kind != "invite"
        or chat is None
        or delivery.chat_id != chat.id
        or message is None
        or not _is_its_message(delivery, message.message_id)
    ):
        await query.answer()
        return
    rsvps = context.storage.rsvps
    await rsvps.answer(chat.id, delivery.payload, query.from_user.id, answer, context.clock.now())
    tally = await rsvps.tally(chat.id, delivery.payload)
    await query.answer(ICONS[answer])
    try:
        await query.edit_message_reply_markup(rsvp_keyboard(delivery, tally))
    except BadRequest as exc:  # the same answer again: the tally did not change
        if "not modified" not in exc.message.lower():
            raise


def _is_its_message(delivery: Delivery, message_id: int) -> bool:
    """Buttons count only under that invitation. While it is still being confirmed
    (sent, but its message id not yet stored), a quick first press counts too."""
    if delivery.message_id is None:
        return delivery.status == "sending"
    return delivery.message_id == message_id


def register(application: Application) -> None:  # type: ignore[type-arg]
    application.add_handler(CallbackQueryHandler(rsvp_button, pattern=f"^{RSVP}:"))
