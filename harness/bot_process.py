"""`partnerbot run` as a real process, for end-to-end tests and benchmarks."""

from __future__ import annotations

import asyncio
import functools
import os
import shutil
import signal
import socket
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from harness.botapi_server import BotApiServer

TOKEN = "123456:AAH-not-a-real-token"
CLOCK_START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
"""The tests' "now" where they choose none (a Monday, the eve of a seeded meeting): a bot
process never reads the real date, so what a test asserts holds on any day it runs."""


def own_environ() -> dict[str, str]:
    """This environment without the bot's own settings: a developer's PARTNERBOT_TIMEZONE
    or TELEGRAM_BOT_TOKEN must not change what a test sees."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("PARTNERBOT_", "TELEGRAM_"))}


@functools.cache
def unprivileged() -> tuple[str, ...] | None:
    """What to put before a command so that file permissions hold for it as for any user:
    root ignores them. As root, a new user namespace in which the process owns no file
    (`unshare --user`); as anyone else, nothing. None: root, and no such namespace here."""
    if os.geteuid() != 0:
        return ()
    unshare = shutil.which("unshare")
    if unshare is None:
        return None
    probe = subprocess.run([unshare, "--user", "true"], capture_output=True, check=False)
    return (unshare, "--user") if probe.returncode == 0 else None


def command_environ(
    db: Path, clock_start: datetime = CLOCK_START, extra_env: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment a `partnerbot` command runs in, in tests."""
    return {
        **own_environ(),
        "PARTNERBOT_DB": str(db),
        "PARTNERBOT_CLOCK_START": clock_start.isoformat(),
        "LANG": "C.UTF-8",
        **(extra_env or {}),
    }


def partnerbot(
    *args: str,
    db: Path,
    stdin: str = "",
    clock_start: datetime = CLOCK_START,
    extra_env: dict[str, str] | None = None,
    prefix: tuple[str, ...] = (),
    timeout: float = 120,
) -> subprocess.CompletedProcess[str]:
    """Run a `partnerbot` command to its end, as a user would type it (after `prefix`, e.g.
    `unprivileged()`); one that outlives `timeout` raises subprocess.TimeoutExpired."""
    return subprocess.run(
        [*prefix, sys.executable, "-m", "bot", *args],
        input=stdin,
        env=command_environ(db, clock_start, extra_env),
        text=True,
        capture_output=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class BotProcess:
    """Start, kill and restart the bot; its output goes to a log file (DEBUG fills pipes)."""

    api_url: str
    db: Path
    log: Path
    env: dict[str, str] = field(default_factory=dict)
    command: tuple[str, ...] = (sys.executable, "-m", "bot", "run")
    """What to start: `partnerbot run` unless told otherwise (a benchmark's bare bot)."""
    cwd: Path | None = None
    """Where to start it: another checkout's directory runs that checkout's `bot` package."""
    process: asyncio.subprocess.Process | None = None

    async def start(self, clock_start: datetime = CLOCK_START, **env: str) -> None:
        variables = {
            **own_environ(),
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_URL": self.api_url,
            "PARTNERBOT_DB": str(self.db),
            "PARTNERBOT_LOG_LEVEL": "INFO",
            "PARTNERBOT_CLOCK_START": clock_start.isoformat(),
            **self.env,
            **env,
        }
        with self.log.open("a") as out:
            self.process = await asyncio.create_subprocess_exec(
                *self.command, env=variables, stdout=out, stderr=out, cwd=self.cwd
            )

    async def stop(self, sig: int = signal.SIGINT, within: float = 30) -> int:
        """Send `sig` (SIGINT: a clean stop; SIGKILL: a crash) and wait for the exit."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(sig)
        code = await asyncio.wait_for(self.process.wait(), within)
        self.process = None
        return code

    async def exited(self, within: float = 30) -> int:
        """Wait for the process to end by itself (a start that fails); its exit status."""
        assert self.process is not None
        code = await asyncio.wait_for(self.process.wait(), within)
        self.process = None
        return code

    def output(self) -> str:
        return self.log.read_text() if self.log.exists() else ""


def accepts(port: int) -> bool:
    """Whether something listens on this loopback port."""
    try:
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    except OSError:
        return False
    return True


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def restart(bot: BotProcess, server: BotApiServer, at: datetime, env: dict[str, str]) -> None:
    """Stop the bot (if running) and start it again at the instant `at`; with
    PARTNERBOT_HTTP_LISTEN in `env`, until its second listener accepts."""
    if bot.process is not None:
        assert await bot.stop(signal.SIGINT) == 0, bot.output()[-3000:]
    await bot.start(clock_start=at, **env)
    if "PARTNERBOT_HTTP_LISTEN" in env:
        port = int(env["PARTNERBOT_HTTP_LISTEN"].rsplit(":", 1)[1])
        await server.wait_for(lambda: accepts(port))
