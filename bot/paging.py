"""Long lists on a phone: pages of a few items, ◀ ▶ buttons that edit the message in place."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from telegram import InlineKeyboardButton

from bot.render import MAX_CALLBACK_BYTES, button
from bot.search import terms

T = TypeVar("T")


def page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int]:
    """The items on `page` (clamped to what exists), that page, and the number of pages."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def nav_row(prefix: str, page: int, pages: int, suffix: str) -> list[InlineKeyboardButton]:
    """◀ 2/5 ▶ as buttons carrying `prefix:page:suffix`; empty when one page is all."""
    if pages <= 1:
        return []
    row = []
    if page > 0:
        row.append(button("◀", f"{prefix}:{page - 1}:{suffix}"))
    row.append(button(f"{page + 1}/{pages}", f"{prefix}:{page}:{suffix}"))
    if page < pages - 1:
        row.append(button("▶", f"{prefix}:{page + 1}:{suffix}"))
    return row


def compact_query(text: str, room: int) -> str:
    """The query as searched and as carried in callback data: folded words within `room` bytes.

    Searching with exactly what the buttons carry keeps every page of a list consistent.
    """
    kept: list[str] = []
    for word in terms(text):
        candidate = " ".join([*kept, word])
        while len(candidate.encode()) > room and word:  # shorten, at a character boundary
            word = word[:-1]
            candidate = " ".join([*kept, word])
        if not word:
            break
        kept.append(word)
    return " ".join(kept)


def room_for(prefix: str) -> int:
    """Bytes left for a query after 'prefix:999:' in callback data."""
    return MAX_CALLBACK_BYTES - len(prefix.encode()) - len(":999:")


def parse_page(data: str, prefix: str) -> tuple[int, str] | None:
    """'pl:2:q:bonn' with prefix 'pl' -> (2, 'q:bonn'); None for anything malformed."""
    head, _, rest = data.partition(":")
    number, _, suffix = rest.partition(":")
    if head != prefix or not re.fullmatch(r"[0-9]{1,3}", number):  # not "²", not 10**9
        return None
    return int(number), suffix
