"""The contact directory: who chose to be listed, what it shows of them, and what
/forgetme erased."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import datetime

from bot.model.roles import Side


@dataclass(frozen=True)
class Listing:
    """A listed person as the directory keeps them (a row exists only while listed)."""

    user_id: int
    name: str
    username: str | None
    languages: tuple[str, ...]
    listed_at: datetime


@dataclass(frozen=True)
class FocalRole:
    partnership_id: str
    side: Side


@dataclass(frozen=True)
class Contact:
    """One line of /contacts: a listed person, their town and their roles."""

    listing: Listing
    town_id: str | None
    coordinator: bool
    focal: tuple[FocalRole, ...]


@dataclass(frozen=True)
class Erased:
    """What /forgetme erased, row counts by kind (0: there was none)."""

    settings: int = 0  # the user's language, zone and town
    listing: int = 0
    rsvps: int = 0
    conversations: int = 0  # guided conversations' states and drafts
    roles: int = 0  # their roles, and their name as the appointer of others
    changes: int = 0  # audit rows now by "a former member"
    subscriptions: int = 0  # groups' subscriptions they made (the maker is forgotten)
    private_chat: int = 0  # the private chat, what it followed and its posts

    @property
    def total(self) -> int:
        return sum(getattr(self, f.name) for f in fields(self))


@dataclass(frozen=True)
class Candidate:
    """A person picked for /appoint or /dismiss: what Telegram told us of them."""

    user_id: int
    name: str
    username: str | None = None
