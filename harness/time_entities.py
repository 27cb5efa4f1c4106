"""Whether every clock time a message shows sits inside a date_time entity (tg-time).

Reads a message as the fake Telegram answers it (bot/console/telegram.py): its text and
its date_time entities, offsets in UTF-16 code units as the Bot API gives them. A test
that walks every command asserts `unwrapped_times(message) == []` for each reply.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import unescape
from typing import Any

CLOCK_TIME = re.compile(r"(?<![\d:])\d{1,2}:\d{2}(?![\d:])(?:[\s\u202f]?[AaPp]\.?\s?[Mm]\.?)?")
"""'15:00', '3:00 PM' (CLDR's short times in our five languages)."""


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def unwrapped_times(message: Mapping[str, Any]) -> list[str]:
    """The clock times in `message` that no date_time entity covers (empty: all are)."""
    text = str(message.get("text") or message.get("caption") or "")
    spans = [
        (e["offset"], e["offset"] + e["length"])
        for e in message.get("entities") or message.get("caption_entities") or ()
        if e.get("type") == "date_time"
    ]
    found = []
    for match in CLOCK_TIME.finditer(text):
        start = _utf16(text[: match.start()])
        end = start + _utf16(match.group())
        if not any(first <= start and end <= last for first, last in spans):
            found.append(match.group())
    return found


def times_wrapped(message: Mapping[str, Any]) -> bool:
    """True when every clock time the message shows is inside a tg-time."""
    return not unwrapped_times(message)


def entity_text(text: str, entity: Mapping[str, Any]) -> str:
    """The part of `text` an entity covers (its offsets count UTF-16 code units)."""
    units = text.encode("utf-16-le")
    start, length = 2 * entity["offset"], 2 * entity["length"]
    return units[start : start + length].decode("utf-16-le")


_TG_TIME = re.compile(r"<tg-time\b[^>]*>.*?</tg-time>", re.S)
_TAG = re.compile(r"<[^>]+>")


def unwrapped_times_in_html(html: str) -> list[str]:
    """The same check on a message as the bot sends it (HTML): the clock times outside any
    `<tg-time>` element. For the walks over everything the bot says (harness/walk.py)."""
    outside = _TAG.sub("", _TG_TIME.sub(" ", html))
    return CLOCK_TIME.findall(unescape(outside))
