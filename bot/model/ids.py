"""Ids for records made from the chat: the title's slug and the date, unique."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection

MAX_ID = 40
_NOT_ID = re.compile(r"[^a-z0-9]+")


def slug(text: str) -> str:
    """'Taller de energía solar' -> 'taller-de-energia-solar' (accents dropped)."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return _NOT_ID.sub("-", plain.lower()).strip("-")


def new_id(title: str, stamp: str, taken: Collection[str]) -> str:
    """`slug(title)-stamp` (stamp such as '20270315'), cut to fit 40 characters at a
    hyphen, with '-2', '-3'… when already taken."""
    tail = f"-{stamp}" if stamp else ""
    for n in range(1, 1000):
        suffix = tail + (f"-{n}" if n > 1 else "")
        head = slug(title)[: MAX_ID - len(suffix)].rstrip("-") or "item"
        if len(head) + len(suffix) > MAX_ID:
            head = head[: MAX_ID - len(suffix)]
        found = (head + suffix).strip("-")
        if found not in taken:
            return found
    raise ValueError("no free id")  # a thousand of one title on one day: not from a chat
