"""Who may change what: coordinators everything, a partnership's focal points that
partnership's events, meeting series and meetings; everyone else reads."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Side(StrEnum):
    """Which town of a partnership a focal point speaks for."""

    NORTH = "north"
    SOUTH = "south"


@dataclass(frozen=True)
class Roles:
    """One user's roles. `configured`: a coordinator by PARTNERBOT_ADMINS (not dismissable
    from the chat); `appointed`: a coordinator by /appoint."""

    user_id: int
    configured: bool = False
    appointed: bool = False
    focal: frozenset[tuple[str, Side]] = frozenset()

    @property
    def coordinator(self) -> bool:
        return self.configured or self.appointed

    @property
    def partnerships(self) -> frozenset[str]:
        """The partnerships this user is a focal point of."""
        return frozenset(pid for pid, _side in self.focal)

    def may_edit(self, partnership_id: str | None) -> bool:
        """A record of `partnership_id` (None: a phase's, a programme's, the network's)."""
        if self.coordinator:
            return True
        return partnership_id is not None and partnership_id in self.partnerships

    @property
    def edits_anything(self) -> bool:
        return self.coordinator or bool(self.focal)
