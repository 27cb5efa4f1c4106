"""Action items agreed in partnerships' meetings: added, listed, ticked done, and read
for the owners' reminders and the groups' weekly overdue digest."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from bot.model.actions import ActionItem, Member, NewActionItem, Owner, OwnerChat
from bot.model.domain import LocalizedText, Meeting
from bot.model.roles import Side
from storage.db import Database
from storage.preferences import POST_ZONE

_COLUMNS = (
    "id, partnership_id, series_id, occurrence, text, language, owner_id, owner_name, "
    "owner_side, due, created_by, created_at, done_at, done_by, chat_id"
)
_DEFAULT_DAYS = (3, 1)


def _item(row: Sequence[Any]) -> ActionItem:
    owner: Owner = Side(row[8]) if row[8] is not None else Member(int(row[6] or 0), row[7] or "")
    return ActionItem(
        id=int(row[0]),
        partnership_id=str(row[1]),
        meeting=Meeting(row[2], row[3]) if row[2] is not None and row[3] is not None else None,
        text=LocalizedText.of(row[4], row[5]),
        owner=owner,
        due=date.fromisoformat(row[9]),
        created_by=row[10],
        created_at=datetime.fromisoformat(row[11]),
        done_at=datetime.fromisoformat(row[12]) if row[12] else None,
        done_by=row[13],
        chat_id=row[14],
    )


def _ids(values: Iterable[object]) -> str:
    return json.dumps(list(values))


class ActionsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(self, item: NewActionItem, now: datetime) -> ActionItem:
        owner_id = item.owner.user_id if isinstance(item.owner, Member) else None
        owner_name = item.owner.name if isinstance(item.owner, Member) else None
        side = item.owner.value if isinstance(item.owner, Side) else None
        meeting = item.meeting
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "INSERT INTO action_items (partnership_id, series_id, occurrence, text, "
                "language, owner_id, owner_name, owner_side, due, chat_id, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
                "(SELECT id FROM chats WHERE id = ?), ?, ?)",
                (
                    item.partnership_id,
                    meeting.series_id if meeting else None,
                    meeting.occurrence if meeting else None,
                    item.text.original,
                    item.text.original_language,
                    owner_id,
                    owner_name,
                    side,
                    item.due.isoformat(),
                    item.chat_id,
                    item.created_by,
                    now.isoformat(),
                ),
            )
            new_id = cur.lastrowid
        assert new_id is not None
        found = await self.get(new_id)
        assert found is not None
        return found

    async def get(self, item_id: int) -> ActionItem | None:
        async with self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM action_items WHERE id = ?", (item_id,)
        ) as cur:
            row = await cur.fetchone()
        return _item(row) if row is not None else None

    async def open_items(
        self, partnership_id: str, offset: int = 0, limit: int = -1
    ) -> list[ActionItem]:
        """The partnership's open items, oldest first (a page of them with `limit`)."""
        return await self.open_for([partnership_id], offset, limit)

    async def open_for(
        self, partnership_ids: Sequence[str], offset: int = 0, limit: int = -1
    ) -> list[ActionItem]:
        """The open items of several partnerships at once, oldest first."""
        async with self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM action_items WHERE done_at IS NULL AND partnership_id IN "
            "(SELECT value FROM json_each(?)) ORDER BY created_at, id LIMIT ? OFFSET ?",
            (_ids(partnership_ids), limit, offset),
        ) as cur:
            return [_item(r) for r in await cur.fetchall()]

    async def all_open(self) -> list[ActionItem]:
        """Every open item (what posts are composed from: a few per partnership)."""
        async with self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM action_items WHERE done_at IS NULL ORDER BY created_at, id"
        ) as cur:
            return [_item(r) for r in await cur.fetchall()]

    async def done(self, item_id: int, by: int, now: datetime) -> bool:
        """Tick an open item done; False when it was done already (or is gone)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE action_items SET done_at = ?, done_by = ? WHERE id = ? AND done_at IS NULL",
                (now.isoformat(), by, item_id),
            )
            return cur.rowcount > 0

    async def overdue(self, partnership_ids: Sequence[str], today: date) -> list[ActionItem]:
        """Open items due before `today`, oldest first."""
        async with self.db.conn.execute(
            f"SELECT {_COLUMNS} FROM action_items WHERE done_at IS NULL AND due < ? AND "
            "partnership_id IN (SELECT value FROM json_each(?)) ORDER BY created_at, id",
            (today.isoformat(), _ids(partnership_ids)),
        ) as cur:
            return [_item(r) for r in await cur.fetchall()]

    async def owner_chats(self, chat_ids: Sequence[int]) -> list[OwnerChat]:
        """Of these chats, the private ones (not paused) whose user owns open items, or is
        a focal point of a side that owns some: with their zone and lead times."""
        ids = _ids(chat_ids)
        async with self.db.conn.execute(
            f"SELECT c.id, {POST_ZONE}, u.action_reminders FROM chats c "
            "LEFT JOIN users u ON u.id = c.id "
            "LEFT JOIN municipalities m ON m.id = u.municipality_id "
            "WHERE c.type = 'private' AND c.paused_reason IS NULL "
            "AND c.id IN (SELECT value FROM json_each(?))",
            (ids,),
        ) as cur:
            chats = {int(r[0]): (r[1], r[2]) for r in await cur.fetchall()}
        if not chats:
            return []
        mine: dict[int, list[ActionItem]] = defaultdict(list)
        among = _ids(chats)
        async with self.db.conn.execute(
            f"SELECT {_COLUMNS}, owner_id FROM action_items WHERE done_at IS NULL "
            "AND owner_id IN (SELECT value FROM json_each(?)) "
            f"UNION ALL SELECT {', '.join('a.' + c for c in _COLUMNS.split(', '))}, f.user_id "
            "FROM action_items a JOIN focal_points f ON f.partnership_id = a.partnership_id "
            "AND f.side = a.owner_side WHERE a.done_at IS NULL "
            "AND f.user_id IN (SELECT value FROM json_each(?))",
            (among, among),
        ) as cur:
            for row in await cur.fetchall():
                mine[int(row[15])].append(_item(row[:15]))
        return [
            OwnerChat(
                chat_id,
                zone,
                tuple(json.loads(days)) if days is not None else _DEFAULT_DAYS,
                tuple(sorted(mine[chat_id], key=lambda i: i.id)),
            )
            for chat_id, (zone, days) in sorted(chats.items())
            if mine.get(chat_id)
        ]

    async def partnerships_of_town(self, municipality_id: str) -> list[str]:
        """The partnerships a town is one side of (a user's /iam town)."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT id FROM partnerships WHERE north_id = ? OR south_id = ? ORDER BY rowid",
            (municipality_id, municipality_id),
        )
        return [str(row[0]) for row in rows]
