"""The network's data (programmes to meeting series): write a dataset, read it back."""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import aiosqlite

from bot.model.calendar import Exchange, collect
from bot.model.codec import to_plain
from bot.model.domain import (
    ChecklistItem,
    ChecklistTemplateItem,
    Dataset,
    Event,
    MeetingChange,
    MeetingSeries,
    Milestone,
    Municipality,
    Partnership,
    PartnershipView,
    Phase,
    Programme,
    Topic,
)
from bot.text.zones import TownIndex
from storage.cache import NETWORK
from storage.checklists import make_checklists
from storage.db import SEEDED_KEY, Database
from storage.records import fetch
from storage.search import SearchIndex
from storage.views import views

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
    ("meeting_changes", "meeting_changes", MeetingChange),
    ("checklist_templates", "checklist_templates", ChecklistTemplateItem),
    ("checklist_items", "checklist_items", ChecklistItem),
)
EXAMPLE_TABLES = ("meeting_series", "events", "milestones", "phases", "programmes")


@dataclass(frozen=True)
class SmallTables:
    """The network's tables that stay small as partnerships grow, read once per change of
    the network's data and shared by every reply (never change them in place)."""

    programmes: tuple[Programme, ...]
    phases: tuple[Phase, ...]
    milestones: tuple[Milestone, ...]
    events: tuple[Event, ...]
    meeting_series: tuple[MeetingSeries, ...]
    meeting_changes: tuple[MeetingChange, ...]


_NOT_EXAMPLE_EVENT = " WHERE event_id IN (SELECT id FROM events WHERE example = 0)"


def columns(cls: type) -> str:
    """The columns a record of `cls` is read from (a table may hold more: who ticked an
    item, an event's derived start)."""
    return ", ".join(
        f.name for f in dataclasses.fields(cls) if not (cls is Partnership and f.name == "topics")
    )


class NetworkRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        self.search = SearchIndex(db)

    async def save(self, dataset: Dataset, *, seeded: bool = False) -> None:
        """Insert or update every record of `dataset` by id, and the search index, atomically;
        `seeded`: mark the database as holding its network (no seed is loaded any more)."""
        async with self.db.transaction() as conn:
            if seeded:
                await self.db.set_meta(SEEDED_KEY, "1")
            await self.write(conn, dataset)

    async def write(self, conn: aiosqlite.Connection, dataset: Dataset) -> None:
        """Insert or update every record of `dataset` by id, within the caller's
        transaction (an import's, or an edit's with its audit row)."""
        for field_name, table, _cls in TABLES:
            items = getattr(dataset, field_name)
            if items:
                await _upsert(conn, table, [_row(item) for item in items])
        await _save_topics(conn, dataset.partnerships)
        await make_checklists(conn, dataset)
        await self.search.reindex(conn, await _affected_partnerships(conn, dataset))

    async def load(self, *, examples: bool = False) -> Dataset:
        """The whole dataset in insertion order; example records only when asked for."""
        topics = await self._partnership_topics()
        parts: dict[str, tuple[Any, ...]] = {}
        for field_name, table, cls in TABLES:
            where = "" if examples or table not in EXAMPLE_TABLES else " WHERE example = 0"
            if table == "checklist_items":  # ordered by exchange; an example's stays out
                where = "" if examples else _NOT_EXAMPLE_EVENT
                order = "event_id, position, rowid"
            else:
                order = "rowid"
            sql = f"SELECT {columns(cls)} FROM {table}{where} ORDER BY {order}"
            items: list[Any] = await fetch(self.db.conn, cls, table, sql)
            if cls is Partnership:
                items = [replace(p, topics=tuple(topics[p.id])) for p in items]
            parts[field_name] = tuple(items)
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

    # -- reading for the commands --------------------------------------------------------
    async def small_tables(self) -> SmallTables:
        return await self.db.cache.get(("small-tables",), self._small_tables, (NETWORK,))

    async def _small_tables(self) -> SmallTables:
        conn = self.db.conn
        return SmallTables(
            tuple(
                await fetch(
                    conn, Programme, "programmes", "SELECT * FROM programmes ORDER BY rowid"
                )
            ),
            tuple(await fetch(conn, Phase, "phases", "SELECT * FROM phases ORDER BY rowid")),
            tuple(
                await fetch(
                    conn,
                    Milestone,
                    "milestones",
                    "SELECT * FROM milestones ORDER BY phase_id, position",
                )
            ),
            tuple(await fetch(conn, Event, "events", "SELECT * FROM events ORDER BY rowid")),
            tuple(
                await fetch(
                    conn,
                    MeetingSeries,
                    "meeting_series",
                    "SELECT * FROM meeting_series ORDER BY rowid",
                )
            ),
            tuple(
                await fetch(
                    conn,
                    MeetingChange,
                    "meeting_changes",
                    "SELECT * FROM meeting_changes ORDER BY rowid",
                )
            ),
        )

    async def calendar(self, now: datetime, *, past: bool, zone: ZoneInfo) -> list[Exchange]:
        """Events and the next meetings of each series as of `now` for a reader in `zone`
        (bot.model.calendar.collect). Expanding the series' rules costs more than
        rendering a page: /exchanges keeps what this gives (handlers/exchanges.py)."""
        tables = await self.small_tables()
        return collect(
            tables.events,
            tables.meeting_series,
            now,
            past=past,
            zone=zone,
            changes=tables.meeting_changes,
        )

    async def phases(self) -> list[Phase]:
        return list((await self.small_tables()).phases)

    async def programmes(self) -> list[Programme]:
        return list((await self.small_tables()).programmes)

    async def milestones(self) -> list[Milestone]:
        """By phase, then position."""
        return list((await self.small_tables()).milestones)

    async def events(self) -> list[Event]:
        return list((await self.small_tables()).events)

    async def meeting_series(
        self, partnership_ids: Sequence[str] | None = None, *, offset: int = 0, limit: int = -1
    ) -> list[MeetingSeries]:
        """Every series (or `limit` of them from `offset` on), or those of the given
        partnerships; from the small tables kept until the network's data changes."""
        every = (await self.small_tables()).meeting_series
        if partnership_ids is not None:
            wanted = set(partnership_ids)
            return [s for s in every if s.partnership_id in wanted]
        return list(every[offset:] if limit < 0 else every[offset : offset + limit])

    async def meeting_changes(self) -> list[MeetingChange]:
        return list((await self.small_tables()).meeting_changes)

    async def phase(self, phase_id: str) -> Phase | None:
        return await self.one(Phase, "phases", phase_id)

    async def programme(self, programme_id: str) -> Programme | None:
        return await self.one(Programme, "programmes", programme_id)

    async def event(self, event_id: str) -> Event | None:
        return await self.one(Event, "events", event_id)

    async def series(self, series_id: str) -> MeetingSeries | None:
        return await self.one(MeetingSeries, "meeting_series", series_id)

    async def event_revision(self, event_id: str) -> int:
        """The event's .ics SEQUENCE: it rose with every change of what the file says
        (storage/migrations/0008_calendar_revisions.sql) and never falls."""
        return await self._revision("event", event_id)

    async def series_revision(self, series_id: str) -> int:
        """The series' .ics SEQUENCE: it rose with every change of the series' rule, times,
        texts or link, and with every meeting moved, cancelled or given back."""
        return await self._revision("series", series_id)

    async def _revision(self, kind: str, record_id: str) -> int:
        sql = "SELECT revision FROM calendar_revisions WHERE kind = ? AND id = ?"
        rows = list(await self.db.conn.execute_fetchall(sql, (kind, record_id)))
        return int(rows[0][0]) if rows else 0

    async def one(self, cls: type[T], table: str, record_id: str) -> T | None:
        """The record of that id in `table`, or None."""
        sql = f"SELECT {columns(cls)} FROM {table} WHERE id = ?"
        found = await fetch(self.db.conn, cls, table, sql, [record_id])
        return found[0] if found else None

    async def municipalities(self) -> list[Municipality]:
        sql = "SELECT * FROM municipalities ORDER BY rowid"
        return await fetch(self.db.conn, Municipality, "municipalities", sql)

    async def town_index(self) -> TownIndex:
        """The towns by every name (/timezone, the town question), kept until the network
        changes."""

        async def load() -> TownIndex:
            return TownIndex(await self.municipalities())

        return await self.db.cache.get(("town-index",), load, (NETWORK,))

    async def countries(self) -> list[tuple[str, int]]:
        """Countries with how many partnerships have a town there, most first."""
        sql = (
            "SELECT m.country, count(DISTINCT p.id) FROM partnerships p JOIN municipalities m "
            "ON m.id IN (p.north_id, p.south_id) GROUP BY m.country ORDER BY 2 DESC, 1"
        )
        async with self.db.conn.execute(sql) as cur:
            return [(row[0], row[1]) for row in await cur.fetchall()]

    async def phase_counts(self) -> dict[str, int]:
        """How many partnerships each phase has (phases without any are left out)."""
        sql = "SELECT phase_id, count(*) FROM partnerships WHERE phase_id IS NOT NULL GROUP BY 1"
        async with self.db.conn.execute(sql) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}

    async def partnership_ids(
        self, *, country: str | None = None, phase_id: str | None = None
    ) -> list[str]:
        """Partnerships with a town in `country` or in `phase_id`, in insertion order."""
        sql = "SELECT p.id FROM partnerships p WHERE 1"
        params: list[str] = []
        if country:
            sql += (
                " AND EXISTS (SELECT 1 FROM municipalities m WHERE m.country = ?"
                " AND m.id IN (p.north_id, p.south_id))"
            )
            params.append(country)
        if phase_id:
            sql += " AND p.phase_id = ?"
            params.append(phase_id)
        async with self.db.conn.execute(sql + " ORDER BY p.rowid", params) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def followed_partnerships(
        self, chat_id: int | None = None, *, offset: int = 0, limit: int = -1
    ) -> list[Partnership]:
        """Partnerships some subscription (of `chat_id`, if given) reaches: directly, by
        phase, or by programme (with its phases), in insertion order (`limit` of them from
        `offset` on); their topics are not loaded."""
        mine = "" if chat_id is None else " WHERE chat_id = ?"
        sql = (
            "WITH targets AS (SELECT DISTINCT target_kind AS kind, target_id AS id "
            f"FROM subscriptions{mine}), "
            "phase_ids AS (SELECT id FROM targets WHERE kind = 'phase' UNION "
            "SELECT ph.id FROM phases ph JOIN targets t ON t.kind = 'programme' "
            "AND t.id = ph.programme_id) "
            "SELECT * FROM partnerships WHERE "
            "id IN (SELECT id FROM targets WHERE kind = 'partnership') "
            "OR phase_id IN (SELECT id FROM phase_ids) "
            "OR programme_id IN (SELECT id FROM targets WHERE kind = 'programme') "
            "ORDER BY rowid LIMIT ? OFFSET ?"
        )
        params = [] if chat_id is None else [chat_id]
        return await fetch(self.db.conn, Partnership, "partnerships", sql, [*params, limit, offset])

    async def partnerships(self, ids: list[str]) -> list[PartnershipView]:
        """Cards for the given partnerships, in the order of `ids` (unknown ids left out);
        kept by id until the network's data changes."""

        async def load(missing: list[str]) -> dict[str, PartnershipView]:
            return {v.partnership.id: v for v in await views(self.db.conn, missing)}

        found = await self.db.cards.get_many(ids, load, (NETWORK,))
        return [found[i] for i in ids if i in found]

    async def _partnership_topics(self) -> dict[str, list[str]]:
        found: dict[str, list[str]] = defaultdict(list)
        sql = "SELECT partnership_id, topic_id FROM partnership_topics ORDER BY rowid"
        async with self.db.conn.execute(sql) as cur:
            for row in await cur.fetchall():
                found[row[0]].append(row[1])
        return found


async def _affected_partnerships(conn: aiosqlite.Connection, dataset: Dataset) -> list[str]:
    """Partnerships whose index text may have changed with this save."""

    def ids(items: tuple[Any, ...]) -> str:
        return json.dumps([i.id for i in items])

    sql = (
        "SELECT id FROM partnerships WHERE id IN (SELECT value FROM json_each(?1)) "
        "OR north_id IN (SELECT value FROM json_each(?2)) "
        "OR south_id IN (SELECT value FROM json_each(?2)) "
        "OR phase_id IN (SELECT value FROM json_each(?3)) "
        "OR programme_id IN (SELECT value FROM json_each(?4)) "
        "UNION SELECT partnership_id FROM partnership_topics "
        "WHERE topic_id IN (SELECT value FROM json_each(?5))"
    )
    params = (
        ids(dataset.partnerships),
        ids(dataset.municipalities),
        ids(dataset.phases),
        ids(dataset.programmes),
        ids(dataset.topics),
    )
    async with conn.execute(sql, params) as cur:
        return [row[0] for row in await cur.fetchall()]


def _row(item: Any) -> dict[str, Any]:
    row = to_plain(item, for_db=True)
    if isinstance(item, Partnership):
        del row["topics"]
    if isinstance(item, Event):
        start = item.start_instant()
        row["starts_at_utc"] = start.astimezone(UTC).isoformat() if start else None
    return row


_KEPT = {("checklist_items", "done_on")}
"""Columns a write never clears: an item ticked here stays ticked when an older export is
imported again (a tick is taken back by ↩️, storage.checklists.reopen; an edit from the
chat writes the stored tick)."""


async def _upsert(conn: aiosqlite.Connection, table: str, rows: list[dict[str, Any]]) -> None:
    """Insert or update by id; never REPLACE, which would cascade deletes to dependants."""
    columns = list(rows[0])
    marks = ", ".join("?" for _ in columns)
    updates = ", ".join(
        f"{c} = coalesce(excluded.{c}, {table}.{c})"
        if (table, c) in _KEPT
        else f"{c} = excluded.{c}"
        for c in columns
        if c != "id"
    )
    await conn.executemany(
        f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks}) "
        f"ON CONFLICT (id) DO UPDATE SET {updates}",
        [tuple(row[c] for c in columns) for row in rows],
    )


async def _save_topics(conn: aiosqlite.Connection, partnerships: tuple[Partnership, ...]) -> None:
    if not partnerships:
        return
    await conn.execute(
        "DELETE FROM partnership_topics WHERE partnership_id IN (SELECT value FROM json_each(?))",
        (json.dumps([p.id for p in partnerships]),),
    )
    await conn.executemany(
        "INSERT INTO partnership_topics (partnership_id, topic_id, position) VALUES (?, ?, ?)",
        [(p.id, topic, pos) for p in partnerships for pos, topic in enumerate(p.topics)],
    )
