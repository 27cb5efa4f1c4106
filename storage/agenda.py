"""Agenda items before a meeting and minutes after it (migration 0013: agenda_items,
meeting_minutes). A meeting is (series id, occurrence)."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime

import aiosqlite

from bot.model.agenda import AgendaItem, Direction, Minutes
from bot.model.domain import LocalizedText, Meeting
from storage.db import Database

_ITEM_COLUMNS = (
    "id, series_id, occurrence, position, text, language, author_id, author_name, added_at"
)


def _item(row: aiosqlite.Row) -> AgendaItem:
    return AgendaItem(
        row[0],
        row[1],
        row[2],
        row[3],
        LocalizedText.of(row[4], row[5]),
        row[6],
        row[7],
        datetime.fromisoformat(row[8]),
    )


def _minutes(row: aiosqlite.Row) -> Minutes:
    text = LocalizedText.of(row[3], row[4]) if row[3] is not None else None
    return Minutes(row[0], row[1], row[2], text, row[5], datetime.fromisoformat(row[6]))


def _meetings_json(meetings: Iterable[Meeting]) -> str:
    return json.dumps([[series, occurrence] for series, occurrence in meetings])


class AgendaRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        meeting: Meeting,
        text: LocalizedText,
        author_id: int | None,
        author_name: str | None,
        chat_id: int | None,
        now: datetime,
    ) -> AgendaItem:
        """Append an item at the end of the meeting's agenda."""
        series_id, occurrence = meeting
        async with (
            self.db.transaction() as conn,
            conn.execute(
                "INSERT INTO agenda_items (series_id, occurrence, position, text, language, "
                "author_id, author_name, chat_id, added_at) VALUES (?, ?, (SELECT "
                "coalesce(max(position), 0) + 1 FROM agenda_items WHERE series_id = ? AND "
                f"occurrence = ?), ?, ?, ?, ?, ?, ?) RETURNING {_ITEM_COLUMNS}",
                (
                    series_id,
                    occurrence,
                    series_id,
                    occurrence,
                    text.original,
                    text.original_language,
                    author_id,
                    author_name,
                    chat_id,
                    now.astimezone(UTC).isoformat(timespec="seconds"),
                ),
            ) as cur,
        ):
            row = await cur.fetchone()
        assert row is not None
        return _item(row)

    async def items(self, meeting: Meeting) -> list[AgendaItem]:
        """The meeting's agenda, in order."""
        return (await self.items_for([meeting])).get(meeting, [])

    async def items_for(self, meetings: Iterable[Meeting]) -> dict[Meeting, list[AgendaItem]]:
        """Several meetings' agendas in one read (composing many posts at once); a meeting
        without items is absent."""
        found: dict[Meeting, list[AgendaItem]] = {}
        async with self.db.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM agenda_items WHERE (series_id, occurrence) IN "
            "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?)) "
            "ORDER BY series_id, occurrence, position, id",
            (_meetings_json(meetings),),
        ) as cur:
            for row in await cur.fetchall():
                item = _item(row)
                found.setdefault(item.meeting, []).append(item)
        return found

    async def items_of_series(self, series_ids: Collection[str]) -> dict[Meeting, list[AgendaItem]]:
        """The agendas of every meeting of these series (a calendar feed's), in order; a
        meeting without items is absent."""
        found: dict[Meeting, list[AgendaItem]] = {}
        async with self.db.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM agenda_items "
            "WHERE series_id IN (SELECT value FROM json_each(?)) "
            "ORDER BY series_id, occurrence, position, id",
            (json.dumps(sorted(series_ids)),),
        ) as cur:
            for row in await cur.fetchall():
                item = _item(row)
                found.setdefault(item.meeting, []).append(item)
        return found

    async def item(self, item_id: int) -> AgendaItem | None:
        async with self.db.conn.execute(
            f"SELECT {_ITEM_COLUMNS} FROM agenda_items WHERE id = ?", (item_id,)
        ) as cur:
            row = await cur.fetchone()
        return _item(row) if row else None

    async def move(self, item_id: int, direction: Direction) -> bool:
        """Swap the item with its neighbour above (or below); False when it is gone or
        already first (last)."""
        before = direction is Direction.UP
        async with self.db.transaction() as conn:
            async with conn.execute(
                "SELECT series_id, occurrence, position FROM agenda_items WHERE id = ?",
                (item_id,),
            ) as cur:
                row = await cur.fetchone()
            if row is None:
                return False
            series_id, occurrence, position = row
            compare, order = ("<", "DESC") if before else (">", "ASC")
            async with conn.execute(
                "SELECT id, position FROM agenda_items WHERE series_id = ? AND occurrence = ? "
                f"AND position {compare} ? ORDER BY position {order} LIMIT 1",
                (series_id, occurrence, position),
            ) as cur:
                other = await cur.fetchone()
            if other is None:
                return False
            await conn.execute(
                "UPDATE agenda_items SET position = ? WHERE id = ?", (other[1], item_id)
            )
            await conn.execute(
                "UPDATE agenda_items SET position = ? WHERE id = ?", (position, other[0])
            )
        return True

    async def drop(self, item_id: int) -> AgendaItem | None:
        """Remove the item; what it was, or None when it was gone already."""
        async with (
            self.db.transaction() as conn,
            conn.execute(
                f"DELETE FROM agenda_items WHERE id = ? RETURNING {_ITEM_COLUMNS}", (item_id,)
            ) as cur,
        ):
            row = await cur.fetchone()
        return _item(row) if row else None

    async def set_minutes(
        self,
        meeting: Meeting,
        url: str | None,
        text: LocalizedText | None,
        added_by: int | None,
        now: datetime,
    ) -> None:
        """Attach (or replace) the meeting's minutes: a link or a short text."""
        if url is None and text is None:
            raise ValueError("minutes are a link or a text")
        series_id, occurrence = meeting
        language = text.original_language if text is not None else "und"
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO meeting_minutes (series_id, occurrence, url, text, language, "
                "added_by, added_at) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (series_id, occurrence) DO UPDATE SET url = excluded.url, "
                "text = excluded.text, language = excluded.language, "
                "added_by = excluded.added_by, added_at = excluded.added_at",
                (
                    series_id,
                    occurrence,
                    url,
                    text.original if text is not None else None,
                    language,
                    added_by,
                    now.astimezone(UTC).isoformat(timespec="seconds"),
                ),
            )

    async def minutes_of(self, meeting: Meeting) -> Minutes | None:
        return (await self.minutes_for([meeting])).get(meeting)

    async def minutes_for(self, meetings: Sequence[Meeting]) -> dict[Meeting, Minutes]:
        """Several meetings' minutes in one read (a page of past exchanges)."""
        async with self.db.conn.execute(
            "SELECT series_id, occurrence, url, text, language, added_by, added_at "
            "FROM meeting_minutes WHERE (series_id, occurrence) IN "
            "(SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?))",
            (_meetings_json(meetings),),
        ) as cur:
            return {(m := _minutes(row)).meeting: m for row in await cur.fetchall()}

    async def all_minutes(self) -> list[Minutes]:
        """Every meeting's minutes (/exchanges past lists those meetings)."""
        async with self.db.conn.execute(
            "SELECT series_id, occurrence, url, text, language, added_by, added_at "
            "FROM meeting_minutes ORDER BY series_id, occurrence"
        ) as cur:
            return [_minutes(row) for row in await cur.fetchall()]
