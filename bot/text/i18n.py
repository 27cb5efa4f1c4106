"""Gettext catalogs (Babel) for the five languages, and the choice of a reader's language."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.support import Translations

from bot.model.domain import LANGUAGES
from bot.text import cldr

DOMAIN = "messages"
FALLBACK = "en"


class CatalogMissingError(RuntimeError):
    """A compiled catalog is absent: the bot would silently answer in English."""


def locales_dir() -> Path:
    """Compiled catalogs: inside the installed package, else the source tree's locales/."""
    package = Path(__file__).parents[1]  # bot/
    packaged = package / "locales"
    return packaged if packaged.is_dir() else package.parent / "locales"


def N_(message: str) -> str:  # noqa: N802 - the gettext convention
    """Mark a string for extraction; it is translated where it is shown."""
    return message


@dataclass(frozen=True)
class Translator:
    """Messages, dates and numbers in one language."""

    lang: str
    translations: Translations

    def gettext(self, message: str) -> str:
        return self.translations.gettext(message)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.translations.ngettext(singular, plural, n)

    def format_date(self, day: date) -> str:
        """A full date as people write it: '15. August 2014', '15 de agosto de 2014'."""
        return cldr.long_date(day, self.lang)

    def format_list(self, items: Sequence[str], style: str = "standard") -> str:
        """Items joined as the language joins them: 'español y alemán', 'A, B ou C' ("or")."""
        return cldr.join(items, self.lang, style)

    def format_month(self, day: date) -> str:
        """A month-precision date: 'März 2015', 'marzo de 2015'."""
        return cldr.skeleton("yMMMM", day, self.lang)


class I18n:
    """The five catalogs, loaded once at start-up."""

    def __init__(self, translations: dict[str, Translations]) -> None:
        self._translators = {lang: Translator(lang, t) for lang, t in translations.items()}

    @classmethod
    def load(cls, directory: Path | None = None) -> I18n:
        directory = directory or locales_dir()
        loaded = {}
        for lang in LANGUAGES:
            catalog = Translations.load(str(directory), [lang], domain=DOMAIN)
            if not isinstance(catalog, Translations):  # NullTranslations: file not found
                raise CatalogMissingError(
                    f"no compiled catalog for {lang!r} in {directory}; "
                    "run `make catalogs` (pybabel compile -d locales) or reinstall partnerbot"
                )
            loaded[lang] = catalog
        return cls(loaded)

    def translator(self, lang: str) -> Translator:
        return self._translators.get(lang) or self._translators[FALLBACK]


def supported_language(code: str | None) -> str | None:
    """Map a Telegram `language_code` ('pt-br', 'es-419') to one of ours, if we speak it."""
    if not code:
        return None
    base = code.replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def choose_languages(
    chat_languages: Sequence[str], user_language: str | None, telegram_code: str | None
) -> tuple[str, ...]:
    """The chat's languages, else the user's choice, else Telegram's language, else English."""
    chosen = [lang for lang in chat_languages if lang in LANGUAGES]
    if chosen:
        return tuple(chosen)
    for candidate in (user_language, supported_language(telegram_code)):
        if candidate in LANGUAGES:
            return (candidate,)
    return (FALLBACK,)
