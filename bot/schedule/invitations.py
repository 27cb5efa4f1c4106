"""A meeting's invitations after they were sent: which meeting a chat was invited to (the
agenda's and the minutes' meeting), and each chat's invitation edited in place when what
it shows changes (its agenda, the partnership's open action items, 👥's names), composed
as the dispatcher composed it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup
from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.model.domain import Meeting, MeetingChange, MeetingSeries
from bot.model.posts import Delivery, DeliveryStatus, Invitation
from bot.model.recurrence import occurrence_of, occurrences
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.plan import HORIZON, Network, partnership_ids
from bot.schedule.replan import load_network
from bot.schedule.send import post_reader
from bot.text.i18n import I18n
from bot.views.rsvp import names_room, rsvp_keyboard, with_names
from storage.store import Storage

log = logging.getLogger(__name__)


def meeting_start(
    series: MeetingSeries, occurrence: str, changes: Sequence[MeetingChange]
) -> datetime | None:
    """When the meeting (by its original local start) takes place, moved or not; None
    when it was cancelled or is no longer in the schedule."""
    found = occurrence_of(series, occurrence, changes)
    return found.start if found is not None else None


@dataclass(frozen=True)
class Invited:
    """A meeting a chat received (or will receive) the invitation to."""

    delivery: Delivery
    series: MeetingSeries
    start: datetime

    @property
    def meeting(self) -> Meeting:
        assert isinstance(self.delivery.payload, Invitation)
        return self.delivery.payload.meeting


@dataclass(frozen=True)
class ChatMeetings:
    """What a chat was invited to, as of now."""

    upcoming: Invited | None
    """The soonest meeting not begun whose invitation this chat received."""
    held: Invited | None
    """The latest meeting that began, whose invitation this chat received."""
    next_invitation: datetime | None
    """When the next invitation to a meeting still ahead is due here, if one is planned."""


async def chat_meetings(storage: Storage, chat_id: int, now: datetime) -> ChatMeetings:
    network = storage.network
    changes = await network.meeting_changes()
    series_by_id = {s.id: s for s in await network.meeting_series()}
    upcoming: list[Invited] = []
    held: list[Invited] = []
    planned: list[datetime] = []
    for delivery in await storage.outbox.invitations_in(chat_id):
        payload = delivery.payload
        assert isinstance(payload, Invitation)
        series = series_by_id.get(payload.series_id)
        start = meeting_start(series, payload.occurrence, changes) if series else None
        if series is None or start is None:
            continue
        if delivery.status is DeliveryStatus.PENDING:
            if start > now:
                planned.append(delivery.due_at)
            continue
        (upcoming if start > now else held).append(Invited(delivery, series, start))
    return ChatMeetings(
        min(upcoming, key=lambda i: i.start, default=None),
        max(held, key=lambda i: i.start, default=None),
        min(planned, default=None),
    )


async def refresh_invitations(
    bot: ExtBot[Any], storage: Storage, i18n: I18n, home: ZoneInfo, meeting: Meeting
) -> int:
    """Edit every chat's sent invitation to `meeting` to what `invitation_message` says now
    (its agenda, and its names while 👥 is on). A message deleted, a chat that removed the
    bot, or any other refusal costs that chat's edit only (logged at info). How many were
    edited."""
    sent = await storage.outbox.sent_invitations(Invitation(*meeting).key)
    if not sent:
        return 0
    net = await load_network(storage)  # once for every chat
    edited = 0
    for delivery, _sent_at in sent:
        try:
            edited += await refresh_invitation(bot, storage, i18n, home, delivery, net=net)
        except TelegramError as exc:
            log.info("invitation in chat %s not edited: %s", delivery.chat_id, exc)
    return edited


async def refresh_open_items(
    bot: ExtBot[Any],
    storage: Storage,
    i18n: I18n,
    home: ZoneInfo,
    now: datetime,
    partnership_id: str,
) -> int:
    """After an action item of the partnership was added or ticked: the invitations already
    sent to its next meetings show "open from last time" as it is now (the next invitation
    goes out when the last meeting ends, before its items are typed in)."""
    edited = 0
    changes = await storage.network.meeting_changes()
    for series in await storage.network.meeting_series([partnership_id]):
        # The next meeting that takes place (a cancelled one is skipped, a moved one found).
        ahead = occurrences(series, now, now + HORIZON, changes)
        if ahead:
            meeting = Meeting(series.id, ahead[0].local_start.isoformat(timespec="minutes"))
            edited += await refresh_invitations(bot, storage, i18n, home, meeting)
    return edited


# -- one invitation, recomposed for 👥 (handlers/rsvp.py) ----------------------------------


@dataclass(frozen=True)
class InvitationMessage:
    text: str
    keyboard: InlineKeyboardMarkup


async def invitation_message(
    storage: Storage, i18n: I18n, home: ZoneInfo, delivery: Delivery, net: Network | None = None
) -> InvitationMessage:
    """The invitation `delivery` as its chat should see it now: the dispatcher's text with
    the meeting's agenda, the answerers' names below it while 👥 is on (then without its
    question, for room), and the RSVP keyboard. ObsoletePostError when its meeting was
    cancelled (the message then stays as it is). Composed as at its due time: an edit adds
    no "sent late" note, and 👥 works after the meeting began too. `net`: the network, if
    read already (else the chat's part of it is read)."""
    invitation = delivery.payload
    assert isinstance(invitation, Invitation)
    chat_id = delivery.chat_id
    net = net or await load_network(storage, chat_id)
    ids = list(partnership_ids(net))
    views = {v.partnership.id: v for v in await storage.network.partnerships(ids)}
    reader = await post_reader(storage, i18n, home, chat_id)
    agenda = await storage.agenda.items(invitation.meeting)
    at, rsvps = delivery.due_at, storage.rsvps
    shown = await rsvps.names_shown(delivery.id)
    answerers = await rsvps.answerers(chat_id, invitation)
    below = names_room(answerers) if shown else 0
    text = compose(
        invitation, at, net, views, reader, i18n, at, home, agenda, asking=not shown, below=below
    )
    if shown:
        text = with_names(text, answerers, reader.tr)
    tally = await rsvps.tally(chat_id, invitation)
    return InvitationMessage(text, rsvp_keyboard(delivery.id, invitation, tally, reader.tr, shown))


async def refresh_invitation(
    bot: ExtBot[Any],
    storage: Storage,
    i18n: I18n,
    home: ZoneInfo,
    delivery: Delivery,
    message_id: int | None = None,
    net: Network | None = None,
) -> bool:
    """Edit one sent invitation in place to what `invitation_message` says now.
    `message_id`: the pressed message's, while the delivery's is not stored yet. False when
    there is nothing to edit (not sent, or its meeting cancelled); an unchanged text is no
    error."""
    message_id = message_id or delivery.message_id
    if message_id is None:
        return False
    try:
        message = await invitation_message(storage, i18n, home, delivery, net)
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
