"""Benchmark 7, guided conversations kept in the database: what writing a step costs.

The real Application (`bot.app.build_application`) on the in-process Bot API
(`OfflineTelegram`), a database file in a temp directory, and harness/guided.py's /survey
(its first three steps: /survey, a name, a town; each changes the conversation's state
and writes the draft in its callback). Each user's steps go through `process_update`:

- *with the write*: the bot's (`PersistentApplication.process_update`), which writes the
  new state before it returns;
- *without*: PTB's own `Application.process_update` on the same app, which leaves the
  state in memory until PTB's next interval (what a kill -9 then loses).

The state write alone is `ConversationPersistence.flush` with something to write; an
update that changes no conversation (`/help`) pays only the check that nothing is noted.
`--dry-run` prints without touching bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from telegram.ext import Application

from bench.report import percentile, verdict, write_section
from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.telegram.context import BotApplication
from bot.telegram.pacing import Pacer
from bot.telegram.persistence import ConversationPersistence
from harness.bot_process import CLOCK_START
from harness.fake_telegram import OfflineTelegram, as_update
from harness.guided import add_survey

USERS = 400
WARM = 40
STEP_TARGET_MS = 5.0  # a step's write: a small share of a reply's trip over the Internet
IDLE_TARGET_MS = 0.05  # an update that changes no conversation: next to nothing


class FlushTimes:
    """How long each flush with something to write takes, while `on`."""

    def __init__(self, persistence: ConversationPersistence) -> None:
        self.times: list[float] = []
        self.on = False
        flush = persistence.flush

        async def flush_timed() -> None:
            busy = persistence.has_pending
            start = time.perf_counter()
            await flush()
            if busy and self.on:
                self.times.append((time.perf_counter() - start) * 1000)

        persistence.flush = flush_timed  # type: ignore[method-assign]


async def steps(
    app: BotApplication,
    api: OfflineTelegram,
    users: range,
    process: Callable[[object], Awaitable[None]],
) -> list[float]:
    """Every user's three steps, in turn; ms of each process_update."""
    times = []
    for step in ("/survey", "Name", "Town"):
        for uid in users:
            user = {"id": uid, "is_bot": False, "first_name": f"U{uid}", "language_code": "en"}
            chat = {"id": uid, "type": "private", "first_name": user["first_name"]}
            update = as_update(api.user_message(user, chat, step), app.bot)
            start = time.perf_counter()
            await process(update)
            times.append((time.perf_counter() - start) * 1000)
    return times


async def idle(app: BotApplication) -> list[float]:
    """ms of update_persistence when no conversation changed (after every other update)."""
    times = []
    for _ in range(2000):
        start = time.perf_counter()
        await app.update_persistence()
        times.append((time.perf_counter() - start) * 1000)
    return times


async def measure() -> dict[str, list[float]]:
    with tempfile.TemporaryDirectory(prefix="partnerbot-bench-") as directory:
        clock = MovableClock(CLOCK_START)
        api = OfflineTelegram(clock=clock)
        settings = Settings(db_path=Path(directory) / "bot.sqlite3")
        app = build_application(
            settings, request=api, clock=clock, rate_limiter=Pacer(None), schedule=False
        )
        add_survey(app)
        assert isinstance(app.persistence, ConversationPersistence)
        writes = FlushTimes(app.persistence)
        async with running(app):
            ptb = Application.process_update

            async def without(update: object) -> None:
                await ptb(app, update)

            await steps(app, api, range(1, WARM + 1), app.process_update)
            out: dict[str, list[float]] = {"with": [], "without": []}
            # Alternating batches, so that the machine's noise hits both alike.
            for batch in range(4):
                first = 100_000 + batch * USERS
                half = USERS // 2
                writes.on = True
                out["with"] += await steps(app, api, range(first, first + half), app.process_update)
                writes.on = False
                out["without"] += await steps(app, api, range(first + half, first + USERS), without)
                await app.update_persistence()  # PTB's interval: not timed, not in the next
            out["write"] = writes.times
            out["idle"] = await idle(app)
        return out


def row(label: str, values: list[float]) -> str:
    return (
        f"| {label} | {len(values):,} | {percentile(values, 50):.2f} ms | "
        f"{percentile(values, 95):.2f} ms | {max(values):.2f} ms |"
    )


def main() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("--dry-run", action="store_true", help="print, do not write README")
    dry = args.parse_args().dry_run
    figures = asyncio.run(measure())
    write, idle_ = figures["write"], figures["idle"]
    added = percentile(figures["with"], 50) - percentile(figures["without"], 50)
    write_p95, idle_p95 = percentile(write, 95), percentile(idle_, 95)
    body = f"""
{USERS * 2:,} users ({WARM} more to warm up) each go through /survey's first three steps
(each writes the draft in its callback) in a private chat, half through the bot's
`process_update` (the state written before it returns), half through PTB's own (the state
left in memory); the state write alone is the
persistence's flush of one step. Real Application, in-process Bot API, SQLite file in a
temp directory (WAL, synchronous=NORMAL). Targets: a step's write p95 ≤ {STEP_TARGET_MS:g} ms;
an update that changes no conversation pays p95 ≤ {IDLE_TARGET_MS:g} ms.

| what | count | p50 | p95 | max |
|---|---:|---:|---:|---:|
{row("a step, with the write", figures["with"])}
{row("a step, without (PTB's interval)", figures["without"])}
{row("the state write (flush)", write)}
{row("no conversation changed", idle_)}

A step costs {added:.2f} ms more at the median with its write. The write: p95
{write_p95:.2f} ms, {verdict(write_p95 <= STEP_TARGET_MS)}; nothing to write: p95
{idle_p95 * 1000:.1f} µs, {verdict(idle_p95 <= IDLE_TARGET_MS)}.
"""
    if dry:
        print(body)
    else:
        write_section("conversations", body)


if __name__ == "__main__":
    main()
