"""Settings from the environment, checked once at start-up with one clear line per mistake."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DEFAULT_API_URL = "https://api.telegram.org"
DEFAULT_DB = "partnerbot.sqlite3"
DEFAULT_TIMEZONE = "Europe/Berlin"


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


def load_settings(env: Mapping[str, str]) -> Settings:
    token = env.get("TELEGRAM_BOT_TOKEN", "").strip() or None
    if token is not None and (":" not in token or any(c.isspace() for c in token)):
        raise ConfigError("TELEGRAM_BOT_TOKEN: expected a bot token like 123456:ABC-DEF…")
    return Settings(
        token=token,
        db_path=Path(env.get("PARTNERBOT_DB", "").strip() or DEFAULT_DB),
        api_url=_api_url(env.get("TELEGRAM_API_URL", "").strip() or DEFAULT_API_URL),
        admins=_admins(env.get("PARTNERBOT_ADMINS", "")),
        timezone=_zone(env.get("PARTNERBOT_TIMEZONE", "").strip() or DEFAULT_TIMEZONE),
        log_level=_log_level(env.get("PARTNERBOT_LOG_LEVEL", "").strip() or "INFO"),
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
    except (ZoneInfoNotFoundError, ValueError):
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
