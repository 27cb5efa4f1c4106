"""Guided conversations kept in the database: where each stands (PTB's conversation states,
written by bot/telegram/persistence.py) and the draft its author has typed so far."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from storage.db import Database

ConversationKey = tuple[int | str, ...]
"""PTB's key of a conversation: (chat_id, user_id) for per_chat and per_user, and so on."""

State = int | str
"""A conversation's state as stored: PTB's states are the keys of a ConversationHandler's
`states`; numbers and strings (IntEnum and StrEnum members included) come back equal."""

JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]
Draft = dict[str, JsonValue]
"""What the author has typed so far, in a form JSON keeps (as read back)."""
JsonLike = None | bool | int | float | str | Sequence["JsonLike"] | Mapping[str, "JsonLike"]
"""What may be put in a draft (tuples come back as lists)."""

DRAFT_BYTES = 64 * 1024
"""A draft holds a few typed answers (a message is at most 4096 characters): more is a bug."""


@dataclass(frozen=True)
class StateChange:
    name: str  # the ConversationHandler's name
    key: ConversationKey
    owner: int | None  # the user whose conversation it is; None: a group's own
    state: State | None  # None: the conversation ended


class ConversationsRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def states(self, name: str) -> dict[ConversationKey, State]:
        """Every open conversation of the handler `name`, by key."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT key, state FROM conversation_states WHERE name = ?", (name,)
        )
        return {_key(key): _state(state) for key, state in rows}

    async def save(self, changes: Sequence[StateChange], now: datetime) -> None:
        """Write these states in one transaction. A conversation that ended takes its
        owner's draft with it: a draft lives as long as its conversation."""
        if not changes:
            return
        at = _utc(now)
        async with self.db.transaction() as conn:
            for change in changes:
                key = _key_text(change.key)
                if change.state is None:
                    await conn.execute(
                        "DELETE FROM conversation_states WHERE name = ? AND key = ?",
                        (change.name, key),
                    )
                    if change.owner is not None:
                        await conn.execute(
                            "DELETE FROM conversation_drafts WHERE user_id = ? AND name = ?",
                            (change.owner, change.name),
                        )
                    continue
                await conn.execute(
                    "INSERT INTO conversation_states (name, key, user_id, state, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT (name, key) DO UPDATE SET "
                    "user_id = excluded.user_id, state = excluded.state, "
                    "updated_at = excluded.updated_at",
                    (change.name, key, change.owner, _state_text(change.state), at),
                )

    # One draft per user and conversation name: a conversation that one user may hold in
    # two chats at once (a group's and their private one) keeps no draft, or one by chat.

    async def put_draft(
        self, user_id: int, name: str, draft: Mapping[str, JsonLike], now: datetime
    ) -> None:
        """Keep `draft` as what `user_id` has typed so far in the conversation `name`."""
        text = json.dumps(dict(draft), ensure_ascii=False, allow_nan=False, separators=(",", ":"))
        if len(text.encode()) > DRAFT_BYTES:
            raise ValueError(f"a draft is a JSON object of at most {DRAFT_BYTES} bytes")
        async with self.db.transaction() as conn:
            await conn.execute(
                "INSERT INTO conversation_drafts (user_id, name, data, updated_at) "
                "VALUES (?, ?, ?, ?) ON CONFLICT (user_id, name) DO UPDATE SET "
                "data = excluded.data, updated_at = excluded.updated_at",
                (user_id, name, text, _utc(now)),
            )

    async def draft(self, user_id: int, name: str) -> Draft | None:
        rows = list(
            await self.db.conn.execute_fetchall(
                "SELECT data FROM conversation_drafts WHERE user_id = ? AND name = ?",
                (user_id, name),
            )
        )
        if not rows:
            return None
        data = json.loads(rows[0][0])
        assert isinstance(data, dict)
        return data

    async def drop_draft(self, user_id: int, name: str) -> bool:
        """False when there was none."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM conversation_drafts WHERE user_id = ? AND name = ?", (user_id, name)
            )
            return cur.rowcount > 0

    async def forget(self, user_id: int) -> int:
        """Erase every conversation state and draft of the user; how many rows there were.
        (A running bot also holds its conversations in memory:
        bot/telegram/persistence.py `ConversationApplication.forget_conversations` ends
        those too, and then calls this.)"""
        async with self.db.transaction() as conn:
            total = 0
            for sql in (
                "DELETE FROM conversation_states WHERE user_id = ?",
                "DELETE FROM conversation_drafts WHERE user_id = ?",
            ):
                total += (await conn.execute(sql, (user_id,))).rowcount
            return total


def _key_text(key: ConversationKey) -> str:
    return json.dumps(list(key), separators=(",", ":"))


def _key(text: str) -> ConversationKey:
    parts = json.loads(text)
    return tuple(parts)


def _state_text(state: State) -> str:
    # bool is an int to Python and an IntEnum's json is its number: checked by its type.
    if isinstance(state, bool) or not isinstance(state, int | str):
        raise TypeError(f"a conversation state is a number or a string, not {state!r}")
    return json.dumps(state, ensure_ascii=False)


def _state(text: str) -> State:
    state = json.loads(text)
    assert isinstance(state, int | str)
    return state


def _utc(now: datetime) -> str:
    return now.astimezone(UTC).isoformat()
