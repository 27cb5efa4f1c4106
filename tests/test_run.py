"""`partnerbot run` as a process: it talks to TELEGRAM_API_URL and never logs the token."""

from __future__ import annotations

import signal
from pathlib import Path

from harness.bot_process import TOKEN, BotProcess
from harness.botapi_server import BotApiServer


async def test_run_polls_the_configured_api_and_keeps_the_token_out_of_logs(
    tmp_path: Path,
) -> None:
    server = BotApiServer(token=TOKEN)
    await server.start()
    bot = BotProcess(server.url, tmp_path / "run.sqlite3", tmp_path / "run.log")
    try:
        await bot.start(PARTNERBOT_LOG_LEVEL="DEBUG")
        await server.wait_for(lambda: server.calls("getUpdates"))
        assert await bot.stop(signal.SIGINT) == 0, bot.output()[-3000:]
    finally:
        await server.stop()
    methods = [c.method for c in server.api.calls]
    assert methods[0] == "getMe" and "setMyCommands" in methods and "deleteWebhook" in methods
    output = bot.output()
    assert "Application started" in output and "getUpdates" in output  # DEBUG shows requests
    assert TOKEN not in output
