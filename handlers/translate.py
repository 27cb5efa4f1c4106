"""🌐 Add a translation: a guided conversation in the private chat (kept in the database):
which language, which text, the text typed, ✅; saved through handlers/editing.save, so
it is checked, audited and taken back like every change. Only those who may change the
item may add one. Tests reach it for any id by pressing `Translate(target, id)`."""

from __future__ import annotations

import dataclasses
from collections.abc import Awaitable, Callable
from enum import IntEnum
from typing import Any, NoReturn, TypeVar

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ConversationHandler,
    MessageHandler,
)

from bot.model.audit import EditableRecord
from bot.model.domain import LANGUAGES, Event, LocalizedText, MeetingSeries, Milestone
from bot.telegram.callbacks import CallbackData, answer_unusable, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import EditTarget, Translate, TranslateChoice, TranslateStep
from bot.telegram.persistence import Drafts, guided_conversation
from bot.text.markup import escape
from bot.views import translate as view
from bot.views.subscriptions import not_in_network
from handlers.audit import RECORD_KINDS, record_of
from handlers.common import PRIVATE_TEXT, show, show_below
from handlers.editing import may_edit, partnership_of, save

NAME = "translate"
CONVERSATIONS = -1
"""The handler group of the guided conversations."""
END = ConversationHandler.END
FIELDS = ("title", "place", "note")
"""The texts of a record an editor types, in the order they are offered."""
MOST = 400
"""Characters a typed translation may have (a title or a place is far shorter)."""


class Step(IntEnum):
    LANGUAGE = 1
    FIELD = 2
    TEXT = 3
    CONFIRM = 4


def texts_of(record: EditableRecord) -> dict[str, LocalizedText]:
    """The record's typed texts that are there: title, place, note."""
    if not isinstance(record, (Event, Milestone, MeetingSeries)):
        return {}
    found = {field: getattr(record, field, None) for field in FIELDS}
    return {field: text for field, text in found.items() if isinstance(text, LocalizedText)}


def missing(texts: dict[str, LocalizedText], lang: str) -> list[str]:
    """The texts without a variant in `lang`."""
    return [field for field, text in texts.items() if lang not in text.languages()]


def _next(state: int) -> NoReturn:
    """Go to `state`; the bot's other handlers do not see this update."""
    raise ApplicationHandlerStop(state)


DRAFTS = Drafts(NAME)
_draft, _keep = DRAFTS.get, DRAFTS.put


async def _end(update: Update, context: BotContext, said: str | None = None) -> NoReturn:
    await DRAFTS.drop(update, context)
    if said is not None:
        await show(update, said)
    _next(END)


async def _record(update: Update, context: BotContext, draft: dict[str, Any]) -> EditableRecord:
    """The record as stored now, if it is still there and the sender may still change it;
    else the conversation ends (with the reason said)."""
    kind = RECORD_KINDS[EditTarget(draft["target"])]
    record = await record_of(context, kind, str(draft["id"]))
    if record is None:
        tr = (await context.reader(update)).tr
        await _end(update, context, escape(not_in_network(tr)))
    if not await may_edit(update, context, await partnership_of(context, record)):
        await _end(update, context)
    return record


async def begin(update: Update, context: BotContext, data: Translate) -> None:
    chat = update.effective_chat
    assert chat is not None
    if chat.type != chat.PRIVATE:  # the buttons appear in the private chat only
        await answer_unusable(update, context)
        return
    draft = {"target": data.target.value, "id": data.record_id}
    record = await _record(update, context, draft)
    tr = (await context.reader(update)).tr
    texts = texts_of(record)
    languages = [lang for lang in LANGUAGES if missing(texts, lang)]
    if not languages:
        await _end(update, context, view.nothing_missing(tr))
    await _keep(update, context, draft)
    await show_below(update, *view.pick_language(tr, texts["title"], languages))
    _next(Step.LANGUAGE)


async def pressed(update: Update, context: BotContext, data: TranslateStep) -> None:
    """A button of the conversation: a language, a text, save, cancel."""
    tr = (await context.reader(update)).tr
    draft = await _draft(update, context)
    if data.choice is TranslateChoice.CANCEL or "id" not in draft:
        await _end(update, context, view.cancelled(tr))
    record = await _record(update, context, draft)
    texts = texts_of(record)
    if data.choice is TranslateChoice.LANGUAGE and data.value in LANGUAGES:
        draft.update(lang=data.value, field=None)
        fields = missing(texts, data.value)
        if len(fields) != 1:
            await _keep(update, context, draft)
            await show(update, *view.pick_field(tr, data.value, fields or list(texts)))
            _next(Step.FIELD)
        draft["field"] = fields[0]
    elif data.choice is TranslateChoice.FIELD and data.value in texts and draft.get("lang"):
        draft["field"] = data.value
    elif data.choice is TranslateChoice.SAVE and draft.get("text") and draft.get("field"):
        field, lang = str(draft["field"]), str(draft["lang"])
        if field not in texts:  # removed meanwhile by another editor
            await _end(update, context, view.cancelled(tr))
        changes: dict[str, Any] = {field: texts[field].with_variant(lang, str(draft["text"]))}
        await save(update, context, dataclasses.replace(record, **changes))
        await _end(update, context)
    else:  # a button of an earlier step, pressed again: the step asked now stands
        assert update.callback_query is not None
        await update.callback_query.answer()
        return
    await _keep(update, context, draft)
    field = str(draft["field"])
    await show(update, *view.ask_text(tr, str(draft["lang"]), field, texts[field]))
    _next(Step.TEXT)


async def typed(update: Update, context: BotContext) -> None:
    message = update.effective_message
    assert message is not None
    tr = (await context.reader(update)).tr
    draft = await _draft(update, context)
    text = " ".join((message.text or "").split())
    if not draft.get("field") or not draft.get("lang"):
        await _end(update, context, view.cancelled(tr))
    if len(text) > MOST or not text:
        await show(update, view.too_long(tr, MOST))
        _next(Step.TEXT)
    draft["text"] = text
    await _keep(update, context, draft)
    await show(update, *view.confirm(tr, str(draft["lang"]), str(draft["field"]), text))
    _next(Step.CONFIRM)


C = TypeVar("C", bound=CallbackData)


def _press(
    kind: type[C], callback: Callable[[Update, BotContext, C], Awaitable[None]]
) -> CallbackQueryHandler[BotContext, None]:
    """`on_press`, stopping the update here whatever happens (a step that returns keeps
    the conversation where it is), so the bot's last button handler does not answer the
    press a second time."""
    handler = on_press(kind, callback)

    async def handle(update: Update, context: BotContext) -> None:
        await handler.callback(update, context)
        raise ApplicationHandlerStop

    return CallbackQueryHandler(handle, pattern=kind.owns)


def conversation() -> ConversationHandler[BotContext]:
    buttons = _press(TranslateStep, pressed)
    return guided_conversation(
        NAME,
        entry_points=[_press(Translate, begin)],
        states={
            Step.LANGUAGE: [buttons],
            Step.FIELD: [buttons],
            Step.TEXT: [MessageHandler(PRIVATE_TEXT, typed), buttons],
            Step.CONFIRM: [buttons],
        },
        fallbacks=[],
        allow_reentry=True,
    )


def register(application: BotApplication) -> None:
    """In a group of its own, tried before the bot's other handlers: while a user's
    conversation is open, their typed text is its answer (not a search, not a town);
    each step stops the update there (ApplicationHandlerStop)."""
    application.add_handler(conversation(), group=CONVERSATIONS)
