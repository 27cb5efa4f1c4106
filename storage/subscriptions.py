"""Which chats follow which partnerships, phases or programmes, and how they want reminders."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.model.chats import FollowingChat, Subscription, TargetKind
from bot.model.reminders import (
    DEFAULT_PERSONAL_MEETING_MINUTES,
    ReminderSetting,
    ReminderSettings,
    ReminderValue,
)
from storage.cache import Party
from storage.db import Database
from storage.preferences import POST_LANGUAGES, POST_READER, POST_ZONE
from storage.records import upsert_chat

COLUMNS = {  # where each of a chat's lead times lives
    ReminderSetting.DEADLINES: "deadline_offsets",
    ReminderSetting.MEETINGS: "meeting_offsets",
    ReminderSetting.EVENTS: "event_offsets",
    ReminderSetting.INVITE: "invite_days",
}


class SubscriptionRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def add(
        self,
        chat_id: int,
        chat_type: str,
        title: str | None,
        kind: TargetKind,
        target_id: str,
        user_id: int,
        now: datetime,
    ) -> bool:
        """Follow a target; False when the chat already did."""
        async with self.db.transaction() as conn:
            await upsert_chat(conn, chat_id, chat_type, title)
            cur = await conn.execute(
                "INSERT INTO subscriptions (chat_id, target_kind, target_id, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (chat_id, TargetKind(kind).value, target_id, user_id, now.isoformat()),
            )
            return cur.rowcount > 0

    async def remove(self, chat_id: int, subscription_id: int) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM subscriptions WHERE id = ? AND chat_id = ?",
                (subscription_id, chat_id),
            )
            return cur.rowcount > 0

    async def of_chat(self, chat_id: int) -> list[Subscription]:
        async with self.db.conn.execute(
            "SELECT id, chat_id, target_kind, target_id FROM subscriptions WHERE chat_id = ? "
            "ORDER BY id",
            (chat_id,),
        ) as cur:
            return [Subscription(r[0], r[1], TargetKind(r[2]), r[3]) for r in await cur.fetchall()]

    async def link(self, chat_id: int, partnership_id: str, user_id: int) -> bool:
        """The chat's subscription to the partnership made anew by `user_id` (a focal point
        or coordinator: the group now speaks for it); False if it has none."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE subscriptions SET created_by = ? WHERE chat_id = ? "
                "AND target_kind = 'partnership' AND target_id = ? AND created_by IS NOT ?",
                (user_id, chat_id, partnership_id, user_id),
            )
            return cur.rowcount > 0

    async def linked_by(self, chat_id: int, partnership_id: str) -> list[int | None]:
        """Who made this chat's subscriptions to the partnership itself (None: a user who
        asked to be forgotten); a phase's or programme's do not count."""
        async with self.db.conn.execute(
            "SELECT created_by FROM subscriptions WHERE chat_id = ? "
            "AND target_kind = 'partnership' AND target_id = ?",
            (chat_id, partnership_id),
        ) as cur:
            return [None if row[0] is None else int(row[0]) for row in await cur.fetchall()]

    async def following_chats(self, chat_ids: Sequence[int] | None = None) -> list[FollowingChat]:
        """Every chat that follows something, or is a private chat whose user is going to a
        meeting, and is not paused (of `chat_ids`, if given)."""
        among = "" if chat_ids is None else "AND c.id IN (SELECT value FROM json_each(?)) "
        async with self.db.conn.execute(
            f"SELECT c.id, c.title, {POST_LANGUAGES}, {POST_ZONE}, c.deadline_offsets, "
            "c.meeting_offsets, json_group_array(json_array(s.target_kind, s.target_id)), "
            "c.event_offsets, c.invite_days "
            f"FROM chats c JOIN subscriptions s ON s.chat_id = c.id {POST_READER} "
            f"WHERE c.paused_reason IS NULL {among}GROUP BY c.id ORDER BY c.id",
            () if chat_ids is None else (json.dumps(list(chat_ids)),),
        ) as cur:
            rows = await cur.fetchall()
        found = {
            r[0]: FollowingChat(
                chat_id=r[0],
                title=r[1],
                languages=tuple(json.loads(r[2])),
                timezone=r[3],
                deadline_days=tuple(json.loads(r[4])),
                meeting_minutes=tuple(json.loads(r[5])),
                targets=frozenset((TargetKind(k), t) for k, t in json.loads(r[6])),
                event_days=tuple(json.loads(r[7])),
                invite_days=r[8],
            )
            for r in rows
        }
        for chat in await self._going(chat_ids):  # private chats, with or without follows
            was = found.get(chat.chat_id)
            found[chat.chat_id] = (
                chat
                if was is None
                else replace(was, going=chat.going, personal_minutes=chat.personal_minutes)
            )
        return [found[chat_id] for chat_id in sorted(found)]

    async def _going(self, chat_ids: Sequence[int] | None) -> list[FollowingChat]:
        """Private chats (not paused) whose user's latest answer to some meeting is ✅ (in
        any group: a later ❌ or ❔ elsewhere wins), with those meetings and the user's
        personal lead times. A user who never opened the private chat has no row here:
        Telegram forbids writing to them first."""
        among = "" if chat_ids is None else "AND c.id IN (SELECT value FROM json_each(?)) "
        async with self.db.conn.execute(
            f"SELECT c.id, c.title, {POST_LANGUAGES}, {POST_ZONE}, u.meeting_reminders, "
            "json_group_array(json_array(r.series_id, r.occurrence)) "
            f"FROM chats c JOIN rsvps r ON r.user_id = c.id AND r.answer = 'yes' {POST_READER} "
            f"WHERE c.type = 'private' AND c.paused_reason IS NULL {among}"
            "AND NOT EXISTS (SELECT 1 FROM rsvps later WHERE later.user_id = r.user_id "
            "AND later.series_id = r.series_id AND later.occurrence = r.occurrence "
            "AND later.answer <> 'yes' AND (later.updated_at > r.updated_at "
            "OR (later.updated_at = r.updated_at AND later.chat_id > r.chat_id))) "
            "GROUP BY c.id ORDER BY c.id",
            () if chat_ids is None else (json.dumps(list(chat_ids)),),
        ) as cur:
            rows = await cur.fetchall()
        return [
            FollowingChat(
                chat_id=r[0],
                title=r[1],
                languages=tuple(json.loads(r[2])),
                timezone=r[3],
                going=frozenset((s, o) for s, o in json.loads(r[5])),
                personal_minutes=(
                    DEFAULT_PERSONAL_MEETING_MINUTES if r[4] is None else tuple(json.loads(r[4]))
                ),
            )
            for r in rows
        ]

    async def active_chat_ids(self, chat_ids: Sequence[int] | None = None) -> list[int]:
        """Chats that are not paused (of `chat_ids`, if given): their pending posts follow
        the plan."""
        among = "" if chat_ids is None else " AND id IN (SELECT value FROM json_each(?))"
        async with self.db.conn.execute(
            f"SELECT id FROM chats WHERE paused_reason IS NULL{among} ORDER BY id",
            () if chat_ids is None else (json.dumps(list(chat_ids)),),
        ) as cur:
            return [row[0] for row in await cur.fetchall()]

    async def reminder_settings(self, chat_id: int) -> ReminderSettings:
        async with self.db.conn.execute(
            "SELECT deadline_offsets, meeting_offsets, event_offsets, invite_days FROM chats "
            "WHERE id = ?",
            (chat_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return ReminderSettings()
        return ReminderSettings(
            tuple(json.loads(row[0])), tuple(json.loads(row[1])), tuple(json.loads(row[2])), row[3]
        )

    async def set_reminder(
        self,
        chat_id: int,
        chat_type: str,
        title: str | None,
        setting: ReminderSetting,
        value: ReminderValue,
    ) -> None:
        """Store one of the chat's lead times."""
        column = COLUMNS[setting]
        stored = json.dumps(list(value)) if isinstance(value, tuple) else value
        async with self.db.transaction() as conn:
            await upsert_chat(conn, chat_id, chat_type, title)
            await conn.execute(f"UPDATE chats SET {column} = ? WHERE id = ?", (stored, chat_id))

    async def post_thread(self, chat_id: int) -> int | None:
        """The forum topic where the chat's posts go; None: the chat itself (General).
        Read for every post: kept until the chat's settings change."""
        return await self.db.cache.get(
            ("post-thread", chat_id), lambda: self._post_thread(chat_id), (Party(chat_id),)
        )

    async def _post_thread(self, chat_id: int) -> int | None:
        async with self.db.conn.execute(
            "SELECT post_thread FROM chats WHERE id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return int(row[0]) if row is not None and row[0] is not None else None

    async def set_post_thread(
        self, chat_id: int, chat_type: str, title: str | None, thread: int | None
    ) -> None:
        """Where the chat's posts go from now on: a forum topic, or None for General."""
        async with self.db.transaction() as conn:
            await upsert_chat(conn, chat_id, chat_type, title)
            await conn.execute("UPDATE chats SET post_thread = ? WHERE id = ?", (thread, chat_id))

    async def lose_post_thread(self, chat_id: int, thread: int) -> bool:
        """Telegram refused the topic (closed or deleted): posts go to General. False when
        the chat's topic is no longer `thread` (an admin chose another meanwhile)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE chats SET post_thread = NULL WHERE id = ? AND post_thread = ?",
                (chat_id, thread),
            )
            return cur.rowcount > 0

    async def chat_name(self, chat_id: int) -> tuple[str, str | None]:
        """The chat's type and title as last seen ('private', None when unknown)."""
        async with self.db.conn.execute(
            "SELECT type, title FROM chats WHERE id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return (row[0], row[1]) if row is not None else ("", None)

    async def pause(self, chat_id: int, reason: str) -> None:
        """Telegram refuses us in this chat: keep its subscriptions, stop sending."""
        async with self.db.transaction() as conn:
            await conn.execute("UPDATE chats SET paused_reason = ? WHERE id = ?", (reason, chat_id))

    async def resume(self, chat_id: int) -> bool:
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE chats SET paused_reason = NULL WHERE id = ? AND paused_reason IS NOT NULL",
                (chat_id,),
            )
            return cur.rowcount > 0

    async def is_paused(self, chat_id: int) -> bool:
        async with self.db.conn.execute(
            "SELECT paused_reason FROM chats WHERE id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        return row is not None and row[0] is not None

    async def migrate_chat(self, old_id: int, new_id: int) -> None:
        """A group became a supergroup: the chat, its subscriptions and pending posts move."""
        async with self.db.transaction() as conn:
            async with conn.execute("SELECT 1 FROM chats WHERE id = ?", (new_id,)) as cur:
                exists = await cur.fetchone() is not None
            if exists:  # both known (the service message raced us): fold the old one in
                # Settings the old chat made win over the new chat's untouched defaults.
                await conn.execute(
                    "UPDATE chats SET "
                    "languages = CASE WHEN languages = '[]' THEN (SELECT languages FROM chats "
                    "WHERE id = :old) ELSE languages END, "
                    "timezone = coalesce(timezone, (SELECT timezone FROM chats WHERE id = :old)), "
                    "deadline_offsets = (SELECT deadline_offsets FROM chats WHERE id = :old), "
                    "meeting_offsets = (SELECT meeting_offsets FROM chats WHERE id = :old), "
                    "event_offsets = (SELECT event_offsets FROM chats WHERE id = :old), "
                    "invite_days = coalesce(invite_days, (SELECT invite_days FROM chats "
                    "WHERE id = :old)) WHERE id = :new",
                    {"old": old_id, "new": new_id},
                )
                await conn.execute(
                    "UPDATE OR IGNORE subscriptions SET chat_id = ? WHERE chat_id = ?",
                    (new_id, old_id),
                )
                await conn.execute(
                    "UPDATE OR IGNORE deliveries SET chat_id = ? WHERE chat_id = ?",
                    (new_id, old_id),
                )
                await conn.execute("DELETE FROM chats WHERE id = ?", (old_id,))
            else:  # ON UPDATE CASCADE moves subscriptions and deliveries along
                await conn.execute(
                    "UPDATE chats SET id = ?, type = 'supergroup' WHERE id = ?", (new_id, old_id)
                )
