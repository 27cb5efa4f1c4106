"""The reminder outbox: planned rows, claimed one by one (a few in flight), each sent once."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import aiosqlite

from bot.model.posts import (
    Delivery,
    DeliveryStatus,
    Payload,
    Planned,
    PostKind,
    Reminder,
    payload_from_json,
    payload_to_json,
    subject_of,
)
from storage.db import Database

log = logging.getLogger(__name__)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _delivery(row: aiosqlite.Row) -> Delivery:
    """The row, typed; UnreadableRowError when it is not one this version can read."""
    try:
        kind = PostKind(row["kind"])
        return Delivery(
            row["id"],
            row["key"],
            row["chat_id"],
            datetime.fromisoformat(row["due_at"]),
            payload_from_json(kind, row["key"], row["payload"]),
            DeliveryStatus(row["status"]),
            row["attempts"],
            row["message_id"],
            row["error"],
        )
    except (ValueError, TypeError, KeyError) as exc:
        raise UnreadableRowError(f"unreadable row {row['id']} ({row['key']}): {exc}") from exc


def _readable(rows: Iterable[aiosqlite.Row]) -> list[Delivery]:
    """The rows this version can read; the others are logged and left alone."""
    found = []
    for row in rows:
        try:
            found.append(_delivery(row))
        except UnreadableRowError as exc:
            log.warning("%s", exc)
    return found


class UnreadableRowError(ValueError):
    """A row whose kind or payload this version cannot read (written by a newer one, or
    damaged): it is marked failed when claimed, and skipped when listed."""


FINISHED = (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.FAILED)
"""Rows done with: nothing sets them back to pending (replace_plan updates pending rows
only, and retry_at only follows a claim)."""


@dataclass(frozen=True)
class Finished:
    """A row done with, as pruning reads it: the position to go on from, and its subject."""

    id: int
    status: DeliveryStatus
    due_at: str
    payload: Payload | None
    """None: a row this version cannot read (kept: its subject is unknown)."""


class OutboxRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def replace_plan(
        self, chat_ids: Sequence[int], planned: Sequence[Planned], window_start: datetime
    ) -> int:
        """Make the pending rows of these chats due from `window_start` exactly `planned`.

        Sent rows stay as they are, and so do older pending rows (overdue after downtime:
        the dispatcher decides about those) unless the plan drops them. A row the plan
        drops (`Planned.dropped`) is stored as skipped with that reason, and a pending one
        becomes so; finished rows are never set back. Idempotent: planning twice writes
        nothing new. A changed date gives a new key, so its old pending row goes. Returns
        rows added to send (dropped ones are stored, not counted).
        """
        rows = [
            (
                p.key,
                p.chat_id,
                p.kind.value,
                _utc(p.due_at),
                payload_to_json(p.payload),
                DeliveryStatus.PENDING.value if p.dropped is None else DeliveryStatus.SKIPPED.value,
                p.dropped,
            )
            for p in planned
        ]
        async with self.db.transaction() as conn:
            # The plan goes into a keyed temporary table, so comparing it with the outbox is
            # a join on (key, chat_id): matching against a JSON list was quadratic.
            await conn.execute(
                "CREATE TEMP TABLE IF NOT EXISTS plan (key TEXT NOT NULL, "
                "chat_id INTEGER NOT NULL, kind TEXT NOT NULL, due_at TEXT NOT NULL, "
                "payload TEXT NOT NULL, status TEXT NOT NULL, error TEXT, "
                "PRIMARY KEY (key, chat_id)) WITHOUT ROWID"
            )
            await conn.execute("DELETE FROM temp.plan")
            await conn.executemany(
                "INSERT OR REPLACE INTO temp.plan VALUES (?, ?, ?, ?, ?, ?, ?)", rows
            )
            async with conn.execute(
                "SELECT count(*) FROM temp.plan p WHERE p.status = 'pending' AND NOT EXISTS ("
                "SELECT 1 FROM deliveries d WHERE d.key = p.key AND d.chat_id = p.chat_id)"
            ) as cur:
                row = await cur.fetchone()
            added = int(row[0]) if row else 0
            # Rows already as planned are not rewritten: a re-plan with nothing new is reads.
            # A row overdue that the plan says to send now keeps its planned time, so it
            # still says it is late (a re-plan may run before the catch-up after downtime).
            due = (
                "CASE WHEN deliveries.due_at <= :start AND excluded.due_at <= :start "
                "THEN deliveries.due_at ELSE excluded.due_at END"
            )
            # A pending row the plan drops becomes skipped, with the reason; one it keeps
            # keeps its reason for waiting (flood control, a retry), if it has one.
            await conn.execute(
                "INSERT INTO deliveries (key, chat_id, kind, due_at, payload, status, error) "
                "SELECT key, chat_id, kind, due_at, payload, status, error FROM temp.plan "
                f"WHERE true ON CONFLICT (key, chat_id) DO UPDATE SET due_at = {due}, "
                "payload = excluded.payload, status = excluded.status, error = CASE "
                "WHEN excluded.status = 'pending' THEN deliveries.error ELSE excluded.error END "
                "WHERE deliveries.status = 'pending' AND (excluded.status <> 'pending' OR "
                f"deliveries.due_at <> {due} OR deliveries.payload <> excluded.payload)",
                {"start": _utc(window_start)},
            )
            await conn.execute(
                "DELETE FROM deliveries WHERE status = 'pending' AND due_at >= ? "
                "AND chat_id IN (SELECT value FROM json_each(?)) AND NOT EXISTS ("
                "SELECT 1 FROM temp.plan p WHERE p.key = deliveries.key "
                "AND p.chat_id = deliveries.chat_id)",
                (_utc(window_start), json.dumps(list(chat_ids))),
            )
            await conn.execute("DELETE FROM temp.plan")
            return added

    async def finished_before(
        self,
        status: DeliveryStatus,
        before: datetime,
        after: Finished | None = None,
        limit: int = 500,
    ) -> list[Finished]:
        """Rows of one finished status due before `before`, oldest first, from after `after`
        on: a short read along the (status, due_at) index, however large the outbox."""
        if status not in FINISHED:
            raise ValueError(f"{status} is not a finished status")
        start = (after.due_at, after.id) if after else ("", 0)
        async with self.db.conn.execute(
            "SELECT id, kind, key, due_at, payload FROM deliveries WHERE status = ? "
            "AND due_at < ? AND (due_at, id) > (?, ?) ORDER BY due_at, id LIMIT ?",
            (status.value, _utc(before), *start, limit),
        ) as cur:
            rows = await cur.fetchall()
        found = []
        for row in rows:
            try:
                payload: Payload | None = payload_from_json(
                    PostKind(row["kind"]), row["key"], row["payload"]
                )
            except (ValueError, TypeError, KeyError):
                payload = None
            found.append(Finished(row["id"], status, row["due_at"], payload))
        return found

    async def remove_finished(self, ids: Sequence[int]) -> int:
        """Delete these rows, those of them that are finished (never a pending or claimed
        one); one short transaction. Returns rows deleted."""
        if not ids:
            return 0
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM deliveries WHERE id IN (SELECT value FROM json_each(?)) "
                "AND status IN (SELECT value FROM json_each(?))",
                (json.dumps(list(ids)), json.dumps([s.value for s in FINISHED])),
            )
            return cur.rowcount

    async def release_in_flight(self) -> int:
        """After a crash: rows claimed but never confirmed go back (at most the dispatcher's
        IN_FLIGHT)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE deliveries SET status = 'pending' WHERE status = 'sending'"
            )
            return cur.rowcount

    async def claim_next(self, now: datetime, exclude: Collection[int] = ()) -> Delivery | None:
        """Take the most overdue pending row of a chat that is not paused, nor in `exclude`
        (chats with a row in flight, groups over their minute), committed at once.
        A row this version cannot read costs that row (failed, with the reason), not the run."""
        while True:
            row = await self._claim(now, exclude)
            if row is None:
                return None
            try:
                return _delivery(row)
            except UnreadableRowError as exc:
                log.error("%s", exc)
                await self.mark_failed(row["id"], str(exc))

    async def _claim(self, now: datetime, exclude: Collection[int]) -> aiosqlite.Row | None:
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "UPDATE deliveries SET status = 'sending', attempts = attempts + 1 WHERE id = ("
                "SELECT d.id FROM deliveries d JOIN chats c ON c.id = d.chat_id "
                "WHERE d.status = 'pending' AND coalesce(d.not_before, d.due_at) <= ? "
                "AND c.paused_reason IS NULL "
                "AND d.chat_id NOT IN (SELECT value FROM json_each(?)) "
                "ORDER BY coalesce(d.not_before, d.due_at), d.id LIMIT 1) RETURNING *",
                (_utc(now), json.dumps(sorted(exclude))),
            ) as cur,
        ):
            row: aiosqlite.Row | None = await cur.fetchone()
        return row

    async def has_due(self, now: datetime, chat_ids: Collection[int]) -> bool:
        """Whether one of these chats has a row due now (and is not paused)."""
        async with self.db.conn.execute(
            "SELECT 1 FROM deliveries d JOIN chats c ON c.id = d.chat_id "
            "WHERE d.status = 'pending' AND coalesce(d.not_before, d.due_at) <= ? "
            "AND c.paused_reason IS NULL AND d.chat_id IN (SELECT value FROM json_each(?)) "
            "LIMIT 1",
            (_utc(now), json.dumps(sorted(chat_ids))),
        ) as cur:
            return await cur.fetchone() is not None

    async def mark_sent(self, delivery_id: int, message_id: int, now: datetime) -> None:
        await self._set(
            delivery_id,
            "status = 'sent', message_id = ?, sent_at = ?, error = NULL",
            (message_id, _utc(now)),
        )

    async def mark_skipped(self, delivery_id: int, reason: str) -> None:
        await self._set(delivery_id, "status = 'skipped', error = ?", (reason,))

    async def mark_failed(self, delivery_id: int, reason: str) -> None:
        await self._set(delivery_id, "status = 'failed', error = ?", (reason,))

    async def retry_at(self, delivery_id: int, not_before: datetime | None, reason: str) -> None:
        """Back to pending, to be tried from `not_before` on (None: at once); due_at stays."""
        await self._set(
            delivery_id,
            "status = 'pending', not_before = ?, error = ?",
            (_utc(not_before) if not_before else None, reason),
        )

    async def siblings(self, delivery: Delivery) -> list[Delivery]:
        """The chat's other rows about this reminder's subject (one per lead time), pending,
        in flight or sent: what tells an overdue reminder that it is redundant."""
        assert isinstance(delivery.payload, Reminder)
        subject = subject_of(delivery.payload)
        async with self.db.conn.execute(
            "SELECT * FROM deliveries WHERE chat_id = ? "
            "AND status IN ('pending', 'sending', 'sent') AND kind = ? "
            "AND substr(key, 1, length(?)) = ? AND id <> ? ORDER BY due_at, id",
            (delivery.chat_id, delivery.kind, subject, subject, delivery.id),
        ) as cur:
            return _readable(await cur.fetchall())

    async def invitations_in(self, chat_id: int) -> list[Delivery]:
        """The chat's invitations, sent or still to come, by due time (the agenda's and the
        minutes' meeting of a group is the one it was invited to)."""
        async with self.db.conn.execute(
            "SELECT * FROM deliveries WHERE chat_id = ? AND kind = 'invite' "
            "AND status IN ('pending', 'sending', 'sent') ORDER BY due_at, id",
            (chat_id,),
        ) as cur:
            return _readable(await cur.fetchall())

    async def sent_invitations(self, key: str) -> list[tuple[Delivery, datetime | None]]:
        """Every chat's sent message of one invitation (by its key), and when it was sent:
        what is edited in place when the meeting's agenda changes."""
        async with self.db.conn.execute(
            "SELECT * FROM deliveries WHERE key = ? AND status = 'sent' "
            "AND message_id IS NOT NULL ORDER BY chat_id",
            (key,),
        ) as cur:
            rows = await cur.fetchall()
        sent_at = {row["id"]: row["sent_at"] for row in rows}
        return [
            (d, datetime.fromisoformat(sent_at[d.id]) if sent_at[d.id] else None)
            for d in _readable(rows)
        ]

    async def next_due(self) -> datetime | None:
        async with self.db.conn.execute(
            "SELECT min(coalesce(d.not_before, d.due_at)) FROM deliveries d "
            "JOIN chats c ON c.id = d.chat_id "
            "WHERE d.status = 'pending' AND c.paused_reason IS NULL"
        ) as cur:
            row = await cur.fetchone()
        return datetime.fromisoformat(row[0]) if row and row[0] else None

    async def get(self, delivery_id: int) -> Delivery | None:
        """The row, or None when there is none this version can read."""
        async with self.db.conn.execute(
            "SELECT * FROM deliveries WHERE id = ?", (delivery_id,)
        ) as cur:
            row = await cur.fetchone()
        return next(iter(_readable([row] if row else [])), None)

    async def pending_until(self, until: datetime) -> list[Delivery]:
        return await self._due_by(DeliveryStatus.PENDING, until)

    async def skipped_until(self, until: datetime) -> list[Delivery]:
        """Rows skipped (dropped or obsolete), due by `until`, with their reasons."""
        return await self._due_by(DeliveryStatus.SKIPPED, until)

    async def _due_by(self, status: DeliveryStatus, until: datetime) -> list[Delivery]:
        async with self.db.conn.execute(
            "SELECT * FROM deliveries WHERE status = ? AND due_at <= ? "
            "ORDER BY chat_id, due_at, id",
            (status.value, _utc(until)),
        ) as cur:
            return _readable(await cur.fetchall())

    async def _set(self, delivery_id: int, assignments: str, params: tuple[Any, ...]) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                f"UPDATE deliveries SET {assignments} WHERE id = ?", (*params, delivery_id)
            )
