"""The partnership read model: a partnership joined with its towns, programme, phase, topics."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace

import aiosqlite

from bot.domain import Municipality, Partnership, PartnershipView, Phase, Programme, Topic
from storage.records import fetch


async def views(conn: aiosqlite.Connection, ids: list[str]) -> list[PartnershipView]:
    """Join partnerships with their towns, programme, phase and topics in a few queries."""
    if not ids:
        return []
    wanted = json.dumps(ids)
    partnerships = await fetch(
        conn,
        Partnership,
        "partnerships",
        "SELECT * FROM partnerships WHERE id IN (SELECT value FROM json_each(?))",
        [wanted],
    )
    towns = {
        m.id: m
        for m in await fetch(
            conn,
            Municipality,
            "municipalities",
            "SELECT * FROM municipalities WHERE id IN (SELECT north_id FROM partnerships "
            "WHERE id IN (SELECT value FROM json_each(?1)) UNION SELECT south_id FROM "
            "partnerships WHERE id IN (SELECT value FROM json_each(?1)))",
            [wanted],
        )
    }
    all_topics = {t.id: t for t in await fetch(conn, Topic, "topics", "SELECT * FROM topics")}
    topics_of: dict[str, list[Topic]] = defaultdict(list)
    sql = (
        "SELECT partnership_id, topic_id FROM partnership_topics WHERE partnership_id IN "
        "(SELECT value FROM json_each(?)) ORDER BY partnership_id, position"
    )
    async with conn.execute(sql, (wanted,)) as cur:
        for row in await cur.fetchall():
            topics_of[row[0]].append(all_topics[row[1]])
    phases = {p.id: p for p in await fetch(conn, Phase, "phases", "SELECT * FROM phases")}
    programmes = {
        p.id: p for p in await fetch(conn, Programme, "programmes", "SELECT * FROM programmes")
    }
    by_id = {p.id: p for p in partnerships}
    return [
        PartnershipView(
            partnership=replace(p, topics=tuple(t.id for t in topics_of[p.id])),
            north=towns[p.north_id],
            south=towns[p.south_id],
            programme=programmes.get(p.programme_id) if p.programme_id else None,
            phase=phases.get(p.phase_id) if p.phase_id else None,
            topics=tuple(topics_of[p.id]),
        )
        for pid in ids
        if (p := by_id.get(pid)) is not None
    ]
