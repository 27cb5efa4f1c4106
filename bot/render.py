"""What the bot says: HTML texts and keyboards, checked against Telegram's limits."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.commands import COMMANDS
from bot.domain import LANGUAGES
from bot.i18n import Translator
from bot.timefmt import clock_time

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64


def fit(text: str) -> str:
    """Refuse a text Telegram would refuse, here where it is built, not at the server."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"message of {len(text)} characters exceeds Telegram's {MAX_TEXT}")
    return text


def button(label: str, data: str) -> InlineKeyboardButton:
    if len(data.encode()) > MAX_CALLBACK_BYTES:
        raise ValueError(f"callback data {data!r} exceeds {MAX_CALLBACK_BYTES} bytes")
    return InlineKeyboardButton(label, callback_data=data)


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that serialises itself once. PTB objects are immutable, and a
    kept reply sends the same keyboard again and again: rebuilding its dict each time
    cost more than the rest of the bot's work on such an update."""

    __slots__ = ("_plain",)

    def __init__(
        self,
        inline_keyboard: Sequence[Sequence[InlineKeyboardButton]],
        *,
        api_kwargs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(inline_keyboard, api_kwargs=api_kwargs)
        self._plain: dict[str, Any] | None = None  # private names may be set when frozen

    @classmethod
    def of(cls, markup: InlineKeyboardMarkup) -> Keyboard:
        return markup if isinstance(markup, Keyboard) else cls(markup.inline_keyboard)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        if self._plain is None:
            self._plain = super().to_dict()
        # A copy each time: whoever gets it may change it.
        return {key: _copy_json(value) for key, value in self._plain.items()}


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value


def example_label(tr: Translator) -> str:
    """Marks demo data wherever it is shown."""
    label = tr.gettext("example")
    return f"<i>🧪 {escape(label)}</i>"


def language_name(lang: str) -> str:
    """The language's own name for a button: 'Deutsch', 'Español', 'Français'."""
    name = Locale.parse(lang).display_name or lang
    return name[:1].upper() + name[1:]


def language_in_text(lang: str, tr: Translator) -> str:
    """The language's name inside a sentence of the reader's: 'español', 'Spanisch'."""
    return Locale.parse(lang).get_display_name(tr.lang) or lang


def command_list(tr: Translator) -> str:
    return "\n".join(f"/{c.name} – {escape(tr.gettext(c.description))}" for c in COMMANDS)


def welcome(tr: Translator) -> str:
    intro = tr.gettext(
        "Hello! I am <b>partnerbot</b>, the assistant of the network of municipal climate "
        "partnerships. Between meetings I keep the partner towns up to date: phase "
        "milestones and deadlines, upcoming exchanges, and who is partnered with whom."
    )
    heading = tr.gettext("Commands:")
    return fit(f"{intro}\n\n{heading}\n{command_list(tr)}")


def help_text(tr: Translator, languages: tuple[str, ...], zone: str, bot_name: str) -> str:
    parts = [
        tr.gettext("<b>How to use partnerbot</b>"),
        command_list(tr),
        tr.gettext("In any chat, type @{bot} and a town to share a partnership card there.").format(
            bot=escape(bot_name)
        ),
        tr.gettext("I reply in {language}. Change it with /language.").format(
            language=escape(", ".join(language_in_text(lang, tr) for lang in languages))
        ),
        tr.gettext("Times are shown in the time zone {zone}.").format(zone=escape(zone)),
        tr.gettext("In a group chat, only the group's administrators can change its settings."),
    ]
    return fit("\n\n".join(parts))


def language_prompt(tr: Translator) -> str:
    return tr.gettext("Choose the language of my replies:")


def language_keyboard(current: tuple[str, ...]) -> InlineKeyboardMarkup:
    buttons = [
        button(("✓ " if lang in current else "") + language_name(lang), f"lang:{lang}")
        for lang in LANGUAGES
    ]
    return InlineKeyboardMarkup([buttons[:3], buttons[3:]])


def language_set(tr: Translator, languages: tuple[str, ...]) -> str:
    names = ", ".join(language_in_text(lang, tr) for lang in languages)
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


def not_allowed(tr: Translator) -> str:
    return tr.gettext("Only the group's administrators can change this setting.")


def unknown_command(tr: Translator, command: str) -> str:
    return tr.gettext(
        "I do not know the command {command}. Send /help to see what I can do."
    ).format(command=escape(command[:40]))


def apology(tr: Translator) -> str:
    return tr.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
