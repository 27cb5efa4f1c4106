"""Expanding a meeting rule is bounded whatever the database holds: a rule import refuses,
written there by hand (or by an older version), plans nothing and cannot hang the bot.

Each test has a timeout: before the bounds, the first ones ran for minutes."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.model.dataset import dataset_from_yaml
from bot.model.recurrence import MAX_PER_WINDOW, MAX_STEPS, is_occurrence, occurrences
from bot.schedule.replan import Planner
from storage.store import Storage, seed_yaml

NOW = datetime(2026, 11, 23, 9, tzinfo=UTC)
[SERIES] = dataset_from_yaml(seed_yaml()).meeting_series  # six-weekly, Tuesdays 15:00 Berlin


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    "rule", ["FREQ=SECONDLY", "FREQ=MINUTELY", "FREQ=HOURLY", "FREQ=DAILY;BYMINUTE=0,1,2,3,4"]
)
def test_a_rule_no_meeting_has_expands_to_nothing(rule: str) -> None:
    smuggled = replace(SERIES, rrule=rule)
    assert occurrences(smuggled, NOW, NOW + timedelta(days=1)) == []
    assert not is_occurrence(smuggled, datetime(2026, 11, 24, 15, 0))


@pytest.mark.timeout(10)
def test_one_expansion_gives_at_most_its_cap() -> None:
    daily = replace(SERIES, rrule="FREQ=DAILY")
    found = occurrences(daily, NOW, NOW + timedelta(days=3 * MAX_PER_WINDOW))
    # the walk widens the window by a day on each side: what it cut there is not shown
    assert MAX_PER_WINDOW - 2 <= len(found) <= MAX_PER_WINDOW
    assert found[0].start > NOW - timedelta(hours=1)


@pytest.mark.timeout(10)
def test_a_walk_stops_after_its_cap() -> None:
    daily = replace(SERIES, rrule="FREQ=DAILY")
    beyond = datetime(2024, 1, 9, 15) + timedelta(days=MAX_STEPS + 10)
    assert not is_occurrence(daily, beyond)  # the rule has one there, past the walk's end
    assert is_occurrence(daily, datetime(2024, 1, 9, 15) + timedelta(days=MAX_STEPS - 10))
    window = beyond.replace(tzinfo=UTC)
    assert occurrences(daily, window, window + timedelta(days=7)) == []


@pytest.mark.timeout(30)
async def test_planning_with_a_smuggled_rule_finishes(tmp_path: Path) -> None:
    path = tmp_path / "p.sqlite3"
    store = await Storage.open(path)
    try:
        await store.subscriptions.add(-5, "supergroup", "g", "partnership", "bonn-la-paz", 1, NOW)
    finally:
        await store.close()
    with closing(sqlite3.connect(path)) as conn, conn:
        conn.execute("UPDATE meeting_series SET rrule = 'FREQ=SECONDLY'")
    store = await Storage.open(path)
    try:
        planner = Planner(store, ZoneInfo("Europe/Berlin"))
        await planner.replan_all(NOW)
        async with store.db.conn.execute("SELECT key FROM deliveries") as cur:
            keys = [row[0] for row in await cur.fetchall()]
        assert not [k for k in keys if "bonn-la-paz-virtual" in k]
        # the weekly rule again: the same chat gets the meeting's posts
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE meeting_series SET rrule = 'FREQ=WEEKLY;BYDAY=TU'")
        await planner.replan_all(NOW)
        async with store.db.conn.execute("SELECT key FROM deliveries") as cur:
            keys = [row[0] for row in await cur.fetchall()]
        assert [k for k in keys if "bonn-la-paz-virtual" in k]
    finally:
        await store.close()
