"""✏️ under an exchange's checklist: add an item, change one's title, lead time, whose task
or note, or remove it, in the private chat, for those who may edit the exchange. Each
change is saved at once through handlers/editing.save (the import's check, the audit row,
the re-plan, ✅ with ↩️); the item's screen follows. No command of its own: the button.

One persistent conversation ("checklist"): its state is the question asked; the draft
names the exchange and the item (and, while adding, the title and lead given so far)."""

from __future__ import annotations

from dataclasses import replace
from enum import IntEnum
from typing import Any

from telegram import Chat, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.model.audit import RecordKind
from bot.model.checklists import item_id
from bot.model.domain import ChecklistItem, ChecklistSide, Event, LeadTime, LocalizedText
from bot.model.roles import Side
from bot.telegram.callbacks import answer_unusable
from bot.telegram.commands import names
from bot.telegram.context import BotContext
from bot.telegram.edit_callbacks import ChecklistDo, ChecklistEdit, ChecklistStep
from bot.telegram.persistence import Drafts, guided_conversation
from bot.text.typed_leads import parse_lead
from bot.views import checklist_edit as view
from bot.views.common import marked
from handlers import editing
from handlers.common import PRIVATE_TEXT, say, show_below

NAME = "checklist"
END = ConversationHandler.END
DRAFTS = Drafts(NAME)
Draft = dict[str, Any]
_LEAD_VALUES = frozenset(str(days) for days in view.LEAD_CHOICES)


class Step(IntEnum):
    LIST = 1
    ITEM = 2
    TITLE = 3
    LEAD = 4
    SIDE = 5
    NOTE = 6
    REMOVE = 7


# -- reading ---------------------------------------------------------------------------------


async def _event(context: BotContext, draft: Draft) -> Event | None:
    return await context.storage.network.event(str(draft.get("event")))


async def _items(context: BotContext, event_id: str) -> list[ChecklistItem]:
    return [item for item, _tick in await context.storage.checklists.items(event_id)]


async def _item(context: BotContext, draft: Draft) -> ChecklistItem | None:
    found = await context.storage.checklists.item(str(draft.get("item")))
    if found is None or found[0].event_id != draft.get("event"):
        return None
    return found[0]


async def _towns(context: BotContext, event: Event, lang: str) -> view.Towns:
    """The host's and the travellers' towns by name (unknown while nobody travels)."""
    if event.partnership_id is None or event.travelling is None:
        return view.Towns(None, None)
    cards = await context.storage.network.partnerships([event.partnership_id])
    if not cards:
        return view.Towns(None, None)
    card = cards[0]
    north, south = card.north.name.get(lang), card.south.name.get(lang)
    if event.travelling is Side.NORTH:
        return view.Towns(host=south, travelling=north)
    return view.Towns(host=north, travelling=south)


# -- saying ----------------------------------------------------------------------------------


async def ask(
    update: Update,
    context: BotContext,
    draft: Draft,
    step: Step,
    problem: str = "",
    *,
    new: bool = False,
) -> Step | int:
    """Put `step`'s question (the list, an item, a field), keep the draft, go there."""
    tr = (await context.reader(update)).tr
    event = await _event(context, draft)
    if event is None:
        return await _gone(update, context)
    item = await _item(context, draft) if draft.get("item") else None
    if step not in (Step.LIST, Step.TITLE, Step.LEAD, Step.SIDE) and item is None:
        step = Step.LIST  # removed meanwhile: back to what is there
    draft["step"] = int(step)
    await DRAFTS.put(update, context, draft)
    if step is Step.LIST:
        title = marked(event.title, tr.lang)
        text, markup = view.item_list(tr, title, await _items(context, event.id))
    elif step is Step.ITEM and item is not None:
        text, markup = view.item_screen(tr, item, await _towns(context, event, tr.lang))
    elif step is Step.TITLE:
        text, markup = view.ask_title(tr, "adding" in draft, problem)
    elif step is Step.LEAD:
        text, markup = view.ask_lead(tr, problem)
    elif step is Step.SIDE:
        text, markup = view.ask_side(tr, await _towns(context, event, tr.lang))
    elif step is Step.NOTE:
        text, markup = view.ask_note(tr, problem)
    else:
        assert item is not None
        text, markup = view.confirm_removal(tr, item.title)
    await say(update, text, markup, new=new or update.message is not None)
    return step


async def _gone(update: Update, context: BotContext) -> int:
    tr = (await context.reader(update)).tr
    await DRAFTS.drop(update, context)
    if update.callback_query is not None:
        await update.callback_query.answer(view.gone(tr), show_alert=True)
    else:
        await say(update, view.gone(tr), None)
    return END


# -- entering --------------------------------------------------------------------------------


async def begin(update: Update, context: BotContext) -> Step | int:
    """✏️ under a checklist: its items, as a new message under it (the checklist stays)."""
    query = update.callback_query
    data = ChecklistEdit.unpack(query.data if query else None)
    if query is None or data is None or update.effective_chat is None:
        await answer_unusable(update, context)  # forged, or under an inline message
        return END
    tr = (await context.reader(update)).tr
    event = await context.storage.network.event(data.event_id)
    if event is None:
        await query.answer(view.gone(tr), show_alert=True)
        return END
    if not await editing.may_edit(update, context, await editing.partnership_of(context, event)):
        return END
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        await query.answer(view.in_private(tr), show_alert=True)
        return END
    draft: Draft = {"event": event.id}
    draft["step"] = int(Step.LIST)
    await DRAFTS.put(update, context, draft)
    title = marked(event.title, tr.lang)
    await show_below(update, *view.item_list(tr, title, await _items(context, event.id)))
    return Step.LIST


# -- answers ---------------------------------------------------------------------------------


async def pressed(update: Update, context: BotContext) -> Step | int:
    query = update.callback_query
    assert query is not None
    tr = (await context.reader(update)).tr
    data = ChecklistStep.unpack(query.data)
    draft = await DRAFTS.find(update, context)
    if draft is None or data is None:
        await query.answer(view.stale(tr), show_alert=True)
        return END if draft is None else int(draft.get("step", Step.LIST))
    step = Step(int(draft.get("step", Step.LIST)))
    act, value = data.act, data.value
    if act is ChecklistDo.CLOSE:
        await DRAFTS.drop(update, context)
        await say(update, view.closed(tr), None)
        return END
    if act is ChecklistDo.LIST:
        draft.pop("item", None)
        draft.pop("adding", None)
        return await ask(update, context, draft, Step.LIST)
    if act is ChecklistDo.ITEM:
        draft["item"] = value
        draft.pop("adding", None)
        return await ask(update, context, draft, Step.ITEM)
    if act is ChecklistDo.ADD:
        draft.pop("item", None)
        draft["adding"] = {}
        return await ask(update, context, draft, Step.TITLE)
    if step is Step.ITEM and not value:
        asked = {
            ChecklistDo.TITLE: Step.TITLE,
            ChecklistDo.LEAD: Step.LEAD,
            ChecklistDo.SIDE: Step.SIDE,
            ChecklistDo.NOTE: Step.NOTE,
            ChecklistDo.REMOVE: Step.REMOVE,
        }.get(act)
        if asked is not None:
            return await ask(update, context, draft, asked)
    if act is ChecklistDo.LEAD and step is Step.LEAD and value in _LEAD_VALUES:
        return await _lead(update, context, draft, LeadTime(int(value)))
    if act is ChecklistDo.SIDE and step is Step.SIDE:
        side = next((s for s in ChecklistSide if s.value == value), None)
        if side is not None:
            return await _side(update, context, draft, side)
    if act is ChecklistDo.NOTE and step is Step.NOTE and value == "-":
        return await _change(update, context, draft, note=None)
    if act is ChecklistDo.REMOVE_SURE and step is Step.REMOVE:
        return await _remove(update, context, draft)
    await query.answer(view.stale(tr), show_alert=True)
    return step


async def typed(update: Update, context: BotContext) -> Step | int:
    """A typed title, lead time or note; anything else: the buttons, please."""
    draft = await DRAFTS.find(update, context)
    if draft is None:
        return END
    tr = (reader := await context.reader(update)).tr
    step = Step(int(draft.get("step", Step.LIST)))
    assert update.effective_message is not None
    text = " ".join((update.effective_message.text or "").split())
    if step is Step.LEAD:
        lead = parse_lead(text)
        if lead is None:
            return await ask(update, context, draft, step, view.not_a_lead(tr))
        return await _lead(update, context, draft, lead)
    if step not in (Step.TITLE, Step.NOTE):
        return await ask(update, context, draft, step, view.answer_with_buttons(tr))
    most = view.TITLE_MOST if step is Step.TITLE else view.NOTE_MOST
    if not text or len(text) > most:
        return await ask(update, context, draft, step, view.too_long(tr, most) if text else "")
    lang = reader.tr.lang
    if step is Step.TITLE and "adding" in draft:
        draft["adding"] = {"title": text, "lang": lang}
        return await ask(update, context, draft, Step.LEAD)
    item = await _item(context, draft)
    if item is None:
        return await ask(update, context, draft, Step.LIST)
    if step is Step.TITLE:
        return await _change(update, context, draft, title=item.title.with_variant(lang, text))
    note = LocalizedText.of(text, lang) if item.note is None else item.note.with_variant(lang, text)
    return await _change(update, context, draft, note=note)


async def _lead(update: Update, context: BotContext, draft: Draft, lead: LeadTime) -> Step | int:
    adding = draft.get("adding")
    if isinstance(adding, dict) and adding.get("title"):
        adding["lead"] = lead.days
        return await ask(update, context, draft, Step.SIDE)
    return await _change(update, context, draft, lead=lead)


async def _side(
    update: Update, context: BotContext, draft: Draft, side: ChecklistSide
) -> Step | int:
    adding = draft.get("adding")
    if isinstance(adding, dict) and adding.get("title") and "lead" in adding:
        return await _add(update, context, draft, adding, side)
    return await _change(update, context, draft, side=side)


# -- saving ----------------------------------------------------------------------------------


async def _change(update: Update, context: BotContext, draft: Draft, **fields: Any) -> Step | int:
    """One field of the item changed and saved (its tick stays the stored one's: the
    storage takes it from the stored item); the item's screen follows the ✅."""
    item = await _item(context, draft)
    if item is None:
        return await ask(update, context, draft, Step.LIST, new=True)
    if await editing.save(update, context, replace(item, **fields)) is None:
        return await ask(update, context, draft, Step.ITEM, new=True)
    return await ask(update, context, draft, Step.ITEM, new=True)


async def _add(
    update: Update, context: BotContext, draft: Draft, adding: dict[str, Any], side: ChecklistSide
) -> Step | int:
    """A new item at the end of the list, saved; its screen follows (for a note)."""
    event = await _event(context, draft)
    if event is None:
        return await _gone(update, context)
    items = await _items(context, event.id)
    position = max((i.position for i in items), default=0) + 1
    taken = (await context.storage.network.ids())["checklist_items"]
    item = ChecklistItem(
        id=item_id(event.id, position, taken),
        event_id=event.id,
        position=position,
        title=LocalizedText.of(str(adding["title"]), str(adding["lang"])),
        side=side,
        lead=LeadTime(int(adding["lead"])),
    )
    draft.pop("adding", None)
    if await editing.save(update, context, item) is None:
        return await ask(update, context, draft, Step.LIST, new=True)
    draft["item"] = item.id
    return await ask(update, context, draft, Step.ITEM, new=True)


async def _remove(update: Update, context: BotContext, draft: Draft) -> Step | int:
    item = await _item(context, draft)
    draft.pop("item", None)
    if item is not None:
        await editing.remove(update, context, RecordKind.CHECKLIST_ITEM, item)
    return await ask(update, context, draft, Step.LIST, new=True)


async def cancel(update: Update, context: BotContext) -> int:
    """/cancel inside: the conversation ends (every change so far is saved already)."""
    await DRAFTS.drop(update, context)
    await say(update, view.closed((await context.reader(update)).tr), None)
    return END


# -- wiring ----------------------------------------------------------------------------------


def conversation() -> ConversationHandler[BotContext]:
    text: BaseHandler[Update, BotContext, Any] = MessageHandler(PRIVATE_TEXT, typed)
    buttons = CallbackQueryHandler(pressed, pattern=ChecklistStep.owns)
    states: dict[int | str, list[BaseHandler[Update, BotContext, Any]]] = {
        int(step): [text, buttons] for step in Step
    }
    return guided_conversation(
        NAME,
        entry_points=[CallbackQueryHandler(begin, pattern=ChecklistEdit.owns)],
        states=states,
        fallbacks=[
            CommandHandler(names("cancel"), cancel, filters=filters.UpdateType.MESSAGE),
        ],
        allow_reentry=True,
    )


def register(application: Any) -> None:
    application.add_handler(conversation())
