"""`partnerbot schedule`: what will be posted where and when, for coordinators."""

from __future__ import annotations

import re
from datetime import timedelta
from html import unescape
from zoneinfo import ZoneInfo

from bot.clock import Clock
from bot.config import Settings
from bot.dispatch import load_network, replan
from bot.i18n import I18n
from bot.posts import ObsoletePostError, Reader, compose, partnership_ids
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
    await replan(storage, now, settings.timezone)
    net = await load_network(storage)
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
        reader = Reader(prefs.languages[:1], zone)
        try:
            post = compose(
                delivery, net, views, reader, i18n, max(now, delivery.due_at), settings.timezone
            )
            summary = unescape(_TAGS.sub("", post.text.splitlines()[0]))
        except ObsoletePostError as why:
            summary = f"(will be skipped: {why})"
        when = delivery.due_at.astimezone(zone)
        lines.append(f"  {when:%Y-%m-%d %H:%M}  {delivery.kind:<9} {summary}")
    if not lines:
        return f"nothing planned in the next {days} days\n"
    return "\n".join(lines).lstrip("\n") + "\n"
