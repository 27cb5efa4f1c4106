"""Who reads the bot where: per-user and per-chat language and zone settings."""

from __future__ import annotations

import json

from bot.model.chats import ChatPrefs, Target, TargetKind, UserPrefs
from bot.model.reminders import PersonalReminders
from bot.text.places import group_languages
from storage.cache import NETWORK, Party
from storage.db import Database
from storage.records import upsert_chat

# A private chat's id is its user's: posts there read as the user does (bot/telegram/
# context.py resolves replies the same way). Used with `chats c`.
POST_READER = (
    "LEFT JOIN users u ON u.id = c.id AND c.type = 'private' "
    "LEFT JOIN municipalities m ON m.id = u.municipality_id"
)
POST_LANGUAGES = "CASE WHEN u.language IS NOT NULL THEN json_array(u.language) ELSE c.languages END"
POST_ZONE = "COALESCE(u.timezone, m.timezone, c.timezone)"

# Most readers never change a setting: one value shared by all of them, kept per reader.
NO_USER_PREFS, NO_CHAT_PREFS = UserPrefs(), ChatPrefs()


class PreferencesRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def user(self, user_id: int) -> UserPrefs:
        """Read on every update (the reader's language and zone): kept until the user's
        settings change, or the network's (the zone of their town)."""
        return await self.db.cache.get(
            ("user-prefs", user_id), lambda: self._user(user_id), (Party(user_id), NETWORK)
        )

    async def _user(self, user_id: int) -> UserPrefs:
        async with self.db.conn.execute(
            "SELECT u.language, u.timezone, m.timezone AS home FROM users u "
            "LEFT JOIN municipalities m ON m.id = u.municipality_id WHERE u.id = ?",
            (user_id,),
        ) as cur:
            row = await cur.fetchone()
        return UserPrefs(row["language"], row["timezone"], row["home"]) if row else NO_USER_PREFS

    async def chat(self, chat_id: int) -> ChatPrefs:
        return await self.db.cache.get(
            ("chat-prefs", chat_id), lambda: self._chat(chat_id), (Party(chat_id),)
        )

    async def for_posts(self, chat_id: int) -> ChatPrefs:
        """How a chat reads its posts: a group's settings; in a private chat, the user's own
        language and zone (else their town's) before what was stored for the chat."""
        return await self.db.cache.get(
            ("post-prefs", chat_id), lambda: self._for_posts(chat_id), (Party(chat_id), NETWORK)
        )

    async def _for_posts(self, chat_id: int) -> ChatPrefs:
        async with self.db.conn.execute(
            f"SELECT {POST_LANGUAGES}, {POST_ZONE} FROM chats c {POST_READER} WHERE c.id = ?",
            (chat_id,),
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return NO_CHAT_PREFS
        return ChatPrefs(tuple(json.loads(row[0])), row[1])

    async def _chat(self, chat_id: int) -> ChatPrefs:
        async with self.db.conn.execute(
            "SELECT languages, timezone FROM chats WHERE id = ?", (chat_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return NO_CHAT_PREFS
        return ChatPrefs(tuple(json.loads(row["languages"])), row["timezone"])

    async def set_user_language(self, user_id: int, language: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, language) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET language = excluded.language",
                (user_id, language),
            )

    async def set_user_timezone(self, user_id: int, zone: str) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, timezone) VALUES (?, ?) "
                "ON CONFLICT (id) DO UPDATE SET timezone = excluded.timezone",
                (user_id, zone),
            )

    async def personal_reminders(self, user_id: int) -> PersonalReminders:
        """The user's own lead times (the defaults if they never set any)."""
        async with self.db.conn.execute(
            "SELECT meeting_reminders, action_reminders FROM users WHERE id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        if row is None:
            return PersonalReminders()
        return PersonalReminders(tuple(json.loads(row[0])), tuple(json.loads(row[1])))

    async def set_personal_reminders(self, user_id: int, reminders: PersonalReminders) -> None:
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, meeting_reminders, action_reminders) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET meeting_reminders = excluded.meeting_reminders, "
                "action_reminders = excluded.action_reminders",
                (
                    user_id,
                    json.dumps(list(reminders.meeting_minutes)),
                    json.dumps(list(reminders.action_days)),
                ),
            )

    async def private_chat_open(self, user_id: int) -> bool:
        """Whether the user started the bot: their private chat has a row, not paused after
        Telegram refused us there (they blocked the bot)."""
        async with self.db.conn.execute(
            "SELECT paused_reason IS NULL FROM chats WHERE id = ? AND type = 'private'",
            (user_id,),
        ) as cur:
            row = await cur.fetchone()
        return row is not None and bool(row[0])

    async def open_private_chat(self, user_id: int, name: str | None, language: str) -> None:
        """The user started the bot: their private chat gets a row (posts may go there, in
        `language` until they choose one), and is no longer paused if they had blocked us."""
        async with self.db.transaction() as conn:
            await upsert_chat(conn, user_id, "private", name)
            await conn.execute(
                "UPDATE chats SET paused_reason = NULL, languages = CASE WHEN languages = '[]' "
                "THEN json_array(?) ELSE languages END WHERE id = ?",
                (language, user_id),
            )

    async def user_town(self, user_id: int) -> str | None:
        """The municipality the user said they belong to (/start, /iam)."""
        async with self.db.conn.execute(
            "SELECT municipality_id FROM users WHERE id = ?", (user_id,)
        ) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row and row[0] is not None else None

    async def set_user_town(
        self, user_id: int, municipality_id: str | None, language: str | None = None
    ) -> None:
        """The user's town (its zone is their default), and a language if one is given."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO users (id, municipality_id, language) VALUES (?, ?, ?) "
                "ON CONFLICT (id) DO UPDATE SET municipality_id = excluded.municipality_id, "
                "language = coalesce(excluded.language, users.language)",
                (user_id, municipality_id, language),
            )

    async def set_chat_timezone(
        self, chat_id: int, chat_type: str, title: str | None, zone: str
    ) -> None:
        async with self.db.transaction() as conn:
            await upsert_chat(conn, chat_id, chat_type, title)
            await conn.execute("UPDATE chats SET timezone = ? WHERE id = ?", (zone, chat_id))

    async def subscribed_targets(self, chat_id: int) -> frozenset[Target]:
        """(kind, id) pairs a group follows, e.g. ('partnership', 'bonn-la-paz')."""
        return await self.db.cache.get(
            ("followed", chat_id), lambda: self._followed(chat_id), (Party(chat_id),)
        )

    async def _followed(self, chat_id: int) -> frozenset[Target]:
        async with self.db.conn.execute(
            "SELECT target_kind, target_id FROM subscriptions WHERE chat_id = ?", (chat_id,)
        ) as cur:
            return frozenset((TargetKind(row[0]), row[1]) for row in await cur.fetchall())

    async def set_chat_languages(
        self, chat_id: int, chat_type: str, title: str | None, languages: tuple[str, ...]
    ) -> None:
        async with self.db.transaction() as conn:
            await upsert_chat(conn, chat_id, chat_type, title)
            await conn.execute(
                "UPDATE chats SET languages = ? WHERE id = ?",
                (json.dumps(list(languages)), chat_id),
            )

    async def give_groups_their_towns_languages(self) -> int:
        """Groups that follow a partnership but never chose languages (they subscribed
        before /subscribe gave defaults) read its towns' languages, as new ones do; once,
        at start-up: a chat with languages is never touched. How many were given them."""
        # As /subscribe would have said: the first partnership followed, and the language
        # of the admin who linked it first when it is one of the two.
        async with self.db.conn.execute(
            "SELECT c.id, north.country, south.country, u.language FROM chats c "
            "JOIN subscriptions s ON s.id = (SELECT min(id) FROM subscriptions "
            "    WHERE chat_id = c.id AND target_kind = 'partnership') "
            "JOIN partnerships p ON p.id = s.target_id "
            "JOIN municipalities north ON north.id = p.north_id "
            "JOIN municipalities south ON south.id = p.south_id "
            "LEFT JOIN users u ON u.id = s.created_by "
            "WHERE c.languages = '[]' AND c.type <> 'private'"
        ) as cur:
            rows = await cur.fetchall()
        given = {
            chat_id: group_languages([north, south], admins)
            for chat_id, north, south, admins in rows
        }
        async with self.db.transaction() as conn:
            await conn.executemany(
                "UPDATE chats SET languages = ? WHERE id = ? AND languages = '[]'",
                [(json.dumps(list(langs)), chat_id) for chat_id, langs in given.items() if langs],
            )
        return sum(1 for langs in given.values() if langs)
