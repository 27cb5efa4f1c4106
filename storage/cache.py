"""Reads kept in memory until anything commits to the database file.

A read through aiosqlite costs a hop to its thread and back, about as much as handling a
whole update, so replies and the reader's settings are read once and kept. What keeps
them honest is `PRAGMA data_version` on a second, synchronous connection: it changes on
every commit to the file, by this bot or by any other process (`partnerbot import`),
and asking costs microseconds, so it is asked on every read.
"""

from __future__ import annotations

import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from typing import Any, Protocol, TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_ENTRIES = 4096  # keys hold typed text (queries, filters) and user ids: bound them
WATCH_BUSY_SECONDS = 0.05


class Quiet(Protocol):
    """What the cache needs to know of the database: did a transaction overlap a read?"""

    def read_mark(self) -> int | None: ...

    def still(self, mark: int | None) -> bool: ...


class VersionWatch:
    """A number that changes with every commit to the database file, by any connection."""

    def __init__(self, path: str) -> None:
        # Its own connection: data_version only counts commits made by *other* connections,
        # and the bot's own is one of those here. It never writes.
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            path, isolation_level=None, timeout=WATCH_BUSY_SECONDS
        )

    def version(self) -> int | None:
        """None when SQLite cannot tell right now (busy): then nothing is cached."""
        if self._conn is None:
            return None
        try:
            row = self._conn.execute("PRAGMA data_version").fetchone()
        except sqlite3.Error:
            log.debug("could not read the data version; reading without the cache", exc_info=True)
            return None
        return int(row[0])

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class ReadCache:
    """Loaded values by key, dropped all at once when the data version moves."""

    def __init__(self, watch: VersionWatch | None, db: Quiet, max_entries: int = MAX_ENTRIES):
        self._watch, self._db, self._max = watch, db, max_entries
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._version: int | None = None

    async def get(self, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The value under `key`, loading it on a miss. Cached values are shared: never
        change them in place."""
        version = self._watch.version() if self._watch else None
        if version != self._version:
            self._entries.clear()
            self._version = version
        if version is not None and key in self._entries:
            self._entries.move_to_end(key)
            return cast(T, self._entries[key])
        # The one connection is shared, so a load may see another task's uncommitted
        # writes: keep it only when no transaction overlapped it.
        mark = self._db.read_mark()
        value = await load()
        if version is not None and self._db.still(mark) and self._version == version:
            self._store(key, value)
        return value

    def _store(self, key: Hashable, value: object) -> None:
        self._entries[key] = value
        if len(self._entries) > self._max:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()
