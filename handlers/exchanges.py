"""/exchanges: upcoming (or past) exchanges, filtered, paged, each as an .ics on request."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Chat, InlineKeyboardMarkup, InputFile, Update

from bot.model.agenda import Minutes
from bot.model.calendar import Exchange, latest_first, minuted_meetings
from bot.model.chats import Target
from bot.model.domain import LANGUAGES, Meeting
from bot.telegram import answers
from bot.telegram.callbacks import (
    CalendarFile,
    CalendarOf,
    ExchangePage,
    PartnerExchanges,
    Period,
    on_press,
)
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.paging import compact_query
from bot.text.keywords import Tense, tense_words
from bot.text.reader import Reader
from bot.text.search import fold
from bot.views import exchanges as view
from handlers.common import here, joined_args, kept_reply, on_command, show
from storage.cache import NETWORK


async def exchanges_command(update: Update, context: BotContext) -> None:
    words = joined_args(context.args)
    first, _, rest = words.partition(" ")
    tense = tense_words(context.i18n).get(fold(first))  # "past", "vergangene", "próximos"
    past = tense is Tense.PAST
    query = compact_query(rest if tense else words, ExchangePage.room())
    await _show(update, context, page=0, past=past, filter_=query)


async def page_button(update: Update, context: BotContext, data: ExchangePage) -> None:
    past = data.period is Period.PAST
    await _show(update, context, page=data.page, past=past, filter_=data.filter)


async def partnership_button(update: Update, context: BotContext, data: PartnerExchanges) -> None:
    await _show(
        update,
        context,
        page=0,
        past=False,
        filter_=view.PARTNERSHIP_FILTER + data.partnership_id,
        new_message=True,
    )


async def _show(
    update: Update,
    context: BotContext,
    *,
    page: int,
    past: bool,
    filter_: str,
    new_message: bool = False,
) -> None:
    reader = await context.reader(update)
    # Listed as of the minute: times are whole minutes, so the list only changes on one
    # and a page may be kept for the rest of it.
    now = context.clock.now().replace(second=0, microsecond=0)
    chat = update.effective_chat
    followed = None
    if chat is not None and chat.type != Chat.PRIVATE:
        followed = await context.storage.preferences.subscribed_targets(chat.id)
    rights = await _rights(update, context)
    key = ("exchanges", past, filter_, page, reader.tr.lang, reader.zone.key, now, followed, rights)
    text, keyboard = await kept_reply(
        context, key, lambda: _render(context, reader, now, page, past, filter_, followed, rights)
    )
    await _send(update, context, text, keyboard, new_message)


async def _rights(update: Update, context: BotContext) -> Rights | None:
    """What the reader may change, in a private chat (✏️ there only): part of the kept
    reply's key, so one reader's ✏️ never shows to another."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != Chat.PRIVATE:
        return None
    roles = await context.roles(user.id)
    if not roles.edits_anything:
        return None
    return (roles.coordinator, roles.partnerships)


Rights = tuple[bool, frozenset[str]]
"""A coordinator (everything), or the partnerships of a focal point."""


def _may_change(rights: Rights | None) -> Callable[[Exchange], bool] | None:
    if rights is None:
        return None
    coordinator, partnerships = rights
    return lambda item: coordinator or item.partnership_id in partnerships


async def _render(
    context: BotContext,
    reader: Reader,
    now: datetime,
    page: int,
    past: bool,
    filter_: str,
    followed: frozenset[Target] | None,
    rights: Rights | None = None,
) -> tuple[str, InlineKeyboardMarkup | None]:
    items, ctx = await _listing(context, now, past, reader.zone)
    if filter_.startswith(view.PARTNERSHIP_FILTER):
        items = [i for i in items if i.partnership_id == filter_[1:]]
        partnership = ctx.partnerships.get(filter_[1:])
        label = partnership.pair_name(reader.tr.lang) if partnership else ""
    else:
        if filter_:  # no words match everything
            translators = [context.i18n.translator(lang) for lang in LANGUAGES]
            items = [i for i in items if view.matches(i, filter_, ctx, translators)]
        label = filter_
    if not items:
        return view.nothing_found(reader.tr, past, label), None
    return view.render_page(
        items,
        ctx,
        reader.tr,
        reader.zone,
        now,
        page=page,
        past=past,
        suffix=filter_,
        heading=view.heading(reader.tr, past, len(items), label),
        followed=followed or frozenset(),  # in a group: its own marked, not moved up
        editable=_may_change(rights),
    )


async def _listing(
    context: BotContext, now: datetime, past: bool, zone: ZoneInfo
) -> tuple[list[Exchange], view.References]:
    """The exchanges as of the minute for a reader in `zone`, and what they refer to: kept
    until the network's data changes, one look at the cache per page instead of three.
    Shared: never change them in place."""

    async def read() -> tuple[list[Exchange], view.References]:
        network = context.storage.network
        items = await network.calendar(now, past=past, zone=zone)
        views = await network.partnerships(view.partnerships_referred(items))
        tables = await network.small_tables()
        # Past meetings that have minutes are listed with them (a change to the minutes
        # moves the network's generation, so this listing is read again).
        minutes: dict[Meeting, Minutes] = {}
        if past:
            every = await context.storage.agenda.all_minutes()
            series = {s.id: s for s in tables.meeting_series}
            held = minuted_meetings(every, series, tables.meeting_changes, now)
            items = latest_first([*items, *held])
            minutes = {m.meeting: m for m in every}
        # ☑️ and its progress: a tick moves the network's generation, so this listing and
        # the kept pages are read again after one.
        events = [i.source_id for i in items if not i.in_series]
        checklists = await context.storage.checklists.has_checklist(events) if events else {}
        return items, view.References(
            partnerships={v.partnership.id: v for v in views},
            phases={p.id: p for p in tables.phases},
            programmes={p.id: p for p in tables.programmes},
            minutes=minutes,
            checklists=checklists,
        )

    async def read_of_the_minute() -> tuple[datetime, list[Exchange], view.References]:
        return (now, *await read())

    # One listing per (past, zone), of the minute it was read in: a newer minute replaces
    # it, or a day of use would keep 1,440 whole calendars until the data changes.
    cache, key = context.storage.db.cache, ("exchanges-listing", past, zone.key)
    minute, items, references = await cache.get(key, read_of_the_minute, (NETWORK,))
    if minute != now:
        cache.forget(key)
        minute, items, references = await cache.get(key, read_of_the_minute, (NETWORK,))
    return items, references


async def _send(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | None,
    new_message: bool,
) -> None:
    """A list opened from a partnership card comes as a new message: the card stays."""
    if new_message and update.callback_query and update.effective_chat:
        await update.callback_query.answer()
        await answers.send(context.bot, update.effective_chat.id, text, markup, thread=here(update))
    else:
        await show(update, text, markup)


async def ics_button(update: Update, context: BotContext, data: CalendarFile) -> None:
    query = update.callback_query
    assert query is not None
    reader = await context.reader(update)
    # icalendar is some 80 modules and 4 MiB: loaded when the first .ics is asked for.
    from bot.views.ics import event_ics, series_ics

    network = context.storage.network
    now = context.clock.now()
    payload: bytes | None = None
    if data.of is CalendarOf.EVENT:
        event = await network.event(data.item_id)
        if event is not None:
            revision = await network.event_revision(event.id)
            payload = event_ics(event, reader.tr, now, sequence=revision)
    else:
        series = await network.series(data.item_id)
        if series is not None:
            changes = await network.meeting_changes()
            revision = await network.series_revision(series.id)
            payload = series_ics(series, reader.tr, now, changes, sequence=revision)
    if payload is None:
        await query.answer(
            reader.tr.gettext("This calendar entry no longer exists."), show_alert=True
        )
        return
    await query.answer()
    if update.effective_chat is not None:
        await update.effective_chat.send_document(
            InputFile(payload, filename=f"{data.item_id}.ics", attach=True),
            caption=reader.tr.gettext("Open the file to add it to your calendar."),
            message_thread_id=here(update),
        )


def register(application: BotApplication) -> None:
    application.add_handler(on_command("exchanges", exchanges_command))
    application.add_handler(on_press(ExchangePage, page_button))
    application.add_handler(on_press(CalendarFile, ics_button))
    application.add_handler(on_press(PartnerExchanges, partnership_button))
