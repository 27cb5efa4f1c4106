"""🌐 Adding a translation, step by step: which language, which text, the text typed, ✅.
The translation is a person's; nothing here translates by itself."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import InlineKeyboardMarkup

from bot.model.domain import LocalizedText
from bot.telegram.callbacks import button, grid
from bot.telegram.edit_callbacks import TranslateChoice, TranslateStep
from bot.telegram.limits import Button, Keyboard
from bot.text import cldr
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.common import marked
from bot.views.editing import FIELD_LABELS

Reply = tuple[str, InlineKeyboardMarkup | None]


def language_name(tr: Translator, lang: str) -> str:
    return cldr.language_name(lang, tr.lang) or lang


def field_name(tr: Translator, field: str) -> str:
    return tr.gettext(FIELD_LABELS[field]) if field in FIELD_LABELS else field


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cancel(tr: Translator) -> list[list[Button]]:
    return [[button(tr.gettext("✖ Cancel"), TranslateStep(TranslateChoice.CANCEL, ""))]]


def pick_language(tr: Translator, title: LocalizedText, missing: Sequence[str]) -> Reply:
    text = tr.gettext("🌐 Add a translation of “{title}”. Which language?").format(
        title=marked(title, tr.lang)
    )
    choices = [
        (_capital(language_name(tr, lang)), TranslateStep(TranslateChoice.LANGUAGE, lang))
        for lang in missing
    ]
    return escape(text), Keyboard(grid(choices, 3) + _cancel(tr))


def pick_field(tr: Translator, lang: str, fields: Sequence[str]) -> Reply:
    text = tr.gettext("Which text, in {language}?").format(language=language_name(tr, lang))
    choices = [
        (_capital(field_name(tr, field)), TranslateStep(TranslateChoice.FIELD, field))
        for field in fields
    ]
    return escape(text), Keyboard(grid(choices, 3) + _cancel(tr))


def ask_text(tr: Translator, lang: str, field: str, original: LocalizedText) -> Reply:
    ask = tr.gettext("Type the {field} in {language}. The original:").format(
        field=field_name(tr, field), language=language_name(tr, lang)
    )
    shown = f"{original.original} ({original.original_language})"
    if original.original_language == "und":
        shown = original.original
    return escape(ask) + "\n<i>" + escape(shown) + "</i>", Keyboard(_cancel(tr))


def confirm(tr: Translator, lang: str, field: str, typed: str) -> Reply:
    head = tr.gettext("{field} in {language}:").format(
        field=_capital(field_name(tr, field)), language=language_name(tr, lang)
    )
    save = button(tr.gettext("✅ Save"), TranslateStep(TranslateChoice.SAVE, ""), 2)
    cancel = button(tr.gettext("✖ Cancel"), TranslateStep(TranslateChoice.CANCEL, ""), 2)
    return escape(head) + "\n<i>" + escape(typed) + "</i>", Keyboard([[save, cancel]])


def nothing_missing(tr: Translator) -> str:
    return escape(tr.gettext("Every text is there in all five languages already."))


def cancelled(tr: Translator) -> str:
    return escape(tr.gettext("Cancelled: nothing was changed."))


def too_long(tr: Translator, most: int) -> str:
    return escape(
        tr.gettext("That is longer than {count} characters. Please type it shorter.").format(
            count=most
        )
    )
