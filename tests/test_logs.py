"""The bot token never reaches a log line."""

from __future__ import annotations

import io
import logging

from bot.logs import RedactToken

TOKEN = "123456:AAH-secret-token"
SECRET = "webhook_secret-123"


def test_token_is_scrubbed_from_messages_and_tracebacks() -> None:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactToken(TOKEN, SECRET))
    log = logging.getLogger("test.redact")
    log.addHandler(handler)
    log.propagate = False
    log.setLevel(logging.DEBUG)
    try:
        log.warning("HTTP Request: POST %s", f"https://api.telegram.org/bot{TOKEN}/getMe")
        log.debug("Calling setWebhook with %s", {"secret_token": SECRET})
        try:
            raise RuntimeError(f"failed https://api.telegram.org/bot{TOKEN}/sendMessage")
        except RuntimeError:
            log.exception("send failed")
    finally:
        log.removeHandler(handler)
    output = stream.getvalue()
    assert TOKEN not in output and SECRET not in output
    assert "bot<token>/getMe" in output and "bot<token>/sendMessage" in output
