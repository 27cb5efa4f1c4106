"""Footprint: resident memory and cold start of `partnerbot run` against a bare PTB bot.

Each bot runs as its own process against the test suite's fake Bot API server on loopback
(harness/botapi_server.py), which holds a getUpdates with no updates for its long-poll
timeout, as Telegram does.
partnerbot starts on a fresh database each time (migrated and seeded: a first start).
The bare bot is PTB's ApplicationBuilder with a JobQueue and one echo handler, polling.

Cold start: from spawning the process to its first getUpdates request. Memory: VmRSS
from /proc/<pid>/status once the bot has polled and settled. Runs alternate between the
two bots; figures are medians.

    .venv/bin/python -m bench.footprint [--runs 5] [--dry-run]
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
from pathlib import Path

from bench.report import verdict, write_section
from harness.bot_process import BotProcess
from harness.botapi_server import BotApiServer

TARGET_RSS_RATIO = 1.3
TARGET_COLD_START = 1.5  # seconds
SETTLE = 1.0  # seconds after the first getUpdates before reading the memory
START_TIMEOUT = 60.0

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
    rss_kib: int


async def start_once(command: list[str], env: dict[str, str], db: Path, log: Path) -> Run:
    """Spawn `command` against a fresh fake Bot API server; time its first poll, then read
    its memory."""
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
            memory = rss_kib(bot.process.pid)
        finally:
            await bot.stop()
    finally:
        await server.stop()
    return Run(cold, memory)


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


async def measure(runs: int, workdir: Path) -> tuple[Bot, Bot]:
    env = {"PARTNERBOT_LOG_LEVEL": "WARNING", "PYTHONDONTWRITEBYTECODE": "1"}
    mine = Bot("partnerbot run", [sys.executable, "-m", "bot", "run"])
    bare = Bot("bare PTB bot", [sys.executable, "-c", BARE_BOT])
    for number in range(runs):
        for bot in (bare, mine):
            db = workdir / f"run{number}.sqlite3"  # a fresh database each time
            log = workdir / f"{bot.command[1]}-{number}.log"
            run = await start_once(bot.command, env, db, log)
            bot.runs.append(run)
    return mine, bare


def report(mine: Bot, bare: Bot, runs: int) -> tuple[str, bool]:
    ratio = mine.rss_mib / bare.rss_mib
    rss_ok = ratio <= TARGET_RSS_RATIO
    cold_ok = mine.cold_start <= TARGET_COLD_START
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
        f"| resident memory, partnerbot run (bare PTB bot) "
        f"| {mine.rss_mib:.1f} MiB ({bare.rss_mib:.1f} MiB) | | |",
        f"| memory ratio to the bare bot | {ratio:.2f}× | ≤ {TARGET_RSS_RATIO}× "
        f"| {verdict(rss_ok)} |",
        f"| cold start to first getUpdates, partnerbot run | {mine.cold_start:.2f} s "
        f"| ≤ {TARGET_COLD_START} s | {verdict(cold_ok)} |",
        f"| cold start to first getUpdates, bare PTB bot | {bare.cold_start:.2f} s | | |",
    ]
    body = "\n".join(rows) + (
        f"\n\nMedians of {runs} starts each, alternating. Both bots are processes of this "
        "venv's Python against the fake Bot API server on loopback (`harness/botapi_server.py`); "
        f"memory is VmRSS {SETTLE} s after the first getUpdates. "
        "partnerbot starts on a fresh database each time (migrated and seeded). The bare bot "
        "is `ApplicationBuilder().token(...).base_url(...)` with a JobQueue and one echo "
        "handler, `run_polling()`."
    )
    return body, rss_ok and cold_ok


def main(runs: int, write: Callable[[str, str], None]) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        mine, bare = asyncio.run(measure(runs, Path(tmp)))
    body, ok = report(mine, bare, runs)
    write("footprint", body)
    return ok


def print_section(_name: str, body: str) -> None:
    print(body)


def cli() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--runs", type=int, default=5, help="starts of each bot")
    args.add_argument("--dry-run", action="store_true", help="print, leave README.md alone")
    parsed = args.parse_args()
    main(parsed.runs, print_section if parsed.dry_run else write_section)


if __name__ == "__main__":
    cli()
