"""The bot token never reaches a log line."""

from __future__ import annotations

import io
import logging
import sys
import threading

import pytest

from bot.logs import RedactToken, scrub_tracebacks

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


def test_an_uncaught_traceback_is_scrubbed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # restored afterwards
    monkeypatch.setattr(threading, "excepthook", threading.excepthook)
    scrub_tracebacks(TOKEN, SECRET)
    try:
        raise RuntimeError(f"The token `{TOKEN}` was rejected by the server.")
    except RuntimeError as exc:
        sys.excepthook(type(exc), exc, exc.__traceback__)
    thread = threading.Thread(target=lambda: (_ for _ in ()).throw(ValueError(SECRET)))
    thread.start()
    thread.join()
    err = capsys.readouterr().err
    assert "RuntimeError: The token `<token>` was rejected by the server." in err
    assert "ValueError: <token>" in err and "Traceback" in err
    assert TOKEN not in err and SECRET not in err and TOKEN[7:] not in err
