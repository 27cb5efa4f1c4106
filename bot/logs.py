"""Logging for the process: one format, and the bot token scrubbed from every record."""

from __future__ import annotations

import logging

REDACTED = "<token>"


class RedactToken(logging.Filter):
    """Replace the token (and the webhook secret) wherever they show: httpx logs request
    URLs with /bot<token>/, and PTB's DEBUG lines show setWebhook's parameters."""

    def __init__(self, *secrets: str | None) -> None:
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def _scrub(self, text: str) -> str:
        for secret in self.secrets:
            text = text.replace(secret, REDACTED)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        if self.secrets:
            message = record.getMessage()
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
