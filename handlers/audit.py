"""The audit trail in the chat: 📜 on an item (its changes), /history (the latest changes
the sender may see), /undo (the sender's last change taken back)."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import Update

from bot.model.audit import AuditEntry, EditableRecord, NotUndoable, RecordKind
from bot.model.codec import to_plain
from bot.model.domain import LocalizedText, MeetingSeries
from bot.telegram.callbacks import on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import EditTarget, History, HistoryPage, LatestPage
from bot.text.markup import escape
from bot.views import audit as view
from bot.views.audit import Actor, ActorKind
from handlers.common import on_command, show, show_below
from handlers.editing import partnership_of, take_back

RECORD_KINDS: Mapping[EditTarget, RecordKind] = {
    EditTarget.EVENT: RecordKind.EVENT,
    EditTarget.MILESTONE: RecordKind.MILESTONE,
    EditTarget.SERIES: RecordKind.SERIES,
}
LATEST = 200
"""The latest changes /history looks through (newest first)."""


async def actor_name(context: BotContext, user_id: int) -> str | None:
    """The person's name, when they chose to be seen (listed in the directory, /listme);
    anyone else is named by their role."""
    listing = await context.storage.people.listing(user_id)
    return None if listing is None else listing.name


class Actors:
    """Who made each change, for one reader: a name if known, else their role now."""

    def __init__(self, context: BotContext, reader_id: int) -> None:
        self.context, self.reader_id = context, reader_id
        self._known: dict[int, Actor] = {}

    async def of(self, entry: AuditEntry) -> Actor:
        if entry.actor is None:
            return Actor(ActorKind.FORMER_MEMBER)
        if entry.actor == self.reader_id:
            return Actor(ActorKind.YOU)
        if entry.actor not in self._known:
            self._known[entry.actor] = await self._look_up(entry.actor)
        return self._known[entry.actor]

    async def _look_up(self, user_id: int) -> Actor:
        name = await actor_name(self.context, user_id)
        if name:
            return Actor(ActorKind.NAMED, name)
        roles = await self.context.roles(user_id)
        if roles.coordinator:
            return Actor(ActorKind.COORDINATOR)
        return Actor(ActorKind.FOCAL_POINT if roles.focal else ActorKind.FORMER_EDITOR)


async def record_of(context: BotContext, kind: RecordKind, record_id: str) -> EditableRecord | None:
    """The record as stored now (None: removed, or never there)."""
    network = context.storage.network
    if kind is RecordKind.EVENT:
        return await network.event(record_id)
    if kind is RecordKind.SERIES:
        return await network.series(record_id)
    if kind is RecordKind.MILESTONE:
        return next((m for m in await network.milestones() if m.id == record_id), None)
    return next((c for c in await network.meeting_changes() if c.id == record_id), None)


def entry_partnership(
    entry: AuditEntry,
    series: Mapping[str, MeetingSeries],
    exchanges: Mapping[str, str | None] | None = None,
) -> str | None:
    """The partnership a change was about, from the record as it was (None: a phase's or
    the network's record, or a meeting of a series no longer there; a checklist item is
    its exchange's, from `exchanges`: exchange id → partnership)."""
    plain = entry.after or entry.before or {}
    if entry.kind is RecordKind.CHANGE:
        found = series.get(str(plain.get("series_id")))
        return found.partnership_id if found is not None else None
    if entry.kind is RecordKind.CHECKLIST_ITEM:
        return (exchanges or {}).get(str(plain.get("event_id")))
    pid = plain.get("partnership_id")
    return str(pid) if pid else None


async def all_series(context: BotContext) -> dict[str, MeetingSeries]:
    return {s.id: s for s in await context.storage.network.meeting_series()}


def titles(series: Mapping[str, MeetingSeries]) -> dict[str, LocalizedText]:
    return {sid: s.title for sid, s in series.items()}


# -- 📜 an item's changes -------------------------------------------------------------------


async def item_history(update: Update, context: BotContext, data: History) -> None:
    await _item_page(update, context, data.target, data.record_id, 0, below=True)


async def item_history_page(update: Update, context: BotContext, data: HistoryPage) -> None:
    await _item_page(update, context, data.target, data.record_id, data.page)


async def _item_page(
    update: Update,
    context: BotContext,
    target: EditTarget,
    record_id: str,
    page: int,
    *,
    below: bool = False,
) -> None:
    user, query = update.effective_user, update.callback_query
    assert user is not None and query is not None
    tr, zone = (reader := await context.reader(update)).tr, reader.zone
    kind = RECORD_KINDS[target]
    storage = context.storage.edits
    if kind is RecordKind.SERIES:
        entries = await storage.series_history(record_id)
    elif kind is RecordKind.EVENT:  # with its checklist's items
        entries = await storage.event_history(record_id)
    else:
        entries = await storage.history(kind, record_id)
    series = await all_series(context)
    record = await record_of(context, kind, record_id)
    if record is not None:
        pid = await partnership_of(context, record)
    else:  # removed: whose it was, from its last change
        pid = next((entry_partnership(e, series) for e in entries if e.kind is kind), None)
    if not (await context.roles(user.id)).may_edit(pid):
        await query.answer(view.not_allowed(tr), show_alert=True)
        return
    own = next((e for e in entries if e.kind is kind), None)
    names = titles(series)
    if record is not None:
        label = view.label_of(tr, kind, record_id, to_plain(record), names)
    elif own is not None:
        label = view.record_label(tr, own, names)
    else:
        label = escape(record_id)
    actors = Actors(context, user.id)
    blocks = [
        view.entry_block(
            tr,
            e,
            await actors.of(e),
            zone,
            record=view.record_label(tr, e, names) if e.kind is not kind else None,
        )
        for e in entries
    ]
    reply = view.changes_page(
        tr, view.item_heading(tr, label), blocks, page, lambda n: HistoryPage(target, n, record_id)
    )
    await (show_below if below else show)(update, *reply)


# -- /history: the latest changes ------------------------------------------------------------


async def latest(update: Update, context: BotContext) -> None:
    await _latest_page(update, context, 0)


async def latest_page(update: Update, context: BotContext, data: LatestPage) -> None:
    await _latest_page(update, context, data.page)


async def _latest_page(update: Update, context: BotContext, page: int) -> None:
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    tr, zone = (reader := await context.reader(update)).tr, reader.zone
    if chat.type != chat.PRIVATE:
        await show(update, view.in_private(tr, "history"))
        return
    roles = await context.roles(user.id)
    if not roles.edits_anything:
        if update.callback_query is not None:
            await update.callback_query.answer(view.not_an_editor(tr), show_alert=True)
        else:
            await show(update, escape(view.not_an_editor(tr)))
        return
    series = await all_series(context)
    recent = await context.storage.edits.recent(limit=LATEST)
    exchanges = await _exchanges_of(context, recent)
    visible = [e for e in recent if roles.may_edit(entry_partnership(e, series, exchanges))]
    actors, names = Actors(context, user.id), titles(series)
    blocks = [
        view.entry_block(tr, e, await actors.of(e), zone, record=view.record_label(tr, e, names))
        for e in visible
    ]
    await show(update, *view.changes_page(tr, view.latest_heading(tr), blocks, page, LatestPage))


async def _exchanges_of(context: BotContext, entries: list[AuditEntry]) -> dict[str, str | None]:
    """The partnership of each exchange whose checklist items the entries changed (a
    removed exchange's: from its removal's row among them, else None, coordinators')."""
    wanted = {
        str((e.after or e.before or {}).get("event_id"))
        for e in entries
        if e.kind is RecordKind.CHECKLIST_ITEM
    }
    found: dict[str, str | None] = {}
    for e in entries:
        if e.kind is RecordKind.EVENT and e.record_id in wanted and e.before is not None:
            found.setdefault(e.record_id, entry_partnership(e, {}))
    for event_id in wanted:
        event = await context.storage.network.event(event_id)
        if event is not None:
            found[event_id] = await partnership_of(context, event)
    return found


# -- /undo ---------------------------------------------------------------------------------


async def undo(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    tr = (await context.reader(update)).tr
    if chat.type != chat.PRIVATE:
        await show(update, view.in_private(tr, "undo"))
        return
    result = await take_back(update, context)
    if not isinstance(result, AuditEntry) and result is not NotUndoable.REFUSED:
        await show(update, view.not_undone(tr, result))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("history", latest))
    application.add_handler(on_command("undo", undo))
    application.add_handler(on_press(History, item_history))
    application.add_handler(on_press(HistoryPage, item_history_page))
    application.add_handler(on_press(LatestPage, latest_page))
