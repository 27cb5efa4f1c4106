"""Rows to domain records, shared by the repositories."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

import aiosqlite

from bot.model.codec import from_plain

T = TypeVar("T")


def plain(row: aiosqlite.Row) -> dict[str, Any]:
    """A row as the codec reads it: no NULLs, flags as booleans, derived columns dropped."""
    data = {key: row[key] for key in row.keys()}  # noqa: SIM118 - Row iterates values
    data.pop("starts_at_utc", None)
    for key in ("example", "online"):
        if key in data:
            data[key] = bool(data[key])
    return {k: v for k, v in data.items() if v is not None}


def record(cls: type[T], row: aiosqlite.Row, table: str) -> T:
    return from_plain(cls, plain(row), f"{table}[{row['id']}]", from_db=True)


async def fetch(
    conn: aiosqlite.Connection, cls: type[T], table: str, sql: str, params: Iterable[Any] = ()
) -> list[T]:
    # One trip to the database thread, not three (execute, fetch, close).
    return [record(cls, row, table) for row in await conn.execute_fetchall(sql, tuple(params))]


async def upsert_chat(
    conn: aiosqlite.Connection, chat_id: int, chat_type: str, title: str | None
) -> None:
    """Make sure the chat has a row (with its current type and title) before a setting."""
    await conn.execute(
        "INSERT INTO chats (id, type, title) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE "
        "SET type = excluded.type, title = excluded.title",
        (chat_id, chat_type, title),
    )
