"""Who reads a text: their languages (the first for replies; posts use all) and time zone."""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot.text.i18n import FALLBACK, I18n, Translator


@dataclass(frozen=True)
class Reader:
    languages: tuple[str, ...]
    tr: Translator
    """The translator of the first language."""
    zone: ZoneInfo

    @classmethod
    def of(cls, languages: tuple[str, ...], zone: ZoneInfo, i18n: I18n) -> Reader:
        languages = languages or (FALLBACK,)
        return cls(languages, i18n.translator(languages[0]), zone)
