"""Coordinators appointed in chat and the focal points of each partnership."""

from __future__ import annotations

from collections.abc import Set
from datetime import datetime

from bot.model.roles import Roles, Side
from storage.db import Database


class RolesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def of(self, user_id: int, configured: Set[int]) -> Roles:
        """`configured`: the coordinators of PARTNERBOT_ADMINS."""
        conn = self.db.conn
        appointed = await conn.execute_fetchall(
            "SELECT 1 FROM coordinators WHERE user_id = ?", (user_id,)
        )
        focal = await conn.execute_fetchall(
            "SELECT partnership_id, side FROM focal_points WHERE user_id = ?", (user_id,)
        )
        return Roles(
            user_id,
            configured=user_id in configured,
            appointed=bool(list(appointed)),
            focal=frozenset((str(pid), Side(side)) for pid, side in focal),
        )

    async def appoint_coordinator(self, user_id: int, by: int, now: datetime) -> bool:
        """False when they were one already."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO coordinators (user_id, appointed_by, appointed_at) VALUES (?, ?, ?) "
                "ON CONFLICT (user_id) DO NOTHING",
                (user_id, by, now.isoformat()),
            )
            return cur.rowcount > 0

    async def dismiss_coordinator(self, user_id: int) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM coordinators WHERE user_id = ?", (user_id,))
            return cur.rowcount > 0

    async def appoint_focal_point(
        self, partnership_id: str, user_id: int, side: Side, by: int, now: datetime
    ) -> bool:
        """False when they were already this partnership's focal point on that side."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO focal_points (partnership_id, user_id, side, appointed_by, "
                "appointed_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (partnership_id, user_id) "
                "DO UPDATE SET side = excluded.side WHERE side IS NOT excluded.side",
                (partnership_id, user_id, side.value, by, now.isoformat()),
            )
            return cur.rowcount > 0

    async def dismiss_focal_point(self, partnership_id: str, user_id: int) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM focal_points WHERE partnership_id = ? AND user_id = ?",
                (partnership_id, user_id),
            )
            return cur.rowcount > 0

    async def focal_points(self, partnership_id: str) -> list[tuple[int, Side]]:
        rows = await self.db.conn.execute_fetchall(
            "SELECT user_id, side FROM focal_points WHERE partnership_id = ? ORDER BY rowid",
            (partnership_id,),
        )
        return [(int(uid), Side(side)) for uid, side in rows]

    async def appointed_coordinators(self) -> list[int]:
        rows = await self.db.conn.execute_fetchall(
            "SELECT user_id FROM coordinators ORDER BY appointed_at"
        )
        return [int(row[0]) for row in rows]

    async def forget(self, user_id: int) -> int:
        """Drop the user's roles and their name as appointer; how many rows named them."""
        async with self.db.transaction() as conn:
            total = 0
            for sql in (
                "DELETE FROM coordinators WHERE user_id = ?",
                "DELETE FROM focal_points WHERE user_id = ?",
                "UPDATE coordinators SET appointed_by = NULL WHERE appointed_by = ?",
                "UPDATE focal_points SET appointed_by = NULL WHERE appointed_by = ?",
            ):
                total += (await conn.execute(sql, (user_id,))).rowcount
            return total
