"""Text made safe for Telegram's HTML parse mode."""

from __future__ import annotations

import html

SPECIAL = "&<>\"'"


def escape(text: str) -> str:
    """`html.escape(text)`, returning the text itself when nothing in it needs escaping:
    most names, titles and dates don't, and a page escapes some thirty of them."""
    for char in SPECIAL:
        if char in text:
            return html.escape(text)
    return text
