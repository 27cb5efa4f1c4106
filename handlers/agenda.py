"""The agenda before a meeting: /agenda shows or adds, 📝 under the invitation asks for an
item (a guided conversation per chat and user: a ForceReply prompt, answered by a reply),
⬆️ and 🗑 arrange it (focal points, coordinators); every change edits the meeting's
invitations in place (bot/schedule/invitations.py)."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import IntEnum
from html import unescape
from typing import Any

from telegram import Chat, ForceReply, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler, filters

from bot.model.agenda import MAX_ITEMS, AgendaItem, Direction, ItemProblem, item_problem
from bot.model.domain import LocalizedText, Meeting
from bot.model.posts import Invitation
from bot.schedule.invitations import (
    ChatMeetings,
    Invited,
    chat_meetings,
    meeting_start,
    refresh_invitations,
)
from bot.telegram import answers
from bot.telegram.callbacks import answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import AgendaAdd, AgendaDrop, AgendaPage, AgendaUp
from bot.telegram.persistence import Drafts, guided_conversation
from bot.text.reader import Reader
from bot.views import agenda as view
from bot.views.common import marked

# author_language is re-exported: handlers/minutes.py imports it from here
from handlers.common import author_language as author_language
from handlers.common import here, not_its_group_refusal, on_command, show, speaks_for

NAME = "agenda"
DRAFTS = Drafts(NAME)


class Step(IntEnum):
    ASK = 1  # the ForceReply prompt is out; the presser's reply is the item


# -- shared ---------------------------------------------------------------------------------


async def refresh(context: BotContext, invited: Invited | Meeting) -> None:
    meeting = invited.meeting if isinstance(invited, Invited) else invited
    await refresh_invitations(
        context.bot,
        context.storage,
        context.i18n,
        context.settings.timezone,
        meeting,
    )


async def _add(update: Update, context: BotContext, invited: Invited, typed: str) -> bool:
    """Add `typed` to the meeting's agenda and say so; or say why not (nothing changes)."""
    reader = await context.reader(update)
    tr = reader.tr
    typed = typed.strip()
    problem = item_problem(typed)
    if problem is ItemProblem.EMPTY:
        await show(update, view.empty(tr))
        return False
    if problem is ItemProblem.TOO_LONG:
        await show(update, view.too_long(tr, len(typed)))
        return False
    agenda = context.storage.agenda
    if len(await agenda.items(invited.meeting)) >= MAX_ITEMS:
        await show(update, view.full(tr))
        return False
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    text = LocalizedText.of(typed, author_language(update, reader))
    now = context.clock.now()
    item = await agenda.add(invited.meeting, text, user.id, user.first_name, chat.id, now)
    count = len(await agenda.items(invited.meeting))
    title = marked(invited.series.title, tr.lang)
    await show(update, view.added(tr, item, count, title))
    await refresh(context, invited)
    return True


async def _refused_here(update: Update, context: BotContext, invited: Invited) -> str | None:
    """Why this user's item from this chat does not go to the meeting (None: it does)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    pid = invited.series.partnership_id
    if await speaks_for(context, chat, user.id, pid):
        return None
    return await not_its_group_refusal(context, (await context.reader(update)).tr, pid)


JUST_BEGUN = timedelta(days=1)
"""A meeting that began less than this ago is "begun" to someone adding an item to it;
before that, the chat simply awaits its next invitation."""


def _closed(reader: Reader, meetings: ChatMeetings, now: datetime, chat: Chat) -> str:
    """Why nothing can be added here now, and when the next invitation comes, if known."""
    held = meetings.held
    begun = held is not None and now - held.start < JUST_BEGUN
    private = chat.type == Chat.PRIVATE
    return view.no_meeting(reader.tr, begun, meetings.next_invitation, reader.zone, private=private)


async def _may_arrange(context: BotContext, user_id: int, series_partnership: str) -> bool:
    return (await context.roles(user_id)).may_edit(series_partnership)


async def _screen(
    update: Update,
    context: BotContext,
    page: int,
    arrange: bool | None = None,
    focus: int | None = None,
) -> None:
    """/agenda's screen for this chat's next meeting (or why there is none): a reply, or
    the pressed message edited."""
    await show(update, *await _render(update, context, page, arrange, focus))


async def _render(
    update: Update, context: BotContext, page: int, arrange: bool | None, focus: int | None = None
) -> tuple[str, InlineKeyboardMarkup | None]:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    reader = await context.reader(update)
    meetings = await chat_meetings(context.storage, chat.id, context.clock.now())
    invited = meetings.upcoming
    if invited is None:
        return _closed(reader, meetings, context.clock.now(), chat), None
    if arrange is None:
        arrange = await _may_arrange(context, user.id, invited.series.partnership_id)
    items = await context.storage.agenda.items(invited.meeting)
    return view.screen(
        reader.tr,
        marked(invited.series.title, reader.tr.lang),
        invited.start,
        reader.zone,
        items,
        page=page,
        arrange=arrange,
        delivery_id=invited.delivery.id,
        focus=focus,
    )


# -- /agenda --------------------------------------------------------------------------------


async def agenda_command(update: Update, context: BotContext) -> None:
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None:
        return
    # What follows the command, as typed (line breaks kept).
    parts = (message.text or "").split(maxsplit=1)
    typed = parts[1] if len(parts) > 1 else ""
    if not typed.strip():
        await _screen(update, context, page=0)
        return
    reader = await context.reader(update)
    meetings = await chat_meetings(context.storage, chat.id, context.clock.now())
    if meetings.upcoming is None:
        await show(update, _closed(reader, meetings, context.clock.now(), chat))
        return
    refused = await _refused_here(update, context, meetings.upcoming)
    if refused is not None:
        await show(update, refused)
        return
    await _add(update, context, meetings.upcoming, typed)


async def page_pressed(update: Update, context: BotContext, data: AgendaPage) -> None:
    await _screen(update, context, page=data.page, arrange=bool(data.arrange))


# -- ⬆️ and 🗑 -------------------------------------------------------------------------------


async def _arranged_item(
    update: Update, context: BotContext, item_id: int
) -> tuple[AgendaItem, Invited] | None:
    """The item pressed, if the presser may arrange it and its meeting is still ahead
    (each refusal answered, nothing changed)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    tr = (await context.reader(update)).tr
    item = await context.storage.agenda.item(item_id)
    if item is None:
        await query.answer(view.item_gone(tr))
        return None
    meetings = await chat_meetings(context.storage, chat.id, context.clock.now())
    invited = meetings.upcoming
    if invited is None or invited.meeting != item.meeting:
        await answer_unusable(update, context)  # another chat's item, or a meeting begun
        return None
    if not await _may_arrange(context, query.from_user.id, invited.series.partnership_id):
        await query.answer(view.not_yours(tr), show_alert=True)
        return None
    return item, invited


async def up_pressed(update: Update, context: BotContext, data: AgendaUp) -> None:
    found = await _arranged_item(update, context, data.item)
    if found is None:
        return
    item, invited = found
    await context.storage.agenda.move(item.id, Direction.UP)
    await _screen(update, context, page=0, arrange=True, focus=item.id)
    await refresh(context, invited)


async def drop_pressed(update: Update, context: BotContext, data: AgendaDrop) -> None:
    found = await _arranged_item(update, context, data.item)
    if found is None:
        return
    item, invited = found
    query = update.callback_query
    assert query is not None
    # The screen stays on the page of the item before it (or after it, if it was first).
    items = await context.storage.agenda.items(item.meeting)
    at = next((n for n, one in enumerate(items) if one.id == item.id), 0)
    beside = items[at - 1] if at > 0 else items[at + 1] if at + 1 < len(items) else None
    gone = await context.storage.agenda.drop(item.id)
    tr = (await context.reader(update)).tr
    focus = beside.id if beside is not None else None
    text, keyboard = await _render(update, context, 0, True, focus)
    await query.answer(view.dropped(tr, gone or item))  # the confirmation, a pop-up
    if isinstance(query.message, Message):
        try:
            await answers.edit(context.bot, query.message, text, keyboard)
        except BadRequest as exc:  # pressed twice quickly: the screen is as it should be
            if "not modified" not in exc.message.lower():
                raise
    await refresh(context, invited)


# -- 📝: the guided add ----------------------------------------------------------------------


async def add_pressed(update: Update, context: BotContext) -> int | None:
    """📝 under an invitation (or /agenda): a prompt the presser answers by replying."""
    query, chat = update.callback_query, update.effective_chat
    data = AgendaAdd.unpack(query.data if query else None)
    if query is None or chat is None or data is None:
        await answer_unusable(update, context)
        return ConversationHandler.END
    reader = await context.reader(update)
    delivery = await context.storage.outbox.get(data.delivery)
    if (
        delivery is None
        or delivery.chat_id != chat.id
        or not isinstance(delivery.payload, Invitation)
    ):
        await answer_unusable(update, context)
        return ConversationHandler.END
    payload = delivery.payload
    series = await context.storage.network.series(payload.series_id)
    changes = await context.storage.network.meeting_changes()
    start = meeting_start(series, payload.occurrence, changes) if series else None
    now = context.clock.now()
    if series is None or start is None or start <= now:
        await query.answer(view.no_meeting(reader.tr, True, None, reader.zone), show_alert=True)
        return ConversationHandler.END
    refused = await _refused_here(update, context, Invited(delivery, series, start))
    if refused is not None:
        await query.answer(unescape(refused), show_alert=True)
        return ConversationHandler.END
    await query.answer()
    user = query.from_user
    prompt = await context.bot.send_message(
        chat.id,
        view.ask_item(reader.tr, user.id, user.first_name),
        reply_markup=ForceReply(
            selective=True, input_field_placeholder=view.ask_placeholder(reader.tr)
        ),
        message_thread_id=here(update),
    )
    await DRAFTS.put(
        update, context, {"delivery": delivery.id, "chat": chat.id, "prompt": prompt.message_id}
    )
    return Step.ASK


async def typed(update: Update, context: BotContext) -> int | None:
    """The reply to the prompt: the item; bad input is explained and asked again."""
    message, chat = update.effective_message, update.effective_chat
    assert message is not None and chat is not None
    draft = await DRAFTS.get(update, context)
    if not _answers(message, draft.get("prompt")):
        return None  # not the answer (another reply, other talk): still waiting
    delivery = await context.storage.outbox.get(int(draft.get("delivery", 0)))
    meetings = await chat_meetings(context.storage, chat.id, context.clock.now())
    invited = meetings.upcoming
    if (
        delivery is None
        or draft.get("chat") != chat.id
        or not isinstance(delivery.payload, Invitation)
        or invited is None
        or invited.meeting != (delivery.payload.series_id, delivery.payload.occurrence)
    ):
        reader = await context.reader(update)
        await show(update, _closed(reader, meetings, context.clock.now(), chat))
        await DRAFTS.drop(update, context)
        return ConversationHandler.END
    refused = await _refused_here(update, context, invited)  # a role lost meanwhile
    if refused is not None:
        await show(update, refused)
        await DRAFTS.drop(update, context)
        return ConversationHandler.END
    if not await _add(update, context, invited, message.text or ""):
        return None  # explained; the next reply is read as the item
    await DRAFTS.drop(update, context)
    return ConversationHandler.END


def _answers(message: Message, prompt: Any) -> bool:
    replied = message.reply_to_message
    return replied is not None and isinstance(prompt, int) and replied.message_id == prompt


def conversation() -> ConversationHandler[BotContext]:
    text = MessageHandler(
        filters.UpdateType.MESSAGE
        & filters.TEXT
        & ~filters.COMMAND
        & (filters.ChatType.PRIVATE | filters.REPLY),
        typed,
    )
    return guided_conversation(
        NAME,
        entry_points=[CallbackQueryHandler(add_pressed, pattern=AgendaAdd.owns)],
        states={Step.ASK: [text]},
        fallbacks=[],
        allow_reentry=True,
    )


def register(application: BotApplication) -> None:
    application.add_handler(conversation())
    application.add_handler(on_command("agenda", agenda_command))
    application.add_handler(on_press(AgendaPage, page_pressed))
    application.add_handler(on_press(AgendaUp, up_pressed))
    application.add_handler(on_press(AgendaDrop, drop_pressed))
