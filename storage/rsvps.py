"""Who in a chat answered yes, no or maybe to one meeting of a series."""

from __future__ import annotations

from datetime import datetime

from bot.model.chats import RsvpAnswer
from bot.model.posts import MeetingPost
from storage.db import Database


class RsvpRepository:
    """Answers per chat: each group's invitation shows its own members' answers."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def answer(
        self,
        chat_id: int,
        meeting: MeetingPost,
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
        self, chat_id: int, meeting: MeetingPost
    ) -> list[tuple[int, str | None, RsvpAnswer]]:
        """Who answered what in this chat, first answers first: (user id, name, answer)."""
        async with self.db.conn.execute(
            "SELECT user_id, name, answer FROM rsvps WHERE chat_id = ? AND series_id = ? "
            "AND occurrence = ? ORDER BY updated_at, user_id",
            (chat_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            return [(int(r[0]), r[1], RsvpAnswer(r[2])) for r in await cur.fetchall()]

    async def tally(self, chat_id: int, meeting: MeetingPost) -> dict[RsvpAnswer, int]:
        """Answers per kind in this chat for the meeting an invitation is about."""
        async with self.db.conn.execute(
            "SELECT answer, count(*) FROM rsvps WHERE chat_id = ? AND series_id = ? "
            "AND occurrence = ? GROUP BY answer",
            (chat_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            return {RsvpAnswer(row[0]): row[1] for row in await cur.fetchall()}
