"""`partnerbot run` as a process: it talks to TELEGRAM_API_URL and never logs the token."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

TOKEN = "123456:AAH-not-a-real-token"
BOT = {"id": 4242, "is_bot": True, "first_name": "partnerbot", "username": "partnerbot"}


class TinyBotApi(BaseHTTPRequestHandler):
    """Just enough Bot API for start-up: getMe, setMyCommands, deleteWebhook, getUpdates."""

    paths: ClassVar[list[str]] = []
    polled = threading.Event()

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.paths.append(self.path)
        method = self.path.rsplit("/", 1)[-1]
        result: object = {"getMe": BOT, "getUpdates": []}.get(method, True)
        if method == "getUpdates":
            self.polled.set()
        body = json.dumps({"ok": True, "result": result}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def api_server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), TinyBotApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_run_polls_the_configured_api_and_keeps_the_token_out_of_logs(
    api_server: str, tmp_path: Path
) -> None:
    env = {
        **os.environ,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_URL": api_server,
        "PARTNERBOT_DB": str(tmp_path / "run.sqlite3"),
        "PARTNERBOT_LOG_LEVEL": "DEBUG",
    }
    log_path = tmp_path / "run.log"  # a file, not a pipe: DEBUG output would fill a pipe
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "bot", "run"], env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            assert TinyBotApi.polled.wait(timeout=60), "the bot never polled for updates"
        finally:
            process.send_signal(signal.SIGINT)
            process.wait(timeout=60)
    output = log_path.read_text()
    assert process.returncode == 0, output
    assert TinyBotApi.paths[0] == f"/bot{TOKEN}/getMe"
    assert f"/bot{TOKEN}/setMyCommands" in TinyBotApi.paths
    assert "Application started" in output and "getUpdates" in output  # DEBUG shows requests
    assert TOKEN not in output
