"""Action items after the call: adding one (a guided conversation per chat and user, kept
in the database), /actions (a partnership's open items, ✅ to tick one done) and ✅ under
an owner's private reminder.

Anyone in a group that follows the partnership may add an item there (➕ under the post
that asks after the meeting, or `/action <text>`); its focal points and the coordinators
may also add one in the private chat. The owner is the member `/action` replied to, or
picked: who answered ✅ to that meeting in this chat, the one adding it, or either side.
The due day is typed in any of the five languages or picked on the calendar. With
privacy mode a bot in a group sees only commands and replies to its own messages: the
text is asked with a selective ForceReply, the due day in a message one replies to.
"""

from __future__ import annotations

from enum import StrEnum
from html import escape, unescape
from typing import Any

from telegram import Chat, ForceReply, Message, Update
from telegram.error import BadRequest
from telegram.ext import (
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    ExtBot,
    MessageHandler,
    filters,
)

from bot.model.actions import ActionItem, Member, NewActionItem, Owner
from bot.model.chats import RsvpAnswer
from bot.model.domain import LocalizedText, Meeting, PartnershipView
from bot.model.posts import ActionsAsk
from bot.model.roles import Side
from bot.schedule.invitations import refresh_open_items
from bot.telegram import answers
from bot.telegram.callbacks import answer_unusable, on_press
from bot.telegram.commands import names
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import (
    ActionAdd,
    ActionDo,
    ActionDone,
    ActionPage,
    ActionStep,
    ActionTick,
)
from bot.telegram.limits import Keyboard
from bot.telegram.paging import compact_query
from bot.telegram.persistence import Drafts, guided_conversation
from bot.text.i18n import Translator
from bot.text.typed_dates import Problem, TypedMoment, parse_moment
from bot.views import actions as view
from bot.views import date_picker
from bot.views.typed_moments import problem_text
from handlers.common import (
    author_language,
    joined_args,
    not_its_group_refusal,
    on_command,
    show,
    speaks_for,
)

NAME = "action"
END = ConversationHandler.END
DRAFTS = Drafts(NAME)
MAX_PICKED = 6
"""Answerers offered as owners at most (the rest: by reply to their message)."""
TARGET_ROOM = ActionTick.room() - 9
"""Bytes of a search carried by /actions' buttons: ✅'s item id may be 12 digits."""
TYPED = (
    filters.UpdateType.MESSAGE
    & filters.TEXT
    & ~filters.COMMAND
    & (filters.ChatType.PRIVATE | filters.REPLY)
)
"""An answer: in a group, a reply (to the prompt), so that talk around it is not taken for
the item's text when the bot reads every message (privacy mode off)."""


class Step(StrEnum):
    PARTNERSHIP = "partnership"  # a group following several, or a focal point of several
    TEXT = "text"
    OWNER = "owner"
    DUE = "due"


# -- who adds, where, and in which language ---------------------------------------------------


async def _candidates(update: Update, context: BotContext) -> list[str] | None:
    """The partnerships the sender may add an item to here; None: they may add none."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    if chat.type != Chat.PRIVATE:
        followed = await context.storage.network.followed_partnerships(chat.id)
        return [p.id for p in followed if await speaks_for(context, chat, user.id, p.id)]
    roles = await context.roles(user.id)
    found = sorted(roles.partnerships)
    if not found and roles.coordinator:
        found = await _town_partnerships(context, user.id)
    return found or None


async def _refusal(context: BotContext, chat: Chat, tr: Translator) -> str:
    """Why nobody's item from this chat goes anywhere: a private chat's user has no role;
    a group follows no partnership, or none it speaks for."""
    if chat.type == Chat.PRIVATE:
        return view.may_not_add(tr)
    followed = await context.storage.network.followed_partnerships(chat.id)
    if not followed:
        return view.nothing_followed(tr)
    return await not_its_group_refusal(context, tr, followed[0].id)


async def _town_partnerships(context: BotContext, user_id: int) -> list[str]:
    town = await context.storage.preferences.user_town(user_id)
    return await context.storage.actions.partnerships_of_town(town) if town else []


async def _view(context: BotContext, partnership_id: str) -> PartnershipView | None:
    found = await context.storage.network.partnerships([partnership_id])
    return found[0] if found else None


def _mention(update: Update) -> str:
    """The user, mentioned (HTML): a selective ForceReply reaches who is mentioned."""
    user = update.effective_user
    assert user is not None
    return f'<a href="tg://user?id={user.id}">{escape(user.first_name)}</a>'


async def _send(
    update: Update, text: str, markup: Keyboard | ForceReply | None = None, edit: bool = False
) -> None:
    """A prompt: the pressed message edited (`edit`), else a reply to the command or
    answer, else (a press) a new message below."""
    bot = update.get_bot()
    assert isinstance(bot, ExtBot)
    query, message, chat = update.callback_query, update.effective_message, update.effective_chat
    if query is not None:
        await query.answer()
    if (
        edit
        and query is not None
        and isinstance(query.message, Message)
        and not isinstance(markup, ForceReply)
    ):
        try:
            await answers.edit(bot, query.message, text, markup)
            return
        except BadRequest as exc:
            if "not modified" in exc.message.lower():
                return
    assert chat is not None
    if query is None and message is not None:
        await message.reply_text(text, reply_markup=markup)
        return
    thread = answers.thread_of(query.message if query is not None else None)
    await bot.send_message(chat.id, text, reply_markup=markup, message_thread_id=thread)


# -- the conversation -------------------------------------------------------------------------


async def begin_command(update: Update, context: BotContext) -> object:
    """/action [text]: in a group that follows the partnership, or from private by its
    focal points and the coordinators."""
    chat, user, message = update.effective_chat, update.effective_user, update.effective_message
    if chat is None or user is None or message is None:
        return END
    tr = (await context.reader(update)).tr
    candidates = await _candidates(update, context)
    if not candidates:
        await show(update, await _refusal(context, chat, tr))
        return END
    draft: dict[str, Any] = {
        "chat": chat.id,
        "lang": author_language(update, await context.reader(update)),
    }
    text = joined_args(context.args)
    if text:
        draft["text"] = text
    replied = message.reply_to_message
    if replied is not None and replied.from_user is not None and not replied.from_user.is_bot:
        draft["owner"] = {"id": replied.from_user.id, "name": replied.from_user.full_name}
    if len(candidates) == 1:
        draft["pid"] = candidates[0]
    await DRAFTS.put(update, context, draft)
    if "pid" not in draft:
        views = await context.storage.network.partnerships(candidates[:8])
        await _send(update, view.ask_partnership(tr), view.partnership_keyboard(tr, views))
        return Step.PARTNERSHIP
    return await _next(update, context, draft)


async def begin_button(update: Update, context: BotContext) -> object:
    """➕ under the post that asks after a meeting."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None
    data = ActionAdd.unpack(query.data)
    delivery = await context.storage.outbox.get(data.delivery_id) if data else None
    if (
        delivery is None
        or chat is None
        or delivery.chat_id != chat.id
        or not isinstance(delivery.payload, ActionsAsk)
    ):
        await answer_unusable(update, context)
        return END
    ask = delivery.payload
    series = await context.storage.network.series(ask.series_id)
    if series is None:
        await answer_unusable(update, context)
        return END
    if not await speaks_for(context, chat, query.from_user.id, series.partnership_id):
        tr = (await context.reader(update)).tr
        refusal = await not_its_group_refusal(context, tr, series.partnership_id)
        await query.answer(unescape(refusal), show_alert=True)
        return END
    draft = {
        "chat": chat.id,
        "lang": author_language(update, await context.reader(update)),
        "pid": series.partnership_id,
        "series": ask.series_id,
        "occ": ask.occurrence,
    }
    await DRAFTS.put(update, context, draft)
    return await _next(update, context, draft)


async def _next(update: Update, context: BotContext, draft: dict[str, Any]) -> object:
    """Ask for what the draft still lacks: the text, the owner, the due day."""
    tr = (await context.reader(update)).tr
    edit = update.callback_query is not None and "text" in draft
    if "text" not in draft:
        await _send(update, view.ask_text(tr, _mention(update)), ForceReply(selective=True))
        return Step.TEXT
    if "owner" not in draft:
        answerers = await _answerers(update, context, draft)
        keyboard = view.owner_keyboard(tr, answerers, await _view(context, str(draft["pid"])))
        await _send(update, view.ask_owner(tr, _text(draft)), keyboard, edit=edit)
        return Step.OWNER
    return await _ask_due(update, context, draft, edit=edit)


async def _ask_due(
    update: Update, context: BotContext, draft: dict[str, Any], problem: str = "", edit: bool = True
) -> object:
    reader = await context.reader(update)
    asked = _asked(context, reader.zone)
    screen = date_picker.month_screen(reader.tr, asked)
    owner = view.owner_label(reader.tr, _owner(draft), await _view(context, str(draft["pid"])))
    text = view.ask_due(reader.tr, owner, screen.heading, _mention(update))
    if problem:
        text = problem + "\n" + text
    keyboard = screen.keyboard([view.cancel_button(reader.tr)])
    await _send(update, text, keyboard, edit=edit)
    return Step.DUE


def _asked(context: BotContext, zone: Any) -> date_picker.Asked:
    today = context.clock.now().astimezone(zone).date()
    return date_picker.Asked(today, zone, with_time=False)


def _text(draft: dict[str, Any]) -> LocalizedText:
    return LocalizedText.of(str(draft["text"]), str(draft["lang"]))


def _owner(draft: dict[str, Any]) -> Owner:
    owner = draft["owner"]
    if isinstance(owner, str):
        return Side(owner)
    return Member(int(owner["id"]), str(owner["name"]))


async def _answerers(
    update: Update, context: BotContext, draft: dict[str, Any]
) -> list[tuple[int, str]]:
    """Who answered ✅ to the meeting in this chat, by name (a few)."""
    if "series" not in draft or update.effective_chat is None:
        return []
    meeting = Meeting(str(draft["series"]), str(draft["occ"]))
    found = await context.storage.rsvps.answerers(update.effective_chat.id, meeting)
    return [(uid, name) for uid, name, said in found if said is RsvpAnswer.YES and name][
        :MAX_PICKED
    ]


async def _drafted(update: Update, context: BotContext) -> dict[str, Any] | None:
    """The draft of this chat's conversation; None (and the conversation ends) if lost."""
    draft = await DRAFTS.find(update, context)
    chat = update.effective_chat
    if draft is None or chat is None or draft.get("chat") != chat.id:
        return None
    return draft


def _to_the_bot(update: Update, context: BotContext) -> bool:
    """In a group, an answer is a reply to one of the bot's prompts: a reply to a member's
    message is their talk, not the item's text or day."""
    message, chat = update.effective_message, update.effective_chat
    if message is None or chat is None or chat.type == Chat.PRIVATE:
        return True
    replied = message.reply_to_message
    return (
        replied is not None
        and replied.from_user is not None
        and (replied.from_user.id == context.bot.id)
    )


async def typed_text(update: Update, context: BotContext) -> object:
    if not _to_the_bot(update, context):
        return None  # still waiting for the answer
    draft = await _drafted(update, context)
    if draft is None:
        return END
    assert update.effective_message is not None
    tr = (await context.reader(update)).tr
    text = " ".join((update.effective_message.text or "").split())
    if not text:
        await _send(update, view.empty_text(tr), ForceReply(selective=True))
        return None
    if len(text) > view.MAX_TEXT:
        await _send(update, view.text_too_long(tr), ForceReply(selective=True))
        return None
    draft["text"] = text
    await DRAFTS.put(update, context, draft)
    return await _next(update, context, draft)


async def pressed(update: Update, context: BotContext) -> object:
    """A button of the conversation: the partnership, the owner, or ✖."""
    query = update.callback_query
    assert query is not None
    data = ActionStep.unpack(query.data)
    draft = await _drafted(update, context)
    if data is None or draft is None:
        await answer_unusable(update, context)
        return None if draft is not None else END
    tr = (await context.reader(update)).tr
    if data.act is ActionDo.CANCEL:
        await DRAFTS.drop(update, context)
        await _send(update, view.cancelled(tr), edit=True)
        return END
    if data.act is ActionDo.PARTNERSHIP:
        if data.value not in (await _candidates(update, context) or []):
            await answer_unusable(update, context)
            return None
        draft["pid"] = data.value
    elif "text" not in draft or "pid" not in draft:
        await answer_unusable(update, context)
        return None
    elif data.act is ActionDo.NORTH or data.act is ActionDo.SOUTH:
        draft["owner"] = (Side.NORTH if data.act is ActionDo.NORTH else Side.SOUTH).value
    elif data.act is ActionDo.ME:
        user = query.from_user
        draft["owner"] = {"id": user.id, "name": user.full_name}
    else:
        picked = {uid: name for uid, name in await _answerers(update, context, draft)}
        if not data.value.isdigit() or int(data.value) not in picked:
            await answer_unusable(update, context)
            return None
        draft["owner"] = {"id": int(data.value), "name": picked[int(data.value)]}
    await DRAFTS.put(update, context, draft)
    return await _next(update, context, draft)


async def typed_due(update: Update, context: BotContext) -> object:
    if not _to_the_bot(update, context):
        return None
    draft = await _drafted(update, context)
    if draft is None:
        return END
    assert update.effective_message is not None
    reader = await context.reader(update)
    asked = _asked(context, reader.zone)
    typed = update.effective_message.text or ""
    moment = parse_moment(typed, str(draft["lang"]), asked.today, reader.zone)
    return await _due(update, context, draft, moment)


async def picked_due(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    draft = await _drafted(update, context)
    if draft is None:
        await answer_unusable(update, context)
        return END
    reader = await context.reader(update)
    data = date_picker.pick_of(query.data)
    result = (
        None if data is None else date_picker.press(reader.tr, _asked(context, reader.zone), data)
    )
    if result is None:
        await query.answer()
        return None
    if isinstance(result, date_picker.Screen):
        owner = view.owner_label(reader.tr, _owner(draft), await _view(context, str(draft["pid"])))
        text = view.ask_due(reader.tr, owner, result.heading, _mention(update))
        await _send(update, text, result.keyboard([view.cancel_button(reader.tr)]), edit=True)
        return None
    return await _due(update, context, draft, result)


async def _due(
    update: Update, context: BotContext, draft: dict[str, Any], moment: TypedMoment | Problem
) -> object:
    reader = await context.reader(update)
    if isinstance(moment, Problem):
        problem = problem_text(reader.tr, moment, reader.zone)
        return await _ask_due(update, context, draft, problem, edit=False)
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    meeting = Meeting(str(draft["series"]), str(draft["occ"])) if "series" in draft else None
    new = NewActionItem(
        partnership_id=str(draft["pid"]),
        meeting=meeting,
        text=_text(draft),
        owner=_owner(draft),
        due=moment.day,
        created_by=user.id,
        chat_id=chat.id if chat.type != Chat.PRIVATE else None,
    )
    item = await context.storage.actions.add(new, context.clock.now())
    await DRAFTS.drop(update, context)
    today = context.clock.now().astimezone(reader.zone).date()
    text = view.saved(reader.tr, item, await _view(context, item.partnership_id), today)
    await _send(update, text, edit=True)
    await _changed(context, item)
    return END


async def cancel(update: Update, context: BotContext) -> object:
    await DRAFTS.drop(update, context)
    await _send(update, view.cancelled((await context.reader(update)).tr))
    return END


async def _changed(context: BotContext, item: ActionItem) -> None:
    """After an item was added or ticked: the owner's private chat (a side's: its focal
    points') is planned anew, and the invitations to the partnership's next meetings show
    its open items as they are now."""
    if isinstance(item.owner, Member):
        await context.replan(item.owner.user_id)
    else:
        for user_id, side in await context.storage.roles.focal_points(item.partnership_id):
            if side is item.owner:
                await context.replan(user_id)
    bot = context.bot
    assert isinstance(bot, ExtBot)
    await refresh_open_items(
        bot,
        context.storage,
        context.i18n,
        context.settings.timezone,
        context.clock.now(),
        item.partnership_id,
    )


def conversation() -> ConversationHandler[BotContext]:
    steps = CallbackQueryHandler(pressed, pattern=ActionStep.owns)
    return guided_conversation(
        NAME,
        entry_points=[
            CommandHandler(names("action"), begin_command, filters=filters.UpdateType.MESSAGE),
            CallbackQueryHandler(begin_button, pattern=ActionAdd.owns),
        ],
        states={
            Step.PARTNERSHIP: [steps],
            Step.TEXT: [MessageHandler(TYPED, typed_text), steps],
            Step.OWNER: [steps],
            Step.DUE: [
                MessageHandler(TYPED, typed_due),
                CallbackQueryHandler(picked_due, pattern=date_picker.is_pick),
                steps,
            ],
        },
        fallbacks=[CommandHandler(names("cancel"), cancel, filters=filters.UpdateType.MESSAGE)],
        allow_reentry=True,
    )


# -- /actions and ✅ --------------------------------------------------------------------------


async def _targets(update: Update, context: BotContext, target: str) -> list[str] | None:
    """The partnerships a listing shows: the named one(s) (`target`: an id or a search),
    else a group's followed ones, else the user's own (focal point of, their town's)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    network = context.storage.network
    if target:
        if await network.partnerships([target]):
            return [target]
        return (await network.search.search(target, 5))[0]
    if chat.type != Chat.PRIVATE:
        return [p.id for p in await network.followed_partnerships(chat.id)]
    roles = await context.roles(user.id)
    mine = sorted(roles.partnerships)
    return mine + [p for p in await _town_partnerships(context, user.id) if p not in mine] or None


async def _listing(
    update: Update, context: BotContext, target: str, page: int
) -> tuple[str, Keyboard | None] | None:
    reader = await context.reader(update)
    pids = await _targets(update, context, target)
    if pids is None:
        return None
    items = await context.storage.actions.open_for(pids)
    views = {v.partnership.id: v for v in await context.storage.network.partnerships(pids)}
    title = views[pids[0]].pair_name(reader.tr.lang) if len(pids) == 1 and pids[0] in views else ""
    today = context.clock.now().astimezone(reader.zone).date()
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    named = [pid for pid in pids if await speaks_for(context, chat, user.id, pid)]
    return view.listing(reader.tr, title, items, views, page, target, today, named=named)


async def actions_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    tr = (await context.reader(update)).tr
    typed = joined_args(context.args)
    target = compact_query(typed, TARGET_ROOM) if typed else ""
    pids = await _targets(update, context, target)
    if typed and not pids:
        await show(update, view.not_found(tr, typed))
        return
    if pids is None or (not pids and chat.type == Chat.PRIVATE):
        await show(update, view.none_of_yours(tr))
        return
    if not pids:
        await show(update, view.nothing_followed(tr))
        return
    if len(pids) == 1:
        target = pids[0]  # the buttons name the partnership, not the search
    shown = await _listing(update, context, target, 0)
    assert shown is not None
    await show(update, *shown)


async def page_pressed(update: Update, context: BotContext, data: ActionPage) -> None:
    shown = await _listing(update, context, data.target, data.page)
    if shown is None:
        await answer_unusable(update, context)
        return
    await show(update, *shown)


async def _may_tick(context: BotContext, user_id: int, item: ActionItem) -> bool:
    """The owner, a focal point of the partnership (of the owning side's or the other's),
    or a coordinator."""
    if item.owned_by(user_id):
        return True
    return (await context.roles(user_id)).may_edit(item.partnership_id)


async def _tick(
    update: Update, context: BotContext, item_id: int
) -> tuple[ActionItem, bool] | None:
    """Tick the item done if the presser may (refused politely otherwise: None). The item,
    and whether this press ticked it (False: it was done already)."""
    query = update.callback_query
    assert query is not None
    item = await context.storage.actions.get(item_id)
    if item is None:
        await answer_unusable(update, context)
        return None
    if not await _may_tick(context, query.from_user.id, item):
        tr = (await context.reader(update)).tr
        await query.answer(view.not_yours(tr), show_alert=True)
        return None
    ticked = await context.storage.actions.done(item.id, query.from_user.id, context.clock.now())
    return item, ticked


async def tick_pressed(update: Update, context: BotContext, data: ActionTick) -> None:
    query = update.callback_query
    assert query is not None
    tr = (await context.reader(update)).tr
    found = await _tick(update, context, data.item_id)
    if found is None:
        return
    item, ticked = found
    if not ticked:
        await query.answer(view.already_done(tr))
    else:
        await query.answer(view.ticked(tr, item))
        await _changed(context, item)
    shown = await _listing(update, context, data.target, data.page)
    if shown is not None and isinstance(query.message, Message):
        bot = update.get_bot()
        assert isinstance(bot, ExtBot)
        try:
            await answers.edit(bot, query.message, *shown)
        except BadRequest as exc:
            if "not modified" not in exc.message.lower():
                raise


async def done_pressed(update: Update, context: BotContext, data: ActionDone) -> None:
    """✅ under an owner's private reminder."""
    tr = (await context.reader(update)).tr
    found = await _tick(update, context, data.item_id)
    if found is None:
        return
    item, ticked = found
    await show(update, view.reminder_done(tr, item))  # the presser first, then the groups
    if ticked:
        await _changed(context, item)


def register(application: BotApplication) -> None:
    application.add_handler(conversation())
    application.add_handler(on_command("actions", actions_command))
    application.add_handler(on_press(ActionPage, page_pressed))
    application.add_handler(on_press(ActionTick, tick_pressed))
    application.add_handler(on_press(ActionDone, done_pressed))
