"""What every edit from the chat does the same way: who may, the save through the import's
check with its audit row, the re-plan that carries the change to the groups, and ↩️."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update

from bot.model.audit import (
    AuditEntry,
    EditableRecord,
    NotUndoable,
    RecordKind,
    why_not_undoable,
)
from bot.model.codec import DatasetError, from_plain
from bot.model.domain import ChecklistItem, Event, MeetingChange, MeetingSeries
from bot.telegram.callbacks import on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import UndoEdit
from bot.text.markup import escape
from bot.views import audit as audit_view
from bot.views import editing as view
from bot.views.subscriptions import not_in_network
from handlers.common import show


async def partnership_of(context: BotContext, record: EditableRecord) -> str | None:
    """The partnership a record belongs to (its focal points may change it); None for a
    phase's or the network's record, and for an event that reaches a phase's or a
    programme's groups (coordinators only). A checklist item is its exchange's."""
    if isinstance(record, Event):
        return None if record.phase_id or record.programme_id else record.partnership_id
    if isinstance(record, MeetingSeries):
        return record.partnership_id
    if isinstance(record, MeetingChange):
        series = await context.storage.network.series(record.series_id)
        return series.partnership_id if series is not None else None
    if isinstance(record, ChecklistItem):  # its exchange's (a removed one: coordinators')
        event = await context.storage.network.event(record.event_id)
        return await partnership_of(context, event) if event is not None else None
    return None


async def _stored(context: BotContext, record: EditableRecord) -> EditableRecord | None:
    """The record of that id as it is stored now, if it is."""
    kind = RecordKind.of(record)
    return await context.storage.edits.current(kind, record.id)


async def may_edit(update: Update, context: BotContext, partnership_id: str | None) -> bool:
    """Whether the sender may change a record of `partnership_id`; if not, they are told
    so (a pop-up for a button, a reply for a message) and nothing changes."""
    user = update.effective_user
    if user is not None and (await context.roles(user.id)).may_edit(partnership_id):
        return True
    tr = (await context.reader(update)).tr
    if update.callback_query is not None:
        await update.callback_query.answer(view.refusal(tr), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(view.refusal(tr))
    return False


async def save(
    update: Update,
    context: BotContext,
    record: EditableRecord,
    *,
    tell: Callable[[AuditEntry], Awaitable[str | None]] | None = None,
) -> AuditEntry | None:
    """Check the sender's right, save with the audit row, re-plan every chat, and say so
    (with ↩️; `tell` may add a line about what the save made, HTML). A value the import
    would refuse is named and nothing is saved: None."""
    user = update.effective_user
    assert user is not None
    stored = await _stored(context, record)
    for version in (record, stored) if stored is not None else (record,):
        # The stored one too: a record is not moved out of the hands of those it was in.
        if not await may_edit(update, context, await partnership_of(context, version)):
            return None
    tr = (await context.reader(update)).tr
    try:
        entry = await context.storage.edits.save(record, user.id, context.clock.now())
    except DatasetError as error:
        await show(update, view.not_saved(tr, error))
        return None
    await context.replan_everyone()
    text, markup = view.saved(tr, entry)
    more = await tell(entry) if tell is not None else None
    await show(update, f"{text}\n{more}" if more else text, markup)
    return entry


async def remove(
    update: Update, context: BotContext, kind: RecordKind, record: EditableRecord
) -> AuditEntry | None:
    """Remove a record (audited, ↩️ within the window), if the sender may."""
    user = update.effective_user
    assert user is not None
    if not await may_edit(update, context, await partnership_of(context, record)):
        return None
    entry = await context.storage.edits.delete(kind, record.id, user.id, context.clock.now())
    tr = (await context.reader(update)).tr
    if entry is None:
        await show(update, escape(not_in_network(tr)))
        return None
    await context.replan_everyone()
    await show(update, *view.saved(tr, entry))
    return entry


async def take_back(
    update: Update, context: BotContext, only: int | None = None
) -> AuditEntry | NotUndoable:
    """Take back the sender's last change (for ↩️: only if it is entry `only`), re-plan,
    and say what was taken back; else why not, for the caller to say (/undo and ↩️ say
    it differently)."""
    user = update.effective_user
    assert user is not None
    now = context.clock.now()
    edits = context.storage.edits
    last = await edits.last_by(user.id)
    changed = last is not None and await edits.changed_since(last)
    why = why_not_undoable(last, user.id, now, changed)
    if why is None and only is not None and last is not None and last.id != only:
        why = NotUndoable.NOTHING
    if why is None and last is not None:
        for version in (last.before, last.after):
            # Taken back as if saved now: a dismissed editor takes nothing back.
            record = None if version is None else from_plain(last.kind.cls, version, "undo")
            if record is not None and not await may_edit(
                update, context, await partnership_of(context, record)
            ):
                return NotUndoable.REFUSED
    undone = None if why is not None or last is None else await edits.undo(last, user.id, now)
    if last is None or undone is None:
        return why or NotUndoable.NOTHING
    await context.replan_everyone()
    tr = (await context.reader(update)).tr
    titles = {s.id: s.title for s in await context.storage.network.meeting_series()}
    await show(update, audit_view.taken_back(tr, last, audit_view.record_label(tr, last, titles)))
    return undone


async def undo(update: Update, context: BotContext, data: UndoEdit) -> None:
    """↩️: the author's last change, if it is this one and still theirs to take back."""
    taken = await take_back(update, context, data.entry)
    if not isinstance(taken, AuditEntry) and taken is not NotUndoable.REFUSED:
        tr = (await context.reader(update)).tr
        assert update.callback_query is not None
        await update.callback_query.answer(view.not_undoable(tr), show_alert=True)


def register(application: BotApplication) -> None:
    application.add_handler(on_press(UndoEdit, undo))
