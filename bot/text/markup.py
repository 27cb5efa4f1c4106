"""Text made safe for Telegram's HTML parse mode."""

from __future__ import annotations

import html
from datetime import datetime

from telegram.constants import MessageEntityDateTimeFormats as DateTimeFormat

SPECIAL = "&<>\"'"


def escape(text: str) -> str:
    """`html.escape(text)`, returning the text itself when nothing in it needs escaping:
    most names, titles and dates don't, and a page escapes some thirty of them."""
    for char in SPECIAL:
        if char in text:
            return html.escape(text)
    return text


def fill(template: str, **html_parts: str) -> str:
    """A translated template escaped, then filled with parts that are HTML already (each
    escaped by whoever made it): how a tg-time goes inside a sentence."""
    return escape(template).format(**html_parts)


def tg_time(moment: datetime, text: str, form: DateTimeFormat | None = None) -> str:
    """`text` as Telegram's date_time entity for `moment` (Bot API 9.5). With a `form`, the
    reader's app writes the moment itself, in the reader's own zone; without, it shows
    `text` as it is and the moment on a tap. Older apps show `text` either way."""
    unix = int(moment.timestamp())
    shown = f' format="{form.value}"' if form else ""
    return f'<tg-time unix="{unix}"{shown}>{escape(text)}</tg-time>'
