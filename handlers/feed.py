"""A calendar feed as served over HTTP: read what the feed's group or partnership reaches,
build it (bot/views/ics.py), stamp it with when that content was first served."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from bot.model.chats import TargetKind
from bot.model.domain import LANGUAGES
from bot.model.feeds import FeedTarget, Reach, reach_of
from bot.telegram.context import BotData
from bot.text.i18n import FALLBACK, Translator
from bot.text.places import group_languages
from storage.cache import NETWORK, Party, Scope
from storage.store import Storage

if TYPE_CHECKING:
    from bot.views.ics import BlockMemo, FeedContent


@dataclass(frozen=True)
class ServedFeed:
    body: bytes
    etag: str
    """Strong, quoted: a hash of the body."""
    modified: datetime
    """When this content was first served (UTC, whole seconds): also every DTSTAMP."""


async def served_feed(data: BotData, token: str) -> ServedFeed | None:
    """The feed of this token, or None for a token that is not (or no longer) one."""
    storage, i18n = data.storage, data.i18n
    assert storage is not None and i18n is not None
    row = await storage.feeds.row(token)
    if row is None:
        return None
    target = row.target
    scopes: tuple[Scope, ...] = (NETWORK,)
    if target.chat_id is not None:
        scopes += (Party(target.chat_id),)
    cache = storage.db.cache

    async def read() -> tuple[FeedContent, str]:
        lang = await feed_language(storage, target)
        return await content_of(storage, target, i18n.translator(lang)), lang

    content, lang = await cache.get(("calendar-feed-content", target.key), read, scopes)
    # The agenda is read on every request: its table moves no cache generation.
    agenda = await storage.agenda.items_of_series({s.id for s in content.series})
    agenda_key = hashlib.sha256(repr(sorted(agenda.items())).encode()).hexdigest()

    async def build() -> tuple[bytes, str]:
        from bot.views.ics import feed_ics  # icalendar: loaded when a feed is first asked

        tr = i18n.translator(lang)
        body = feed_ics(dataclasses.replace(content, agenda=agenda), tr, _memo())
        return body, hashlib.sha256(body).hexdigest()

    unstamped, digest = await cache.get(("calendar-feed", target.key, agenda_key), build, scopes)
    from bot.views.ics import FEED_STAMP_BYTES

    modified = await storage.feeds.stamp(token, digest, data.clock.now(), row)
    body = unstamped.replace(FEED_STAMP_BYTES, modified.strftime("%Y%m%dT%H%M%SZ").encode())
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    return ServedFeed(body, etag, modified)


_MEMO: list[BlockMemo] = []


def _memo() -> BlockMemo:
    """The serialized series and events, shared by every feed of this process (a pure
    function of what they are made of: see BlockMemo)."""
    if not _MEMO:
        from bot.views.ics import BlockMemo

        _MEMO.append(BlockMemo())
    return _MEMO[0]


async def feed_language(storage: Storage, target: FeedTarget) -> str:
    """A group's feed reads in the group's first language; a partnership's in its towns'
    first (Bonn – La Paz: German), as a group following it would; else English."""
    if target.chat_id is not None:
        languages = (await storage.preferences.chat(target.chat_id)).languages
    else:
        views = await storage.network.partnerships([str(target.partnership_id)])
        countries = [views[0].north.country, views[0].south.country] if views else []
        languages = group_languages(countries, None)
    return next((lang for lang in languages if lang in LANGUAGES), FALLBACK)


async def reach(storage: Storage, target: FeedTarget) -> Reach:
    """What the feed shows: a group's, what its subscriptions reach (as its posts); a
    partnership's, what a group following it alone would get."""
    tables = await storage.network.small_tables()
    if target.chat_id is not None:
        targets = await storage.preferences.subscribed_targets(target.chat_id)
        reached = await storage.network.followed_partnerships(target.chat_id)
        return reach_of(targets, reached, tables.phases)
    pid = str(target.partnership_id)
    views = await storage.network.partnerships([pid])
    return reach_of([(TargetKind.PARTNERSHIP, pid)], [v.partnership for v in views], tables.phases)


async def content_of(storage: Storage, target: FeedTarget, tr: Translator) -> FeedContent:
    from bot.views.ics import FeedContent

    network, feeds = storage.network, storage.feeds
    shown = await reach(storage, target)
    tables = await network.small_tables()
    series = [s for s in tables.meeting_series if s.partnership_id in shown.partnerships]
    events = [e for e in tables.events if shown.shows(e)]
    ids = {s.id for s in series}
    return FeedContent(
        name=await _name(storage, target, tr),
        series=series,
        events=events,
        changes=[c for c in tables.meeting_changes if c.series_id in ids],
        series_revisions=await feeds.revisions("series", ids),
        event_revisions=await feeds.revisions("event", {e.id for e in events}),
        agenda={},  # read apart: see served_feed
    )


async def _name(storage: Storage, target: FeedTarget, tr: Translator) -> str:
    """The calendar's name in the reader's list: the group's title, the partnership's towns."""
    if target.chat_id is not None:
        title = await storage.feeds.chat_title(target.chat_id)
        return title or tr.gettext("Partnership meetings")
    views = await storage.network.partnerships([str(target.partnership_id)])
    return views[0].pair_name(tr.lang) if views else tr.gettext("Partnership meetings")
