"""RSVP buttons under a meeting invitation: the tally updates in place."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot.model.posts import Delivery, DeliveryStatus, Invitation
from bot.telegram.callbacks import Rsvp, answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.text.i18n import supported_language
from bot.views.rsvp import ANSWERS, closed, recorded, rsvp_keyboard


async def rsvp_button(update: Update, context: BotContext, data: Rsvp) -> None:
    query = update.callback_query
    assert query is not None
    answer = ANSWERS[data.answer]
    delivery = await context.storage.outbox.get(data.delivery_id)
    chat, message = update.effective_chat, query.message
    if delivery is None:  # pruned, weeks after its meeting (bot/schedule/replan.py: prune)
        await query.answer(closed((await context.reader(update)).tr))
        return
    if (
        not isinstance(delivery.payload, Invitation)
        or chat is None
        or delivery.chat_id != chat.id
        or message is None
        or not _is_its_message(delivery, message.message_id)
    ):
        await answer_unusable(update, context)  # forged: another chat's, or not an invite
        return
    invitation = delivery.payload
    rsvps = context.storage.rsvps
    user = query.from_user
    await rsvps.answer(chat.id, invitation, user.id, answer, context.clock.now(), user.full_name)
    tally = await rsvps.tally(chat.id, invitation)
    reader = await context.reader(update)
    # The pop-up is the presser's alone: in their language when the chat reads it too.
    theirs = supported_language(query.from_user.language_code)
    shown = context.i18n.translator(theirs) if theirs in reader.languages else reader.tr
    await query.answer(recorded(shown, answer))
    tr = reader.tr
    try:
        await query.edit_message_reply_markup(rsvp_keyboard(delivery.id, invitation, tally, tr))
    except BadRequest as exc:  # the same answer again: the tally did not change
        if "not modified" not in exc.message.lower():
            raise


def _is_its_message(delivery: Delivery, message_id: int) -> bool:
    """Buttons count only under that invitation. While it is still being confirmed
    (sent, but its message id not yet stored), a quick first press counts too."""
    if delivery.message_id is None:
        return delivery.status == DeliveryStatus.SENDING
    return delivery.message_id == message_id


def register(application: BotApplication) -> None:
    application.add_handler(on_press(Rsvp, rsvp_button))
