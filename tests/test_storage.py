"""Storage: migrations, refusal of a newer schema, seeding once, dataset round trip."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.model.dataset import dataset_from_yaml, dataset_to_yaml
from bot.model.domain import PartialDate
from storage.db import Database, Migration, SchemaTooNewError, bundled_migrations
from storage.store import Storage, seed_yaml


async def test_migrates_an_empty_file_with_the_expected_pragmas(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "new.sqlite3")
    try:
        assert await db.migrate() == len(bundled_migrations())
        async with db.conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'") as cur:
            tables = {row[0] for row in await cur.fetchall()}
        assert {
            "programmes",
            "phases",
            "milestones",
            "municipalities",
            "partnerships",
            "partnership_topics",
            "events",
            "meeting_series",
            "chats",
            "users",
            "subscriptions",
            "deliveries",
            "rsvps",
        } <= tables
        for pragma, expected in (
            ("foreign_keys", 1),
            ("journal_mode", "wal"),
            ("synchronous", 1),
            ("busy_timeout", 5000),
        ):
            async with db.conn.execute(f"PRAGMA {pragma}") as cur:
                assert (await cur.fetchone())[0] == expected, pragma
        assert await db.migrate() == len(bundled_migrations())  # twice is harmless
    finally:
        await db.close()


async def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "future.sqlite3")
    await db.migrate()
    await db.conn.execute("INSERT INTO schema_version (version) VALUES (99)")
    with pytest.raises(SchemaTooNewError, match="schema version 99"):
        await db.migrate()
    await db.close()


async def test_a_failing_migration_leaves_nothing_behind(tmp_path: Path) -> None:
    db = await Database.open(tmp_path / "half.sqlite3")
    steps = [
        Migration(1, "one", "CREATE TABLE a (x INTEGER);"),
        Migration(2, "two", "CREATE TABLE b (x INTEGER); INSERT INTO nowhere VALUES (1);"),
    ]
    with pytest.raises(Exception, match="nowhere"):
        await db.migrate(steps)
    assert await db.schema_version() == 1
    async with db.conn.execute("SELECT name FROM sqlite_master WHERE name = 'b'") as cur:
        assert await cur.fetchone() is None  # step 2 rolled back as a whole
    await db.close()


async def test_first_start_seeds_once(tmp_path: Path) -> None:
    path = tmp_path / "bot.sqlite3"
    store = await Storage.open(path)
    dataset = await store.network.load()
    assert len(dataset.partnerships) == 12
    await store.db.conn.execute("DELETE FROM partnership_topics")
    await store.db.conn.execute("DELETE FROM partnerships")
    await store.close()
    store = await Storage.open(path)  # a coordinator's deletions are not undone by a restart
    assert (await store.network.load()).partnerships == ()
    await store.close()


async def test_export_import_export_gives_the_same_file(tmp_path: Path) -> None:
    seeded = await Storage.open(tmp_path / "a.sqlite3")
    first = dataset_to_yaml(await seeded.network.load())
    await seeded.close()
    empty = await Storage.open(tmp_path / "b.sqlite3", seed=False)
    await empty.network.save(dataset_from_yaml(first))
    second = dataset_to_yaml(await empty.network.load())
    await empty.close()
    assert second == first
    assert dataset_from_yaml(first) == dataset_from_yaml(seed_yaml())


async def test_import_updates_by_id_and_keeps_the_rest(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "c.sqlite3")
    text = seed_yaml().replace("due: '2014-08-15'", "due: '2014-08-16'")
    await store.network.save(dataset_from_yaml(text, known=await store.network.ids()))
    dataset = await store.network.load()
    [interest] = [m for m in dataset.milestones if m.id == "p4-interest"]
    assert interest.due == PartialDate(2014, 8, 16)
    assert len(dataset.milestones) == 10
    await store.close()


async def test_example_phase_stays_apart_from_the_documented_data(tmp_path: Path) -> None:
    store = await Storage.open(tmp_path / "d.sqlite3")
    documented = dataset_to_yaml(await store.network.load())
    await store.load_example(date(2026, 11, 23))
    await store.load_example(date(2026, 11, 24))  # reloading replaces, never piles up
    with_examples = await store.network.load(examples=True)
    examples = [m for m in with_examples.milestones if m.example]
    assert [m.due for m in examples] == [
        PartialDate(2026, 11, 27),
        PartialDate(2026, 12, 4),
        PartialDate(2026, 12, 18),
    ]
    assert all(e.example for e in with_examples.events if e.id.startswith("example"))
    assert dataset_to_yaml(await store.network.load()) == documented  # export leaves it out
    await store.network.delete_examples()
    assert await store.network.load(examples=True) == await store.network.load()
    await store.close()
