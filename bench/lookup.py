"""Benchmark 3, lookup at scale: /partner over 10,000 partnerships, and planning 10,000
reminders. Run from the repository root: .venv/bin/python -m bench.lookup
"""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.report import percentile, verdict, write_section
from bot import partners as view
from bot.dispatch import replan
from bot.domain import Dataset, LocalizedText, MeetingSeries
from bot.example import PHASE_ID, example_dataset
from bot.paging import compact_query
from handlers.partners import SOURCE_ROOM
from storage.store import Storage
from tests.generated import generated_network

PARTNERSHIPS = 10_000
ROUNDS = 10  # the mix below, this many times: 260 timed lookups
SEARCH_TARGET_MS = 2.0
PLAN_TARGET_S = 1.0
CHATS = 200
SERIES_PER_CHAT = 2  # weekly meetings: about 13 in 90 days, each an invitation + 2 reminders
NOW = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
HOME = ZoneInfo("Europe/Berlin")

# What people type after /partner: (kind, text). Every kind the brief names is here.
QUERY_MIX: tuple[tuple[str, str], ...] = (
    ("exact town", "Südort 00042"),
    ("exact town", "nordstadt 00007"),
    ("exact town", "Nordstadt 09999"),
    ("exact town", "südort 05123"),
    ("prefix", "sudort 0"),
    ("prefix", "nord"),
    ("prefix", "süd"),
    ("prefix", "sudort 04"),
    ("prefix", "Südort 0421"),
    ("prefix", "nordstadt 012"),
    ("country", "Bolivien"),
    ("country", "Bolivia"),
    ("country", "Tanzanie"),
    ("country", "Etiópia"),
    ("country", "Ghana"),
    ("topic", "biodiversity"),
    ("topic", "Biodiversität"),
    ("topic", "renewable energy"),
    ("typo", "Sudortt 00042"),
    ("typo", "mtwra"),
    ("seed town", "La Paz"),
    ("seed town", "Bonn"),
    ("seed town", "Mtwara"),
    ("seed town", "kedougou"),
    ("phase", "fase 8"),
    ("two words", "bonn la paz"),
)


# -- the lookup ---------------------------------------------------------------------------


async def lookup(store: Storage, typed: str) -> int:
    """What /partner <typed> reads (handlers/partners.py): the first page of hits with the
    cards it lists, or, when nothing matches, the "Did you mean" names. Returns the total."""
    network = store.network
    query = compact_query(typed, SOURCE_ROOM)
    ids, total = await network.search.search(query, view.PAGE_SIZE)
    if total == 0:
        await network.search.suggest(query)
        return 0
    await network.partnerships(ids)
    return total


async def timed_ms(action: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await action()
    return (time.perf_counter() - start) * 1000


async def measure_search(store: Storage) -> dict[str, list[float]]:
    """Milliseconds per lookup, by kind of query; the first pass over the mix warms up."""
    for _kind, text in QUERY_MIX:
        await lookup(store, text)
    by_kind: dict[str, list[float]] = {}
    for _ in range(ROUNDS):
        for kind, text in QUERY_MIX:
            by_kind.setdefault(kind, []).append(await timed_ms(lambda t=text: lookup(store, t)))
    return by_kind


async def totals(store: Storage) -> dict[str, int]:
    return {text: await lookup(store, text) for _kind, text in QUERY_MIX}


# -- planning -----------------------------------------------------------------------------


def meeting_series(count: int) -> Dataset:
    """A weekly meeting for each of the first `count` generated partnerships."""
    return Dataset(
        meeting_series=tuple(
            MeetingSeries(
                f"gen-weekly-{n}",
                f"gen-{n}",
                LocalizedText.of(f"Weekly call {n}"),
                "FREQ=WEEKLY;BYDAY=TU",
                datetime(2025, 1, 7, 8 + n % 9, 0),
                "Europe/Berlin",
            )
            for n in range(count)
        )
    )


async def subscribe_chats(store: Storage) -> None:
    """Each group follows its own partnerships; every fourth also the example phase."""
    subscriptions = store.subscriptions
    for n in range(CHATS):
        chat = -1_000_000 - n
        for k in range(SERIES_PER_CHAT):
            pid = f"gen-{n * SERIES_PER_CHAT + k}"
            await subscriptions.add(chat, "supergroup", f"group {n}", "partnership", pid, 1, NOW)
        if n % 4 == 0:
            await subscriptions.add(chat, "supergroup", f"group {n}", "phase", PHASE_ID, 1, NOW)


async def count_pending(store: Storage) -> int:
    async with store.db.conn.execute(
        "SELECT count(*) FROM deliveries WHERE status = 'pending'"
    ) as cur:
        row = await cur.fetchone()
    return int(row[0]) if row else 0


async def measure_planning(store: Storage) -> dict[str, float]:
    """Seconds of replan(): into an empty outbox (first) and again with nothing new."""
    await store.network.save(meeting_series(CHATS * SERIES_PER_CHAT))
    await store.network.save(example_dataset(NOW.date()))
    await subscribe_chats(store)
    await replan(store, NOW, HOME)  # warm-up
    firsts, agains, added = [], [], 0
    for _ in range(3):
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM deliveries")
        start = time.perf_counter()
        added = await replan(store, NOW, HOME)
        firsts.append(time.perf_counter() - start)
        start = time.perf_counter()
        again = await replan(store, NOW, HOME)
        agains.append(time.perf_counter() - start)
        assert again == 0, "planning twice must add nothing"
    return {
        "rows": float(await count_pending(store)),
        "added": float(added),
        "first": statistics.median(firsts),
        "again": statistics.median(agains),
    }


# -- the report ---------------------------------------------------------------------------


def search_table(by_kind: dict[str, list[float]]) -> tuple[str, float, float, int]:
    every = [ms for values in by_kind.values() for ms in values]
    p50, p95 = percentile(every, 50), percentile(every, 95)
    rows = [
        "| kind of query | lookups | p50 ms | p95 ms | max ms |",
        "|---|---:|---:|---:|---:|",
    ]
    for kind, values in by_kind.items():
        rows.append(
            f"| {kind} | {len(values)} | {percentile(values, 50):.2f} | "
            f"{percentile(values, 95):.2f} | {max(values):.2f} |"
        )
    return "\n".join(rows), p50, p95, len(every)


def report(by_kind: dict[str, list[float]], hits: dict[str, int], plan: dict[str, float]) -> str:
    kinds, p50, p95, lookups = search_table(by_kind)
    worst = max(plan["first"], plan["again"])
    planned = int(plan["rows"])
    summary = "\n".join(
        [
            "| measure | figure | target | verdict |",
            "|---|---:|---:|---|",
            f"| /partner lookup p50 ({lookups} lookups, {len(QUERY_MIX)} distinct queries) "
            f"| {p50:.2f} ms | | |",
            f"| /partner lookup p95 | {p95:.2f} ms | ≤ {SEARCH_TARGET_MS:g} ms "
            f"| {verdict(p95 <= SEARCH_TARGET_MS)} |",
            f"| replan {CHATS} chats, {planned} reminders, empty outbox "
            f"| {plan['first'] * 1000:.0f} ms | < {PLAN_TARGET_S * 1000:.0f} ms "
            f"| {verdict(plan['first'] < PLAN_TARGET_S)} |",
            f"| replan again, nothing new | {plan['again'] * 1000:.0f} ms "
            f"| < {PLAN_TARGET_S * 1000:.0f} ms | {verdict(plan['again'] < PLAN_TARGET_S)} |",
        ]
    )
    mix = ", ".join(f"{text!r} ({hits[text]})" for _kind, text in QUERY_MIX)
    return (
        f"{PARTNERSHIPS:,} generated partnerships (`tests/generated.py`) plus the seed. "
        "A lookup is what `/partner <words>` reads: the index's first page and the cards on "
        "it, or the “Did you mean” names when nothing matches.\n\n"
        f"{summary}\n\n{kinds}\n\n"
        f"Query mix, each timed {ROUNDS} times after one warm-up pass (hits in brackets): "
        f"{mix}.\n\n"
        f"Planning: {CHATS} groups, each following {SERIES_PER_CHAT} partnerships with a weekly "
        f"meeting, every fourth also the example phase; {planned} pending reminders "
        f"({int(plan['added'])} added by the first run); median of 3. Target met: "
        f"{verdict(worst < PLAN_TARGET_S)}.\n"
    )


async def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        store = await Storage.open(Path(tmp) / "lookup.sqlite3")
        try:
            await store.network.save(generated_network(PARTNERSHIPS))
            by_kind = await measure_search(store)
            hits = await totals(store)
            plan = await measure_planning(store)
        finally:
            await store.close()
    write_section("lookup", report(by_kind, hits, plan))


if __name__ == "__main__":
    started = time.perf_counter()
    asyncio.run(main())
    print(f"({timedelta(seconds=round(time.perf_counter() - started))} in all)")
