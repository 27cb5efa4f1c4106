"""The database with its repositories: opened, migrated and seeded in one call."""

from __future__ import annotations

import logging
import sqlite3
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import date
from importlib import resources
from pathlib import Path

import aiosqlite

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import Dataset
from bot.model.example import example_dataset
from storage.actions import ActionsRepository
from storage.agenda import AgendaRepository
from storage.checklists import ChecklistRepository
from storage.conversations import ConversationsRepository
from storage.db import BUSY_TIMEOUT_MS, SEEDED_KEY, Database
from storage.edits import EditsRepository
from storage.errors import DatabaseLockedError, DatabaseUnavailableError, explain, is_busy
from storage.feeds import FeedsRepository
from storage.network import NetworkRepository
from storage.outbox import OutboxRepository
from storage.people import PeopleRepository
from storage.preferences import PreferencesRepository
from storage.roles import RolesRepository
from storage.rsvps import RsvpRepository
from storage.subscriptions import SubscriptionRepository

log = logging.getLogger(__name__)


def seed_yaml() -> str:
    """The network's seed dataset, built from the documents in shared/seeds."""
    return (resources.files("storage") / "seed" / "network.yaml").read_text("utf-8")


@dataclass
class Storage:
    db: Database
    network: NetworkRepository
    preferences: PreferencesRepository
    subscriptions: SubscriptionRepository
    outbox: OutboxRepository
    rsvps: RsvpRepository
    roles: RolesRepository
    edits: EditsRepository
    conversations: ConversationsRepository
    people: PeopleRepository
    agenda: AgendaRepository
    actions: ActionsRepository
    feeds: FeedsRepository
    checklists: ChecklistRepository

    @classmethod
    async def open(
        cls, path: str | Path, *, seed: bool = True, lock_wait: float | None = None
    ) -> Storage:
        """Open, migrate, and on first start load the seed dataset. A file SQLite cannot
        use raises DatabaseUnavailableError, saying why; nothing is left open.
        `lock_wait`: see Database.open."""
        try:
            return await cls._open(path, seed=seed, lock_wait=lock_wait)
        except sqlite3.Error as exc:
            if is_busy(exc):  # only the bot's start meets it: a command waits in _begin
                waited = BUSY_TIMEOUT_MS / 1000 if lock_wait is None else lock_wait
                raise DatabaseLockedError(path, waited) from exc
            raise DatabaseUnavailableError(path, explain(path, exc)) from exc

    @classmethod
    async def _open(cls, path: str | Path, *, seed: bool, lock_wait: float | None) -> Storage:
        db = await Database.open(path, lock_wait=lock_wait)
        network = NetworkRepository(db)
        store = cls(
            db,
            network,
            PreferencesRepository(db),
            SubscriptionRepository(db),
            OutboxRepository(db),
            RsvpRepository(db),
            RolesRepository(db),
            EditsRepository(db, network),
            ConversationsRepository(db),
            PeopleRepository(db),
            AgendaRepository(db),
            ActionsRepository(db),
            FeedsRepository(db),
            ChecklistRepository(db),
        )
        try:
            await db.migrate()
            if seed:
                await store.seed_once()
            await store.network.search.ensure_built()
        except BaseException:
            await store.close()  # the search index may have opened its reader
            raise
        return store

    async def close(self) -> None:
        self.network.search.close()
        await self.db.close()

    async def seed_once(self) -> bool:
        """Load the seed dataset unless this database was seeded (or filled) before."""
        if await self.db.get_meta(SEEDED_KEY) is not None:
            return False
        if await self.network.is_empty():
            await self.network.save(dataset_from_yaml(seed_yaml(), bundled=True))
            log.info("loaded the seed dataset of the network into %s", self.db.path)
        async with self.db.transaction():
            await self.db.set_meta(SEEDED_KEY, "1")
        return True

    async def import_dataset(self, dataset: Dataset) -> None:
        """Save an imported network and mark the database seeded, in one transaction: an
        imported network replaces the seed for good."""
        await self.network.save(dataset, seeded=True)

    @asynccontextmanager
    async def scratch_copy(self) -> AsyncIterator[Storage]:
        """A throwaway copy of this database (SQLite's online backup), for a dry run that
        must not touch the live one."""
        with tempfile.TemporaryDirectory(prefix="partnerbot-") as directory:
            path = Path(directory) / "scratch.sqlite3"
            target = await aiosqlite.connect(str(path))
            try:
                await self.db.conn.backup(target)
            finally:
                await target.close()
            copy = await Storage.open(path, seed=False)
            try:
                yield copy
            finally:
                await copy.close()

    async def load_example(self, today: date) -> None:
        """Replace the example phase with one dated from `today`."""
        await self.network.delete_examples()
        await self.network.save(example_dataset(today))
