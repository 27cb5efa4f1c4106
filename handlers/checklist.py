"""/checklist and its buttons: an exchange's checklist shown, ticked item by item (the
message edited in place), a tick taken back (↩️), paged and refreshed; ☑️ on /exchanges
(and on the reminders) opens one as a new message.

Who may tick, or take a tick back: the partnership's focal points (either side), members
whose town (/iam) is one of its two towns, and the coordinators; an exchange of a phase or
programme (no partnership): the coordinators. ✏️ (ChecklistEdit, handled by the editing
of checklists) is shown in private chats only, to who may edit the exchange: a group's
keyboard is the same for everyone.

Reminders carry ☑️ as ChecklistOpen, never ChecklistTick: ticks are pressed on a checklist
only. _is_checklist and _event_of guard against forged data: a tick pressed under any other
message, or under another exchange's checklist, ticks what the presser may tick and says so
in the pop-up, but edits nothing in place.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Chat, InlineKeyboardMarkup, Message, Update, User
from telegram.error import BadRequest
from telegram.ext import ExtBot

from bot.model.calendar import from_event
from bot.model.checklists import progress
from bot.model.domain import ChecklistItem, Event, PartnershipView
from bot.telegram import answers
from bot.telegram.callbacks import on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import (
    ChecklistMode,
    ChecklistOpen,
    ChecklistTick,
    ChecklistUntick,
    ChecklistView,
)
from bot.text.i18n import Translator
from bot.text.reader import Reader
from bot.views import checklist as view
from bot.views.exchanges import is_followed
from handlers import editing
from handlers.common import here, joined_args, on_command, show, show_below, typed_partnerships

MOST = 5
"""Partnerships a typed town or search may name."""


# -- what to show -------------------------------------------------------------------------------


async def _pair(context: BotContext, event: Event) -> PartnershipView | None:
    if event.partnership_id is None:
        return None
    found = await context.storage.network.partnerships([event.partnership_id])
    return found[0] if found else None


async def _shown(context: BotContext, reader: Reader, event: Event) -> view.Shown:
    entries = await context.storage.checklists.items(event.id)
    today = context.clock.now().astimezone(reader.zone).date()
    return view.Shown(event, await _pair(context, event), entries, today, reader.zone)


async def _editable(update: Update, context: BotContext, event: Event) -> bool:
    """✏️ in a private chat, for who may edit the exchange."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != Chat.PRIVATE:
        return False
    # The editor's rule (handlers/editing.py): an exchange that reaches a phase's or a
    # programme's groups is the coordinators' to change, whatever its partnership.
    return (await context.roles(user.id)).may_edit(await editing.partnership_of(context, event))


async def _screen(
    update: Update,
    context: BotContext,
    event: Event,
    *,
    page: int = 0,
    mode: ChecklistMode = ChecklistMode.TICK,
    at_item: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    reader = await context.reader(update)
    shown = await _shown(context, reader, event)
    if at_item is not None:
        page = view.page_of_item(reader.tr, shown, at_item)
    editable = await _editable(update, context, event)
    return view.checklist(reader.tr, shown, page=page, mode=mode, editable=editable)


async def _upcoming(context: BotContext, reader: Reader) -> list[Event]:
    """Exchanges not over yet, in date order."""
    now = context.clock.now()
    events = [
        (exchange, event)
        for event in await context.storage.network.events()
        if (exchange := from_event(event)).is_upcoming(now, reader.zone)
    ]
    return [event for exchange, event in sorted(events, key=lambda p: p[0].sort_key())]


async def _own_partnerships(context: BotContext, user_id: int) -> list[str]:
    """A user's partnerships: focal point of, then their town's (/iam)."""
    mine = sorted((await context.roles(user_id)).partnerships)
    town = await context.storage.preferences.user_town(user_id)
    if town:
        theirs = await context.storage.people.partnerships_of_towns([town])
        mine += [pid for pid in theirs if pid not in mine]
    return mine


async def checklist_command(update: Update, context: BotContext) -> None:
    """In a group: the checklists of the upcoming exchanges it follows. In private: of the
    typed town or partnership, else of the user's own partnerships."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    reader = await context.reader(update)
    tr = reader.tr
    upcoming = await _upcoming(context, reader)
    group = chat.type != Chat.PRIVATE
    if group:
        followed = await context.storage.preferences.subscribed_targets(chat.id)
        if not followed:
            await show(update, view.follows_nothing(tr))
            return
        reached = {p.id for p in await context.storage.network.followed_partnerships(chat.id)}
        events = [
            e
            for e in upcoming
            if e.partnership_id in reached or is_followed(from_event(e), followed)
        ]
    else:
        typed = joined_args(context.args)
        if typed:
            pids = await typed_partnerships(context, typed, tr.lang, MOST)
            if not pids:
                await show(update, view.not_found(tr, typed))
                return
        else:
            pids = await _own_partnerships(context, user.id)
            if not pids:
                await show(update, view.usage(tr))
                return
        events = [e for e in upcoming if e.partnership_id in pids]
    counts = await context.storage.checklists.has_checklist([e.id for e in events])
    listed = [view.Listed(e, *counts[e.id]) for e in events if e.id in counts]
    if not listed:
        await show(update, view.none_here(tr, group))
    elif len(listed) == 1:
        await show(update, *await _screen(update, context, listed[0].event))
    else:
        await show(update, *view.listing(tr, listed))


# -- who may tick ---------------------------------------------------------------------------


async def _may_tick(context: BotContext, user_id: int, event: Event) -> bool:
    roles = await context.roles(user_id)
    if roles.coordinator:
        return True
    pid = event.partnership_id
    if pid is None:
        return False
    if pid in roles.partnerships:
        return True
    town = await context.storage.preferences.user_town(user_id)
    return town is not None and pid in await context.storage.people.partnerships_of_towns([town])


async def _refused(update: Update, context: BotContext, event: Event) -> bool:
    """True (and the presser told, in a pop-up to close) when they may not tick."""
    query = update.callback_query
    assert query is not None
    if await _may_tick(context, query.from_user.id, event):
        return False
    tr = (await context.reader(update)).tr
    await query.answer(view.not_allowed(tr, await _pair(context, event)), show_alert=True)
    return True


# -- the buttons ------------------------------------------------------------------------------


def _is_checklist(message: object) -> bool:
    """Whether the pressed message is a checklist (its keyboard pages or refreshes it), not
    a reminder with a ☑️ of one item: only a checklist is edited into the new state."""
    if not isinstance(message, Message) or message.reply_markup is None:
        return False
    return any(
        ChecklistView.owns(key.callback_data)
        for row in message.reply_markup.inline_keyboard
        for key in row
    )


def _event_of(message: object) -> str | None:
    """The exchange a pressed checklist is of (its paging and refresh buttons say it)."""
    if not _is_checklist(message):
        return None
    assert isinstance(message, Message) and message.reply_markup is not None
    for row in message.reply_markup.inline_keyboard:
        for key in row:
            packed = key.callback_data if isinstance(key.callback_data, str) else None
            data = ChecklistView.unpack(packed)
            if data is not None:
                return data.event_id
    return None


async def _edit(update: Update, text: str, markup: InlineKeyboardMarkup) -> None:
    """The pressed checklist edited in place; the press was answered already."""
    query = update.callback_query
    assert query is not None
    if not _is_checklist(query.message):
        return
    assert isinstance(query.message, Message)
    bot = update.get_bot()
    assert isinstance(bot, ExtBot)
    try:
        await answers.edit(bot, query.message, text, markup)
    except BadRequest as exc:
        reason = exc.message.lower()
        if "not modified" in reason:  # 🔄 with nothing new
            return
        if "not found" not in reason and "can't be edited" not in reason:
            raise
        # Too old to edit (or deleted): the checklist as it is now, anew.
        await answers.send(bot, query.message.chat.id, text, markup, thread=here(update))


async def _item_and_event(
    update: Update, context: BotContext, item_id: str
) -> tuple[view.Entry, Event] | None:
    """The pressed item and its exchange; None (the press answered) when either is gone."""
    query = update.callback_query
    assert query is not None
    tr = (await context.reader(update)).tr
    found = await context.storage.checklists.item(item_id)
    event = await context.storage.network.event(found[0].event_id) if found else None
    if found is None or event is None:
        await query.answer(view.item_gone(tr))
        # A checklist shown still: as it is now, without the item.
        shown_id = _event_of(query.message)
        shown = await context.storage.network.event(shown_id) if shown_id else None
        if shown is not None:
            await _edit(update, *await _screen(update, context, shown))
        return None
    return found, event


async def open_pressed(update: Update, context: BotContext, data: ChecklistOpen) -> None:
    """☑️ on an exchange: its checklist as a new message below."""
    event = await context.storage.network.event(data.event_id)
    if event is None:
        query = update.callback_query
        assert query is not None
        await query.answer(view.exchange_gone((await context.reader(update)).tr), show_alert=True)
        return
    await show_below(update, *await _screen(update, context, event))


Change = Callable[[ChecklistItem, User], Awaitable[bool]]
"""A tick, or its taking back, in storage: False when someone else was first."""
Done = Callable[[Translator, ChecklistItem, str], str]
"""The pop-up after a change: the item and the checklist's progress ("3/10")."""
Missed = Callable[[Translator], str]
"""The pop-up when someone else was first."""


async def _press(
    update: Update, context: BotContext, item_id: str, change: Change, done: Done, missed: Missed
) -> None:
    """☑️ or ↩️ of an item: who may, the change, its pop-up, then the checklist redrawn."""
    query = update.callback_query
    assert query is not None
    found = await _item_and_event(update, context, item_id)
    if found is None:
        return
    (item, _tick), event = found
    if await _refused(update, context, event):
        return
    tr = (await context.reader(update)).tr
    if await change(item, query.from_user):
        entries = await context.storage.checklists.items(event.id)
        await query.answer(done(tr, item, str(progress(i for i, _t in entries))))
    else:  # two people at once: the other was first
        await query.answer(missed(tr))
    _redraw(update, context, event, item.id)


async def tick_pressed(update: Update, context: BotContext, data: ChecklistTick) -> None:
    async def tick(item: ChecklistItem, user: User) -> bool:
        now = context.clock.now()
        return await context.storage.checklists.tick(item.id, user.id, user.full_name, now)

    await _press(update, context, data.item_id, tick, view.ticked, view.already_ticked)


async def untick_pressed(update: Update, context: BotContext, data: ChecklistUntick) -> None:
    async def reopen(item: ChecklistItem, _user: User) -> bool:
        return await context.storage.checklists.reopen(item.id)

    def unticked(tr: Translator, item: ChecklistItem, _progress: str) -> str:
        return view.unticked(tr, item)

    await _press(update, context, data.item_id, reopen, unticked, view.already_open)


def _redraw(update: Update, context: BotContext, event: Event, item_id: str) -> None:
    """The pressed checklist redrawn as it now stands, after the press was answered and
    off its path: the chat's next press need not wait for this edit (several at once fold
    into one more edit; bot/telegram/redraws.py). Only the checklist of the item's own
    exchange: a forged press under another one must not repaint it."""
    message = update.callback_query.message if update.callback_query else None
    if _event_of(message) != event.id:
        return
    assert isinstance(message, Message)

    async def redraw() -> None:
        await _edit(update, *await _screen(update, context, event, at_item=item_id))

    context.bot_data.redraws.request((message.chat.id, message.message_id), redraw)


async def view_pressed(update: Update, context: BotContext, data: ChecklistView) -> None:
    """◀ ▶ and 🔄 for anyone; ↩️'s mode for who may tick."""
    query = update.callback_query
    assert query is not None
    event = await context.storage.network.event(data.event_id)
    if event is None:
        await query.answer(view.exchange_gone((await context.reader(update)).tr), show_alert=True)
        return
    if data.mode is ChecklistMode.UNTICK and await _refused(update, context, event):
        return
    await query.answer()
    await _edit(update, *await _screen(update, context, event, page=data.page, mode=data.mode))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("checklist", checklist_command))
    application.add_handler(on_press(ChecklistOpen, open_pressed))
    application.add_handler(on_press(ChecklistTick, tick_pressed))
    application.add_handler(on_press(ChecklistUntick, untick_pressed))
    application.add_handler(on_press(ChecklistView, view_pressed))
