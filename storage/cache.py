"""Reads kept in memory until the data they were read from changes.

A read through aiosqlite costs a hop to its thread and back, about as much as handling a
whole update, so replies, the network's small tables and the reader's settings are read
once and kept. What keeps them honest is a second, synchronous connection (`ChangeWatch`):
on every read it asks `PRAGMA data_version` (microseconds), which moves on every commit to
the file, by this bot or by any other process (`partnerbot import`). Only when it moved
does it read the generation counters that triggers keep (migration 0005): the network's
data, and which users' or chats' settings changed. The outbox moves data_version but no
counter, so the scheduler's writes drop nothing.

Each kept value names its `Scope`s: `NETWORK`, or `Party(id)` for one user's or chat's
settings; a change drops exactly the values of its scopes.
"""

from __future__ import annotations

import enum
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar, cast

log = logging.getLogger(__name__)

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
MAX_ENTRIES = 4096  # keys hold typed text (queries, filters) and user ids: bound them
WATCH_BUSY_SECONDS = 0.05


class Domain(enum.Enum):
    NETWORK = "network"  # programmes to meeting series, and the search index


NETWORK = Domain.NETWORK


@dataclass(frozen=True, slots=True)
class Party:
    """One user's or chat's settings and subscriptions (Telegram ids do not overlap
    between users and groups; a private chat's id is its user's)."""

    id: int


Scope = Domain | Party


class Quiet(Protocol):
    """What the cache needs to know of the database: did a transaction overlap a read?"""

    def read_mark(self) -> int | None: ...

    def still(self, mark: int | None) -> bool: ...


class Dropper(Protocol):
    def drop_all(self) -> None: ...

    def drop(self, scopes: Iterable[Scope]) -> None: ...


GENERATIONS_SQL = (
    "SELECT (SELECT value FROM cache_generations WHERE domain = 'network'), "
    "(SELECT value FROM cache_generations WHERE domain = 'parties')"
)
TOUCHED_SQL = "SELECT id FROM cache_touched_parties WHERE generation > ?"


class ChangeWatch:
    """What changed since it last looked, by any connection, told to the caches watching."""

    def __init__(self, path: str) -> None:
        # Its own connection: data_version only counts commits made by *other* connections,
        # and the bot's own is one of those here. It never writes.
        self._conn: sqlite3.Connection | None = sqlite3.connect(
            path, isolation_level=None, timeout=WATCH_BUSY_SECONDS
        )
        self._caches: list[Dropper] = []
        self._version: int | None = None
        self._generations: tuple[int, int] | None = None
        self.epoch = 0  # moves whenever something kept was dropped
        self.network_epoch = 0  # moves whenever the network's data may have changed

    def watch(self, cache: Dropper) -> None:
        self._caches.append(cache)

    def poll(self) -> int | None:
        """The epoch after dropping whatever changed; None when SQLite cannot tell right now
        (busy, closed): then nothing may be kept, and the next answer drops everything."""
        version = self._data_version()
        if version is None:
            self._forget()
            return None
        if version != self._version:
            self._version = version
            self._catch_up()
        return self.epoch

    def _data_version(self) -> int | None:
        if self._conn is None:
            return None
        try:
            return int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:
            log.debug("could not read the data version; reading without the cache", exc_info=True)
            return None

    def _catch_up(self) -> None:
        """data_version moved: drop what the commits since changed (all, if unknown)."""
        assert self._conn is not None
        before = self._generations
        try:
            network, parties = self._conn.execute(GENERATIONS_SQL).fetchone()
            now = (int(network), int(parties))
            touched = (
                [int(row[0]) for row in self._conn.execute(TOUCHED_SQL, (before[1],))]
                if before is not None and now[1] > before[1]
                else []
            )
        except (sqlite3.Error, TypeError):  # not migrated yet, or busy: no counters to trust
            self._generations = None  # so the next move drops everything again
            self._drop_all()
            return
        self._generations = now
        if before is None or now[0] < before[0] or now[1] < before[1]:  # first look, or a new file
            self._drop_all()
            return
        scopes: list[Scope] = [Party(i) for i in touched]
        if now[0] != before[0]:
            scopes.append(NETWORK)
            self.network_epoch += 1
        if scopes:
            self.epoch += 1
            for cache in self._caches:
                cache.drop(scopes)

    def _forget(self) -> None:
        self._version = self._generations = None
        self._drop_all()

    def _drop_all(self) -> None:
        self.epoch += 1
        self.network_epoch += 1
        for cache in self._caches:
            cache.drop_all()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


class _Keys(set[Hashable]):
    """The keys kept under one scope, when more than one (a key may itself be a set-like
    value, so a set of keys is told apart by its type)."""


_NONE = object()


@dataclass(slots=True)
class _Entry:
    value: Any
    scopes: tuple[Scope, ...]
    size: int


class ReadCache:
    """Loaded values by key, each dropped when one of its scopes changes; bounded by count
    and by an estimate of their size (the least recently used go first)."""

    def __init__(
        self,
        watch: ChangeWatch | None,
        db: Quiet,
        max_entries: int = MAX_ENTRIES,
        max_bytes: int | None = None,
    ):
        self._watch, self._db = watch, db
        self._max, self._max_bytes = max_entries, max_bytes
        self._entries: OrderedDict[Hashable, _Entry] = OrderedDict()
        # Keys by scope: a set, or the one key itself (most parties have one kept read,
        # and a set for each of thousands of readers costs more than the reads).
        self._by_scope: dict[Scope, Hashable | _Keys] = {}
        self.bytes = 0
        if watch is not None:
            watch.watch(self)

    def __len__(self) -> int:
        return len(self._entries)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._entries

    async def get(
        self,
        key: Hashable,
        load: Callable[[], Awaitable[T]],
        scopes: tuple[Scope, ...],
        size: Callable[[T], int] | None = None,
    ) -> T:
        """The value under `key`, loading it on a miss; `scopes` name what it is read from,
        `size` estimates its bytes (for a cache bounded by bytes). Cached values are
        shared: never change them in place."""
        epoch = self._watch.poll() if self._watch else None
        if epoch is not None:
            entry = self._entries.get(key)
            if entry is not None:
                self._entries.move_to_end(key)
                return cast(T, entry.value)
        # The one connection is shared, so a load may see another task's uncommitted
        # writes: keep it only when no transaction overlapped it, and nothing it may have
        # read changed meanwhile (another process's commit).
        mark = self._db.read_mark()
        value = await load()
        if (
            epoch is not None
            and self._db.still(mark)
            and self._watch
            and self._watch.poll() == epoch
        ):
            self._store(key, _Entry(value, scopes, size(value) if size else 0))
        return value

    async def get_many(
        self,
        keys: Iterable[K],
        load: Callable[[list[K]], Awaitable[dict[K, T]]],
        scopes: tuple[Scope, ...],
    ) -> dict[K, T]:
        """The values under `keys` found by `load` (given the keys not kept), by key; kept
        by the same rules as `get`. A key `load` does not find is left out."""
        epoch = self._watch.poll() if self._watch else None
        found: dict[K, T] = {}
        missing: list[K] = []
        for key in keys:
            entry = self._entries.get(key) if epoch is not None else None
            if entry is None:
                missing.append(key)
            else:
                self._entries.move_to_end(key)
                found[key] = entry.value
        if not missing:
            return found
        mark = self._db.read_mark()
        loaded = await load(missing)
        if (
            epoch is not None
            and self._db.still(mark)
            and self._watch
            and self._watch.poll() == epoch
        ):
            for key, value in loaded.items():
                self._store(key, _Entry(value, scopes, 0))
        return found | loaded

    def _store(self, key: Hashable, entry: _Entry) -> None:
        self._remove(key)
        self._entries[key] = entry
        self.bytes += entry.size
        for scope in entry.scopes:
            found = self._by_scope.get(scope, _NONE)
            if found is _NONE:
                self._by_scope[scope] = key
            elif isinstance(found, _Keys):
                found.add(key)
            elif found != key:
                self._by_scope[scope] = _Keys((found, key))
        while len(self._entries) > self._max or (
            self._max_bytes is not None and self.bytes > self._max_bytes and len(self._entries) > 1
        ):
            self._remove(next(iter(self._entries)))

    def forget(self, key: Hashable) -> None:
        """Drop one kept value (superseded by a newer one under another key)."""
        self._remove(key)

    def _remove(self, key: Hashable) -> None:
        entry = self._entries.pop(key, None)
        if entry is None:
            return
        self.bytes -= entry.size
        for scope in entry.scopes:
            found = self._by_scope.get(scope, _NONE)
            if isinstance(found, _Keys):
                found.discard(key)
                if not found:
                    del self._by_scope[scope]
            elif found == key:
                del self._by_scope[scope]

    def drop(self, scopes: Iterable[Scope]) -> None:
        for scope in scopes:
            found = self._by_scope.get(scope, _NONE)
            if found is _NONE:
                continue
            for key in list(found) if isinstance(found, _Keys) else [found]:
                self._remove(key)

    def drop_all(self) -> None:
        self._entries.clear()
        self._by_scope.clear()
        self.bytes = 0

    clear = drop_all
