"""Settings from the environment; a wrong value is one clear line, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.cli import main
from bot.config import ConfigError, load_settings


def test_defaults() -> None:
    settings = load_settings({})
    assert settings.token is None
    assert settings.db_path == Path("partnerbot.sqlite3")
    assert settings.api_url == "https://api.telegram.org"
    assert settings.admins == frozenset()
    assert settings.timezone == ZoneInfo("Europe/Berlin")
    assert settings.log_level == "INFO"


def test_values_are_read() -> None:
    settings = load_settings(
        {
            "TELEGRAM_BOT_TOKEN": "123:abc",
            "PARTNERBOT_DB": "/data/x.db",
            "TELEGRAM_API_URL": "http://127.0.0.1:8081/",
            "PARTNERBOT_ADMINS": "1, 22,333",
            "PARTNERBOT_TIMEZONE": "America/La_Paz",
            "PARTNERBOT_LOG_LEVEL": "debug",
        }
    )
    assert settings.api_url == "http://127.0.0.1:8081"
    assert settings.admins == frozenset({1, 22, 333})
    assert settings.timezone == ZoneInfo("America/La_Paz")
    assert settings.log_level == "DEBUG"
    assert "123:abc" not in repr(settings)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PARTNERBOT_TIMEZONE", "Europe/Bonn"),
        ("PARTNERBOT_TIMEZONE", "Europe"),  # a folder of zones, not a zone
        ("PARTNERBOT_ADMINS", "12,abc"),
        ("PARTNERBOT_LOG_LEVEL", "LOUD"),
        ("TELEGRAM_API_URL", "api.telegram.org"),
        ("TELEGRAM_BOT_TOKEN", "no-colon"),
        ("PARTNERBOT_WEBHOOK_URL", "bot.example.org/telegram"),
        ("PARTNERBOT_WEBHOOK_LISTEN", "0.0.0.0"),
        ("PARTNERBOT_WEBHOOK_LISTEN", "0.0.0.0:99999"),
        ("PARTNERBOT_WEBHOOK_LISTEN", "0.0.0.0:²"),
        ("PARTNERBOT_WEBHOOK_SECRET", "has spaces"),
        ("PARTNERBOT_CLOCK_START", "2026-11-23T09:00"),  # no offset: ambiguous
        ("PARTNERBOT_CLOCK_START", "tomorrow"),
    ],
)
def test_bad_values_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name}: "):
        load_settings({name: value})


def test_webhook_settings() -> None:
    assert load_settings({}).webhook_secret is None  # polling: no secret to leak
    url = {"PARTNERBOT_WEBHOOK_URL": "https://bot.example.org/"}
    generated = load_settings(url).webhook_secret
    assert generated and len(generated) >= 32
    assert load_settings(url).webhook_secret != generated  # a new one each start
    hook = load_settings(
        {
            "PARTNERBOT_WEBHOOK_URL": "https://bot.example.org/telegram/hook",
            "PARTNERBOT_WEBHOOK_LISTEN": "127.0.0.1:8080",
            "PARTNERBOT_WEBHOOK_SECRET": "s3cret_-X",
        }
    )
    assert (hook.webhook_path, hook.webhook_listen) == ("telegram/hook", ("127.0.0.1", 8080))
    assert hook.webhook_secret == "s3cret_-X" and "s3cret" not in repr(hook)
    assert load_settings({"PARTNERBOT_WEBHOOK_LISTEN": ":9000"}).webhook_listen == (
        "0.0.0.0",
        9000,
    )


def test_clock_start_is_an_instant() -> None:
    settings = load_settings({"PARTNERBOT_CLOCK_START": "2026-11-23T08:59:55Z"})
    assert settings.clock_start is not None
    assert settings.clock_start.isoformat() == "2026-11-23T08:59:55+00:00"


def test_cli_reports_a_bad_setting_in_one_line(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "PARTNERBOT_TIMEZONE": "Mars/Olympus",
        "PARTNERBOT_DB": str(tmp_path / "x"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "migrate"],
        env=env,
        text=True,
        capture_output=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        "partnerbot: PARTNERBOT_TIMEZONE: 'Mars/Olympus' is not an IANA time zone "
        "(e.g. Europe/Berlin)"
    ]


def test_run_without_token_points_to_the_console(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    assert main(["run"]) == 2
    assert "partnerbot console" in capsys.readouterr().err


def test_a_command_clock_starts_where_told_and_runs_on() -> None:
    from datetime import UTC, datetime, timedelta

    from bot.model.clock import SystemClock, clock_from

    start = datetime(2026, 3, 29, 0, 59, 59, tzinfo=UTC)
    clock = clock_from(start)  # PARTNERBOT_CLOCK_START set
    first, second = clock.now(), clock.now()
    assert start <= first <= second < start + timedelta(minutes=1)
    assert first.tzinfo == UTC
    assert isinstance(clock_from(None), SystemClock)  # not set: real time
