"""The partnership read model: a partnership joined with its towns, programme, phase, topics."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Protocol, TypeVar

import aiosqlite

from bot.model.domain import Municipality, Partnership, PartnershipView, Phase, Programme, Topic
from storage.records import fetch


class _Record(Protocol):
    @property
    def id(self) -> str: ...


T = TypeVar("T", bound=_Record)


async def views(conn: aiosqlite.Connection, ids: list[str]) -> list[PartnershipView]:
    """Join partnerships with their towns, programme, phase and topics in a few queries,
    reading only the records these partnerships refer to."""
    if not ids:
        return []
    # Topic ids come along as the `topics` column: one trip to the database less.
    partnerships = await fetch(
        conn,
        Partnership,
        "partnerships",
        "SELECT p.*, (SELECT json_group_array(topic_id) FROM (SELECT topic_id "
        "FROM partnership_topics t WHERE t.partnership_id = p.id ORDER BY position)) AS topics "
        "FROM partnerships p WHERE p.id IN (SELECT value FROM json_each(?))",
        [json.dumps(ids)],
    )
    towns = await _by_id(
        conn,
        Municipality,
        "municipalities",
        [t for p in partnerships for t in (p.north_id, p.south_id)],
    )
    topics = await _by_id(conn, Topic, "topics", [t for p in partnerships for t in p.topics])
    phases = await _by_id(conn, Phase, "phases", [p.phase_id for p in partnerships])
    programmes = await _by_id(conn, Programme, "programmes", [p.programme_id for p in partnerships])
    by_id = {p.id: p for p in partnerships}
    return [
        PartnershipView(
            partnership=p,
            north=towns[p.north_id],
            south=towns[p.south_id],
            programme=programmes.get(p.programme_id) if p.programme_id else None,
            phase=phases.get(p.phase_id) if p.phase_id else None,
            topics=tuple(topics[t] for t in p.topics),
        )
        for pid in ids
        if (p := by_id.get(pid)) is not None
    ]


async def _by_id(
    conn: aiosqlite.Connection, cls: type[T], table: str, ids: Iterable[str | None]
) -> dict[str, T]:
    """The records of `table` with these ids (None and repeats ignored), by id."""
    wanted = sorted({i for i in ids if i is not None})
    if not wanted:
        return {}
    sql = f"SELECT * FROM {table} WHERE id IN (SELECT value FROM json_each(?))"
    found = await fetch(conn, cls, table, sql, [json.dumps(wanted)])
    return {r.id: r for r in found}
