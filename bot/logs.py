"""Logging for the process: one format, and the bot token scrubbed from every record."""

from __future__ import annotations

import logging
import re
import sys
import threading
import traceback
from types import TracebackType

REDACTED = "<token>"
SECRET_PART_MIN = 8  # shorter than any real token's secret: too common a text to replace
FEED_URL = re.compile(r"/calendar/[A-Za-z0-9_-]{16,64}\.ics")
"""A calendar feed's address: its token is its only secret (PTB's DEBUG lines show the
replies that give it)."""
FEED_REDACTED = "/calendar/<feed>.ics"


def secret_texts(*secrets: str | None) -> list[str]:
    """What must never be shown: each secret, and a bot token's part after ':' too (the
    part before is the bot's public id), longest first so a whole token goes as one."""
    found: set[str] = set()
    for secret in secrets:
        if not secret:
            continue
        found.add(secret)
        _, colon, rest = secret.partition(":")
        if colon and len(rest) >= SECRET_PART_MIN:
            found.add(rest)
    return sorted(found, key=len, reverse=True)


def scrub(text: str, *secrets: str | None) -> str:
    """`text` with every secret (see secret_texts) replaced."""
    for secret in secret_texts(*secrets):
        text = text.replace(secret, REDACTED)
    return text


class RedactToken(logging.Filter):
    """Replace the token (and the webhook secret) wherever they show: httpx logs request
    URLs with /bot<token>/, and PTB's DEBUG lines show setWebhook's parameters. Calendar
    feeds' addresses lose their token too."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = secret_texts(*secrets)

    def _scrub(self, text: str) -> str:
        return scrub(text, *self.secrets)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if "/calendar/" in message:
            message = FEED_URL.sub(FEED_REDACTED, message)
            record.msg, record.args = message, None
        if self.secrets:
            if any(s in message for s in self.secrets):
                record.msg, record.args = self._scrub(message), None
            if record.exc_info and record.exc_info[1] is not None:
                trace = logging.Formatter().formatException(record.exc_info)
                if any(s in trace for s in self.secrets):  # else leave it for other handlers
                    record.exc_text, record.exc_info = self._scrub(trace), None
        return True


def setup_logging(level: str, *secrets: str | None) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactToken(*secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    # httpx logs every request at INFO: noise at our level, and it carries the URL.
    logging.getLogger("httpx").setLevel(max(logging.WARNING, root.level))
    # aiosqlite traces every statement with its parameters at DEBUG: calendar feed tokens
    # among them.
    logging.getLogger("aiosqlite").setLevel(max(logging.INFO, root.level))


def scrub_tracebacks(*secrets: str | None) -> None:
    """A traceback nobody caught is printed scrubbed too (the log filter sees only log
    records): PTB's InvalidToken, for one, quotes the token in its message."""
    if not secret_texts(*secrets):
        return

    def show(kind: type[BaseException], value: BaseException, trace: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, trace))
        sys.stderr.write(scrub(text, *secrets))

    def show_thread(args: threading.ExceptHookArgs) -> None:
        if args.exc_value is not None:
            sys.stderr.write(f"Exception in thread {args.thread.name if args.thread else '?'}:\n")
            show(args.exc_type, args.exc_value, args.exc_traceback)

    sys.excepthook = show
    threading.excepthook = show_thread
