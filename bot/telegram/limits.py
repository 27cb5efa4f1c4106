"""Telegram's limits, checked where a text or keyboard is built, not at the server; and
the keyboard that serialises itself once."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import unescape
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, TelegramObject

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64
# One phone screen (issue 14): 15 lines of 38 characters. Replies are built to fit in
# SCREEN_ROOM lines, leaving room for a longer translation or zone name.
SCREEN_LINES = 15
LINE_WIDTH = 38
SCREEN_ROOM = 13
LABEL_MARGIN = 2
"""Characters of a row a button's edges take. Telegram shares a row equally among its
buttons and cuts a longer label anywhere, mid-word: labels are kept within their share."""
_TAG = re.compile(r"<[^>]*>")


def fit(text: str) -> str:
    """Refuse a text Telegram would refuse, here where it is built, not at the server."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"message of {len(text)} characters exceeds Telegram's {MAX_TEXT}")
    return text


def screen_lines(html: str) -> int:
    """The lines an HTML text takes on a phone: each of its lines ceil(length / 38)."""
    text = unescape(_TAG.sub("", html))
    return sum(max(1, math.ceil(len(line) / LINE_WIDTH)) for line in text.split("\n"))


def label_room(per_row: int = 1) -> int:
    """The characters a label has in a row of `per_row` buttons: 36 alone, 17 of two, 10 of
    three."""
    return LINE_WIDTH // max(per_row, 1) - LABEL_MARGIN


def row_sizes(labels: Sequence[str], most: int) -> list[int]:
    """How many buttons each row takes, in order, at most `most` a row: as many as still
    leave each label its whole room, so long names get a row of their own, not a cut."""
    sizes: list[int] = []
    longest = 0
    for label in labels:
        wider = max(longest, len(label))
        if sizes and sizes[-1] < most and wider <= label_room(sizes[-1] + 1):
            sizes[-1] += 1
            longest = wider
        else:
            sizes.append(1)
            longest = len(label)
    return sizes


def shorten(label: str, room: int | None = None) -> str:
    """`label` within `room` characters (a row's whole width if None), cut after a whole
    word and ended with "…"."""
    room = label_room() if room is None else room
    if len(label) <= room:
        return label
    cut = label[: room - 1]
    if label[room - 1] != " " and " " in cut:  # mid-word: back to the last whole word
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" –-·,:;") + "…"


@dataclass(frozen=True, slots=True)
class Button:
    """A button of text and callback data or a URL, as the bot makes them: a few µs where
    PTB's frozen InlineKeyboardButton costs some 20 (a page has up to eight)."""

    text: str
    callback_data: str | None = None
    url: str | None = None

    def plain(self) -> dict[str, Any]:
        """What Telegram takes: `InlineKeyboardButton.to_dict()` of the same button."""
        found = {"text": self.text}
        if self.callback_data is not None:
            found["callback_data"] = self.callback_data
        if self.url is not None:
            found["url"] = self.url
        return found

    def ptb(self) -> InlineKeyboardButton:
        return InlineKeyboardButton(self.text, callback_data=self.callback_data, url=self.url)


AnyButton = Button | InlineKeyboardButton


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that serialises itself once, made of light `Button`s (or PTB's).

    PTB objects are immutable, and a kept reply sends the same keyboard again and again:
    rebuilding its dict each time cost more than the rest of the bot's work on such an
    update; and building PTB's buttons cost more than rendering a fresh page. So the rows
    are kept as given and become JSON directly; PTB's buttons (`inline_keyboard`) are made
    only when something reads them."""

    __slots__ = ("_json", "_plain", "_ptb", "_rows")

    def __init__(
        self,
        inline_keyboard: Sequence[Sequence[AnyButton]],
        *,
        api_kwargs: dict[str, Any] | None = None,
    ) -> None:
        # PTB's __init__ would build and check its buttons now: the rows wait until read.
        TelegramObject.__init__(self, api_kwargs=api_kwargs)
        self._rows = tuple(tuple(row) for row in inline_keyboard)
        self._ptb: tuple[tuple[InlineKeyboardButton, ...], ...] | None = None
        self._plain: dict[str, Any] | None = None  # private names may be set when frozen
        self._json: str | None = None
        self._freeze()

    @property
    def inline_keyboard(self) -> tuple[tuple[InlineKeyboardButton, ...], ...]:
        """PTB's buttons, made on first read (a reply only needs the JSON)."""
        if self._ptb is None:
            self._ptb = tuple(
                tuple(b.ptb() if isinstance(b, Button) else b for b in row) for row in self._rows
            )
        return self._ptb

    @inline_keyboard.setter
    def inline_keyboard(self, _value: object) -> None:
        raise AttributeError("a Keyboard is immutable")

    @property
    def buttons(self) -> int:
        return sum(len(row) for row in self._rows)

    @classmethod
    def of(cls, markup: InlineKeyboardMarkup) -> Keyboard:
        return markup if isinstance(markup, Keyboard) else cls(markup.inline_keyboard)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, InlineKeyboardMarkup):
            return self.to_dict() == other.to_dict()
        return NotImplemented

    def __hash__(self) -> int:
        return hash(self.json())

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return {"inline_keyboard": self.inline_keyboard, **self.api_kwargs}
        # A copy each time: whoever gets it may change it.
        return {key: _copy_json(value) for key, value in self._as_plain().items()}

    def json(self) -> str:
        """As JSON text, the form Telegram takes it in (`reply_markup`): made once."""
        if self._json is None:
            self._json = json.dumps(self._as_plain(), ensure_ascii=False)
        return self._json

    def _as_plain(self) -> dict[str, Any]:
        if self._plain is None:
            rows = [
                [b.plain() if isinstance(b, Button) else _button(b) for b in row]
                for row in self._rows
            ]
            self._plain = {"inline_keyboard": rows, **self.api_kwargs}
        return self._plain


PLAIN_FIELDS = ("callback_data", "url")
OTHER_FIELDS = tuple(
    name for name in InlineKeyboardButton.__slots__ if name not in ("text", *PLAIN_FIELDS)
)


def _button(button: InlineKeyboardButton) -> dict[str, Any]:
    """What `button.to_dict()` gives, quicker for a button of text and callback data or URL."""
    if button.api_kwargs or any(getattr(button, name) is not None for name in OTHER_FIELDS):
        return button.to_dict()
    found = {"text": button.text}
    for name in PLAIN_FIELDS:
        value = getattr(button, name)
        if value is not None:
            found[name] = value
    return found


def _copy_json(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _copy_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_copy_json(item) for item in value]
    return value
