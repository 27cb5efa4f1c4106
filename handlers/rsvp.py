"""RSVP buttons under a meeting invitation: the tally updates in place; 👥 shows who
answered what; a ✅ from someone who never started the bot offers its link once."""

from __future__ import annotations

from telegram import Update
from telegram.error import BadRequest

from bot.model.chats import RsvpAnswer
from bot.model.posts import Delivery, DeliveryStatus, Invitation
from bot.schedule.invitations import refresh_invitation
from bot.telegram.callbacks import Rsvp, answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import NamesShown, RsvpNames
from bot.telegram.start_links import RemindMe, start_link
from bot.text.i18n import supported_language
from bot.views.rsvp import ANSWERS, closed, recorded, rsvp_keyboard


async def rsvp_button(update: Update, context: BotContext, data: Rsvp) -> None:
    query = update.callback_query
    assert query is not None
    answer = ANSWERS[data.answer]
    delivery = await _invitation(update, context, data.delivery_id)
    if delivery is None:
        return
    chat_id, invitation = delivery.chat_id, delivery.payload
    assert isinstance(invitation, Invitation)
    storage, user = context.storage, query.from_user
    before = await storage.rsvps.latest(user.id, invitation)
    now = context.clock.now()
    await storage.rsvps.answer(chat_id, invitation, user.id, answer, now, user.full_name)
    reader = await context.reader(update)
    # The pop-up is the presser's alone: in their language when the chat reads it too.
    theirs = supported_language(user.language_code)
    shown = context.i18n.translator(theirs) if theirs in reader.languages else reader.tr
    started = await storage.preferences.private_chat_open(user.id)
    # A first ✅ from someone who never started the bot opens its private chat with a
    # Start button that switches the reminder on (answerCallbackQuery's `url` takes such
    # t.me links); once per user and meeting, never for a later press.
    url = None
    if answer is RsvpAnswer.YES and before is None and not started and context.bot.username:
        url = start_link(context.bot.username, RemindMe(delivery.id))
    await query.answer(recorded(shown, answer), url=url)
    await _show_tally(update, context, delivery)
    if started:  # a ✅ plans the private reminder, a ❌ or ❔ drops it
        await context.replan(user.id)


async def names_button(update: Update, context: BotContext, data: RsvpNames) -> None:
    """👥 / 🔢: anyone in the group may show the names or hide them again; the choice is
    kept with the invitation, so later edits of it keep showing what was chosen."""
    query = update.callback_query
    assert query is not None
    delivery = await _invitation(update, context, data.delivery_id)
    if delivery is None:
        return
    await query.answer()
    await context.storage.rsvps.show_names(delivery.id, data.show is NamesShown.NAMES)
    await _refresh(update, context, delivery)


async def _invitation(update: Update, context: BotContext, delivery_id: int) -> Delivery | None:
    """The invitation under which this button was pressed, or None (the press answered)."""
    query = update.callback_query
    assert query is not None
    delivery = await context.storage.outbox.get(delivery_id)
    chat, message = update.effective_chat, query.message
    if delivery is None:  # pruned, weeks after its meeting (bot/schedule/replan.py: prune)
        await query.answer(closed((await context.reader(update)).tr))
        return None
    if (
        not isinstance(delivery.payload, Invitation)
        or chat is None
        or delivery.chat_id != chat.id
        or message is None
        or not _is_its_message(delivery, message.message_id)
    ):
        await answer_unusable(update, context)  # forged: another chat's, or not an invite
        return None
    return delivery


async def _show_tally(update: Update, context: BotContext, delivery: Delivery) -> None:
    """The new counts on the buttons; the names too while they are shown (the counts
    alone when the text cannot be made again: its meeting was cancelled)."""
    names_shown = await context.storage.rsvps.names_shown(delivery.id)
    if names_shown and await _refresh(update, context, delivery):
        return
    query = update.callback_query
    assert query is not None and isinstance(delivery.payload, Invitation)
    tally = await context.storage.rsvps.tally(delivery.chat_id, delivery.payload)
    tr = (await context.reader(update)).tr
    keyboard = rsvp_keyboard(delivery.id, delivery.payload, tally, tr, names_shown)
    try:
        await query.edit_message_reply_markup(keyboard)
    except BadRequest as exc:  # the same answer again: the tally did not change
        if "not modified" not in exc.message.lower():
            raise


async def _refresh(update: Update, context: BotContext, delivery: Delivery) -> bool:
    query = update.callback_query
    assert query is not None and query.message is not None
    return await refresh_invitation(
        context.bot,
        context.storage,
        context.i18n,
        context.settings.timezone,
        delivery,
        query.message.message_id,
    )


def _is_its_message(delivery: Delivery, message_id: int) -> bool:
    """Buttons count only under that invitation. While it is still being confirmed
    (sent, but its message id not yet stored), a quick first press counts too."""
    if delivery.message_id is None:
        return delivery.status == DeliveryStatus.SENDING
    return delivery.message_id == message_id


def register(application: BotApplication) -> None:
    application.add_handler(on_press(Rsvp, rsvp_button))
    application.add_handler(on_press(RsvpNames, names_button))
