"""The contact directory (who chose to be listed, and what it shows of them) and the
erasure of everything the bot holds about a user (/forgetme)."""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import UTC, datetime

from bot.model.domain import Meeting
from bot.model.people import Contact, FocalRole, Listing
from bot.model.roles import Side
from storage.cache import Party
from storage.db import Database

MAX_CONTACTS = 500
"""A directory query reads at most this many people (the network is a few hundred)."""

_LISTING = "p.user_id, p.name, p.username, p.languages, p.listed_at"


class PeopleRepository:
    def __init__(self, db: Database) -> None:
        self.db = db
        # Listed people's name and username, to tell at no cost whether an update from
        # them brings a change (loaded once, then kept in step by this repository's writes).
        self._names: dict[int, tuple[str, str | None]] | None = None

    async def listing(self, user_id: int) -> Listing | None:
        rows = list(
            await self.db.conn.execute_fetchall(
                f"SELECT {_LISTING} FROM people p WHERE p.user_id = ?", (user_id,)
            )
        )
        return _listing(rows[0]) if rows else None

    async def add(
        self,
        user_id: int,
        name: str,
        username: str | None,
        languages: Sequence[str],
        now: datetime,
    ) -> None:
        """List the user (again: their name, username and languages as they are now)."""
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO people (user_id, name, username, languages, listed_at) "
                "VALUES (?, ?, ?, ?, ?) ON CONFLICT (user_id) DO UPDATE SET "
                "name = excluded.name, username = excluded.username, "
                "languages = excluded.languages",
                (user_id, name, username, json.dumps(list(languages)), _utc(now)),
            )
        if self._names is not None:
            self._names[user_id] = (name, username)

    async def unlist(self, user_id: int) -> bool:
        """False when they were not listed."""
        async with self.db.transaction() as conn:
            cur = await conn.execute("DELETE FROM people WHERE user_id = ?", (user_id,))
        if self._names is not None:
            self._names.pop(user_id, None)
        return cur.rowcount > 0

    async def refresh(self, user_id: int, name: str, username: str | None) -> bool:
        """A listed person wrote to the bot: keep their name and username as Telegram
        gives them now. A dictionary look-up for anyone else, or when nothing changed;
        True when a row was written."""
        if self._names is None:
            rows = await self.db.conn.execute_fetchall("SELECT user_id, name, username FROM people")
            self._names = {int(uid): (str(n), u) for uid, n, u in rows}
        known = self._names.get(user_id)
        if known is None or known == (name, username):
            return False
        async with self.db.transaction() as conn:
            await conn.execute(
                "UPDATE people SET name = ?, username = ? WHERE user_id = ?",
                (name, username, user_id),
            )
        self._names[user_id] = (name, username)
        return True

    async def directory(
        self, town_ids: Collection[str], partnership_ids: Collection[str]
    ) -> list[Contact]:
        """The listed people of these towns, and the listed focal points of these
        partnerships, with their roles; by name. Nobody unlisted: every row comes from
        `people`."""
        towns, partnerships = json.dumps(sorted(town_ids)), json.dumps(sorted(partnership_ids))
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_LISTING}, u.municipality_id, "
            "EXISTS (SELECT 1 FROM coordinators c WHERE c.user_id = p.user_id) "
            "FROM people p LEFT JOIN users u ON u.id = p.user_id "
            "WHERE u.municipality_id IN (SELECT value FROM json_each(?)) "
            "OR p.user_id IN (SELECT f.user_id FROM focal_points f "
            "    WHERE f.partnership_id IN (SELECT value FROM json_each(?))) "
            "ORDER BY p.name COLLATE NOCASE, p.user_id LIMIT ?",
            (towns, partnerships, MAX_CONTACTS),
        )
        found = list(rows)
        ids = json.dumps([int(row[0]) for row in found])
        focal: dict[int, list[FocalRole]] = {}
        for uid, pid, side in await self.db.conn.execute_fetchall(
            "SELECT user_id, partnership_id, side FROM focal_points "
            "WHERE user_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (ids,),
        ):
            focal.setdefault(int(uid), []).append(FocalRole(str(pid), Side(side)))
        return [
            Contact(
                _listing(row),
                row[5],
                bool(row[6]),
                tuple(focal.get(int(row[0]), ())),
            )
            for row in found
        ]

    async def partnerships_of_towns(self, town_ids: Collection[str]) -> list[str]:
        """The partnerships these towns are in."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT id FROM partnerships WHERE north_id IN (SELECT value FROM json_each(?)) "
            "OR south_id IN (SELECT value FROM json_each(?)) ORDER BY rowid",
            (json.dumps(sorted(town_ids)),) * 2,
        )
        return [str(row[0]) for row in rows]

    async def meetings_shown(self, user_id: int) -> list[Meeting]:
        """The meetings whose invitations show the user: by an answer (👥) or an agenda
        item they added; (series id, occurrence)."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT series_id, occurrence FROM rsvps WHERE user_id = ?1 UNION "
            "SELECT series_id, occurrence FROM agenda_items WHERE author_id = ?1",
            (user_id,),
        )
        return [Meeting(str(row[0]), str(row[1])) for row in rows]

    async def erase(self, user_id: int) -> tuple[int, int, int, int, int, int]:
        """Erase the user's own rows: (settings, listing, RSVPs, what they made (subscriptions,
        agenda and action items, minutes, calendar feeds, checklist ticks: kept, without
        them),
        their private chat with what it followed and its posts, others' drafts about them).
        Their roles, the audit and their conversations are the other repositories'
        (handlers/people.py)."""
        async with self.db.transaction() as conn:

            async def run(sql: str) -> int:
                return int((await conn.execute(sql, (user_id,))).rowcount)

            settings = await run("DELETE FROM users WHERE id = ?")
            listing = await run("DELETE FROM people WHERE user_id = ?")
            rsvps = await run("DELETE FROM rsvps WHERE user_id = ?")
            chat = await run("DELETE FROM deliveries WHERE chat_id = ?")
            chat += await run("DELETE FROM subscriptions WHERE chat_id = ?")
            chat += await run("DELETE FROM chats WHERE id = ? AND type = 'private'")
            made = await run("UPDATE subscriptions SET created_by = NULL WHERE created_by = ?")
            # What they added to meetings stays for the others, without their id or name.
            made += await run(
                "UPDATE agenda_items SET author_id = NULL, author_name = NULL WHERE author_id = ?"
            )
            made += await run(
                "UPDATE action_items SET owner_id = NULL, owner_name = NULL WHERE owner_id = ?"
            )
            made += await run("UPDATE action_items SET created_by = NULL WHERE created_by = ?")
            made += await run("UPDATE action_items SET done_by = NULL WHERE done_by = ?")
            made += await run("UPDATE meeting_minutes SET added_by = NULL WHERE added_by = ?")
            made += await run("UPDATE calendar_feeds SET created_by = NULL WHERE created_by = ?")
            made += await run(
                "UPDATE checklist_items SET done_by = NULL, done_by_name = NULL WHERE done_by = ?"
            )
            # Another user's draft about them (a coordinator's /appoint half-way, an action
            # item they were to own): it goes, and that conversation ends at its next step.
            drafts = await run(
                "DELETE FROM conversation_drafts WHERE json_extract(data, '$.user_id') = ?1 "
                "OR json_extract(data, '$.owner.id') = ?1"
            )
            # The cache's triggers noted the user's id as a party whose settings changed;
            # that note would name them: it goes, and this process's kept reads of them are
            # dropped below instead (another process keeps none of a user's for long).
            await run("DELETE FROM cache_touched_parties WHERE id = ?")
        for cache in (self.db.cache, self.db.cards, self.db.replies):
            cache.drop([Party(user_id)])
        if self._names is not None:
            self._names.pop(user_id, None)
        return settings, listing, rsvps, made, chat, drafts


def _listing(row: Sequence[object]) -> Listing:
    uid, name, username, languages, listed_at = row[:5]
    return Listing(
        int(str(uid)),
        str(name),
        str(username) if username else None,
        tuple(json.loads(str(languages))),
        datetime.fromisoformat(str(listed_at)),
    )


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()
