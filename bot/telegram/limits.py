"""Telegram's limits, checked where a text or keyboard is built, not at the server; and
the keyboard that serialises itself once."""

from __future__ import annotations

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
