"""Benchmark 3, lookup at scale: /partner through the real handler at 1,000, 10,000 and
50,000 partnerships, and planning 10,000 reminders.

A lookup is one `/partner <words>` update through a real PTB Application
(bot.app.build_application on the in-process Bot API, harness.fake_telegram.OfflineTelegram),
timed from `await app.process_update(update)` to its return: the handler found, the reader,
the search, the cards, the reply rendered and sent to the in-process API. The words are
drawn like the real ones (harness/generated.py: realistic_queries) from a network whose
names read like the real ones (realistic_network).

*Cold*: the kept replies and partnership cards (storage/cache.py) are dropped before every
update, as after any change to the data; *warm*: the same update again right after, a kept
reply.

    .venv/bin/python -m bench.lookup [--sizes 1000,10000,50000] [--runs 5] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Update

from bench.report import percentile, verdict, write_section
from bench.updates import TimedApi, limiter
from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import Dataset
from bot.model.example import PHASE_ID, example_dataset
from bot.schedule.plan import plan_chat
from bot.schedule.replan import load_network, replan
from bot.telegram.context import BotApplication
from bot.telegram.paging import compact_query
from handlers.partners import SOURCE_ROOM
from harness.fake_telegram import as_update
from harness.generated import (
    Query,
    QueryKind,
    realistic_network,
    realistic_queries,
    searchable,
    weekly_meetings,
)
from storage.store import Storage, seed_yaml

SIZES = (1_000, 10_000, 50_000)
HEADLINE_SIZE = 10_000
RUNS = 5  # p95 of each, to show how much it moves
SAMPLES = 400  # queries per run, each timed cold and then warm
WARM_UP = 200  # updates before the first timed run: imports, SQLite's pages, the name index
SEARCH_TARGET_MS = 2.0
FIRST_TYPO = "pforzhiem"  # matches nothing: "Did you mean Pforzheim?"
LANGUAGES = ("en", "de", "es", "fr", "pt")  # Telegram's language_code of the users, in turn
USERS = 25
NOW = datetime(2025, 3, 3, 7, 0, tzinfo=UTC)
HOME = ZoneInfo("Europe/Berlin")

# Measured while fixing, one fix at a time, by the earlier form of this benchmark: the
# search and card reads alone (no handler, no reply), 10,000 partnerships named
# "Nordstadt 00042" / "Südort 00042", p50 / p95 of 260 lookups.
SEARCH_HISTORY = """\
| fix (commit) | measure | before | after |
|---|---|---:|---:|
| search: prefix indexes 1–12, bm25 only for 2–200 hits, fewer trips per card | \
lookups with hits p50 / p95 | 3.3 / 14 ms | 1.1 / 2.0 ms |
| | broad prefixes (“sudort 0”, “nord”, …) p95 | 18 ms | 2.6 ms |
| “Did you mean”: cached name index, trigram shortlist before difflib | \
typo lookups p50 | 430 ms | 1.0 ms |
| | all lookups p50 / p95 | 3.4 / 338 ms | 0.95 / 1.9 ms |
"""

# This benchmark's figures while fixing (cold p50 / p95 at 10,000 and at 50,000, ms), on
# the 2-core machine shared with other work (load 2.9–4.0): the code before and after,
# run in turn twice, each run as above (5 × 400 queries per size).
HANDLER_HISTORY = """\
| change (commit) | cold p50 / p95 at 10,000 | cold p50 / p95 at 50,000 |
|---|---:|---:|
| before: the search in two trips to aiosqlite's thread, the cards in five more (d9dc74d) | \
2.67 / 5.88, 3.50 / 6.79 | 2.77 / 8.11, 3.36 / 9.73 |
| cards in one statement, each distinct row decoded once (059bcee); the lookup's reads \
on the index's own read-only connection, no trip to a thread (28d124f) | \
1.50 / 3.43, 1.58 / 3.33 | 2.21 / 7.85, 1.72 / 3.50 |

The reads alone, the same 1,200 cold updates in turn through aiosqlite and through the \
index's own connection (count and page, cards still through aiosqlite): mean 2.11 → 1.68 ms, \
p95 3.00 → 2.62 ms. Warm updates did not change (0.5 ms p50).
"""

# -- the network --------------------------------------------------------------------------


def seed_dataset() -> Dataset:
    return dataset_from_yaml(seed_yaml())


async def build_database(path: Path, generated: Dataset) -> None:
    """The seed and `generated`, saved as `partnerbot import` would: one transaction."""
    store = await Storage.open(path)
    try:
        await store.network.save(generated)
    finally:
        await store.close()


# -- the lookup through the handler -------------------------------------------------------


@dataclass
class Sample:
    query: Query
    cold_ms: float
    warm_ms: float
    cold_api_ms: float
    """Of cold_ms, the in-process Bot API's part: Telegram's side, not the bot's."""
    hits: int = 0


@dataclass
class SizeFigures:
    size: int
    set_up_s: float
    """Seconds to generate the network and save it (seed included)."""
    first_suggest_ms: float
    """The first "Did you mean" after the data changed: it builds the name index."""
    runs: list[list[Sample]] = field(default_factory=list)

    @property
    def samples(self) -> list[Sample]:
        return [s for run in self.runs for s in run]

    def p95s(self, cold: bool) -> list[float]:
        return [
            percentile([s.cold_ms if cold else s.warm_ms for s in run], 95) for run in self.runs
        ]

    def pooled(self, q: float, cold: bool) -> float:
        return percentile([s.cold_ms if cold else s.warm_ms for s in self.samples], q)

    @property
    def api_share(self) -> float:
        """Of the cold time, the share spent in the in-process Bot API."""
        return sum(s.cold_api_ms for s in self.samples) / sum(s.cold_ms for s in self.samples)


class Lookups:
    """partnerbot on the in-process Bot API, fed /partner updates one at a time."""

    def __init__(self, app: BotApplication, api: TimedApi) -> None:
        self.app, self.api = app, api
        self.users = [
            {
                "id": 20_000 + i,
                "is_bot": False,
                "first_name": f"User{i}",
                "language_code": LANGUAGES[i % len(LANGUAGES)],
            }
            for i in range(USERS)
        ]
        self._turn = 0

    @property
    def storage(self) -> Storage:
        storage = self.app.bot_data.storage
        assert storage is not None
        return storage

    def next_user(self) -> dict[str, Any]:
        user = self.users[self._turn % len(self.users)]
        self._turn += 1
        return user

    def update(self, text: str, user: dict[str, Any] | None = None) -> Update:
        """A new /partner update from `user` (else the next one in turn), built before
        timing: parsing JSON is not the bot's work."""
        user = user or self.next_user()
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        return as_update(self.api.user_message(user, chat, f"/partner {text}"), self.app.bot)

    async def timed(self, update: Update) -> tuple[float, float]:
        """Milliseconds from process_update to its return, and of those in the in-process
        Bot API; the update must have been answered with exactly one message."""
        before, api_before = len(self.api.calls), self.api.busy
        start = time.perf_counter()
        await self.app.process_update(update)
        elapsed = time.perf_counter() - start
        sent = [c for c in self.api.calls[before:] if c.method == "sendMessage" and not c.error]
        if len(sent) != 1:
            message = update.effective_message
            raise SystemExit(f"{message and message.text!r} was answered {len(sent)} times")
        return elapsed * 1000, (self.api.busy - api_before) * 1000

    def drop_kept_replies(self) -> None:
        """And the cards a lookup keeps by id: a cold lookup reads them, as after a change."""
        self.storage.db.replies.clear()
        self.storage.db.cards.clear()

    async def hits(self, text: str) -> int:
        """How many partnerships the words match (not timed)."""
        query = compact_query(text, SOURCE_ROOM)
        return (await self.storage.network.search.search(query, 1))[1] if query else 0

    async def run(self, queries: Sequence[Query]) -> list[Sample]:
        """Each query cold (kept replies dropped), then at once warm (its reply kept)."""
        self.api.calls.clear()  # the offline API records every call: keep that bounded
        self.api.messages.clear()
        gc.collect()
        samples = []
        for query in queries:
            user = self.next_user()  # the same reader twice: same language, same kept reply
            cold, warm = self.update(query.text, user), self.update(query.text, user)
            self.drop_kept_replies()
            cold_ms, api_ms = await self.timed(cold)
            warm_ms, _ = await self.timed(warm)
            samples.append(Sample(query, cold_ms, warm_ms, api_ms))
        for sample in samples:
            sample.hits = await self.hits(sample.query.text)
        return samples


@asynccontextmanager
async def bot_on(path: Path) -> AsyncIterator[Lookups]:
    clock = MovableClock(NOW)
    api = TimedApi(clock=clock)
    app = build_application(
        Settings(db_path=path), request=api, clock=clock, rate_limiter=limiter(), schedule=False
    )
    async with running(app):
        yield Lookups(app, api)


async def measure_size(size: int, runs: int, samples: int, tmp: Path) -> SizeFigures:
    seed = seed_dataset()
    start = time.perf_counter()
    generated = realistic_network(size, seed)
    path = tmp / f"lookup-{size}.sqlite3"
    await build_database(path, generated)
    set_up = time.perf_counter() - start
    world = searchable(seed, generated)
    async with bot_on(path) as bot:
        if await bot.hits(FIRST_TYPO):
            raise SystemExit(f"{FIRST_TYPO!r} must match nothing, to time the name index")
        first_suggest_ms, _ = await bot.timed(bot.update(FIRST_TYPO))  # builds the name index
        for query in realistic_queries(world, WARM_UP, seed=1):
            await bot.timed(bot.update(query.text))
        figures = SizeFigures(size, set_up, first_suggest_ms)
        for run in range(runs):
            figures.runs.append(await bot.run(realistic_queries(world, samples, seed=100 + run)))
    return figures


# -- planning -----------------------------------------------------------------------------
# Apart from the lookup above: it needs only a database holding "gen-0" … "gen-399".

PLAN_TARGET_S = 1.0
PLAN_RUNS = 3  # median of
CHATS = 200
SERIES_PER_CHAT = 2  # weekly meetings: about 13 in 90 days, each an invitation + 2 reminders


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


@dataclass
class Planning:
    rows: int
    added: int
    first: float
    """Seconds of replan() into an empty outbox, median."""
    again: float
    """Seconds of replan() right after, with nothing new, median."""
    parts: dict[str, float]
    """Seconds of each step of one more run: load, plan, write."""


async def replan_parts(store: Storage) -> dict[str, float]:
    """replan() step by step (bot/schedule/replan.py), to show where its time goes."""
    start = time.perf_counter()
    net = await load_network(store)
    loaded = time.perf_counter()
    chats = await store.subscriptions.following_chats()
    planned = [p for chat in chats for p in plan_chat(chat, net, NOW, HOME)]
    computed = time.perf_counter()
    known = await store.subscriptions.active_chat_ids()
    await store.outbox.replace_plan(known, planned, window_start=NOW)
    written = time.perf_counter()
    return {"load": loaded - start, "plan": computed - loaded, "write": written - computed}


async def measure_planning(store: Storage) -> Planning:
    await store.network.save(weekly_meetings(CHATS * SERIES_PER_CHAT, datetime(2025, 1, 7)))
    await store.network.save(example_dataset(NOW.date()))
    await subscribe_chats(store)
    await replan(store, NOW, HOME)  # warm-up
    firsts, agains, added = [], [], 0
    for _ in range(PLAN_RUNS):
        async with store.db.transaction() as conn:
            await conn.execute("DELETE FROM deliveries")
        start = time.perf_counter()
        added = await replan(store, NOW, HOME)
        firsts.append(time.perf_counter() - start)
        start = time.perf_counter()
        again = await replan(store, NOW, HOME)
        agains.append(time.perf_counter() - start)
        assert again == 0, "planning twice must add nothing"
    rows = await count_pending(store)
    assert rows >= 10_000, f"the set-up must plan at least 10,000 reminders, not {rows}"
    parts = await replan_parts(store)
    return Planning(rows, added, statistics.median(firsts), statistics.median(agains), parts)


PLANNING_HISTORY = """\
| fix (commit) | measure | before | after |
|---|---|---:|---:|
| outbox: plan matched through a keyed temp table, not a JSON list per row | \
replan, empty outbox / again | 120 s / 127 s | 1.95 s / 1.92 s |
| planner: only the partnerships subscriptions reach; rules parsed once | \
replan, empty outbox / again | 1.95 s / 1.92 s | 0.5–0.9 s / 0.5–0.9 s |
"""


async def planning_on(path: Path) -> Planning:
    """Planning on a database holding generated partnerships "gen-0" … (at least 400)."""
    store = await Storage.open(path)
    try:
        return await measure_planning(store)
    finally:
        await store.close()


def planning_report(plan: Planning) -> str:
    target_s = f"< {PLAN_TARGET_S * 1000:.0f} ms"
    parts = ", ".join(f"{step} {seconds * 1000:.0f}" for step, seconds in plan.parts.items())
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
        f"| reminders planned ({CHATS} groups) | {plan.rows:,} | ≥ 10,000 | "
        f"{verdict(plan.rows >= 10_000)} |",
        f"| replan, empty outbox | {plan.first * 1000:.0f} ms | {target_s} | "
        f"{verdict(plan.first < PLAN_TARGET_S)} |",
        f"| replan again, nothing new | {plan.again * 1000:.0f} ms | {target_s} | "
        f"{verdict(plan.again < PLAN_TARGET_S)} |",
        f"| … one more run, step by step (ms) | {parts} | | |",
    ]
    return (
        "\n".join(rows)
        + f"\n\n{CHATS} groups, each following {SERIES_PER_CHAT} partnerships with a weekly "
        f"meeting, every fourth also the example phase; {plan.rows:,} pending reminders "
        f"({plan.added:,} added by a run into the empty outbox); median of {PLAN_RUNS} runs."
        f"\n\nBefore → after, per fix:\n\n{PLANNING_HISTORY}"
    )


# -- the report ---------------------------------------------------------------------------


def ms(value: float) -> str:
    return f"{value:.2f}"


def headline_table(figures: SizeFigures) -> str:
    cold_p95 = figures.pooled(95, cold=True)
    per_run = figures.p95s(cold=True)
    warm_runs = figures.p95s(cold=False)
    n = len(figures.samples)
    runs = len(figures.runs)
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
        f"| /partner at {figures.size:,} through the handler, p95 cold ({n:,} updates) | "
        f"{ms(cold_p95)} ms | ≤ {SEARCH_TARGET_MS:g} ms | "
        f"{verdict(cold_p95 <= SEARCH_TARGET_MS)} |",
        f"| … p95 of each of {runs} runs of {n // runs} | "
        f"{', '.join(ms(p) for p in per_run)} ms (spread {ms(max(per_run) - min(per_run))}) | "
        "| |",
        f"| … worst run's p95 | {ms(max(per_run))} ms | ≤ {SEARCH_TARGET_MS:g} ms | "
        f"{verdict(max(per_run) <= SEARCH_TARGET_MS)} |",
        f"| /partner at {figures.size:,} through the handler, p95 warm | "
        f"{ms(figures.pooled(95, cold=False))} ms (runs {ms(min(warm_runs))}–"
        f"{ms(max(warm_runs))}) | ≤ {SEARCH_TARGET_MS:g} ms | "
        f"{verdict(figures.pooled(95, cold=False) <= SEARCH_TARGET_MS)} |",
    ]
    return "\n".join(rows)


def sizes_table(all_figures: Sequence[SizeFigures]) -> str:
    rows = [
        "| partnerships | set-up | cold p50 | cold p95 | cold p95 by run (min–max) | "
        "warm p50 | warm p95 | in-process API, of cold | first “Did you mean” |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for f in all_figures:
        per_run = f.p95s(cold=True)
        rows.append(
            f"| {f.size:,} | {f.set_up_s:.1f} s | {ms(f.pooled(50, True))} ms | "
            f"{ms(f.pooled(95, True))} ms | {ms(min(per_run))}–{ms(max(per_run))} ms | "
            f"{ms(f.pooled(50, False))} ms | {ms(f.pooled(95, False))} ms | "
            f"{f.api_share:.0%} | {f.first_suggest_ms:.0f} ms |"
        )
    return "\n".join(rows)


def kinds_table(figures: SizeFigures) -> str:
    rows = [
        f"| kind of query (at {figures.size:,}) | updates | hits, median (max) | no hit | "
        "cold p50 | cold p95 | warm p95 |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for kind in QueryKind:
        found = [s for s in figures.samples if s.query.kind is kind]
        if not found:
            continue
        hits = [s.hits for s in found]
        cold = [s.cold_ms for s in found]
        rows.append(
            f"| {kind.value} | {len(found)} | {statistics.median(hits):g} ({max(hits):,}) | "
            f"{sum(h == 0 for h in hits) / len(hits):.0%} | {ms(percentile(cold, 50))} | "
            f"{ms(percentile(cold, 95))} | {ms(percentile([s.warm_ms for s in found], 95))} |"
        )
    return "\n".join(rows)


def examples(figures: SizeFigures, per_kind: int = 3) -> str:
    shown: dict[QueryKind, list[str]] = {}
    for sample in figures.runs[0]:
        texts = shown.setdefault(sample.query.kind, [])
        if len(texts) < per_kind:
            texts.append(f"{sample.query.text!r} ({sample.hits:,})")
    return "; ".join(f"{kind.value}: {', '.join(texts)}" for kind, texts in shown.items())


def lookup_report(all_figures: Sequence[SizeFigures], seconds: float) -> str:
    head = next((f for f in all_figures if f.size == HEADLINE_SIZE), all_figures[-1])
    runs, n = len(head.runs), len(head.runs[0])
    return (
        "`/partner <words>` through the real handler: a PTB `Application` "
        "(`bot.app.build_application`) on the in-process Bot API (`OfflineTelegram`), timed "
        "from `await app.process_update(update)` to its return, the reply sent. Networks from "
        "`harness/generated.py` (`realistic_network`: German towns and towns in 21 countries "
        "of Latin America and Africa, named like the real ones, with umlauts and accents, "
        "several words, hyphens and apostrophes, repeating names), plus the seed. *Cold*: "
        "every kept reply and partnership card dropped before the update, as after any change "
        "to the data; what "
        "stays is the reader's language and zone (kept until a commit), the “Did you mean” "
        "name index (until the network changes), records decoded from rows (by the row's "
        "text) and SQLite's page cache. *Warm*: the same words from the same user again at "
        "once (a kept reply).\n\n"
        f"{headline_table(head)}\n\n"
        f"{sizes_table(all_figures)}\n\n"
        f"{kinds_table(head)}\n\n"
        f"Per size: {runs} runs of {n} queries (`realistic_queries`, a new seed each run), "
        f"each query timed cold and then warm, after {WARM_UP} updates to warm up; users "
        f"in private chats with Telegram languages {', '.join(LANGUAGES)} in turn. Set-up is "
        "generating the network and saving it with the seed (search index included) in one "
        "transaction. The in-process API's share is Telegram's side of the work (checking the "
        "HTML), which a real deployment does not pay in its process. The first “Did you mean” "
        f"after a change builds the name index (once). Whole benchmark: {seconds:.0f} s.\n\n"
        f"Queries (hits in brackets), from the first run at {head.size:,}: {examples(head)}.\n\n"
        f"Before → after, through the handler:\n\n{HANDLER_HISTORY}\n"
        "Before that, per fix of the search alone (the earlier form of this benchmark: "
        "no handler, uniform names, 260 lookups):\n\n"
        f"{SEARCH_HISTORY}"
    )


async def main(
    sizes: Sequence[int], runs: int, samples: int, write: Callable[[str, str], None]
) -> None:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-lookup-") as tmp:
        figures = []
        for size in sizes:
            figures.append(await measure_size(size, runs, samples, Path(tmp)))
            print(sizes_table(figures[-1:]), flush=True)
        planned = max(sizes, key=lambda s: (s == HEADLINE_SIZE, s))
        plan = await planning_on(Path(tmp) / f"lookup-{planned}.sqlite3")
    body = lookup_report(figures, time.perf_counter() - started)
    write(
        "lookup", f"{body}\n\n**Planning** ({planned:,} partnerships):\n\n{planning_report(plan)}"
    )


def print_section(_name: str, body: str) -> None:
    print(body)


def cli() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--sizes", default=",".join(map(str, SIZES)), help="partnerships, comma")
    args.add_argument("--runs", type=int, default=RUNS)
    args.add_argument("--samples", type=int, default=SAMPLES, help="queries per run")
    args.add_argument("--dry-run", action="store_true", help="print, leave README.md alone")
    parsed = args.parse_args()
    sizes = [int(s) for s in parsed.sizes.split(",")]
    write = print_section if parsed.dry_run else write_section
    asyncio.run(main(sizes, parsed.runs, parsed.samples, write))


if __name__ == "__main__":
    cli()
