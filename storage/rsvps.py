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
        self, chat_id: int, meeting: MeetingPost, user_id: int, answer: RsvpAnswer, now: datetime
    ) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO rsvps (chat_id, series_id, occurrence, user_id, answer, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (chat_id, series_id, occurrence, user_id) "
                "DO UPDATE SET answer = excluded.answer, updated_at = excluded.updated_at",
                (
                    chat_id,
                    meeting.series_id,
                    meeting.occurrence,
                    user_id,
                    answer.value,
                    now.isoformat(),
                ),
            )

    async def tally(self, chat_id: int, meeting: MeetingPost) -> dict[RsvpAnswer, int]:
        """Answers per kind in this chat for the meeting an invitation is about."""
        async with self.db.conn.execute(
            "SELECT answer, count(*) FROM rsvps WHERE chat_id = ? AND series_id = ? "
            "AND occurrence = ? GROUP BY answer",
            (chat_id, meeting.series_id, meeting.occurrence),
        ) as cur:
            return {RsvpAnswer(row[0]): row[1] for row in await cur.fetchall()}
