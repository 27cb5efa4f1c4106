"""`partnerbot schedule`: what will be posted where and when, for coordinators.

It plans into the outbox it is given, exactly as the running bot would: the command line
gives it a scratch copy of the database, so listing changes nothing. Beside a reminder
still to come it lists its siblings that were dropped (overdue, and redundant with it:
bot/schedule/overdue.py), with the reason, so "why only one?" has its answer there."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

from telegram import Chat

from bot.config import Settings
from bot.model.clock import Clock
from bot.model.domain import PartnershipView
from bot.model.posts import (
    ActionReminder,
    ChecklistReminder,
    DeadlineReminder,
    Delivery,
    DeliveryStatus,
    EventReminder,
    OverdueDigest,
    Payload,
    Reminder,
    subject_of,
)
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.overdue import at_sending
from bot.schedule.plan import Network, partnership_ids
from bot.schedule.replan import load_network, replan
from bot.text.i18n import I18n
from bot.text.reader import Reader
from storage.store import Storage

_TAGS = re.compile(r"<[^>]+>")


async def schedule_report(
    storage: Storage,
    settings: Settings,
    clock: Clock,
    *,
    days: int,
    i18n: I18n | None = None,
) -> str:
    """Re-plan, then one block per chat: due time in its zone, kind, first line of the post
    (or why it will not go)."""
    now = clock.now()
    i18n = i18n or I18n.load()
    net = await load_network(storage, now=now)
    await replan(storage, now, settings.timezone, net)
    views = {
        v.partnership.id: v for v in await storage.network.partnerships(list(partnership_ids(net)))
    }
    lines: list[str] = []
    current = None
    for delivery in await _listed(storage, now + timedelta(days=days)):
        prefs = await storage.preferences.chat(delivery.chat_id)
        zone = ZoneInfo(prefs.timezone) if prefs.timezone else settings.timezone
        if delivery.chat_id != current:
            current = delivery.chat_id
            languages = " ".join(prefs.languages) or "en"
            lines.append(f"\n{await _chat_line(storage, delivery.chat_id, languages, zone)}")
        reader = Reader.of(prefs.languages[:1], zone, i18n)
        if delivery.status is DeliveryStatus.SKIPPED:
            summary, a_reason = f"({delivery.reason or 'skipped'})", True
        else:
            summary, a_reason = await _summary(
                storage, delivery, net, views, reader, i18n, now, settings
            )
        if a_reason or isinstance(delivery.payload, DeadlineReminder | EventReminder):
            # A reason, or a first line saying when and what kind (a meeting post's names
            # the meeting): the subject follows.
            summary += f" — {subject_name(delivery.payload, net, reader.tr.lang)}"
        when = delivery.due_at.astimezone(zone)
        lines.append(f"  {when:%Y-%m-%d %H:%M}  {delivery.kind.value:<9} {summary}")
    if not lines:
        return f"nothing planned in the next {days} days\n"
    return "\n".join(lines).lstrip("\n") + "\n"


async def _chat_line(storage: Storage, chat_id: int, languages: str, zone: ZoneInfo) -> str:
    """The chat as people know it: its title (and topic), else what kind of chat it is."""
    kind, title = await storage.subscriptions.chat_name(chat_id)
    thread = await storage.subscriptions.post_thread(chat_id)
    where = f", topic {thread}" if thread is not None else ""
    if title:
        return f"{title}{where} (chat {chat_id}; {languages}, {zone.key})"
    named = "private chat" if kind == Chat.PRIVATE else "chat"
    return f"{named} {chat_id}{where} ({languages}, {zone.key})"


def subject_name(payload: Payload, net: Network, lang: str) -> str:
    """What a post is about, by its name in `lang`: the milestone, meeting or event (its
    id when the network no longer has it)."""
    if isinstance(payload, DeadlineReminder):
        milestone = net.milestone_by_id.get(payload.milestone_id)
        return milestone.title.get(lang) if milestone else payload.milestone_id
    if isinstance(payload, EventReminder):
        event = net.event_by_id.get(payload.event_id)
        return event.title.get(lang) if event else payload.event_id
    if isinstance(payload, ActionReminder):
        item = net.action_by_id.get(payload.item_id)
        return item.text.get(lang) if item else f"action item {payload.item_id}"
    if isinstance(payload, OverdueDigest):
        return f"overdue action items of {payload.partnership_id}"
    if isinstance(payload, ChecklistReminder):
        entry = net.checklist_item_by_id.get(payload.item_id)
        found = entry.title.get(lang) if entry else f"checklist item {payload.item_id}"
        return f"{found} ({payload.stage})"
    series = net.series_by_id.get(payload.series_id)
    return series.title.get(lang) if series else payload.series_id


async def _listed(storage: Storage, until: datetime) -> list[Delivery]:
    """The pending rows due by `until`, and the skipped reminders about the same subjects
    in the same chats, per chat in time order."""
    pending = await storage.outbox.pending_until(until)
    coming = {
        (d.chat_id, subject_of(d.payload)) for d in pending if isinstance(d.payload, Reminder)
    }
    skipped = [
        d
        for d in await storage.outbox.skipped_until(until)
        if isinstance(d.payload, Reminder) and (d.chat_id, subject_of(d.payload)) in coming
    ]
    return sorted([*pending, *skipped], key=lambda d: (d.chat_id, d.due_at, d.id))


async def _summary(
    storage: Storage,
    delivery: Delivery,
    net: Network,
    views: dict[str, PartnershipView],
    reader: Reader,
    i18n: I18n,
    now: datetime,
    settings: Settings,
) -> tuple[str, bool]:
    """The post's first line as it would go, or why the dispatcher will skip it (True)."""
    sent_at = max(now, delivery.due_at)
    if isinstance(delivery.payload, Reminder):
        siblings = await storage.outbox.siblings(delivery)
        if (why := at_sending(delivery, siblings, sent_at, reader.zone)) is not None:
            return f"(will be {why})", True
    try:
        text = compose(
            delivery.payload, delivery.due_at, net, views, reader, i18n, sent_at, settings.timezone
        )
    except ObsoletePostError as why:
        return f"(will be skipped: {why})", True
    return unescape(_TAGS.sub("", text.splitlines()[0])), False
