"""Changes to the network's records made from the chat: validated as an import is, written
with their audit row in one transaction, listed, taken back by their author."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.model.audit import AuditEntry, EditableRecord, RecordKind, dataset_of, why_not_undoable
from bot.model.codec import from_plain, to_plain
from bot.model.dataset import check_dataset
from bot.model.domain import ChecklistItem, Dataset, Event, MeetingChange
from storage.db import Database
from storage.network import NetworkRepository, columns
from storage.records import fetch

_COLUMNS = "id, at, actor, kind, record_id, before, after, undoes, undone_by"


class EditsRepository:
    def __init__(self, db: Database, network: NetworkRepository) -> None:
        self.db = db
        self.network = network

    async def save(self, record: EditableRecord, actor: int, now: datetime) -> AuditEntry:
        """Create or update `record` as `actor`: a DatasetError (naming the field) if the
        import would refuse it, else written with its audit row, in one transaction."""
        kind = RecordKind.of(record)
        if isinstance(record, MeetingChange):
            record = await self._same_meeting(record)
        await self._check(kind, record)
        async with self.db.transaction() as conn:
            before = await self._current(kind, record.id)
            if isinstance(record, ChecklistItem):
                # An edit never ticks or opens an item: its tick stays the stored one's.
                stored = await self.current(kind, record.id)
                done = stored.done_on if isinstance(stored, ChecklistItem) else None
                record = replace(record, done_on=done)
            await self.network.write(conn, dataset_of(record))
            return await _log(conn, now, actor, kind, record.id, before, to_plain(record))

    async def delete(
        self, kind: RecordKind, record_id: str, actor: int, now: datetime
    ) -> AuditEntry | None:
        """Remove a record (a meeting series takes its moved and cancelled meetings with
        it, an exchange its checklist's items, each audited too); None if it was not
        there."""
        async with self.db.transaction() as conn:
            before = await self._current(kind, record_id)
            if before is None:
                return None
            if kind is RecordKind.SERIES:
                for change in await fetch(
                    conn,
                    MeetingChange,
                    "meeting_changes",
                    "SELECT * FROM meeting_changes WHERE series_id = ?",
                    [record_id],
                ):
                    await _log(
                        conn, now, actor, RecordKind.CHANGE, change.id, to_plain(change), None
                    )
            if kind is RecordKind.EVENT:  # its checklist goes with it (the FK's cascade)
                for item in await _items_of(conn, record_id):
                    await _log(
                        conn, now, actor, RecordKind.CHECKLIST_ITEM, item.id, to_plain(item), None
                    )
            await conn.execute(f"DELETE FROM {kind.section} WHERE id = ?", (record_id,))
            return await _log(conn, now, actor, kind, record_id, before, None)

    async def last_by(self, actor: int) -> AuditEntry | None:
        """The actor's last change, whatever became of it."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE actor = ? ORDER BY id DESC LIMIT 1", (actor,)
        )
        entries = [_entry(row) for row in rows]
        return entries[0] if entries else None

    async def changed_since(self, entry: AuditEntry) -> bool:
        """Whether the entry's record was changed again after it (for a series: or one of
        its meetings moved or cancelled, which taking it back would lose; for a checklist
        item: or its exchange removed; for an exchange's creation, whose undo removes its
        checklist: or one of its items changed or ticked, all of which came after it)."""
        plain = entry.after or entry.before or {}
        created = entry.kind is RecordKind.EVENT and entry.before is None
        later = await self.db.conn.execute_fetchall(
            "SELECT 1 FROM audit WHERE id > ?1 AND ((kind = ?2 AND record_id = ?3) OR "
            "(?2 = 'series' AND kind = 'change' AND ?3 IN "
            "(json_extract(after, '$.series_id'), json_extract(before, '$.series_id'))) OR "
            "(?2 = 'checklist_item' AND kind = 'event' AND after IS NULL AND record_id = ?4) OR "
            "(?5 AND kind = 'checklist_item' AND ?3 IN "
            "(json_extract(after, '$.event_id'), json_extract(before, '$.event_id')))) "
            "UNION ALL SELECT 1 FROM checklist_items "
            "WHERE ?5 AND event_id = ?3 AND done_on IS NOT NULL LIMIT 1",
            (entry.id, entry.kind.value, entry.record_id, str(plain.get("event_id", "")), created),
        )
        return bool(list(later))

    async def last_undoable(self, actor: int, now: datetime) -> AuditEntry | None:
        """The actor's last change, if it is still theirs to take back: within the undo
        window, not taken back yet, and nobody changed that record since."""
        entry = await self.last_by(actor)
        changed = entry is not None and await self.changed_since(entry)
        return entry if why_not_undoable(entry, actor, now, changed) is None else None

    async def undo_last(self, actor: int, now: datetime) -> AuditEntry | None:
        """Take back the actor's last change (see last_undoable); the undo is audited too.
        None when there is nothing to take back."""
        entry = await self.last_undoable(actor, now)
        return None if entry is None else await self.undo(entry, actor, now)

    async def undo(self, entry: AuditEntry, actor: int, now: datetime) -> AuditEntry:
        """Take back `entry`, which the caller found undoable (last_undoable, or
        why_not_undoable on what it read): the record as it was before, audited."""
        kind = entry.kind
        restored = None if entry.before is None else from_plain(kind.cls, entry.before, "undo")
        if restored is not None:
            await self._check(kind, restored)
        async with self.db.transaction() as conn:
            current = await self._current(kind, entry.record_id)
            if restored is None:
                await conn.execute(f"DELETE FROM {kind.section} WHERE id = ?", (entry.record_id,))
            elif isinstance(restored, Event) and entry.after is None:
                await self._restore_exchange(conn, entry, restored, actor, now)
            else:
                stored = await self.current(kind, entry.record_id)
                if isinstance(restored, ChecklistItem) and isinstance(stored, ChecklistItem):
                    # Taking an edit back takes no tick back, nor opens a ticked item.
                    restored = replace(restored, done_on=stored.done_on)
                await self.network.write(conn, dataset_of(restored))
            undo = await _log(
                conn, now, actor, kind, entry.record_id, current, entry.before, undoes=entry.id
            )
            await conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (undo.id, entry.id))
            if kind is RecordKind.SERIES and entry.after is None:
                await self._restore_meetings(conn, entry, actor, now)
            return undo

    async def _restore_exchange(
        self,
        conn: aiosqlite.Connection,
        removed: AuditEntry,
        event: Event,
        actor: int,
        now: datetime,
    ) -> None:
        """An exchange's removal taken back: written with its checklist's items as they
        were (audited in the same transaction, just before it), each with its own undo
        row; ticked ones stay ticked. Written together, so no fresh template copy is
        made; an exchange removed with an empty checklist comes back with none."""
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE kind = 'checklist_item' AND after IS NULL "
            "AND at = ? AND actor IS ? AND id < ? AND json_extract(before, '$.event_id') = ? "
            "ORDER BY id DESC",
            (removed.at.isoformat(), removed.actor, removed.id, removed.record_id),
        )
        taken: list[AuditEntry] = []
        for entry in map(_entry, rows):  # the rows just before it (one transaction's), not
            if entry.id != removed.id - len(taken) - 1:  # an item removed alone before
                break
            taken.append(entry)
        taken.reverse()
        items = tuple(from_plain(ChecklistItem, t.before or {}, "undo") for t in taken)
        await self.network.write(conn, Dataset(events=(event,), checklist_items=items))
        if not items:  # made from the template just now: it had none
            await conn.execute("DELETE FROM checklist_items WHERE event_id = ?", (event.id,))
        for item in taken:
            undo = await _log(
                conn, now, actor, item.kind, item.record_id, None, item.before, undoes=item.id
            )
            await conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (undo.id, item.id))

    async def _restore_meetings(
        self, conn: aiosqlite.Connection, ended: AuditEntry, actor: int, now: datetime
    ) -> None:
        """The moved and cancelled meetings a series' end took with it (audited in the
        same transaction, just before it), written back with their own undo rows."""
        rows = await conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE kind = 'change' AND after IS NULL "
            "AND at = ? AND actor IS ? AND id < ? AND json_extract(before, '$.series_id') = ?",
            (ended.at.isoformat(), ended.actor, ended.id, ended.record_id),
        )
        for taken in map(_entry, rows):
            assert taken.before is not None
            change = from_plain(MeetingChange, taken.before, "undo")
            await self.network.write(conn, dataset_of(change))
            undo = await _log(
                conn, now, actor, taken.kind, taken.record_id, None, taken.before, undoes=taken.id
            )
            await conn.execute("UPDATE audit SET undone_by = ? WHERE id = ?", (undo.id, taken.id))

    async def history(self, kind: RecordKind, record_id: str, limit: int = 50) -> list[AuditEntry]:
        """The record's changes, newest first."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE kind = ? AND record_id = ? "
            "ORDER BY id DESC LIMIT ?",
            (kind.value, record_id, limit),
        )
        return [_entry(row) for row in rows]

    async def event_history(self, event_id: str, limit: int = 50) -> list[AuditEntry]:
        """An exchange's changes and those of its checklist's items, newest first."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE (kind = 'event' AND record_id = ?1) OR "
            "(kind = 'checklist_item' AND ?1 IN (json_extract(after, '$.event_id'), "
            "json_extract(before, '$.event_id'))) ORDER BY id DESC LIMIT ?2",
            (event_id, limit),
        )
        return [_entry(row) for row in rows]

    async def series_history(self, series_id: str, limit: int = 50) -> list[AuditEntry]:
        """A meeting series' changes and those of its meetings (moved, cancelled), newest
        first."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE (kind = 'series' AND record_id = ?) OR "
            "(kind = 'change' AND ? IN (json_extract(after, '$.series_id'), "
            "json_extract(before, '$.series_id'))) ORDER BY id DESC LIMIT ?",
            (series_id, series_id, limit),
        )
        return [_entry(row) for row in rows]

    async def recent(self, *, before: int | None = None, limit: int = 200) -> list[AuditEntry]:
        """The latest changes, newest first, from the one before id `before` back."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit WHERE id < ? ORDER BY id DESC LIMIT ?",
            (before if before is not None else 2**62, limit),
        )
        return [_entry(row) for row in rows]

    async def entries(self, *, limit: int = -1) -> list[AuditEntry]:
        """Every change (or the first `limit`), oldest first."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_COLUMNS} FROM audit ORDER BY id LIMIT ?", (limit,)
        )
        return [_entry(row) for row in rows]

    async def forget(self, user_id: int) -> int:
        """The user's changes stay, made by "a former member"; how many named them."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("UPDATE audit SET actor = NULL WHERE actor = ?", (user_id,))
            return cur.rowcount

    async def current(self, kind: RecordKind, record_id: str) -> EditableRecord | None:
        """The record as stored now."""
        found: EditableRecord | None = await self.network.one(kind.cls, kind.section, record_id)
        return found

    async def _check(self, kind: RecordKind, record: EditableRecord) -> None:
        series = {s.id: s for s in await self.network.meeting_series()}
        check_dataset(dataset_of(record), await self.network.ids(), series=series)

    async def _same_meeting(self, change: MeetingChange) -> MeetingChange:
        """A meeting has one change at most: a new one replaces the stored one's record.
        An id another meeting's change holds is never taken over: a free one is made."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT id FROM meeting_changes WHERE series_id = ? AND occurrence = ?",
            (change.series_id, change.occurrence.isoformat(timespec="minutes")),
        )
        found = [str(row[0]) for row in rows]
        if found:
            return replace(change, id=found[0]) if found[0] != change.id else change
        taken = {
            str(row[0])
            for row in await self.db.conn.execute_fetchall("SELECT id FROM meeting_changes")
        }
        if change.id not in taken:
            return change
        stem = change.id[:35]
        free = next(f"{stem}-{n}" for n in range(2, 10**4) if f"{stem}-{n}" not in taken)
        return replace(change, id=free)

    async def _current(self, kind: RecordKind, record_id: str) -> dict[str, Any] | None:
        """The stored record in the dataset file's form (read on the one connection, so
        inside the caller's transaction)."""
        found = await self.current(kind, record_id)
        return None if found is None else to_plain(found)


async def _log(
    conn: aiosqlite.Connection,
    now: datetime,
    actor: int | None,
    kind: RecordKind,
    record_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    undoes: int | None = None,
) -> AuditEntry:
    at = now.astimezone(UTC)
    cur = await conn.execute(
        "INSERT INTO audit (at, actor, kind, record_id, before, after, undoes) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        (at.isoformat(), actor, kind.value, record_id, _json(before), _json(after), undoes),
    )
    assert cur.lastrowid is not None
    return AuditEntry(cur.lastrowid, at, actor, kind, record_id, before, after, undoes)


async def _items_of(conn: aiosqlite.Connection, event_id: str) -> list[ChecklistItem]:
    return await fetch(
        conn,
        ChecklistItem,
        "checklist_items",
        f"SELECT {columns(ChecklistItem)} FROM checklist_items WHERE event_id = ? "
        "ORDER BY position, rowid",
        [event_id],
    )


def _json(value: dict[str, Any] | None) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=False)


def _entry(row: Any) -> AuditEntry:
    entry_id, at, actor, kind, record_id, before, after, undoes, undone_by = row
    return AuditEntry(
        int(entry_id),
        datetime.fromisoformat(at),
        None if actor is None else int(actor),
        RecordKind(kind),
        str(record_id),
        None if before is None else json.loads(before),
        None if after is None else json.loads(after),
        undoes,
        undone_by,
    )
