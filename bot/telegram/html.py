"""Telegram's HTML parse mode, checked as strictly as Telegram does, and rendered as text."""

from __future__ import annotations

from html.parser import HTMLParser

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
    ]
)
ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}


class HtmlError(ValueError):
    """Text that Telegram answers with 400 "can't parse entities"."""


class _TelegramHtml(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            raise HtmlError(f'unsupported start tag "{tag}"')
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            raise HtmlError(f'unexpected end tag "{tag}"')
        self.stack.pop()

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


def to_plain_text(html: str) -> str:
    """The text a user sees, or HtmlError where Telegram would refuse the message."""
    parser = _TelegramHtml()
    parser.feed(html)
    parser.close()
    if parser.rawdata:
        raise HtmlError(f"unparsed text at the end: {parser.rawdata[:20]!r}")
    if parser.stack:
        raise HtmlError(f'unclosed tag "{parser.stack[-1]}"')
    return "".join(parser.out)
