"""Calendar feeds: the unguessable token of each group's and partnership's feed, and the
little a feed reads beyond the network (agenda items, revisions, when it last changed)."""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Collection
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.model.feeds import FeedTarget
from storage.db import Database
from storage.records import upsert_chat

TOKEN_BYTES = 24
"""192 random bits, 32 URL-safe characters: not guessable, short enough to paste."""


@dataclass(frozen=True)
class FeedRow:
    target: FeedTarget
    served_digest: str | None
    served_at: datetime | None


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hint(token: str) -> str:
    """What a log line may say about a token: a short hash, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()[:8]


class FeedsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def token_of(
        self,
        target: FeedTarget,
        by: int | None,
        now: datetime,
        chat: tuple[str, str | None] | None = None,
    ) -> str:
        """The feed's token, made on the first ask. `chat`: a group's (type, title), so
        that it has its row."""
        found = await self._token(target)
        if found is not None:
            return found
        async with self.db.transaction() as conn:
            if chat is not None and target.chat_id is not None:
                await upsert_chat(conn, target.chat_id, *chat)
            await conn.execute(
                "INSERT INTO calendar_feeds (token, partnership_id, chat_id, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (new_token(), target.partnership_id, target.chat_id, by, _utc(now)),
            )
        token = await self._token(target)
        assert token is not None  # just made, or made by a concurrent ask
        return token

    async def reset(self, target: FeedTarget, by: int | None, now: datetime) -> str:
        """A new token; the old one finds nothing from now on."""
        token = new_token()
        async with self.db.transaction() as conn:
            await conn.execute(
                f"DELETE FROM calendar_feeds WHERE {_column(target)} = ?", (_value(target),)
            )
            await conn.execute(
                "INSERT INTO calendar_feeds (token, partnership_id, chat_id, created_by, "
                "created_at) VALUES (?, ?, ?, ?, ?)",
                (token, target.partnership_id, target.chat_id, by, _utc(now)),
            )
        return token

    async def target_of(self, token: str) -> FeedTarget | None:
        found = await self.row(token)
        return found.target if found else None

    async def row(self, token: str) -> FeedRow | None:
        """The token's feed with its stamp, in one read (a feed request's first)."""
        rows = list(
            await self.db.conn.execute_fetchall(
                "SELECT chat_id, partnership_id, served_digest, served_at FROM calendar_feeds "
                "WHERE token = ?",
                (token,),
            )
        )
        if not rows:
            return None
        chat_id, partnership_id, digest, served_at = rows[0]
        return FeedRow(
            FeedTarget(chat_id=chat_id, partnership_id=partnership_id),
            digest,
            datetime.fromisoformat(served_at) if served_at else None,
        )

    async def _token(self, target: FeedTarget) -> str | None:
        rows = list(
            await self.db.conn.execute_fetchall(
                f"SELECT token FROM calendar_feeds WHERE {_column(target)} = ?", (_value(target),)
            )
        )
        return str(rows[0][0]) if rows else None

    async def chat_title(self, chat_id: int) -> str | None:
        rows = list(
            await self.db.conn.execute_fetchall("SELECT title FROM chats WHERE id = ?", (chat_id,))
        )
        return str(rows[0][0]) if rows and rows[0][0] else None

    async def stamp(
        self, token: str, digest: str, now: datetime, known: FeedRow | None = None
    ) -> datetime:
        """When the feed's content (its `digest`) was first served under this token: its
        DTSTAMP and Last-Modified, the same on every poll until the content changes (kept
        on the feed's row, storage/migrations/0014, so a restart keeps clients' ETags).
        `known`: the row as this request read it (no second read while nothing changed)."""
        if known is not None and known.served_digest == digest and known.served_at:
            return known.served_at
        sql = "SELECT served_digest, served_at FROM calendar_feeds WHERE token = ?"
        rows = list(await self.db.conn.execute_fetchall(sql, (token,)))
        if rows and rows[0][0] == digest and rows[0][1]:
            return datetime.fromisoformat(rows[0][1])
        stamp = now.astimezone(UTC).replace(microsecond=0)
        async with self.db.transaction() as conn:
            # Only if no other request stamped this content meanwhile.
            await conn.execute(
                "UPDATE calendar_feeds SET served_digest = ?, served_at = ? "
                "WHERE token = ? AND served_digest IS NOT ?",
                (digest, stamp.isoformat(), token, digest),
            )
        rows = list(await self.db.conn.execute_fetchall(sql, (token,)))
        if rows and rows[0][0] == digest and rows[0][1]:
            return datetime.fromisoformat(rows[0][1])
        return stamp  # the token was reset meanwhile: it answers 404 from the next request

    async def revisions(self, kind: str, ids: Collection[str]) -> dict[str, int]:
        """The SEQUENCE of each event or series (storage/migrations/0008), 0 if none."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT id, revision FROM calendar_revisions WHERE kind = ? "
            "AND id IN (SELECT value FROM json_each(?))",
            (kind, json.dumps(sorted(ids))),
        )
        return {str(r[0]): int(r[1]) for r in rows}


def _column(target: FeedTarget) -> str:
    return "chat_id" if target.chat_id is not None else "partnership_id"


def _value(target: FeedTarget) -> int | str:
    return target.chat_id if target.chat_id is not None else str(target.partnership_id)


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()
