"""Long lists on a phone: pages of a few items, ◀ ▶ buttons that edit the message in place."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TypeVar

from bot.telegram.callbacks import CallbackData, button
from bot.telegram.limits import Button
from bot.text.search import terms

T = TypeVar("T")


def page_of(items: Sequence[T], page: int, size: int) -> tuple[Sequence[T], int, int]:
    """The items on `page` (clamped to what exists), that page, and the number of pages."""
    pages = max(1, -(-len(items) // size))
    page = min(max(page, 0), pages - 1)
    return items[page * size : (page + 1) * size], page, pages


def page_by_lines(
    items: Iterable[T], lines: Callable[[T], int], room: int, page: int
) -> tuple[list[T], int, bool]:
    """The items of `page` when each page holds as many as fit in `room` screen lines (one
    at least), that page (clamped to the last), and whether another page follows.

    Items are measured only up to the page asked for and one more."""
    shown: list[T] = []
    used, current = 0, 0
    for item in items:
        height = lines(item)
        if shown and used + height > room:
            if current == max(page, 0):
                return shown, current, True
            shown, used, current = [], 0, current + 1
        shown.append(item)
        used += height
    return shown, current, False


def nav_row(page_data: Callable[[int], CallbackData], page: int, pages: int) -> list[Button]:
    """◀ ▶ as buttons carrying `page_data(n)`; empty when one page is all. No counter
    button: pressing it did nothing, and the numbered items say where the reader is."""
    row = []
    if page > 0:
        row.append(button("◀", page_data(page - 1)))
    if page < pages - 1:
        row.append(button("▶", page_data(page + 1)))
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
