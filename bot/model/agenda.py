"""What a meeting will talk about (the agenda, before the call) and what was agreed (its
minutes, after it). A meeting is (series id, occurrence): the occurrence is the naive
local start in the series' zone, ISO to the minute, as an invitation's payload names it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.model.domain import LocalizedText, Meeting

MAX_ITEM_CHARS = 200
"""An agenda item is a line to talk about, not a document: longer ones are refused."""
MAX_ITEMS = 30
"""Items per meeting: more would not be talked about in one call."""
MAX_MINUTES_TEXT = 200
"""Minutes as text (alone or after the link): a short summary, shown whole in /exchanges."""


class Direction(StrEnum):
    UP = "u"
    DOWN = "d"


@dataclass(frozen=True)
class AgendaItem:
    id: int
    series_id: str
    occurrence: str
    position: int
    text: LocalizedText
    """In its author's language, marked "(es)" for readers of others."""
    author_id: int | None
    """None: a former member, erased at their request."""
    author_name: str | None
    added_at: datetime

    @property
    def meeting(self) -> Meeting:
        return Meeting(self.series_id, self.occurrence)


@dataclass(frozen=True)
class Minutes:
    """A link to the minutes, or a short text, attached to a meeting that was held."""

    series_id: str
    occurrence: str
    url: str | None
    text: LocalizedText | None
    added_by: int | None
    added_at: datetime

    @property
    def meeting(self) -> Meeting:
        return Meeting(self.series_id, self.occurrence)


class ItemProblem(StrEnum):
    """Why a typed item is refused."""

    EMPTY = "empty"
    TOO_LONG = "too_long"


def item_problem(text: str) -> ItemProblem | None:
    """None when `text` (already stripped) may be an agenda item."""
    if not text:
        return ItemProblem.EMPTY
    if len(text) > MAX_ITEM_CHARS:
        return ItemProblem.TOO_LONG
    return None


def is_link(text: str) -> bool:
    """An http(s) link with a host and no spaces: minutes given as a link."""
    lowered = text.lower()
    for scheme in ("https://", "http://"):
        if lowered.startswith(scheme):
            rest = text[len(scheme) :]
            return bool(rest) and not any(c.isspace() for c in text) and rest[0] not in "/?#"
    return False


def looks_like_link(text: str) -> bool:
    """A first word with a scheme ("ftp://…", "javascript:…"): meant as a link, and only
    http(s) ones are taken."""
    first = text.split(maxsplit=1)[0] if text.split() else ""
    return "://" in first or first.lower().startswith(("javascript:", "data:", "file:"))
