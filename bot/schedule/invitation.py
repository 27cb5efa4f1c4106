"""A sent invitation recomposed for an edit in place: the text the dispatcher composes
from today's data, the answerers' names below it while 👥 is on, and the RSVP keyboard.

Whatever changes what an invitation shows (👥 pressed, an answer while names are shown, a
new agenda item) edits it through `refresh_invitation`, so each edit keeps the others'.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.model.posts import Delivery, Invitation
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.plan import partnership_ids
from bot.schedule.replan import load_network
from bot.text.i18n import I18n
from bot.text.reader import Reader
from bot.views.rsvp import rsvp_keyboard, with_names
from storage.store import Storage


@dataclass(frozen=True)
class InvitationMessage:
    text: str
    keyboard: InlineKeyboardMarkup


async def post_reader(storage: Storage, i18n: I18n, home: ZoneInfo, chat_id: int) -> Reader:
    """How the chat reads its posts (a private chat as its user), as the dispatcher does."""
    prefs = await storage.preferences.for_posts(chat_id)
    zone = ZoneInfo(prefs.timezone) if prefs.timezone else home
    return Reader.of(prefs.languages, zone, i18n)


async def invitation_message(
    storage: Storage, i18n: I18n, home: ZoneInfo, delivery: Delivery
) -> InvitationMessage:
    """The invitation `delivery` as its chat should see it now; ObsoletePostError when its
    meeting was cancelled (the message then stays as it is). Composed as at its due time:
    a later edit adds no "sent late" note and works after the meeting began too."""
    invitation = delivery.payload
    assert isinstance(invitation, Invitation)
    chat_id = delivery.chat_id
    net = await load_network(storage, chat_id)
    ids = list(partnership_ids(net))
    views = {v.partnership.id: v for v in await storage.network.partnerships(ids)}
    reader = await post_reader(storage, i18n, home, chat_id)
    at, rsvps = delivery.due_at, storage.rsvps
    shown = await rsvps.names_shown(delivery.id)
    # The names take the place of the question ("Will you take part?"): room on the screen.
    text = compose(invitation, at, net, views, reader, i18n, at, home, asking=not shown)
    if shown:
        text = with_names(text, await rsvps.answerers(chat_id, invitation), reader.tr)
    tally = await rsvps.tally(chat_id, invitation)
    return InvitationMessage(text, rsvp_keyboard(delivery.id, invitation, tally, reader.tr, shown))


async def refresh_invitation(
    bot: ExtBot[Any],
    storage: Storage,
    i18n: I18n,
    home: ZoneInfo,
    delivery: Delivery,
    message_id: int | None = None,
) -> bool:
    """Edit the sent invitation in place to what `invitation_message` says now.
    `message_id`: the pressed message's, while the delivery's is not stored yet. False when
    there is nothing to edit (not sent, or its meeting cancelled); an unchanged text is no
    error."""
    message_id = message_id or delivery.message_id
    if message_id is None:
        return False
    try:
        message = await invitation_message(storage, i18n, home, delivery)
    except ObsoletePostError:
        return False
    try:
        await bot.edit_message_text(
            message.text,
            chat_id=delivery.chat_id,
            message_id=message_id,
            reply_markup=message.keyboard,
        )
    except BadRequest as exc:  # the same answer again: nothing changed
        if "not modified" not in exc.message.lower():
            raise
    return True
