"""Action items: who does what by when, agreed in a partnership's meeting.

The owner is a member (their user id and name as Telegram gave it) or one side of the
partnership ("the Bonn side"), whose focal points are then reminded. The text keeps its
author's language; the due date is a day in the partnership's own calendar.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.model.domain import LocalizedText, Meeting
from bot.model.roles import Side


@dataclass(frozen=True)
class Member:
    user_id: int
    name: str


Owner = Member | Side
"""A member, or one side of the partnership (its focal points are reminded)."""


@dataclass(frozen=True)
class ActionItem:
    id: int
    partnership_id: str
    meeting: Meeting | None
    """The meeting it was agreed in; None if added outside one."""
    text: LocalizedText
    owner: Owner
    due: date
    created_by: int | None
    created_at: datetime
    done_at: datetime | None = None
    done_by: int | None = None
    chat_id: int | None = None
    """The group it was added in, if any."""

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def is_overdue(self, today: date) -> bool:
        """Still open after its due day (`today` where the reader is)."""
        return not self.done and self.due < today

    def owned_by(self, user_id: int) -> bool:
        return isinstance(self.owner, Member) and self.owner.user_id == user_id


@dataclass(frozen=True)
class NewActionItem:
    """An item as its author gave it, before it has an id."""

    partnership_id: str
    meeting: Meeting | None
    text: LocalizedText
    owner: Owner
    due: date
    created_by: int
    chat_id: int | None = None


@dataclass(frozen=True)
class OwnerChat:
    """A private chat whose user owns open items (or is a focal point of a side owning
    them): what their reminders are planned from."""

    chat_id: int
    timezone: str | None
    action_days: tuple[int, ...]
    items: tuple[ActionItem, ...]
