"""Who in a chat answered yes, no or maybe to one meeting of a series."""

from __future__ import annotations

from datetime import datetime

from bot.model.chats import RsvpAnswer
from bot.model.domain import Meeting
from bot.model.posts import MeetingPost
from storage.db import Database


class RsvpRepository:
    """Answers per chat: each group's invitation shows its own members' answers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def answer(
        self,
        chat_id: int,
        meeting: Meeting | MeetingPost,
        user_id: int,
        answer: RsvpAnswer,
        now: datetime,
        name: str | None = None,
    ) -> None:
        """Record (or change) an answer; `name`: the answerer's, as Telegram gives it."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rsvps (chat_id, series_id, occurrence, user_id, answer, updated_at, "
                "name) VALUES (?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (chat_id, series_id, occurrence, user_id) DO UPDATE SET "
                "answer = excluded.answer, updated_at = excluded.updated_at, "
                "name = COALESCE(excluded.name, rsvps.name)",
                (
                    chat_id,
                    meeting.series_id,
                    meeting.occurrence,
                    user_id,
                    answer.value,
                    now.isoformat(),
                    name,
                ),
            )

    async def answerers(
        self, chat_id: int, meeting: Meeting | MeetingPost
    ) -> list[tuple[int, str | None, RsvpAnswer]]:
        """Who answered what in this chat, first answers first: (user id, name, answer)."""
        async with self.db.conn.execute(
            "SELECT user_id, name, answer FROM rsvps WHERE chat_id = ? AND series_id = ? "
            "AND occurrence = ? ORDER BY updated_at, user_id",
            (chat_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            return [(int(r[0]), r[1], RsvpAnswer(r[2])) for r in await cur.fetchall()]

    async def latest(self, user_id: int, meeting: Meeting | MeetingPost) -> RsvpAnswer | None:
        """The user's latest answer to this meeting in any chat (None: never answered)."""
        async with self.db.conn.execute(
            "SELECT answer FROM rsvps WHERE user_id = ? AND series_id = ? AND occurrence = ? "
            "ORDER BY updated_at DESC, chat_id DESC LIMIT 1",
            (user_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            row = await cur.fetchone()
        return RsvpAnswer(row[0]) if row is not None else None

    async def going_series(self, user_id: int) -> set[str]:
        """The series of every meeting this user ever answered ✅ to: what the planner of
        their private chat must load besides what it follows."""
        async with self.db.conn.execute(
            "SELECT DISTINCT series_id FROM rsvps WHERE user_id = ? AND answer = 'yes'",
            (user_id,),
        ) as cur:
            return {str(row[0]) for row in await cur.fetchall()}

    async def names_shown(self, delivery_id: int) -> bool:
        """Whether this invitation shows its answerers' names (👥) rather than counts."""
        async with self.db.conn.execute(
            "SELECT shows_names FROM deliveries WHERE id = ?", (delivery_id,)
        ) as cur:
            row = await cur.fetchone()
        return bool(row[0]) if row is not None else False

    async def show_names(self, delivery_id: int, shown: bool) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE deliveries SET shows_names = ? WHERE id = ?", (int(shown), delivery_id)
            )

    async def tally(self, chat_id: int, meeting: Meeting | MeetingPost) -> dict[RsvpAnswer, int]:
        """Answers per kind in this chat for the meeting an invitation is about."""
        async with self.db.conn.execute(
            "SELECT answer, count(*) FROM rsvps WHERE chat_id = ? AND series_id = ? "
            "AND occurrence = ? GROUP BY answer",
            (chat_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            return {RsvpAnswer(row[0]): row[1] for row in await cur.fetchall()}
