"""Settings from the environment, checked once at start-up with one clear line per mistake."""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DB = "partnerbot.sqlite3"
DEFAULT_TIMEZONE = "Europe/Berlin"
DEFAULT_WEBHOOK_LISTEN = ("0.0.0.0", 8443)  # noqa: S104 - a webhook server must be reachable
SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")  # what Telegram allows in secret_token


class ConfigError(ValueError):
    """A setting is wrong; the message names the variable and what it expects."""


@dataclass(frozen=True)
class Settings:
    token: str | None = field(default=None, repr=False)  # never printed
    db_path: Path = Path(DEFAULT_DB)
    api_url: str = DEFAULT_API_URL
    admins: frozenset[int] = frozenset()
    timezone: ZoneInfo = field(default_factory=lambda: ZoneInfo(DEFAULT_TIMEZONE))
    log_level: str = "INFO"
    webhook_url: str | None = None
    """Set: Telegram pushes updates to this URL; unset: the bot long-polls."""
    webhook_listen: tuple[str, int] = DEFAULT_WEBHOOK_LISTEN
    webhook_secret: str | None = field(default=None, repr=False)
    """Telegram sends it with every update; requests without it are refused."""
    http_listen: tuple[str, int] | None = None
    """Set: the calendar feeds are served over HTTP on this HOST:PORT."""
    http_url: str | None = None
    """The feeds' public base URL (https://bot.example.org); else the webhook URL's origin."""
    clock_start: datetime | None = None
    """For demos and end-to-end tests: the bot's clock starts here and runs at normal speed."""

    @property
    def webhook_path(self) -> str:
        """The path the webhook server answers on: the one in the public URL."""
        return urlsplit(self.webhook_url or "").path.strip("/")

    @property
    def feed_base_url(self) -> str | None:
        """Where clients reach the calendar feeds: PARTNERBOT_HTTP_URL, else the webhook
        URL's origin (the same reverse proxy); None when they are not served."""
        if self.http_listen is None:
            return None
        if self.http_url:
            return self.http_url
        if self.webhook_url:
            parts = urlsplit(self.webhook_url)
            return f"{parts.scheme}://{parts.netloc}"
        return None


def load_settings(env: Mapping[str, str]) -> Settings:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError("TELEGRAM_BOT_TOKEN: expected a bot token like 123456:ABC-DEF…")
    webhook_url = _webhook_url(env.get("PARTNERBOT_WEBHOOK_URL", "").strip())
    secret = _secret(env.get("PARTNERBOT_WEBHOOK_SECRET", "").strip())
    return Settings(
        token=token,
        db_path=Path(env.get("PARTNERBOT_DB", "").strip() or DEFAULT_DB),
        api_url=_api_url(env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL),
        admins=_admins(env.get("PARTNERBOT_ADMINS", "")),
        timezone=_zone(env.get("PARTNERBOT_TIMEZONE", "").strip() or DEFAULT_TIMEZONE),
        log_level=_log_level(env.get("PARTNERBOT_LOG_LEVEL", "").strip() or "INFO"),
        webhook_url=webhook_url,
        webhook_listen=_listen(env.get("PARTNERBOT_WEBHOOK_LISTEN", "").strip()),
        webhook_secret=secret if webhook_url else None,
        http_listen=_http_listen(env.get("PARTNERBOT_HTTP_LISTEN", "").strip()),
        http_url=_http_url(env.get("PARTNERBOT_HTTP_URL", "").strip()),
        clock_start=_instant(env.get("PARTNERBOT_CLOCK_START", "").strip()),
    )


def _api_url(value: str) -> str:
    if not value.startswith(("http://", "https://")):
        raise ConfigError(f"TELEGRAM_API_URL: expected an http(s) URL, got {value!r}")
    return value.rstrip("/")


def _admins(value: str) -> frozenset[int]:
    ids = set()
    for part in value.replace(" ", "").split(","):
        if not part:
            continue
        try:
            ids.add(int(part))
        except ValueError:
            raise ConfigError(
                f"PARTNERBOT_ADMINS: {part!r} is not a Telegram user id "
                "(expected comma-separated numbers like 12345,67890)"
            ) from None
    return frozenset(ids)


def _zone(value: str) -> ZoneInfo:
    try:
        return ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError, OSError):  # "Europe" is a folder: OSError
        raise ConfigError(
            f"PARTNERBOT_TIMEZONE: {value!r} is not an IANA time zone (e.g. Europe/Berlin)"
        ) from None


def _log_level(value: str) -> str:
    level = value.upper()
    if level not in logging.getLevelNamesMapping():
        raise ConfigError(
            f"PARTNERBOT_LOG_LEVEL: {value!r} is not a level (DEBUG, INFO, WARNING, ERROR)"
        )
    return level


def _webhook_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(
            f"PARTNERBOT_WEBHOOK_URL: expected the public https URL Telegram should call, "
            f"like https://bot.example.org/telegram, got {value!r}"
        )
    return value


def _listen(value: str, name: str = "PARTNERBOT_WEBHOOK_LISTEN") -> tuple[str, int]:
    if not value:
        return DEFAULT_WEBHOOK_LISTEN
    host, _, port = value.rpartition(":")
    if not re.fullmatch(r"[0-9]{1,5}", port) or not 0 < int(port) < 65536:  # not "²"
        raise ConfigError(f"{name}: expected HOST:PORT like 0.0.0.0:8443, got {value!r}")
    return host.strip("[]") or DEFAULT_WEBHOOK_LISTEN[0], int(port)


def _http_listen(value: str) -> tuple[str, int] | None:
    return _listen(value, "PARTNERBOT_HTTP_LISTEN") if value else None


def _http_url(value: str) -> str | None:
    if not value:
        return None
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.query:
        raise ConfigError(
            "PARTNERBOT_HTTP_URL: expected the public base URL of the calendar feeds, "
            f"like https://bot.example.org, got {value!r}"
        )
    return value.rstrip("/")


def _secret(value: str) -> str:
    if not value:
        return secrets.token_urlsafe(32)  # a new one each start is fine: setWebhook sends it
    if not SECRET_TOKEN.fullmatch(value):
        raise ConfigError(
            "PARTNERBOT_WEBHOOK_SECRET: expected 1-256 characters of A-Z, a-z, 0-9, _ and -"
        )
    return value


def _instant(value: str) -> datetime | None:
    if not value:
        return None
    try:
        instant = datetime.fromisoformat(value)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise ConfigError(
            f"PARTNERBOT_CLOCK_START: expected an ISO instant with offset, "
            f"like 2026-11-23T08:59:55+00:00, got {value!r}"
        )
    return instant
