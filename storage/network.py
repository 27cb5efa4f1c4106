"""The network's data (programmes to meeting series): write a dataset, read it back whole."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import replace
from datetime import UTC
from typing import Any, TypeVar

import aiosqlite

from bot.codec import from_plain, to_plain
from bot.domain import (
    Dataset,
    Event,
    MeetingSeries,
    Milestone,
    Municipality,
    Partnership,
    Phase,
    Programme,
    Topic,
)
from storage.db import Database

T = TypeVar("T")

# Table per dataset field, in an order that satisfies the foreign keys.
TABLES: tuple[tuple[str, str, type], ...] = (
    ("programmes", "programmes", Programme),
    ("phases", "phases", Phase),
    ("milestones", "milestones", Milestone),
    ("municipalities", "municipalities", Municipality),
    ("topics", "topics", Topic),
    ("partnerships", "partnerships", Partnership),
    ("events", "events", Event),
    ("meeting_series", "meeting_series", MeetingSeries),
)
EXAMPLE_TABLES = ("meeting_series", "events", "milestones", "phases", "programmes")


class NetworkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def save(self, dataset: Dataset) -> None:
        """Insert or update every record of `dataset` by id, in one transaction."""
        async with self.db.transaction() as conn:
            for field_name, table, _cls in TABLES:
                for record in getattr(dataset, field_name):
                    await _upsert(conn, table, _row(record))
                    if isinstance(record, Partnership):
                        await _save_topics(conn, record)

    async def load(self, *, examples: bool = False) -> Dataset:
        """The whole dataset in insertion order; example records only when asked for."""
        topics = await self._partnership_topics()
        parts: dict[str, tuple[Any, ...]] = {}
        for field_name, table, cls in TABLES:
            rows = await _select_all(self.db.conn, table, examples)
            records: list[Any] = [
                from_plain(cls, _plain(row), f"{table}[{row['id']}]", from_db=True) for row in rows
            ]
            if cls is Partnership:
                records = [replace(p, topics=tuple(topics[p.id])) for p in records]
            parts[field_name] = tuple(records)
        return Dataset(**parts)

    async def ids(self) -> dict[str, set[str]]:
        """Every stored id per table, so an import may refer to records already here."""
        found: dict[str, set[str]] = {}
        for _field, table, _cls in TABLES:
            async with self.db.conn.execute(f"SELECT id FROM {table}") as cur:
                found[table] = {str(row[0]) for row in await cur.fetchall()}
        return found

    async def is_empty(self) -> bool:
        async with self.db.conn.execute("SELECT count(*) FROM programmes") as cur:
            row = await cur.fetchone()
        return row is None or row[0] == 0

    async def delete_examples(self) -> None:
        """Remove the example phase and everything hanging on it."""
        async with self.db.transaction() as conn:
            for table in EXAMPLE_TABLES:
                await conn.execute(f"DELETE FROM {table} WHERE example = 1")

    async def _partnership_topics(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        async with self.db.conn.execute(
            "SELECT partnership_id, topic_id FROM partnership_topics "
            "ORDER BY partnership_id, position"
        ) as cur:
            for row in await cur.fetchall():
                found[row[0]].append(row[1])
        return found


def _row(record: Any) -> dict[str, Any]:
    row = to_plain(record, for_db=True)
    if isinstance(record, Partnership):
        del row["topics"]
    if isinstance(record, Event):
        start = record.start_instant()
        row["starts_at_utc"] = start.astimezone(UTC).isoformat() if start else None
    return row


def _plain(row: aiosqlite.Row) -> dict[str, Any]:
    data = {key: row[key] for key in row.keys()}  # noqa: SIM118 - Row has no __iter__ of keys
    data.pop("starts_at_utc", None)
    for key in ("example", "online"):
        if key in data:
            data[key] = bool(data[key])
    return {k: v for k, v in data.items() if v is not None}


async def _upsert(conn: aiosqlite.Connection, table: str, row: dict[str, Any]) -> None:
    columns = ", ".join(row)
    marks = ", ".join("?" for _ in row)
    updates = ", ".join(f"{c} = excluded.{c}" for c in row if c != "id")
    await conn.execute(
        f"INSERT INTO {table} ({columns}) VALUES ({marks}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}",
        tuple(row.values()),
    )


async def _save_topics(conn: aiosqlite.Connection, partnership: Partnership) -> None:
    await conn.execute("DELETE FROM partnership_topics WHERE partnership_id = ?", (partnership.id,))
    await conn.executemany(
        "INSERT INTO partnership_topics (partnership_id, topic_id, position) VALUES (?, ?, ?)",
        [(partnership.id, topic, pos) for pos, topic in enumerate(partnership.topics)],
    )


async def _select_all(
    conn: aiosqlite.Connection, table: str, examples: bool
) -> list[aiosqlite.Row]:
    where = "" if examples or table not in EXAMPLE_TABLES else " WHERE example = 0"
    async with conn.execute(f"SELECT * FROM {table}{where} ORDER BY rowid") as cur:
        return list(await cur.fetchall())
