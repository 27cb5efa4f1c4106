"""A subscribable calendar feed: whose it is, and what it reaches."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from bot.model.chats import Target, TargetKind
from bot.model.domain import Event, Partnership, Phase


@dataclass(frozen=True)
class FeedTarget:
    """A feed is a group's (what it follows) or one partnership's: exactly one is set."""

    chat_id: int | None = None
    partnership_id: str | None = None

    def __post_init__(self) -> None:
        if (self.chat_id is None) == (self.partnership_id is None):
            raise ValueError("a feed is a chat's or a partnership's, not both or neither")

    @classmethod
    def of_chat(cls, chat_id: int) -> FeedTarget:
        return cls(chat_id=chat_id)

    @classmethod
    def of_partnership(cls, partnership_id: str) -> FeedTarget:
        return cls(partnership_id=partnership_id)

    @property
    def key(self) -> str:
        """A stable name, for keys of what is kept about the feed (never the token)."""
        if self.chat_id is not None:
            return f"chat:{self.chat_id}"
        return f"partnership:{self.partnership_id}"


@dataclass(frozen=True)
class Reach:
    """What a feed shows: the series of `partnerships`, and the events of those, of
    `phases` and of `programmes` (the same rule as a chat's posts, bot/schedule/plan.py)."""

    partnerships: frozenset[str]
    phases: frozenset[str]
    programmes: frozenset[str]

    def shows(self, event: Event) -> bool:
        return (
            event.partnership_id in self.partnerships
            or event.phase_id in self.phases
            or event.programme_id in self.programmes
        )


def reach_of(
    targets: Iterable[Target], reached: Iterable[Partnership], phases: Iterable[Phase]
) -> Reach:
    """A chat's reach from its subscriptions: `reached` are the partnerships they reach
    (directly, by phase or programme); a programme brings its phases, a partnership its
    phase, as in the planner."""
    targets = list(targets)
    programmes = {t for k, t in targets if k == TargetKind.PROGRAMME}
    phase_ids = {t for k, t in targets if k == TargetKind.PHASE}
    phase_ids |= {p.id for p in phases if p.programme_id in programmes}
    reached = list(reached)
    phase_ids |= {p.phase_id for p in reached if p.phase_id}
    return Reach(frozenset(p.id for p in reached), frozenset(phase_ids), frozenset(programmes))
