"""/minutes: a link or a short text attached to the last meeting that was held, by the
partnership's focal points and the coordinators; /exchanges past shows it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from telegram import Chat, Update

from bot.model.agenda import MAX_MINUTES_TEXT, is_link, looks_like_link
from bot.model.domain import LocalizedText, Meeting, MeetingChange, MeetingSeries, PartnershipView
from bot.model.recurrence import occurrences
from bot.schedule.invitations import chat_meetings
from bot.telegram.context import BotApplication, BotContext
from bot.text.search import fold
from bot.views import agenda as view
from bot.views import feeds as feeds_view
from bot.views.common import marked
from handlers.agenda import author_language
from handlers.common import on_command, show, typed_partnerships

HELD_REACH = timedelta(days=120)
"""How far back a partnership's last meeting is looked for (a few six-weekly cycles)."""


@dataclass(frozen=True)
class Held:
    series: MeetingSeries
    meeting: Meeting
    start: datetime


def _named(word: str, pairs: Sequence[PartnershipView]) -> PartnershipView | None:
    """The partnership a word names: its id, or one of its towns in any language."""
    wanted = _squeezed(word)
    for pair in pairs:
        names = {_squeezed(pair.partnership.id)}
        for town in (pair.north, pair.south):
            names.update(_squeezed(name) for _lang, name in town.name.variants)
        if wanted in names:
            return pair
    return None


def _squeezed(name: str) -> str:
    """Folded, without spaces and hyphens: "La Paz", "la-paz" and "lapaz" are one."""
    return "".join(c for c in fold(name) if c not in " -")


def _last_held(
    series: Sequence[MeetingSeries], changes: Sequence[MeetingChange], now: datetime
) -> Held | None:
    """The latest meeting of these series that has begun (moved ones where they went)."""
    found: Held | None = None
    for one in series:
        for o in occurrences(one, now - HELD_REACH, now, changes):
            if o.start <= now and (found is None or o.start > found.start):
                found = Held(
                    one, Meeting(one.id, o.local_start.isoformat(timespec="minutes")), o.start
                )
    return found


NAME_WORDS = 3
"""At most this many leading words name a partnership ("La Paz", "San José de Chiquitos")."""


def _split_name(words: str) -> list[tuple[str, str]]:
    """The ways the words may begin with a partnership's name, most likely first, as
    (name, minutes): before the first link when there is one; else longest first."""
    spans = [m.span() for m in re.finditer(r"\S+", words)]

    def cut(k: int) -> tuple[str, str]:  # the minutes keep their own spacing and lines
        rest = words[spans[k][0] :] if k < len(spans) else ""
        return " ".join(words[a:b] for a, b in spans[:k]), rest

    for i, (a, b) in enumerate(spans):
        if i and looks_like_link(words[a:b]):
            return [cut(i)]
    return [cut(k) for k in range(min(NAME_WORDS, len(spans)), 0, -1)]


def _without_name(words: str, pair: PartnershipView) -> str:
    """The words without a leading name of this partnership (in a group that follows it)."""
    for name, rest in _split_name(words):
        if rest and _named(name, [pair]) is not None:
            return rest
    return words


async def _held_here(
    update: Update, context: BotContext, words: str
) -> tuple[Held | None, str] | None:
    """The meeting the minutes are for and what is left of the words; None when a named
    partnership is unknown (said so)."""
    chat = update.effective_chat
    assert chat is not None
    now = context.clock.now()
    network = context.storage.network
    if chat.type != Chat.PRIVATE:
        held = (await chat_meetings(context.storage, chat.id, now)).held
        if held is None:
            return None, words
        pairs = await network.partnerships([held.series.partnership_id])
        said = _without_name(words, pairs[0]) if pairs else words
        return Held(held.series, held.meeting, held.start), said
    every = await network.meeting_series()
    with_meetings = sorted({s.partnership_id for s in every})
    pair_id, rest = await _typed_pair(update, context, words, with_meetings)
    if pair_id is None:
        return None
    mine = [s for s in every if s.partnership_id == pair_id]
    return _last_held(mine, await network.meeting_changes(), now), rest


async def _typed_pair(
    update: Update, context: BotContext, words: str, candidates: list[str]
) -> tuple[str | None, str]:
    """The partnership the words begin with (one with meetings) and the words after its
    name; (None, …) when it is unknown or unclear (said so)."""
    tr = (await context.reader(update)).tr
    ways = _split_name(words)
    pairs = await context.storage.network.partnerships(candidates)
    for name, rest in ways:  # a town or partnership named exactly
        pair = _named(name, pairs)
        if pair is not None:
            return pair.partnership.id, rest
    name, rest = ways[-1]  # the words before the link, or the first word
    if not name or looks_like_link(name):
        await show(update, view.minutes_usage(tr, private=True))
        return None, ""
    found = [
        pid
        for pid in await typed_partnerships(context, name, tr.lang, feeds_view.MAX_SHOWN + 2)
        if pid in candidates
    ]
    if not found:
        await show(update, view.unknown_partnership(tr, name))
        return None, ""
    if len(found) > 1:
        names = [v.pair_name(tr.lang) for v in await context.storage.network.partnerships(found)]
        await show(update, feeds_view.several(tr, name, names))
        return None, ""
    return found[0], rest


async def minutes_command(update: Update, context: BotContext) -> None:
    message, user = update.effective_message, update.effective_user
    if message is None or user is None:
        return
    reader = await context.reader(update)
    tr = reader.tr
    parts = (message.text or "").split(maxsplit=1)
    words = parts[1].strip() if len(parts) > 1 else ""
    private = update.effective_chat is not None and update.effective_chat.type == Chat.PRIVATE
    if not words:
        await show(update, view.minutes_usage(tr, private=private))
        return
    found = await _held_here(update, context, words)
    if found is None:
        return
    held, said = found
    if held is None:
        await show(update, view.no_held_meeting(tr))
        return
    if not (await context.roles(user.id)).may_edit(held.series.partnership_id):
        pairs = await context.storage.network.partnerships([held.series.partnership_id])
        town = pairs[0].north.name.get(tr.lang) if pairs else None  # /contacts finds both sides
        await show(update, view.minutes_not_allowed(tr, town))
        return
    if not said:
        await show(update, view.minutes_usage(tr, private=private))
        return
    # A link first (http or https), and a short text after it or alone.
    first, *rest = said.split(maxsplit=1)
    url = first if is_link(first) else None
    if url is None and looks_like_link(said):
        await show(update, view.minutes_bad_link(tr))
        return
    typed = (rest[0] if rest else "") if url is not None else said
    if len(typed) > MAX_MINUTES_TEXT:
        await show(update, view.minutes_too_long(tr, MAX_MINUTES_TEXT, len(typed)))
        return
    text = LocalizedText.of(typed, author_language(update, reader)) if typed else None
    now = context.clock.now()
    await context.storage.agenda.set_minutes(held.meeting, url, text, user.id, now)
    title = marked(held.series.title, tr.lang)
    await show(update, view.minutes_saved(tr, title, held.start, reader.zone))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("minutes", minutes_command))
