"""What the end-to-end tests over HTTP share: the fake Bot API server on loopback and
`partnerbot run` as a process against it (here `bot` is that process, not the in-process
driver of tests/conftest.py)."""

from __future__ import annotations

import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from harness.bot_process import TOKEN, BotProcess
from harness.botapi_server import BotApiServer, FloodLimits


@pytest.fixture
def flood() -> FloodLimits | None:
    """Telegram's limits as the server enforces them; a test module whose weeks pass in
    seconds overrides this with None (the bot's own pacer still keeps each run within)."""
    return FloodLimits()


@pytest.fixture
async def server(flood: FloodLimits | None) -> AsyncIterator[BotApiServer]:
    server = BotApiServer(token=TOKEN, flood=flood)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def bot(server: BotApiServer, tmp_path: Path) -> AsyncIterator[BotProcess]:
    process = BotProcess(server.url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    yield process
    if process.process is not None:
        assert await process.stop(signal.SIGINT) == 0, process.output()[-3000:]
    assert TOKEN not in process.output()
