"""Open the SQLite database and bring its schema up to date with numbered migrations."""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import aiosqlite

from storage.cache import ChangeWatch, ReadCache
from storage.errors import DatabaseLockedError, DatabaseUnavailableError, file_problem, is_busy

log = logging.getLogger(__name__)

BUSY_TIMEOUT_MS = 5000
FIRST_TRY_MS = 200
"""With a `lock_wait`: how long the first try for the write lock waits before saying so."""
REPLIES_KEPT = 256
CARDS_KEPT = 1024  # a card is a partnership with its towns, phase, programme and topics
REPLY_BYTES_KEPT = 2 * 1024 * 1024  # replies run to ~10 KB with their keyboard


SEEDED_KEY = "seeded"
"""Set once the seed dataset was loaded, or a network imported instead."""


class SchemaTooNewError(RuntimeError):
    """The database was written by a newer partnerbot; refusing beats corrupting it."""


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    sql: str


def bundled_migrations() -> list[Migration]:
    """The numbered `NNNN_name.sql` files shipped in storage/migrations, in order."""
    found = []
    for entry in (resources.files("storage") / "migrations").iterdir():
        match = re.fullmatch(r"(\d{4})_(\w+)\.sql", entry.name)
        if match:
            found.append(Migration(int(match[1]), match[2], entry.read_text("utf-8")))
    found.sort(key=lambda m: m.version)
    if [m.version for m in found] != list(range(1, len(found) + 1)):
        raise RuntimeError("migrations must be numbered 0001, 0002, ... without gaps")
    return found


class Database:
    """One aiosqlite connection in autocommit mode; writes go through `transaction()`."""

    def __init__(
        self,
        conn: aiosqlite.Connection,
        path: str,
        watch: ChangeWatch | None = None,
        *,
        lock_wait: float | None = None,
    ) -> None:
        self.conn = conn
        self.path = path
        self.lock_wait = lock_wait
        # One connection serves handlers and scheduler jobs: one transaction at a time.
        self._writing = asyncio.Lock()
        self.transactions = 0  # begun and ended so far: caches keep nothing read during one
        self._watch = watch
        # Small values: settings of users and chats, the network's small tables.
        self.cache = ReadCache(watch, self)
        # Partnership cards by id: what lists, cards and exchanges show of a partnership.
        self.cards = ReadCache(watch, self, max_entries=CARDS_KEPT)
        # Rendered replies, up to ~10 KB each (text and keyboard): fewer, the hot ones.
        self.replies = ReadCache(watch, self, max_entries=REPLIES_KEPT, max_bytes=REPLY_BYTES_KEPT)

    @classmethod
    async def open(cls, path: str | Path, *, lock_wait: float | None = None) -> Database:
        """`lock_wait`: seconds a write waits for another process's write lock, SQLite
        retrying meanwhile (the command line); None: the busy timeout alone (the bot)."""
        if str(path) != ":memory:":
            problem = await asyncio.to_thread(file_problem, Path(path))
            if problem is not None:
                raise DatabaseUnavailableError(path, problem)
            # Any other file SQLite cannot open fails here: aiosqlite, failing to connect,
            # stops its thread without waiting, and the thread then dies on a closed loop.
            await asyncio.to_thread(_try_open, str(path))
        conn = await aiosqlite.connect(str(path), isolation_level=None)
        # Closed on any failure: its thread would otherwise keep the process alive.
        try:
            conn.row_factory = aiosqlite.Row
            await conn.execute("PRAGMA foreign_keys = ON")
            await conn.execute(f"PRAGMA busy_timeout = {_busy_ms(lock_wait)}")
            if str(path) != ":memory:":
                await conn.execute("PRAGMA journal_mode = WAL")
            await conn.execute("PRAGMA synchronous = NORMAL")
            # An in-memory database is this connection's alone: nothing to watch, no cache.
            watch = ChangeWatch(str(path)) if str(path) != ":memory:" else None
        except BaseException:
            await conn.close()
            raise
        return cls(conn, str(path), watch, lock_wait=lock_wait)

    async def close(self) -> None:
        if self._watch is not None:
            self._watch.close()
        await self.conn.close()

    @property
    def in_transaction(self) -> bool:
        """From taking the write lock to after COMMIT or ROLLBACK: reads meanwhile may see
        writes that are never committed."""
        return self._writing.locked() or self.conn.in_transaction

    def read_mark(self) -> int | None:
        """Take before a read that may be kept; None when it may not (a transaction is open)."""
        return None if self.in_transaction else self.transactions

    def still(self, mark: int | None) -> bool:
        """No transaction began, ended or was open since `mark`: what was read is committed."""
        return mark is not None and self.read_mark() == mark

    @asynccontextmanager
    async def transaction(self) -> AsyncIterator[aiosqlite.Connection]:
        """BEGIN IMMEDIATE ... COMMIT, rolled back on any error; never two interleaved."""
        async with self._writing:
            self.transactions += 1
            try:
                await self._begin()
                try:
                    yield self.conn
                except BaseException:
                    await self.conn.rollback()
                    raise
                await self.conn.commit()
            finally:
                self.transactions += 1  # ended: a read that overlapped it is not kept

    async def _begin(self) -> None:
        """BEGIN IMMEDIATE. With a `lock_wait`, a first short try, then (saying so once)
        SQLite retries for the rest of it; then DatabaseLockedError."""
        try:
            await self.conn.execute("BEGIN IMMEDIATE")
            return
        except sqlite3.OperationalError as exc:
            if self.lock_wait is None or not is_busy(exc):
                raise
            if self.lock_wait * 1000 <= FIRST_TRY_MS:
                raise DatabaseLockedError(self.path, self.lock_wait) from exc
        log.warning(
            "%s: another process holds the write lock; waiting up to %g s for it",
            self.path,
            self.lock_wait,
        )
        async with self._busy_timeout(self.lock_wait - FIRST_TRY_MS / 1000):
            try:
                await self.conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise DatabaseLockedError(self.path, self.lock_wait) from exc
                raise

    @asynccontextmanager
    async def _busy_timeout(self, seconds: float) -> AsyncIterator[None]:
        await self.conn.execute(f"PRAGMA busy_timeout = {round(seconds * 1000)}")
        try:
            yield
        finally:
            await self.conn.execute(f"PRAGMA busy_timeout = {_busy_ms(self.lock_wait)}")

    async def schema_version(self) -> int:
        await self.conn.execute(
            "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)"
        )
        async with self.conn.execute("SELECT max(version) FROM schema_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row and row[0] is not None else 0

    async def migrate(self, migrations: list[Migration] | None = None) -> int:
        """Apply the missing migrations, each in its own transaction; return the version."""
        steps = bundled_migrations() if migrations is None else migrations
        if self.lock_wait is None:
            return await self._migrate(steps)
        # A migration takes the write lock inside its script: SQLite's retries alone.
        async with self._busy_timeout(self.lock_wait):
            try:
                return await self._migrate(steps)
            except sqlite3.OperationalError as exc:
                if is_busy(exc):
                    raise DatabaseLockedError(self.path, self.lock_wait) from exc
                raise

    async def _migrate(self, steps: list[Migration]) -> int:
        latest = steps[-1].version if steps else 0
        current = await self.schema_version()
        if current > latest:
            raise SchemaTooNewError(
                f"the database {self.path} has schema version {current}, but this partnerbot "
                f"knows only up to {latest}: upgrade partnerbot or use another database"
            )
        for step in steps:
            if step.version <= current:
                continue
            # executescript runs statements as given; BEGIN/COMMIT make the step atomic.
            script = (
                f"BEGIN IMMEDIATE;\n{step.sql}\n;"
                f"INSERT INTO schema_version (version) VALUES ({step.version});\nCOMMIT;"
            )
            self.transactions += 1
            try:
                await self.conn.executescript(script)
            except BaseException:
                if self.conn.in_transaction:
                    await self.conn.rollback()
                raise
            log.info("migrated database to version %d (%s)", step.version, step.name)
        return max(current, latest)

    def network_epoch(self) -> int | None:
        """A number that moves whenever the network's data may have changed, by any
        process, and not with the outbox's writes (storage/cache.py); None when it cannot
        tell (an in-memory database, SQLite busy): then keep nothing derived from it."""
        if self._watch is None or self._watch.poll() is None:
            return None
        return self._watch.network_epoch

    async def data_version(self) -> int:
        """Changes when another connection (e.g. `partnerbot import`) commits to the file."""
        async with self.conn.execute("PRAGMA data_version") as cur:
            row = await cur.fetchone()
        return int(row[0]) if row else 0

    async def get_meta(self, key: str) -> str | None:
        async with self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)) as cur:
            row = await cur.fetchone()
        return str(row[0]) if row else None

    async def set_meta(self, key: str, value: str) -> None:
        await self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?, ?) "
            "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            (key, value),
        )


def _try_open(path: str) -> None:
    sqlite3.connect(path).close()


def _busy_ms(lock_wait: float | None) -> int:
    """The connection's busy timeout: with a `lock_wait`, short, so a write that must wait
    says so early; reads in WAL mode never wait for a writer."""
    if lock_wait is None:
        return BUSY_TIMEOUT_MS
    return min(FIRST_TRY_MS, round(lock_wait * 1000))
