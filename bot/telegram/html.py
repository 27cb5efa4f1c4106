"""Telegram's HTML parse mode, checked as strictly as Telegram does, and rendered as text."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

ALLOWED_TAGS = frozenset(
    [
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
        "tg-time",
    ]
)
TIME_FORMAT = re.compile(r"r|w?[dD]?[tT]?")
"""A date_time entity's format (Bot API 9.5): relative, or weekday, date and time parts."""
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlError(ValueError):
    """Text that Telegram answers with 400 "can't parse entities"."""


@dataclass
class Parsed:
    """What Telegram makes of a message: its text, and the date_time entities in it
    (as the Bot API returns them: offsets and lengths in UTF-16 code units)."""

    text: str
    entities: list[dict[str, Any]] = field(default_factory=list)


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.out: list[str] = []
        self.times: list[tuple[int, dict[str, Any]]] = []  # open tg-time: start, entity
        self.entities: list[dict[str, Any]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise HtmlError(f'unsupported start tag "{tag}"')
        if tag == "tg-time":
            self.times.append((self._offset(), _date_time(dict(attrs))))
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise HtmlError(f'unexpected end tag "{tag}"')
        self.stack.pop()
        if tag == "tg-time":
            start, entity = self.times.pop()
            if self._offset() == start:
                raise HtmlError("a date_time entity needs text")
            self.entities.append({**entity, "offset": start, "length": self._offset() - start})

    def _offset(self) -> int:
        return sum(_utf16_len(part) for part in self.out)

    def handle_data(self, data: str) -> None:
        for raw in "<>&":
            if raw in data:
                raise HtmlError(f"unescaped {raw!r} in text")
        self.out.append(data)

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            raise HtmlError(f"unsupported entity &{name};")
        self.out.append(ENTITIES[name])

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name.lower().startswith("x") else int(name)
        self.out.append(chr(code))


def _date_time(attrs: dict[str, str | None]) -> dict[str, Any]:
    """A tg-time tag's entity, or HtmlError as Telegram refuses a malformed one."""
    unix = attrs.get("unix")
    if unix is None or not unix.isdigit():
        raise HtmlError("a tg-time tag needs unix, a Unix time")
    entity: dict[str, Any] = {"type": "date_time", "unix_time": int(unix)}
    form = attrs.get("format")
    if form:
        if not TIME_FORMAT.fullmatch(form):
            raise HtmlError(f"invalid date_time format {form!r}")
        entity["date_time_format"] = form
    return entity


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse(html: str) -> Parsed:
    """The text a user sees and its date_time entities, or HtmlError where Telegram would
    refuse the message."""
    parser = _TelegramHtml()
    parser.feed(html)
    parser.close()
    if parser.rawdata:
        raise HtmlError(f"unparsed text at the end: {parser.rawdata[:20]!r}")
    if parser.stack:
        raise HtmlError(f'unclosed tag "{parser.stack[-1]}"')
    entities = sorted(parser.entities, key=lambda e: e["offset"])
    return Parsed("".join(parser.out), entities)


def to_plain_text(html: str) -> str:
    """The text a user sees, or HtmlError where Telegram would refuse the message."""
    return parse(html).text
