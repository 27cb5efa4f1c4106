"""Chats and users as the bot knows them: what they follow and how they read."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.model.reminders import (
    DEFAULT_DEADLINE_DAYS,
    DEFAULT_EVENT_DAYS,
    DEFAULT_MEETING_MINUTES,
    DEFAULT_PERSONAL_MEETING_MINUTES,
)


class TargetKind(StrEnum):
    """What a chat may follow."""

    PARTNERSHIP = "partnership"
    PHASE = "phase"
    PROGRAMME = "programme"


Target = tuple[TargetKind, str]
"""(kind, id), e.g. (TargetKind.PARTNERSHIP, 'bonn-la-paz')."""


@dataclass(frozen=True)
class Subscription:
    id: int
    chat_id: int
    kind: TargetKind
    target_id: str


@dataclass(frozen=True)
class FollowingChat:
    """A chat with what it follows and its settings: the planner's input."""

    chat_id: int
    title: str | None
    languages: tuple[str, ...]
    timezone: str | None
    deadline_days: tuple[int, ...] = DEFAULT_DEADLINE_DAYS
    meeting_minutes: tuple[int, ...] = DEFAULT_MEETING_MINUTES
    targets: frozenset[Target] = frozenset()
    event_days: tuple[int, ...] = DEFAULT_EVENT_DAYS
    invite_days: int | None = None
    """None: invite when the previous meeting is over."""
    going: frozenset[tuple[str, str]] = frozenset()
    """A private chat: the meetings (series id, occurrence) its user's latest answer is ✅
    to, in any group; each gets a personal reminder."""
    personal_minutes: tuple[int, ...] = DEFAULT_PERSONAL_MEETING_MINUTES
    """...that many minutes before (PersonalReminders.meeting_minutes)."""


@dataclass(frozen=True)
class UserPrefs:
    language: str | None = None
    timezone: str | None = None
    home_timezone: str | None = None
    """The zone of the user's own partner town, when they named it (/start, /iam)."""


@dataclass(frozen=True)
class ChatPrefs:
    languages: tuple[str, ...] = ()
    timezone: str | None = None


class RsvpAnswer(StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
