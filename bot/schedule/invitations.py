"""A meeting's invitations after they were sent: which meeting a chat was invited to (the
agenda's and the minutes' meeting), and each chat's invitation edited in place when its
agenda changes, composed exactly as the dispatcher composed it."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from telegram.error import BadRequest, TelegramError
from telegram.ext import ExtBot

from bot.model.agenda import Meeting
from bot.model.domain import MeetingChange, MeetingSeries
from bot.model.posts import Delivery, DeliveryStatus, Invitation
from bot.model.recurrence import MOVE_REACH, occurrences
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.overdue import LATE_AFTER
from bot.schedule.plan import partnership_ids
from bot.schedule.replan import load_network
from bot.text.i18n import I18n
from bot.text.reader import Reader
from bot.views.rsvp import rsvp_keyboard
from storage.store import Storage

log = logging.getLogger(__name__)


def meeting_start(
    series: MeetingSeries, occurrence: str, changes: Sequence[MeetingChange]
) -> datetime | None:
    """When the meeting (by its original local start) takes place, moved or not; None
    when it was cancelled or is no longer in the schedule."""
    local = datetime.fromisoformat(occurrence)
    around = local.replace(tzinfo=ZoneInfo(series.timezone))
    for found in occurrences(series, around - MOVE_REACH, around + MOVE_REACH, changes):
        if found.local_start == local:
            return found.start
    return None


@dataclass(frozen=True)
class Invited:
    """A meeting a chat received (or will receive) the invitation to."""

    delivery: Delivery
    series: MeetingSeries
    start: datetime

    @property
    def meeting(self) -> Meeting:
        assert isinstance(self.delivery.payload, Invitation)
        return (self.delivery.payload.series_id, self.delivery.payload.occurrence)


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


async def post_reader(storage: Storage, i18n: I18n, home: ZoneInfo, chat_id: int) -> Reader:
    """The chat as its posts read it (as the dispatcher reads it)."""
    prefs = await storage.preferences.for_posts(chat_id)
    zone = ZoneInfo(prefs.timezone) if prefs.timezone else home
    return Reader.of(prefs.languages, zone, i18n)


async def refresh_invitations(
    bot: ExtBot[Any],
    storage: Storage,
    i18n: I18n,
    home: ZoneInfo,
    now: datetime,
    meeting: Meeting,
) -> int:
    """Edit every chat's sent invitation to `meeting` to show its agenda as it is now (text
    and keyboard). A message deleted, a chat that removed the bot, or any other refusal
    costs that chat's edit only (logged at info). How many were edited."""
    sent = await storage.outbox.sent_invitations(Invitation(*meeting).key)
    if not sent:
        return 0
    net = await load_network(storage)
    ids = list(partnership_ids(net))
    views = {v.partnership.id: v for v in await storage.network.partnerships(ids)}
    agenda = await storage.agenda.items(meeting)
    edited = 0
    for delivery, sent_at in sent:
        assert isinstance(delivery.payload, Invitation) and delivery.message_id is not None
        reader = await post_reader(storage, i18n, home, delivery.chat_id)
        # Composed as it was sent: late only if it was sent late.
        late = sent_at is not None and sent_at - delivery.due_at > LATE_AFTER
        due = delivery.due_at if late else now
        try:
            text = compose(delivery.payload, due, net, views, reader, i18n, now, home, agenda)
        except ObsoletePostError:
            continue  # begun, moved away or cancelled: the message stays as it is
        tally = await storage.rsvps.tally(delivery.chat_id, delivery.payload)
        keyboard = rsvp_keyboard(delivery.id, delivery.payload, tally, reader.tr)
        try:
            await bot.edit_message_text(
                text,
                chat_id=delivery.chat_id,
                message_id=delivery.message_id,
                reply_markup=keyboard,
            )
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                log.info("invitation in chat %s not edited: %s", delivery.chat_id, exc.message)
            continue
        except TelegramError as exc:
            log.info("invitation in chat %s not edited: %s", delivery.chat_id, exc)
            continue
        edited += 1
    return edited
