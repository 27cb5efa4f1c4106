"""The calendar feeds over HTTP: GET (and HEAD) /calendar/<token>.ics, served by the bot
process itself on PARTNERBOT_HTTP_LISTEN with tornado (PTB's own webhook server runs on
it too). A second listener beside PTB's webhook server, not one server for both: PTB
builds its webhook app privately in run_webhook, and serving the webhook ourselves would
mean running the application's whole lifecycle (setWebhook, signals, shut-down) in our
code. Behind a reverse proxy both share one public origin (README: The calendar feed).

The token is the feed's only secret: it is never logged (a short hash of it at most),
and a 404 says nothing about whether a token ever existed."""

from __future__ import annotations

import logging
import re
import socket
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from types import TracebackType
from typing import Any

import tornado.httpserver
import tornado.netutil
import tornado.web

from bot.telegram.context import BotData
from handlers.feed import served_feed
from storage.feeds import token_hint

log = logging.getLogger(__name__)

FEED_PATH = re.compile(r"/calendar/([A-Za-z0-9_-]{16,64})\.ics")  # a token: token_urlsafe
NOT_FOUND = b"Not found\n"
CONTENT_TYPE = "text/calendar; charset=utf-8"
CACHE_CONTROL = "private, max-age=300"  # a proxy must not share one feed with others


def bind(host: str, port: int) -> list[socket.socket]:
    """The listening sockets, bound now: a port in use fails at start-up, in one line
    (bot/cli.py), not later inside the running loop."""
    return tornado.netutil.bind_sockets(port, host or None, reuse_port=False)


def _logged_path(path: str) -> str:
    found = FEED_PATH.fullmatch(path)
    if found:
        return f"/calendar/#{token_hint(found.group(1))}.ics"
    return "/calendar/…" if path.startswith("/calendar/") else path[:40]


def _log_request(handler: tornado.web.RequestHandler) -> None:
    request = handler.request
    log.debug(
        "%s %s %d %.1f ms",
        request.method,
        _logged_path(request.path),
        handler.get_status(),
        1000 * request.request_time(),
    )


class _Quiet(tornado.web.RequestHandler):
    """What every answer of this server shares: a short 404, errors logged without the
    request's path (it may hold a token)."""

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(NOT_FOUND if status_code == 404 else b"Error\n")

    def log_exception(
        self,
        typ: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if isinstance(value, tornado.web.HTTPError):
            return
        log.error("serving %s failed", _logged_path(self.request.path), exc_info=value)

    def compute_etag(self) -> str | None:
        return None  # ours is set from the feed, and 304 decided here

    def not_found(self) -> None:
        self.set_status(404)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(NOT_FOUND)


class _NotFound(_Quiet):
    def prepare(self) -> None:
        self.not_found()


class FeedHandler(_Quiet):
    def initialize(self, data: BotData) -> None:
        self.data = data

    async def get(self, token: str) -> None:
        await self._serve(token)

    async def head(self, token: str) -> None:
        await self._serve(token)  # tornado sends a HEAD's headers only

    async def _serve(self, token: str) -> None:
        feed = await served_feed(self.data, token)
        if feed is None:
            log.debug("calendar feed #%s: no such token", token_hint(token))
            self.not_found()
            return
        self.set_header("ETag", feed.etag)
        self.set_header("Last-Modified", format_datetime(feed.modified, usegmt=True))
        self.set_header("Cache-Control", CACHE_CONTROL)
        if self._unchanged(feed.etag, feed.modified):
            self.set_status(304)
            self.finish()
            return
        self.set_header("Content-Type", CONTENT_TYPE)
        self.finish(feed.body)

    def _unchanged(self, etag: str, modified: datetime) -> bool:
        """RFC 9110, 13.2.2: If-None-Match decides when given; else If-Modified-Since."""
        match = self.request.headers.get("If-None-Match")
        if match is not None:
            given = {tag.strip().removeprefix("W/") for tag in match.split(",")}
            return etag in given or "*" in given
        since = self.request.headers.get("If-Modified-Since")
        if since is None:
            return False
        try:
            when = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False  # unreadable: send the feed
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return modified <= when


def feed_app(data: BotData) -> tornado.web.Application:
    return tornado.web.Application(
        [(FEED_PATH.pattern, FeedHandler, {"data": data})],
        default_handler_class=_NotFound,
        log_function=_log_request,
        compress_response=False,  # an ETag is of these bytes
    )


class FeedServer:
    """The HTTP server of the feeds, on sockets bound before start-up (bind)."""

    def __init__(self, data: BotData, sockets: list[socket.socket]) -> None:
        self._server = tornado.httpserver.HTTPServer(feed_app(data), xheaders=True)
        self._sockets = sockets

    def start(self) -> None:
        """In the running event loop."""
        self._server.add_sockets(self._sockets)
        host, port = self._sockets[0].getsockname()[:2]
        log.info("serving calendar feeds on %s:%d", host, port)

    @property
    def port(self) -> int:
        return int(self._sockets[0].getsockname()[1])

    async def stop(self) -> None:
        self._server.stop()  # closes the listening sockets
        await self._server.close_all_connections()
