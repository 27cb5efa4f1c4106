"""The partnership read model: a partnership joined with its towns, programme, phase, topics."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Awaitable, Callable, Iterable
from functools import lru_cache
from typing import Any, TypeVar

import aiosqlite

from bot.model.codec import from_plain
from bot.model.domain import Municipality, Partnership, PartnershipView, Phase, Programme, Topic

T = TypeVar("T")


def _columns(cls: type, alias: str, *, skip: str = "") -> str:
    """A record's row as a JSON object: its columns are its fields (storage/network.py)."""
    pairs = [f"'{f.name}', {alias}.{f.name}" for f in dataclasses.fields(cls) if f.name != skip]
    return ", ".join(pairs)


def _nullable(cls: type, alias: str) -> str:
    return f"CASE WHEN {alias}.id IS NULL THEN NULL ELSE json_object({_columns(cls, alias)}) END"


# Everything a card shows in one statement, so one trip to the database thread: each record
# comes as a JSON object of its row (the stored texts inside as they are in their column).
_SQL = (
    f"SELECT json_object({_columns(Partnership, 'p', skip='topics')}, 'topics', "
    "(SELECT json_group_array(topic_id) FROM (SELECT topic_id FROM partnership_topics "
    "WHERE partnership_id = p.id ORDER BY position))), "
    f"json_object({_columns(Municipality, 'n')}), json_object({_columns(Municipality, 's')}), "
    f"{_nullable(Phase, 'ph')}, {_nullable(Programme, 'pr')}, "
    f"(SELECT json_group_array(json_object({_columns(Topic, 't')})) FROM (SELECT t.* "
    "FROM partnership_topics pt JOIN topics t ON t.id = pt.topic_id "
    "WHERE pt.partnership_id = p.id ORDER BY pt.position) t) "
    "FROM partnerships p JOIN municipalities n ON n.id = p.north_id "
    "JOIN municipalities s ON s.id = p.south_id "
    "LEFT JOIN phases ph ON ph.id = p.phase_id LEFT JOIN programmes pr ON pr.id = p.programme_id "
    "WHERE p.id IN (SELECT value FROM json_each(?))"
)


Fetch = Callable[[str, Iterable[Any]], Awaitable[Iterable[Any]]]
"""Runs a read: a connection's execute_fetchall, or storage.search's reader."""


async def views(conn: aiosqlite.Connection, ids: list[str]) -> list[PartnershipView]:
    """Cards for these partnerships, in the order of `ids` (unknown ids left out)."""
    return await views_from(conn.execute_fetchall, ids)


async def views_from(fetch: Fetch, ids: list[str]) -> list[PartnershipView]:
    """views(), read through `fetch`."""
    if not ids:
        return []
    by_id: dict[str, PartnershipView] = {}
    for row in await fetch(_SQL, (json.dumps(ids),)):
        partnership = _decoded(Partnership, "partnerships", row[0])
        by_id[partnership.id] = PartnershipView(
            partnership=partnership,
            north=_decoded(Municipality, "municipalities", row[1]),
            south=_decoded(Municipality, "municipalities", row[2]),
            phase=_decoded(Phase, "phases", row[3]) if row[3] else None,
            programme=_decoded(Programme, "programmes", row[4]) if row[4] else None,
            topics=_topics(row[5]),
        )
    return [by_id[pid] for pid in ids if pid in by_id]


# Decoding is a function of a row's text alone, and most of a card's cost: the same phase,
# programme, topics and popular towns recur on every other card. Records are frozen, so
# one decoded record serves them all; a changed row is a new text, decoded anew.
DECODED_KEPT = 4096


@lru_cache(maxsize=DECODED_KEPT)
def _decoded(cls: type[T], table: str, text: str) -> T:
    return _decode(cls, table, json.loads(text))


@lru_cache(maxsize=DECODED_KEPT)
def _topics(text: str) -> tuple[Topic, ...]:
    return tuple(_decoded(Topic, "topics", json.dumps(t)) for t in json.loads(text))


def _decode(cls: type[T], table: str, data: dict[str, Any]) -> T:
    """As storage.records.record reads a row: no NULLs, flags as booleans."""
    plain = {k: bool(v) if k == "example" else v for k, v in data.items() if v is not None}
    return from_plain(cls, plain, f"{table}[{data['id']}]", from_db=True)
