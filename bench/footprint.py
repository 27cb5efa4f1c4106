"""Footprint: resident memory and cold start of `partnerbot run` against a bare PTB bot.

Each bot runs as its own process against a loopback Bot API stub (stdlib HTTP server, as
tests/test_run.py's): getMe, setMyCommands, deleteWebhook, getUpdates (answered with no
updates after a short wait, like a quiet long poll) and `true` for anything else.
partnerbot starts on a fresh database each time (migrated and seeded: a first start).
The bare bot is PTB's ApplicationBuilder with a JobQueue and one echo handler, polling.

Cold start: from spawning the process to its first getUpdates request. Memory: VmRSS
from /proc/<pid>/status once the bot has polled and settled. Runs alternate between the
two bots; figures are medians.

    .venv/bin/python -m bench.footprint [--runs 5] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.report import verdict, write_section

TOKEN = "123456:AAH-test"  # noqa: S105 - not a secret: the stub takes any token
BOT = {"id": 4242, "is_bot": True, "first_name": "partnerbot", "username": "partnerbot"}
TARGET_RSS_RATIO = 1.3
TARGET_COLD_START = 1.5  # seconds
POLL_WAIT = 0.5  # how long the stub holds a getUpdates before answering "nothing new"
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


class StubApi(BaseHTTPRequestHandler):
    """Just enough Bot API to start and poll; the server notes when getUpdates first came."""

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        method = self.path.rsplit("/", 1)[-1]
        if method == "getUpdates":
            server = self.server
            assert isinstance(server, StubServer)
            server.poll()
            time.sleep(min(_poll_timeout(body), POLL_WAIT))
        result: object = {"getMe": BOT, "getUpdates": []}.get(method, True)
        answer = json.dumps({"ok": True, "result": result}).encode()
        try:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the bot was stopped while it waited for updates

    def log_message(self, format: str, *args: object) -> None:
        pass


def _poll_timeout(body: bytes) -> float:
    try:
        return float(json.loads(body or b"{}").get("timeout", 0))
    except (ValueError, TypeError, AttributeError):
        return 0.0


class StubServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), StubApi)
        self.first_poll: float | None = None
        self.polled = threading.Event()

    def poll(self) -> None:
        if self.first_poll is None:
            self.first_poll = time.perf_counter()
            self.polled.set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


@contextmanager
def stub() -> Iterator[StubServer]:
    server = StubServer()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError(f"no VmRSS for process {pid}")


@dataclass
class Run:
    cold_start: float  # seconds to the first getUpdates
    rss_kib: int


def start_once(command: list[str], env: dict[str, str], log: Path) -> Run:
    """Spawn `command` against a fresh stub; time its first poll, then read its memory."""
    with stub() as server, log.open("w") as out:
        started = time.perf_counter()
        process = subprocess.Popen(  # noqa: S603 - our own interpreter and script
            command, env={**env, "TELEGRAM_API_URL": server.url}, stdout=out, stderr=out
        )
        try:
            if not server.polled.wait(START_TIMEOUT) or server.first_poll is None:
                raise SystemExit(f"{command} never polled; see {log}:\n{log.read_text()}")
            cold = server.first_poll - started
            time.sleep(SETTLE)
            if process.poll() is not None:
                raise SystemExit(f"{command} stopped; see {log}:\n{log.read_text()}")
            memory = rss_kib(process.pid)
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
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


def measure(runs: int, workdir: Path) -> tuple[Bot, Bot]:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "PARTNERBOT_LOG_LEVEL": "WARNING",
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    mine = Bot("partnerbot run", [sys.executable, "-m", "bot", "run"])
    bare = Bot("bare PTB bot", [sys.executable, "-c", BARE_BOT])
    for number in range(runs):
        for bot in (bare, mine):
            db = workdir / f"run{number}.sqlite3"  # a fresh database each time
            log = workdir / f"{bot.command[1]}-{number}.log"
            bot.runs.append(start_once(bot.command, {**env, "PARTNERBOT_DB": str(db)}, log))
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
        "venv's Python against a loopback stdlib Bot API stub (getUpdates answers no updates "
        f"after {POLL_WAIT} s); memory is VmRSS {SETTLE} s after the first getUpdates. "
        "partnerbot starts on a fresh database each time (migrated and seeded). The bare bot "
        "is `ApplicationBuilder().token(...).base_url(...)` with a JobQueue and one echo "
        "handler, `run_polling()`."
    )
    return body, rss_ok and cold_ok


def main(runs: int, write: Callable[[str, str], None]) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-footprint-") as tmp:
        mine, bare = measure(runs, Path(tmp))
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
