"""A fake Telegram Bot API server on loopback, for end-to-end tests and benchmarks.

It serves `harness.fake_telegram.FakeTelegram` (the rules the in-process tests use) over HTTP,
and adds what only a network server has: long-polling `getUpdates`, pushing updates to a
webhook with Telegram's secret header, flood limits answered with 429 and
`retry_after`, and requests that hang. It runs on the test's own event loop (tornado);
the bot under test is a real `partnerbot run` process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import tornado.httputil
import tornado.web
from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets

from harness.fake_telegram import ApiCall, FakeTelegram

JSON = dict[str, Any]
# Parameters PTB sends JSON-encoded in a form field; everything else is a plain string.
JSON_FIELDS = {
    "reply_markup",
    "commands",
    "results",
    "allowed_updates",
    "entities",
    "caption_entities",
    "link_preview_options",
    "reply_parameters",
    "scope",
    "button",
}
INT_FIELDS = {"chat_id", "user_id", "message_id", "offset", "limit", "timeout", "cache_time"}
SENDS = ("send", "edit", "copy", "forward")  # what Telegram's flood limits count


@dataclass
class Bucket:
    """A leaky bucket: holds `size` messages and drains `size` per `period` seconds."""

    size: float
    period: float
    level: float = 0.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        """0 and counted when one more fits now, otherwise the seconds until it would."""
        self.level = max(0.0, self.level - (now - self.at) * self.size / self.period)
        self.at = now
        if self.level + 1 > self.size:
            return (self.level + 1 - self.size) * self.period / self.size
        self.level += 1
        return 0.0


@dataclass
class FloodLimits:
    """Telegram's limits as documented: about 30 messages/s per bot, 20/min per group.

    Both are leaky buckets (a burst of the limit, then the limit's rate), the model PTB's
    AIORateLimiter paces by; more is answered with the whole seconds to wait.
    """

    per_second: float = 30.0
    per_group_minute: int = 20
    _bot: Bucket | None = None
    _groups: dict[int, Bucket] = field(default_factory=dict)

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """None: allowed (and counted); otherwise whole seconds to wait, as Telegram says."""
        if self._bot is None:
            self._bot = Bucket(self.per_second, 1.0, at=now)
        group = None
        if chat_id < 0:
            group = self._groups.setdefault(chat_id, Bucket(self.per_group_minute, 60.0, at=now))
            if wait := group.wait(now):
                return max(1, math.ceil(wait))
        if wait := self._bot.wait(now):
            if group is not None:
                group.level -= 1  # refused as a whole: the group's count is undone
            return max(1, math.ceil(wait))
        return None


@dataclass
class BotApiServer:
    """Start with `await server.start()`; `server.url` is the bot's TELEGRAM_API_URL."""

    api: FakeTelegram = field(default_factory=FakeTelegram)
    token: str | None = None
    """When set, other tokens get 401 as from Telegram."""
    flood: FloodLimits | None = field(default_factory=FloodLimits)
    hang: set[int] = field(default_factory=set)
    """Chats whose next send is never answered (the bot's read timeout must fire)."""
    refused_429: int = 0
    url: str = ""
    _server: HTTPServer | None = None
    _changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    _closing: asyncio.Event = field(default_factory=asyncio.Event)

    async def start(self) -> str:
        app = tornado.web.Application(
            [(r"/bot([^/]+)/(\w+)", _MethodHandler, {"server": self})],
            log_function=lambda handler: None,  # access lines would carry the token
        )
        sockets = bind_sockets(0, "127.0.0.1")
        self._server = HTTPServer(app)
        self._server.add_sockets(sockets)
        self.url = f"http://127.0.0.1:{sockets[0].getsockname()[1]}"
        return self.url

    async def stop(self) -> None:
        self._closing.set()  # long polls and hung requests return now
        await self._notify()
        if self._server is not None:
            self._server.stop()
            await self._server.close_all_connections()

    # -- what tests do -------------------------------------------------------------------
    async def deliver(self, update: JSON) -> int | None:
        """Hand an update to the bot: by webhook when one is set (returns its HTTP status),
        else queued for getUpdates."""
        webhook = dict(self.api.webhook)
        if not webhook:
            self.api.push(update)
            await self._notify()
            return None
        headers = {"X-Telegram-Bot-Api-Secret-Token": webhook.get("secret_token") or ""}
        async with httpx.AsyncClient(timeout=10) as client:
            answer = await client.post(webhook["url"], json=update, headers=headers)
        return answer.status_code

    async def wait_for(self, ready: Callable[[], Any], within: float = 30) -> Any:
        """Wait until `ready()` is truthy: checked after every call the bot makes, and every
        50 ms for conditions outside the server (the bot's log, its database)."""
        async with asyncio.timeout(within), self._changed:
            while not (result := ready()):
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), 0.05)
            return result

    def calls(self, method: str) -> list[ApiCall]:
        """Every call of `method` the bot made, answered or refused, in order."""
        return [c for c in self.api.calls if c.method == method]

    def sent(self, chat_id: int | None = None) -> list[JSON]:
        """Messages the bot sent successfully (to one chat), in order."""
        return [
            c.result
            for c in self.calls("sendMessage")
            if c.result is not None and (chat_id is None or c.result["chat"]["id"] == chat_id)
        ]

    # -- serving -------------------------------------------------------------------------
    async def answer(self, token: str, method: str, params: JSON, files: JSON) -> tuple[int, JSON]:
        if self.token is not None and token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        chat_id = _int(params.get("chat_id"))
        if method.startswith(SENDS) and chat_id is not None:
            if chat_id in self.hang:
                self.hang.discard(chat_id)
                await self._closing.wait()
                return 502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}
            wait = self.flood.retry_after(chat_id, time.monotonic()) if self.flood else None
            if wait is not None:
                self.refused_429 += 1
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "description": f"Too Many Requests: retry after {wait}",
                    "parameters": {"retry_after": wait},
                }
        status, body = self.api.handle(method, params, files)
        await self._notify()
        if method == "getUpdates" and status == 200 and not body["result"]:
            body = await self._long_poll(params)
        return status, body

    async def _long_poll(self, params: JSON) -> JSON:
        """Hold an empty getUpdates until an update comes or its timeout passes."""
        timeout = float(params.get("timeout") or 0)
        try:
            async with asyncio.timeout(timeout), self._changed:
                await self._changed.wait_for(lambda: self.api.pending or self._closing.is_set())
        except TimeoutError:
            pass
        return self.api.handle("getUpdates", params)[1]

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()


class _MethodHandler(tornado.web.RequestHandler):
    def initialize(self, server: BotApiServer) -> None:
        self.server = server

    async def post(self, token: str, method: str) -> None:
        status, body = await self.server.answer(token, method, *self._params())
        self.set_status(status)
        self.set_header("Content-Type", "application/json")
        self.finish(json.dumps(body))

    get = post

    def _params(self) -> tuple[JSON, JSON]:
        request = self.request
        if request.headers.get("Content-Type", "").startswith("application/json"):
            return json.loads(request.body or b"{}"), {}
        params: JSON = {}
        for name, values in {**request.query_arguments, **request.body_arguments}.items():
            params[name] = _decode(name, values[-1].decode())
        files: JSON = {}
        for name, uploads in request.files.items():
            upload: tornado.httputil.HTTPFile = uploads[0]
            files[name] = (upload.filename, upload.body)
        return params, files


def _decode(name: str, value: str) -> Any:
    if name in JSON_FIELDS:
        return json.loads(value)
    if name in INT_FIELDS:
        return _int(value) if _int(value) is not None else value
    return value


def _int(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
