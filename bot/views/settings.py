"""Language and time-zone settings: the texts and the language keyboard."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model.domain import LANGUAGES
from bot.telegram.callbacks import PickLanguage, button
from bot.telegram.limits import Keyboard, fit
from bot.text import cldr
from bot.text.dates import clock_time
from bot.text.i18n import Translator


def language_name(lang: str) -> str:
    """The language's own name for a button: 'Deutsch', 'Español', 'Français'."""
    name = cldr.language_name(lang, lang) or lang
    return name[:1].upper() + name[1:]


def language_in_text(lang: str, tr: Translator) -> str:
    """The language's name inside a sentence of the reader's: 'español', 'Spanisch'."""
    return cldr.language_name(lang, tr.lang) or lang


def language_prompt(tr: Translator) -> str:
    return tr.gettext("Choose the language of my replies:")


def language_keyboard(current: tuple[str, ...]) -> InlineKeyboardMarkup:
    buttons = [
        button(("✓ " if lang in current else "") + language_name(lang), PickLanguage(lang))
        for lang in LANGUAGES
    ]
    return Keyboard([buttons[:3], buttons[3:]])


def language_set(tr: Translator, languages: tuple[str, ...]) -> str:
    names = tr.format_list([language_in_text(lang, tr) for lang in languages])
    return tr.gettext("Done: I will reply in {language}.").format(language=escape(names))


def unknown_language(tr: Translator, given: str) -> str:
    codes = " ".join(LANGUAGES)
    return fit(
        tr.gettext(
            "I do not speak “{given}”. Send /language and pick one, or type one of: {codes}."
        ).format(given=escape(given[:40]), codes=codes)
    )


def one_language_in_private(tr: Translator) -> str:
    return tr.gettext("In a private chat I reply in one language. Send, for example, /language es.")


def zone_status(tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    return tr.gettext(
        "Times are shown in {zone} (now {time} there). Change it with /timezone and a zone "
        "or a town, for example /timezone America/La_Paz or /timezone Mtwara."
    ).format(zone=escape(zone.key), time=escape(clock_time(tr, now.astimezone(zone))))


def zone_set(tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    return tr.gettext("Done: times are now shown in {zone} (now {time} there).").format(
        zone=escape(zone.key), time=escape(clock_time(tr, now.astimezone(zone)))
    )


def unknown_zone(tr: Translator, given: str) -> str:
    return tr.gettext(
        "I do not know the time zone “{given}”. Send a zone such as America/La_Paz or a "
        "town of the network such as Mtwara."
    ).format(given=escape(given[:40]))
