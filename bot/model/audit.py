"""The records editable from the chat, and the audit trail's entries: plain values."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from bot.model.domain import (
    ChecklistItem,
    Dataset,
    Event,
    MeetingChange,
    MeetingSeries,
    Milestone,
)

EditableRecord = Event | Milestone | MeetingSeries | MeetingChange | ChecklistItem

UNDO_WINDOW = timedelta(minutes=15)
"""How long the author of a change may take it back."""


class RecordKind(StrEnum):
    """A kind of record editable from the chat; the value is stored in the audit."""

    EVENT = "event"
    MILESTONE = "milestone"
    SERIES = "series"
    CHANGE = "change"
    CHECKLIST_ITEM = "checklist_item"
    """An item of an exchange's checklist (who ticked it is not audited: only its fields)."""

    @property
    def cls(self) -> type[Any]:
        return _CLASSES[self]

    @property
    def section(self) -> str:
        """The dataset field (and table) holding this kind."""
        return _SECTIONS[self]

    @classmethod
    def of(cls, record: EditableRecord) -> RecordKind:
        for kind, record_cls in _CLASSES.items():
            if isinstance(record, record_cls):
                return kind
        raise TypeError(f"not an editable record: {type(record).__name__}")


_CLASSES: dict[RecordKind, type[Any]] = {
    RecordKind.EVENT: Event,
    RecordKind.MILESTONE: Milestone,
    RecordKind.SERIES: MeetingSeries,
    RecordKind.CHANGE: MeetingChange,
    RecordKind.CHECKLIST_ITEM: ChecklistItem,
}
_SECTIONS = {
    RecordKind.EVENT: "events",
    RecordKind.MILESTONE: "milestones",
    RecordKind.SERIES: "meeting_series",
    RecordKind.CHANGE: "meeting_changes",
    RecordKind.CHECKLIST_ITEM: "checklist_items",
}


class Action(StrEnum):
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"


@dataclass(frozen=True)
class AuditEntry:
    """One change: the record before and after, in the dataset file's form (None: it did
    not exist). `actor` None: a former member, erased at their request."""

    id: int
    at: datetime
    actor: int | None
    kind: RecordKind
    record_id: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    undoes: int | None = None
    undone_by: int | None = None

    @property
    def action(self) -> Action:
        if self.before is None:
            return Action.CREATE
        return Action.DELETE if self.after is None else Action.UPDATE

    def changed_fields(self) -> list[str]:
        """The fields whose value differs before and after, in the record's order."""
        before, after = self.before or {}, self.after or {}
        keys = list(dict.fromkeys([*before, *after]))
        return [k for k in keys if before.get(k) != after.get(k) and k != "id"]


class NotUndoable(StrEnum):
    """Why a user's last change cannot be taken back."""

    NOTHING = "nothing"
    """No change of theirs, or the last one is an undo or was taken back already."""
    WINDOW = "window"
    CHANGED = "changed"
    """Someone changed that record after them."""
    REFUSED = "refused"
    """They may no longer change that record (dismissed since): told so already."""


def why_not_undoable(
    last: AuditEntry | None, user_id: int, now: datetime, changed_since: bool
) -> NotUndoable | None:
    """Why `last`, the user's last change, cannot be taken back; None if it can."""
    if last is None or last.actor != user_id or last.undoes is not None:
        return NotUndoable.NOTHING
    if last.undone_by is not None:
        return NotUndoable.NOTHING
    if now - last.at > UNDO_WINDOW:
        return NotUndoable.WINDOW
    return NotUndoable.CHANGED if changed_since else None


def dataset_of(record: EditableRecord) -> Dataset:
    """The record as the one record of a dataset: what an import of it would hold."""
    parts: dict[str, Any] = {RecordKind.of(record).section: (record,)}
    return Dataset(**parts)
