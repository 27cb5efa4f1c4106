"""A fake Telegram Bot API server on loopback, for end-to-end tests and benchmarks.

It serves `harness.fake_telegram.FakeTelegram` (the rules the in-process tests use) over HTTP,
and adds what only a network server has: long-polling `getUpdates`, pushing updates to a
webhook with Telegram's secret header, flood limits answered with 429 and `retry_after`
(counted as a leaky bucket or in a sliding window: `FloodModel`), an added round-trip time
(`latency`), and requests that hang. It runs on the test's own event loop (tornado); the
bot under test is a real `partnerbot run` process.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Protocol

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
INT_FIELDS = {
    "chat_id",
    "user_id",
    "message_id",
    "message_thread_id",
    "offset",
    "limit",
    "timeout",
    "cache_time",
}
SENDS = ("send", "edit", "copy", "forward")  # what Telegram's flood limits count


class FloodModel(Enum):
    """How the fake server counts sends against Telegram's limits."""

    LEAKY_BUCKET = "leaky bucket"
    """A burst of the limit, then the limit's rate: the model PTB's AIORateLimiter paces by."""
    SLIDING_WINDOW = "sliding window"
    """At most the limit in any window of its length: no burst above it, ever."""


class Outage(Enum):
    """A Bot API that is there but broken: how every request is answered instead."""

    SERVER_ERROR = "500 with an HTML page"
    GARBAGE = "200 with a body that is not JSON"


class Counter(Protocol):
    def wait(self, now: float) -> float:
        """0 and counted when one more fits now, otherwise the seconds until it would."""

    def undo(self) -> None:
        """Take back the last count (the request was refused by another limit)."""


@dataclass
class Bucket:
    """A leaky bucket: holds `size` messages and drains `size` per `period` seconds."""

    size: float
    period: float
    level: float = 0.0
    at: float = 0.0

    def wait(self, now: float) -> float:
        self.level = max(0.0, self.level - (now - self.at) * self.size / self.period)
        self.at = now
        if self.level + 1 > self.size:
            return (self.level + 1 - self.size) * self.period / self.size
        self.level += 1
        return 0.0

    def undo(self) -> None:
        self.level -= 1


@dataclass
class Window:
    """A sliding window: at most `size` arrivals in any `period` seconds."""

    size: int
    period: float
    arrivals: deque[float] = field(default_factory=deque)

    def wait(self, now: float) -> float:
        while self.arrivals and self.arrivals[0] <= now - self.period:
            self.arrivals.popleft()
        if len(self.arrivals) >= self.size:
            return self.arrivals[0] + self.period - now
        self.arrivals.append(now)
        return 0.0

    def undo(self) -> None:
        self.arrivals.pop()


@dataclass
class FloodLimits:
    """Telegram's limits as documented: about 30 messages/s per bot, 20/min per group,
    counted by `model`; more is answered with the whole seconds to wait."""

    per_second: int = 30
    per_group_minute: int = 20
    model: FloodModel = FloodModel.SLIDING_WINDOW
    _bot: Counter | None = None
    _groups: dict[int, Counter] = field(default_factory=dict)

    def _counter(self, size: int, period: float, now: float) -> Counter:
        if self.model is FloodModel.LEAKY_BUCKET:
            return Bucket(size, period, at=now)
        return Window(size, period)

    def retry_after(self, chat_id: int, now: float) -> int | None:
        """None: allowed (and counted); otherwise whole seconds to wait, as Telegram says."""
        if self._bot is None:
            self._bot = self._counter(self.per_second, 1.0, now)
        group = None
        if chat_id < 0:
            group = self._groups.get(chat_id)
            if group is None:
                group = self._groups[chat_id] = self._counter(self.per_group_minute, 60.0, now)
            if wait := group.wait(now):
                return max(1, math.ceil(wait))
        if wait := self._bot.wait(now):
            if group is not None:
                group.undo()  # refused as a whole: the group's count is undone
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
    latency: float = 0.0
    """Seconds added to every answer, as over a slow link or from far away."""
    refused_429: int = 0
    outage: Outage | None = None
    """Set: every request is answered so, whatever it asks."""
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
        """Telegram's answer, `latency` seconds after the request arrived and was counted
        (a link's delay both ways, in one: what the bot sees is the round trip)."""
        status, body = await self._serve(token, method, params, files)
        if self.latency:
            await asyncio.sleep(self.latency)
        return status, body

    async def _serve(self, token: str, method: str, params: JSON, files: JSON) -> tuple[int, JSON]:
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
        if self.server.outage is Outage.SERVER_ERROR:
            self.set_status(500)
            self.finish("<html><body><h1>500 Internal Server Error</h1>\n</body></html>")
            return
        if self.server.outage is Outage.GARBAGE:
            self.finish("<html>this is not the Bot API</html>")
            return
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
