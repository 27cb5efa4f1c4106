"""Language and time-zone settings: the texts and the language keyboard."""

from __future__ import annotations

from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup, KeyboardButton, ReplyKeyboardMarkup

from bot.model import territories
from bot.model.domain import LANGUAGES
from bot.telegram.callbacks import CallbackData, PickLanguage, grid
from bot.telegram.commands import command_names
from bot.telegram.limits import Keyboard, fit
from bot.text import cldr, places
from bot.text.i18n import Translator
from bot.text.moments import clock_there
from bot.views.common import languages_in_text


def language_name(lang: str) -> str:
    """The language's own name for a button: 'Deutsch', 'Español', 'Français'."""
    name = cldr.language_name(lang, lang) or lang
    return name[:1].upper() + name[1:]


def language_prompt(tr: Translator) -> str:
    return tr.gettext("Choose the language of my replies:")


def language_keyboard(current: tuple[str, ...]) -> InlineKeyboardMarkup:
    labelled: list[tuple[str, CallbackData]] = [
        (("✓ " if lang in current else "") + language_name(lang), PickLanguage(lang))
        for lang in LANGUAGES
    ]
    return Keyboard(grid(labelled, 3))


def language_set(tr: Translator, languages: tuple[str, ...]) -> str:
    return tr.gettext("Done: I will reply in {language}.").format(
        language=escape(languages_in_text(languages, tr))
    )


def unknown_language(tr: Translator, given: str) -> str:
    codes = " ".join(LANGUAGES)
    return fit(
        tr.gettext(
            "I do not speak “{given}”. Send /{cmd_language} and pick one, or type one of: {codes}."
        ).format(given=escape(given[:40]), codes=codes, **command_names(tr.lang))
    )


def one_language_in_private(tr: Translator) -> str:
    return tr.gettext(
        "In a private chat I reply in one language. Send, for example, /{cmd_language} es."
    ).format(**command_names(tr.lang))


def zone_status(tr: Translator, zone: ZoneInfo, now: datetime, private: bool) -> str:
    text = tr.gettext(
        "Times are shown for {zone} (now {time} there). To change it, send /{cmd_timezone} and a "
        "town, a country or a city, for example /{cmd_timezone} Mtwara."
    ).format(
        zone=escape(places.city(zone, tr.lang)),
        time=clock_there(tr, now, zone),
        **command_names(tr.lang),
    )
    return text + ("\n" + location_hint(tr) if private else "")


def zone_set(tr: Translator, zone: ZoneInfo, now: datetime) -> str:
    return tr.gettext("Done: times are now shown in {zone} (now {time} there).").format(
        zone=escape(places.city(zone, tr.lang)), time=clock_there(tr, now, zone)
    )


def unknown_zone(tr: Translator, given: str, private: bool) -> str:
    text = tr.gettext(
        "I do not know “{given}”. Send a town, a country or a city, for example "
        "/{cmd_timezone} Mtwara or /{cmd_timezone} Bolivia."
    ).format(given=escape(given[:40]), **command_names(tr.lang))
    return text + ("\n" + location_hint(tr) if private else "")


def several_zones(tr: Translator, country: str, zones: tuple[str, ...]) -> str:
    """A country that keeps several times: a few of its cities, and how to pick one."""
    cities = [places.city(zone, tr.lang) for zone in zones[:MAX_CITIES]]
    return tr.gettext(
        "{country} has several time zones, for example {cities}. Send a city: "
        "/{cmd_timezone} {city}"
    ).format(
        country=escape(territories.name(country, tr.lang)),
        cities=escape(tr.format_list(cities, "or")),
        city=escape(cities[0]),
        **command_names(tr.lang),
    )


def location_hint(tr: Translator) -> str:
    return tr.gettext("Or share your location with the button below.")


def location_keyboard(tr: Translator) -> ReplyKeyboardMarkup:
    """The reply keyboard with Telegram's location button (private chats only)."""
    share = KeyboardButton(tr.gettext("📍 Share my location"), request_location=True)
    return ReplyKeyboardMarkup([[share]], resize_keyboard=True, one_time_keyboard=True)


def location_unknown(tr: Translator) -> str:
    return tr.gettext(
        "I cannot tell the time zone of that place. Send, for example, /{cmd_timezone} Mtwara."
    ).format(**command_names(tr.lang))


MAX_CITIES = 4
