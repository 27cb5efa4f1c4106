"""Kept reads and replies: reused while nothing changes, dropped on any commit, by anyone."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from storage.cache import ReadCache, VersionWatch
from storage.db import Database
from tests.conftest import Driver


class Loads:
    """A loader that counts its calls and reads the one row of table `t`."""

    def __init__(self, db: Database) -> None:
        self.db, self.calls = db, 0

    async def __call__(self) -> int | None:
        self.calls += 1
        async with self.db.conn.execute("SELECT max(a) FROM t") as cur:
            row = await cur.fetchone()
        return None if row is None else row[0]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Database]:
    opened = await Database.open(tmp_path / "kept.sqlite3")
    await opened.conn.execute("CREATE TABLE t (a INTEGER)")
    try:
        yield opened
    finally:
        await opened.close()


async def test_a_read_is_kept_until_this_connection_commits(db: Database) -> None:
    load = Loads(db)
    assert await db.cache.get("k", load) is None
    assert await db.cache.get("k", load) is None
    assert load.calls == 1
    async with db.transaction() as conn:
        await conn.execute("INSERT INTO t VALUES (1)")
    assert await db.cache.get("k", load) == 1
    assert load.calls == 2


async def test_a_commit_by_another_process_drops_kept_reads(db: Database) -> None:
    load = Loads(db)
    assert await db.cache.get("k", load) is None
    other = sqlite3.connect(db.path, isolation_level=None)  # as `partnerbot import` does
    other.execute("INSERT INTO t VALUES (7)")
    other.close()
    assert await db.cache.get("k", load) == 7


async def test_nothing_read_inside_an_open_transaction_is_kept(db: Database) -> None:
    """The one connection is shared: a handler may read another task's uncommitted rows."""
    load = Loads(db)
    with pytest.raises(RuntimeError):
        async with db.transaction() as conn:
            await conn.execute("INSERT INTO t VALUES (5)")
            assert await db.cache.get("k", load) == 5
            raise RuntimeError("rolled back")
    assert await db.cache.get("k", load) is None  # not the rolled-back 5
    assert await db.cache.get("k", load) is None
    assert load.calls == 2


async def test_an_in_memory_database_keeps_nothing() -> None:
    db = await Database.open(":memory:")
    try:
        await db.conn.execute("CREATE TABLE t (a INTEGER)")
        load = Loads(db)
        await db.cache.get("k", load)
        await db.cache.get("k", load)
        assert load.calls == 2
    finally:
        await db.close()


async def test_kept_reads_are_bounded(db: Database) -> None:
    load = Loads(db)
    watch = VersionWatch(db.path)
    cache = ReadCache(watch, db, max_entries=2)
    for key in ("a", "b", "c", "a"):
        await cache.get(key, load)
    assert load.calls == 4  # "a" was pushed out by "c"
    await cache.get("c", load)
    assert load.calls == 4
    watch.close()


# -- through the bot -----------------------------------------------------------------------


async def test_a_language_change_shows_in_the_next_reply(bot: Driver) -> None:
    user = bot.user(31, language_code="en")
    [card] = await bot.send("/partner mtwara", user=user)
    assert "Germany · 🇹🇿 Tanzania" in card["text"]
    await bot.send("/language de", user=user)
    [card] = await bot.send("/partner mtwara", user=user)
    assert "Deutschland · 🇹🇿 Tansania" in card["text"]
