"""`partnerbot schedule`: what will be posted where and when, for coordinators.

It plans into the outbox it is given, exactly as the running bot would: the command line
gives it a scratch copy of the database, so listing changes nothing."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

from bot.config import Settings
from bot.model.clock import Clock
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.plan import partnership_ids
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
    """Re-plan, then one block per chat: due time in its zone, kind, first line of the post."""
    now = clock.now()
    i18n = i18n or I18n.load()
    net = await load_network(storage)
    await replan(storage, now, settings.timezone, net)
    views = {
        v.partnership.id: v for v in await storage.network.partnerships(list(partnership_ids(net)))
    }
    lines: list[str] = []
    current = None
    for delivery in await storage.outbox.pending_until(now + timedelta(days=days)):
        prefs = await storage.preferences.chat(delivery.chat_id)
        zone = ZoneInfo(prefs.timezone) if prefs.timezone else settings.timezone
        if delivery.chat_id != current:
            current = delivery.chat_id
            languages = " ".join(prefs.languages) or "en"
            lines.append(f"\nchat {delivery.chat_id} ({languages}, {zone.key})")
        reader = Reader.of(prefs.languages[:1], zone, i18n)
        try:
            sent_at = max(now, delivery.due_at)
            text = compose(
                delivery.payload,
                delivery.due_at,
                net,
                views,
                reader,
                i18n,
                sent_at,
                settings.timezone,
            )
            summary = unescape(_TAGS.sub("", text.splitlines()[0]))
        except ObsoletePostError as why:
            summary = f"(will be skipped: {why})"
        when = delivery.due_at.astimezone(zone)
        lines.append(f"  {when:%Y-%m-%d %H:%M}  {delivery.kind.value:<9} {summary}")
    if not lines:
        return f"nothing planned in the next {days} days\n"
    return "\n".join(lines).lstrip("\n") + "\n"
