"""Who answered yes, no or maybe to one meeting of a series."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from storage.db import Database


class RsvpRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def answer(
        self, series_id: str, occurrence: str, user_id: int, answer: str, now: datetime
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rsvps (series_id, occurrence, user_id, answer, updated_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (series_id, occurrence, user_id) "
                "DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
                (series_id, occurrence, user_id, answer, now.isoformat()),
            )

    async def tally(self, payload: Mapping[str, Any]) -> dict[str, int]:
        """Answers per kind for the meeting an invitation is about."""
        async with self.db.conn.execute(
            "SELECT answer, count(*) FROM rsvps WHERE series_id = ? AND occurrence = ? "
            "GROUP BY answer",
            (payload["series_id"], payload["occurrence"]),
        ) as cur:
            return {row[0]: row[1] for row in await cur.fetchall()}
