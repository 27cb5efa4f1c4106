"""Telegram's limits, checked where a text or keyboard is built, not at the server; and
the keyboard that serialises itself once."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

MAX_TEXT = 4096
MAX_CALLBACK_BYTES = 64


def fit(text: str) -> str:
    """Refuse a text Telegram would refuse, here where it is built, not at the server."""
    if len(text) > MAX_TEXT:
        raise ValueError(f"message of {len(text)} characters exceeds Telegram's {MAX_TEXT}")
    return text


class Keyboard(InlineKeyboardMarkup):
    """An inline keyboard that serialises itself once. PTB objects are immutable, and a
    kept reply sends the same keyboard again and again: rebuilding its dict each time
    cost more than the rest of the bot's work on such an update."""

    __slots__ = ("_json", "_plain")

    def __init__(
        self,
        inline_keyboard: Sequence[Sequence[InlineKeyboardButton]],
        *,
        api_kwargs: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(inline_keyboard, api_kwargs=api_kwargs)
        self._plain: dict[str, Any] | None = None  # private names may be set when frozen
        self._json: str | None = None

    @classmethod
    def of(cls, markup: InlineKeyboardMarkup) -> Keyboard:
        return markup if isinstance(markup, Keyboard) else cls(markup.inline_keyboard)

    def to_dict(self, recursive: bool = True) -> dict[str, Any]:
        if not recursive:
            return super().to_dict(recursive=False)
        # A copy each time: whoever gets it may change it.
        return {key: _copy_json(value) for key, value in self._as_plain().items()}

    def json(self) -> str:
        """As JSON text, the form Telegram takes it in (`reply_markup`): made once."""
        if self._json is None:
            self._json = json.dumps(self._as_plain(), ensure_ascii=False)
        return self._json

    def _as_plain(self) -> dict[str, Any]:
        if self._plain is None:
            if self.api_kwargs:
                self._plain = super().to_dict()
            else:  # PTB's generic to_dict costs ~10 µs a button; ours are plain
                rows = [[_button(b) for b in row] for row in self.inline_keyboard]
                self._plain = {"inline_keyboard": rows}
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
