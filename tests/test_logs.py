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


def test_the_secret_part_of_the_token_is_scrubbed_on_its_own() -> None:
    """The part after ':' is the secret (the part before is the bot's public id): a URL
    that encodes the ':' still carries it."""
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "GET %s", (f"/bot123456%3A{TOKEN[7:]}/getMe",), None
    )
    RedactToken(TOKEN).filter(record)
    assert record.getMessage() == "GET /bot123456%3A<token>/getMe"


def test_a_short_text_after_a_colon_is_not_taken_for_the_secret() -> None:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "a:b and b", None, None)
    RedactToken("a:b").filter(record)
    assert record.getMessage() == "<token> and b"
