"""Footprint: resident memory and cold start of `partnerbot run` against a bare PTB bot,
idle and after traffic.

Each bot runs as its own process against the test suite's fake Bot API server on loopback
(harness/botapi_server.py), which holds a getUpdates with no updates for its long-poll
timeout, as Telegram does.
partnerbot starts on a fresh database each time (migrated and seeded: a first start).
The bare bot is PTB's ApplicationBuilder with a JobQueue and one echo handler, polling.

Cold start: from spawning the process to its first getUpdates request. Memory: VmRSS
from /proc/<pid>/status once the bot has polled and settled (idle), and again after
10,000 updates of mixed commands from many users and groups, given to each bot over
getUpdates 100 at a time, each batch once the last was answered. Runs alternate between
the two bots; figures are medians.

    .venv/bin/python -m bench.footprint [--runs 3] [--updates 10000] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from bench.report import verdict, write_section
from harness.bot_process import BotProcess
from harness.botapi_server import BotApiServer
from harness.fake_telegram import JSON

TARGET_RSS_RATIO = 1.3
TRAFFIC = 10_000  # updates after which memory is measured again
BATCH = 100  # updates queued at once: what one getUpdates hands out
USERS = 2_000  # distinct private chats: each has its kept reader settings
GROUPS = 50
USER_LANGUAGES = ("en", "de", "es", "fr", "pt", "it", None)  # Telegram's language_code
# Commands as people send them: partner lookups of many kinds, the lists, help, mistakes.
PRIVATE_TEXTS = (
    "/partner mtwara",
    "/partner deutschland",
    "/partner energie",
    "/partner bonn",
    "/partner kedougou",
    "/partner la paz",
    "/partner tanzania",
    "/partner xyzzy",
    "/partner mtwra",
    "/partner",
    "/milestones",
    "/milestones 8",
    "/phases",
    "/exchanges",
    "/exchanges past",
    "/exchanges bonn",
    "/help",
    "/start",
    "/timezone",
    "/nonsense",
)
GROUP_TEXTS = ("/exchanges", "/milestones", "/partner bonn", "/subscriptions", "/help")
TARGET_COLD_START = 1.5  # seconds
SETTLE = 1.0  # seconds after the first getUpdates before reading the memory
START_TIMEOUT = 60.0
TRAFFIC_TIMEOUT = 60.0  # for one batch to be answered

BARE_BOT = """
import os
from telegram.ext import ApplicationBuilder, MessageHandler, filters

async def echo(update, context):
    await update.message.reply_text(update.message.text)

api = os.environ["TELEGRAM_API_URL"]
app = (
    ApplicationBuilder()
    .token(os.environ["TELEGRAM_BOT_TOKEN"])
    .base_url(f"{api}/bot")
    .base_file_url(f"{api}/file/bot")
    .build()
)
assert app.job_queue is not None
app.add_handler(MessageHandler(filters.TEXT, echo))
app.run_polling()
"""


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class Run:
    cold_start: float  # seconds to the first getUpdates
    rss_kib: int  # idle, after start
    traffic_rss_kib: int  # after the traffic
    traffic_seconds: float
    updates: int


def traffic(count: int) -> list[tuple[JSON, JSON, str]]:
    """(user, chat, text) of `count` updates: private chats of many users, a few groups."""
    out = []
    for n in range(count):
        user = {
            "id": 50_000 + n % USERS,
            "is_bot": False,
            "first_name": f"User{n % USERS}",
        }
        if (lang := USER_LANGUAGES[n % len(USER_LANGUAGES)]) is not None:
            user["language_code"] = lang
        if n % 10 == 9:  # every tenth in a group
            chat = {"id": -1_000_000 - n // 10 % GROUPS, "type": "supergroup", "title": "Group"}
            text = GROUP_TEXTS[n // 10 % len(GROUP_TEXTS)]
        else:
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            text = PRIVATE_TEXTS[n % len(PRIVATE_TEXTS)]
        out.append((user, chat, text))
    return out


def answered(server: BotApiServer, count: int) -> bool:
    return len(server.sent()) >= count


async def feed(server: BotApiServer, updates: list[tuple[JSON, JSON, str]]) -> float:
    """Give the bot `updates`, BATCH at a time, each batch once the last was answered
    (one message each); seconds it took."""
    start = time.monotonic()
    for first in range(0, len(updates), BATCH):
        server.api.calls.clear()  # the fake keeps every call: not what is measured
        server.api.messages.clear()
        batch = updates[first : first + BATCH]
        for user, chat, text in batch:
            await server.deliver(server.api.user_message(user, chat, text))
        await server.wait_for(partial(answered, server, len(batch)), within=TRAFFIC_TIMEOUT)
    return time.monotonic() - start


async def start_once(
    command: list[str], env: dict[str, str], db: Path, log: Path, updates: list[Any]
) -> Run:
    """Spawn `command` against a fresh fake Bot API server; time its first poll, read its
    memory; give it the traffic and read its memory again."""
    server = BotApiServer(flood=None)
    await server.start()
    bot = BotProcess(server.url, db, log, env=env, command=tuple(command))
    try:
        started = time.monotonic()
        await bot.start()
        try:
            polls = await server.wait_for(lambda: server.calls("getUpdates"), within=START_TIMEOUT)
            cold = polls[0].at - started
            await asyncio.sleep(SETTLE)  # let start-up garbage settle before measuring
            assert bot.process is not None
            if bot.process.returncode is not None:
                raise SystemExit(f"{command} stopped; see {log}")
            memory = after = rss_kib(bot.process.pid)
            seconds = 0.0
            if updates:
                seconds = await feed(server, updates)
                await asyncio.sleep(SETTLE)
                if bot.process.returncode is not None:
                    raise SystemExit(f"{command} stopped; see {log}")
                after = rss_kib(bot.process.pid)
        finally:
            await bot.stop()
    finally:
        await server.stop()
    return Run(cold, memory, after, seconds, len(updates))


@dataclass
class Bot:
    name: str
    command: list[str]
    runs: list[Run] = field(default_factory=list)

    @property
    def cold_start(self) -> float:
        return statistics.median(r.cold_start for r in self.runs)

    @property
    def rss_mib(self) -> float:
        return statistics.median(r.rss_kib for r in self.runs) / 1024

    @property
    def traffic_run(self) -> Run:
        return next(r for r in self.runs if r.updates)

    @property
    def traffic_rss_mib(self) -> float:
        return self.traffic_run.traffic_rss_kib / 1024

    @property
    def updates_per_second(self) -> float:
        return self.traffic_run.updates / self.traffic_run.traffic_seconds


async def measure(runs: int, workdir: Path, count: int) -> tuple[Bot, Bot]:
    env = {"PARTNERBOT_LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1"}
    mine = Bot("partnerbot run", [sys.executable, "-m", "bot", "run"])
    bare = Bot("bare PTB bot", [sys.executable, "-c", BARE_BOT])
    for number in range(runs):
        for bot in (bare, mine):
            db = workdir / f"run{number}.sqlite3"  # a fresh database each time
            log = workdir / f"{bot.command[1]}-{number}.log"
            updates = traffic(count) if number == runs - 1 else []  # the last run only
            run = await start_once(bot.command, env, db, log, updates)
            bot.runs.append(run)
    return mine, bare


def report(mine: Bot, bare: Bot, runs: int, count: int) -> tuple[str, bool]:
    ratio = mine.rss_mib / bare.rss_mib
    after = mine.traffic_rss_mib / bare.traffic_rss_mib
    rss_ok, after_ok = ratio <= TARGET_RSS_RATIO, after <= TARGET_RSS_RATIO
    cold_ok = mine.cold_start <= TARGET_COLD_START
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
        f"| resident memory idle, partnerbot run (bare PTB bot) "
        f"| {mine.rss_mib:.1f} MiB ({bare.rss_mib:.1f} MiB) | | |",
        f"| memory ratio to the bare bot, idle | {ratio:.2f}× | ≤ {TARGET_RSS_RATIO}× "
        f"| {verdict(rss_ok)} |",
        f"| resident memory after {count:,} updates, partnerbot run (bare PTB bot) "
        f"| {mine.traffic_rss_mib:.1f} MiB ({bare.traffic_rss_mib:.1f} MiB) | | |",
        f"| memory ratio to the bare bot after {count:,} updates | {after:.2f}× "
        f"| ≤ {TARGET_RSS_RATIO}× | {verdict(after_ok)} |",
        f"| updates answered per second over HTTP, partnerbot run (bare PTB bot) "
        f"| {mine.updates_per_second:,.0f} ({bare.updates_per_second:,.0f}) | | |",
        f"| cold start to first getUpdates, partnerbot run | {mine.cold_start:.2f} s "
        f"| ≤ {TARGET_COLD_START} s | {verdict(cold_ok)} |",
        f"| cold start to first getUpdates, bare PTB bot | {bare.cold_start:.2f} s | | |",
    ]
    body = "\n".join(rows) + (
        f"\n\nIdle memory and cold start: medians of {runs} starts of each bot, "
        "alternating; the last start of each then gets the traffic (partnerbot answers at "
        "Telegram's pace, 30 messages/s, so this takes minutes). Both bots are processes of "
        "this venv's Python against the fake Bot API server on loopback "
        "(`harness/botapi_server.py`); memory is VmRSS "
        f"{SETTLE} s after the first getUpdates (idle), and again {SETTLE} s after the last "
        f"of {count:,} updates was answered. The updates: commands from {USERS:,} users in "
        f"private chats (Telegram languages {', '.join(str(lang) for lang in USER_LANGUAGES)}) "
        f"and, every tenth, from one of {GROUPS} groups: {len(PRIVATE_TEXTS)} texts in "
        "private (partner lookups that find one, many or nothing, /milestones, /phases, "
        "/exchanges with and without a filter, /help, /start, /timezone, an unknown "
        f"command) and {len(GROUP_TEXTS)} in groups; queued {BATCH} at a time for "
        "getUpdates, each batch once every update of the last was answered (one message "
        "each, checked). partnerbot starts on a fresh database each time (migrated and "
        "seeded). The bare bot is `ApplicationBuilder().token(...).base_url(...)` with a "
        "JobQueue and one echo handler, `run_polling()`; it gets the same updates."
    )
    return body, rss_ok and after_ok and cold_ok


def main(runs: int, count: int, write: Callable[[str, str], None]) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        mine, bare = asyncio.run(measure(runs, Path(tmp), count))
    body, ok = report(mine, bare, runs, count)
    write("footprint", body)
    return ok


def print_section(_name: str, body: str) -> None:
    print(body)


def cli() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--runs", type=int, default=3, help="starts of each bot")
    args.add_argument("--updates", type=int, default=TRAFFIC, help="updates of traffic")
    args.add_argument("--dry-run", action="store_true", help="print, leave README.md alone")
    parsed = args.parse_args()
    main(parsed.runs, parsed.updates, print_section if parsed.dry_run else write_section)


if __name__ == "__main__":
    cli()
