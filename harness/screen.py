"""What a reader sees of a message, and the checks issue 14 asks of it: one phone screen,
and no English word in a reply in another language.

A screen is 15 lines of 38 characters (the issue's limit). A keyboard's rows are not
counted as lines: Telegram draws them below the text, and they are checked separately.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import fields, is_dataclass
from html import unescape
from pathlib import Path
from typing import Any

from babel.messages.pofile import read_po

from bot.model.domain import LocalizedText
from bot.text.cldr_data import DATA

SCREEN_LINES = 15
LINE_WIDTH = 38
BUTTON_MARGIN = 2
"""Characters of a row a button's edges take: Telegram shares a row equally among its
buttons and cuts a label that overflows its share, wherever it falls."""
_TAG = re.compile(r"<[^>]*>")
_URL = re.compile(r"\S+://\S+|\S+@\S+|\S+\.ics\b")
_PLACEHOLDER = re.compile(r"\{[^}]*\}")
_COMMAND = re.compile(r"/\w+|@\w+")
# Letters only (no digits, no "_"); the apostrophe joins "l'atelier" into one word.
_WORD = re.compile(r"[^\W\d_]+")
MIN_WORD = 3
"""Shorter words ('in', 'de', 'no') belong to too many languages to tell anything."""


def visible(html: str) -> str:
    """The text as Telegram shows it: tags dropped, entities read."""
    return unescape(_TAG.sub("", html))


def screen_lines(text: str) -> int:
    """Lines on a phone: each line of the text takes ceil(len / 38) lines, an empty one one."""
    return sum(max(1, math.ceil(len(line) / LINE_WIDTH)) for line in text.split("\n"))


def row_room(buttons: int) -> int:
    """The characters a label has in a row of `buttons` buttons (36 alone, 17 of two, 10 of
    three)."""
    return LINE_WIDTH // buttons - BUTTON_MARGIN


def cut_labels(markup: Mapping[str, Any] | None) -> list[str]:
    """The labels of an inline keyboard longer than their row's share of the screen."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [key["text"] for row in rows for key in row if len(key["text"]) > row_room(len(row))]


def shortened_labels(markup: Mapping[str, Any] | None) -> list[str]:
    """The labels of an inline keyboard that end in "…": cut to fit their row's share by
    `callbacks.button` (so `cut_labels` cannot see them). Fine for a title a user typed; a
    label of the bot's own text should have been given a row of its own."""
    rows = (markup or {}).get("inline_keyboard", [])
    return [key["text"] for row in rows for key in row if key["text"].endswith("…")]


def words(text: str) -> set[str]:
    """The words of a text as the leak check compares them: lower case, letters only."""
    text = _COMMAND.sub(" ", _URL.sub(" ", _PLACEHOLDER.sub(" ", visible(text))))
    return {w.casefold() for w in _WORD.findall(text) if len(w) >= MIN_WORD}


def catalog_words(po_file: Path, *, msgids: bool = False) -> set[str]:
    """The words of a catalog's translations (and of its English sources, if asked)."""
    with po_file.open("rb") as f:
        catalog = read_po(f)
    found: set[str] = set()
    for message in catalog:
        if not message.id:
            continue
        texts: list[str] = []
        for value in (message.string, message.id if msgids else ""):
            texts += (
                [str(v) for v in value if v] if isinstance(value, tuple | list) else [value or ""]
            )
        for text in texts:
            found |= words(text or "")
    return found


def localized_texts(value: object) -> Iterator[LocalizedText]:
    """Every LocalizedText inside a record (dataclasses, tuples, lists, dicts)."""
    if isinstance(value, LocalizedText):
        yield value
    elif is_dataclass(value) and not isinstance(value, type):
        for field in fields(value):
            yield from localized_texts(getattr(value, field.name))
    elif isinstance(value, list | tuple | set | frozenset):
        for item in value:
            yield from localized_texts(item)
    elif isinstance(value, dict):
        for item in value.values():
            yield from localized_texts(item)


def _strings(value: object) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for item in value.values():
            yield from _strings(item)
    elif isinstance(value, list | tuple):
        for item in value:
            yield from _strings(item)


class LeakCheck:
    """Finds English words in a text meant for another language.

    English is what the English catalog says (its msgstrs, or its msgids where they are
    empty). A word of a reply counts as leaked when it is English by that measure, yet is
    neither in the reply language's own catalog nor in the names the data gives in that
    language (towns, partnerships, topics, titles), nor in what the user typed."""

    def __init__(self, locales: Path, names: Iterable[LocalizedText]) -> None:
        self.english = catalog_words(locales / "en" / "LC_MESSAGES" / "messages.po", msgids=True)
        self._locales = locales
        self._names = list(names)
        self._allowed: dict[str, set[str]] = {}

    def allowed(self, lang: str) -> set[str]:
        if lang not in self._allowed:
            found = catalog_words(self._locales / lang / "LC_MESSAGES" / "messages.po")
            # CLDR's month and day names, "mañana"; not the plural categories ("other")
            cldr = {k: v for k, v in DATA.get(lang, {}).items() if k != "plurals"}
            found |= words(" ".join(_strings(cldr)))
            for text in self._names:
                found |= words(text.get(lang))
            self._allowed[lang] = found
        return self._allowed[lang]

    def leaked(self, text: str, lang: str, typed: str = "") -> set[str]:
        """The English words of `text` that have no business in a `lang` reply."""
        if lang == "en":
            return set()
        return (words(text) & self.english) - self.allowed(lang) - words(typed)
