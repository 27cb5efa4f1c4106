"""The FTS5 partner index: rebuilt for the partnerships a save touches, queried by prefix."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import aiosqlite

from bot.model.domain import LANGUAGES, PartnershipView
from bot.text.search import Names, document, fts_query
from storage.cache import NETWORK
from storage.db import Database
from storage.views import Fetch, views, views_from

INDEX_VERSION = "2"  # bump when fold() or the indexed columns change: the index is rebuilt
INDEX_VERSION_KEY = "search_index_version"
COLUMNS = ("partnership_id", "towns", "countries", "topics", "phase", "programme")
# Ranking scores every hit, which costs more than the lookup itself once hits run into the
# thousands ("sudort 0": 12 ms for 10,000); past this many, hits come in index order.
RANKED_AT_MOST = 200
# Towns weigh most, then countries: "mtwara" should rank the town above a topic.
RANK = "bm25(partnership_search, 0, 10.0, 5.0, 2.0, 1.0, 1.0), rowid"
# A lookup's reads (count, page, cards) cost 0.03–0.3 ms each in SQLite (a few ms for a
# one-letter word over 50,000 partnerships), less than the trip to aiosqlite's thread and
# back that each would take, many times less on a busy machine: they run here, on a
# read-only connection of the index's own. Waiting for a lock would stop the bot: if
# SQLite is busy, a read goes through the shared connection.
READER_BUSY_SECONDS = 0.05

log = logging.getLogger(__name__)


class SearchIndex:
    def __init__(self, db: Database) -> None:
        self.db = db
        self._saves = 0  # bumped by every save (reindex): the cached names may be stale
        self._names: tuple[tuple[int, int], Names] | None = None
        self._building: dict[tuple[int, int], asyncio.Future[Names]] = {}
        self._reader: sqlite3.Connection | None = None

    def close(self) -> None:
        if self._reader is not None:
            self._reader.close()
            self._reader = None

    async def reindex(self, conn: aiosqlite.Connection, partnership_ids: list[str]) -> None:
        """Rewrite the index rows of these partnerships (inside the caller's transaction)."""
        self._saves += 1
        if not partnership_ids:
            return
        wanted = json.dumps(partnership_ids)
        await conn.execute(
            "DELETE FROM partnership_search WHERE partnership_id IN "
            "(SELECT value FROM json_each(?))",
            (wanted,),
        )
        docs = [
            tuple(getattr(doc, column) for column in COLUMNS)
            for v in await views(conn, partnership_ids)
            if (doc := document(v.partnership, v.north, v.south, v.topics, v.phase, v.programme))
        ]
        marks = ", ".join("?" for _ in COLUMNS)
        await conn.executemany(
            f"INSERT INTO partnership_search ({', '.join(COLUMNS)}) VALUES ({marks})", docs
        )

    async def ensure_built(self) -> None:
        """Index every partnership when the index lags (right after it was created) or was
        built by another version of the folding (INDEX_VERSION)."""
        async with self.db.conn.execute(
            "SELECT (SELECT count(*) FROM partnerships), (SELECT count(*) FROM partnership_search)"
        ) as cur:
            row = await cur.fetchone()
        stale = await self.db.get_meta(INDEX_VERSION_KEY) != INDEX_VERSION
        if stale or (row is not None and row[0] != row[1]):
            async with self.db.transaction() as conn:
                await conn.execute("DELETE FROM partnership_search")
                async with conn.execute("SELECT id FROM partnerships") as cur:
                    ids = [r[0] for r in await cur.fetchall()]
                await self.reindex(conn, ids)
                await self.db.set_meta(INDEX_VERSION_KEY, INDEX_VERSION)

    async def search(self, text: str, limit: int, offset: int = 0) -> tuple[list[str], int]:
        """Matching partnership ids, best first (in index order when there are very many),
        and how many match in all."""
        query = fts_query(text)
        if query is None:
            return [], 0
        return await _search(self._read, query, limit, offset)

    async def cards(self, ids: list[str]) -> list[PartnershipView]:
        """The cards of a page of hits (a few), in the order of `ids`: kept by id until the
        network's data changes (the cache /exchanges and cards share, storage.db), and
        read as the hits are when not kept: see READER_BUSY_SECONDS. Committed data only:
        not for use inside a transaction."""

        async def load(missing: list[str]) -> dict[str, PartnershipView]:
            return {v.partnership.id: v for v in await views_from(self._read, missing)}

        found = await self.db.cards.get_many(ids, load, (NETWORK,))
        return [found[i] for i in ids if i in found]

    async def _read(self, sql: str, params: Iterable[Any]) -> Iterable[Any]:
        if self._open_reader():
            assert self._reader is not None
            try:
                return self._reader.execute(sql, tuple(params)).fetchall()
            except sqlite3.OperationalError:
                log.debug("the index's reader is busy; reading the shared way", exc_info=True)
        return await self.db.conn.execute_fetchall(sql, params)

    def _open_reader(self) -> bool:
        """Open the index's own reader once; an in-memory database has none (it is the
        shared connection's alone)."""
        if self._reader is None and self.db.path != ":memory:":
            uri = Path(self.db.path).resolve().as_uri() + "?mode=ro"
            self._reader = sqlite3.connect(
                uri, uri=True, isolation_level=None, timeout=READER_BUSY_SECONDS
            )
        return self._reader is not None

    async def suggest(self, text: str, lang: str | None = None) -> list[str]:
        """Names close to what was typed, as a reader of `lang` is shown them (see
        bot.text.search.Names), from a name index kept until the data changes: here (a
        save) or in another process (an import)."""
        # The network's epoch moves with its data only, not with the outbox's writes (a
        # post sent must not cost a rebuild); without one, SQLite's own counter.
        epoch = self.db.network_epoch()
        version = (self._saves, epoch if epoch is not None else await self.db.data_version())
        if self._names is not None and self._names[0] == version:
            return self._names[1].suggest(text, lang)
        building = self._building.get(version)
        if building is None:  # one build per version, however many typos arrive meanwhile
            building = self._building[version] = asyncio.ensure_future(self._build(version))
            building.add_done_callback(lambda _: self._building.pop(version, None))
        return (await asyncio.shield(building)).suggest(text, lang)

    async def _build(self, version: tuple[int, int]) -> Names:
        mark = self.db.read_mark()
        # Indexing every name takes 0.2 s at 10,000 partnerships, a second at 50,000: in a
        # thread, so the bot goes on answering meanwhile (it gets the GIL every few ms).
        names = await asyncio.to_thread(Names, await self._candidates())
        if self.db.still(mark):  # not read amid a save that may yet roll back
            self._names = (version, names)
        return names

    async def _candidates(self) -> list[tuple[str, str | None]]:
        """Every town's and topic's name as each language shows it (None: one name for
        all), towns first, in insertion order."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT name FROM (SELECT name, 0 AS kind, rowid AS n FROM municipalities "
            "UNION ALL SELECT name, 1, rowid FROM topics) ORDER BY kind, n"
        )
        names: list[tuple[str, str | None]] = []
        for (stored,) in rows:  # a JSON text, or a JSON object of language to text
            value = json.loads(stored)
            if isinstance(value, dict):  # as LocalizedText.get: else the original, the first
                original = next(iter(value.values()))
                names.extend((value.get(lang, original), lang) for lang in LANGUAGES)
            else:
                names.append((value, None))
        return names


async def _search(fetch: Fetch, query: str, limit: int, offset: int) -> tuple[list[str], int]:
    [(total,)] = await fetch(
        "SELECT count(*) FROM partnership_search WHERE partnership_search MATCH ?", (query,)
    )
    if total == 0:
        return [], 0
    order = RANK if 1 < total <= RANKED_AT_MOST else "rowid"  # one hit: nothing to rank
    rows = await fetch(
        "SELECT partnership_id FROM partnership_search WHERE partnership_search MATCH ? "
        f"ORDER BY {order} LIMIT ? OFFSET ?",
        (query, limit, offset),
    )
    return [r[0] for r in rows], int(total)
