"""Telegram's flood limits counted, without waiting: the pacer's decisions.

Telegram allows a bot about 30 messages a second, and 20 a minute in one group, counted as
they arrive. `Gate` keeps both as sliding windows (each counted a little longer than
Telegram's, because Telegram counts arrivals and the network's jitter moves them), spaces
sends evenly, keeps chats Telegram closed with a 429 closed, and slows the bot's rate down
when Telegram counts fewer than it does. Time is monotonic seconds, passed in: the pacer
(`pacing.py`) does the waiting.
"""

from __future__ import annotations

import bisect
import math
from collections import deque
from dataclasses import dataclass, field

PRUNE_EVERY = 1024
"""Sends between sweeps of the per-group windows that have emptied."""
SHORT_WAIT = 2.0
"""A 429 with a wait this short is the bot's own rate, not a group's minute: slow down."""
RECOVER_EVERY = 2.0
"""Seconds without a 429 after which the bot's rate goes up by one message a second."""

Group = int | str
Chat = int | str


@dataclass(frozen=True)
class Limits:
    per_second: int = 30
    group_per_minute: int = 20
    margin: float = 0.02
    """Seconds the one-second window is counted longer than Telegram's: a send may reach
    Telegram that much later than the one 30 before it and still not make 31 in its
    second. Each millisecond of it costs the fan-out 0.1 %."""
    group_margin: float = 0.5
    """The same for a group's minute: it costs a fan-out nothing (each group gets one
    post), and a group's 21st post waits a minute anyway."""

    @property
    def second(self) -> float:
        return 1.0 + self.margin

    @property
    def minute(self) -> float:
        return 60.0 + self.group_margin

    burst: int = 3
    """Sends that may go at once after a lull (a reply then goes at once), or to make up
    for slots a late send missed (a slow round trip, a busy database)."""

    @property
    def spacing(self) -> float:
        """Seconds between two sends: the limit's rate, evenly."""
        return self.second / self.per_second


TELEGRAM = Limits()
"""Telegram's documented limits, with our margins."""


class Window:
    """When the last sends went, for a limit of `size` sends in any `span` seconds; sends
    let through but not yet made (`pending`) count as made now."""

    __slots__ = ("pending", "size", "span", "stamps")

    def __init__(self, size: int, span: float) -> None:
        self.size, self.span = size, span
        self.stamps: deque[float] = deque()
        self.pending = 0

    def free_at(self, now: float) -> float:
        """The first instant, `now` or later, at which one more send fits."""
        stamps = self.stamps
        while stamps and stamps[0] <= now - self.span:
            stamps.popleft()
        if len(stamps) + self.pending < self.size:
            return now
        if self.pending >= self.size:
            return now + self.span
        return stamps[self.pending - self.size] + self.span

    def record(self, now: float) -> None:
        """One pending send made now (kept in order: a late one may come after a later)."""
        self.pending -= 1
        bisect.insort(self.stamps, now)


@dataclass
class Gate:
    """The decision, without waiting: when may a send go, and counting it. Time is
    monotonic seconds, passed in. A send is let through (`admit`), then stamped when it is
    really made (`made`): between the two the event loop may be busy elsewhere, and the
    window must not count the send earlier than Telegram will see it."""

    limits: Limits
    overall: Window = field(init=False)
    groups: dict[Group, Window] = field(default_factory=dict)
    full: dict[Group, float] = field(default_factory=dict)
    """Groups whose minute is used up, with the instant they may receive again."""
    closed: dict[Chat, float] = field(default_factory=dict)
    """Chats Telegram answered 429 for, with the instant it said they may receive again."""
    all_closed: float = -math.inf
    """Nothing goes before this instant: after a 429, for one window of a second."""
    last_cut: float = -math.inf
    """When the bot's rate was last cut for 429s."""
    quiet_since: float = -math.inf
    """The last short-wait 429, or the last step back up since: the rate goes up one
    more after RECOVER_EVERY seconds of this."""
    refusals: list[float] = field(default_factory=list)
    """When the last short-wait 429s came (within two windows)."""
    next_slot: float = -math.inf
    """When the next send is due on the evenly spaced schedule (it may go up to
    `burst - 1` slots early, after a lull)."""
    counted: int = 0

    def __post_init__(self) -> None:
        self.overall = Window(self.limits.per_second, self.limits.second)

    def ready_at(self, now: float, group: Group | None, chat: Chat | None = None) -> float:
        at = max(self.overall.free_at(now), self.all_closed)
        if group is not None and (window := self.groups.get(group)) is not None:
            at = max(at, window.free_at(now))
        if chat is not None and (reopens := self.closed.get(chat)) is not None:
            if reopens > now:
                at = max(at, reopens)
            else:
                del self.closed[chat]
        early = (self.limits.burst - 1) * self.spacing
        return max(at, self.next_slot - early)

    @property
    def spacing(self) -> float:
        """Seconds between two sends at the rate the bot keeps now (lower after a 429)."""
        return self.limits.second / self.overall.size

    def admit(self, now: float, group: Group | None) -> None:
        """Let one send through: it holds its place in the windows until `made`."""
        self.overall.pending += 1
        self.next_slot = max(self.next_slot, now) + self.spacing
        if group is not None:
            window = self.groups.get(group)
            if window is None:
                window = self.groups[group] = Window(
                    self.limits.group_per_minute, self.limits.minute
                )
            window.pending += 1

    def made(self, now: float, group: Group | None) -> None:
        """The send let through is made now."""
        self.overall.record(now)
        if group is not None:
            window = self.groups[group]
            window.record(now)
            if (free := window.free_at(now)) > now:
                self.full[group] = free
        self.counted += 1
        if self.overall.size < self.limits.per_second and now - self.quiet_since >= RECOVER_EVERY:
            self.overall.size += 1
            self.quiet_since = now
        if self.counted % PRUNE_EVERY == 0:
            self._prune(now)

    def withdraw(self, group: Group | None) -> None:
        """A send let through that will not be made (its caller gave up)."""
        self.overall.pending -= 1
        if group is not None:
            self.groups[group].pending -= 1

    def record(self, now: float, group: Group | None) -> None:
        """Let through and made at once."""
        self.admit(now, group)
        self.made(now, group)

    def close(self, now: float, chat: Chat, seconds: float) -> None:
        """Telegram said `chat` may receive again in `seconds`: nothing goes to it before.
        Its answer does not say which limit it counted, the chat's or the bot's: every
        other chat waits too, for a second at most, the time the bot's limit needs to make
        room (PTB's AIORateLimiter stops everything for the whole wait instead, so one
        group's minute would stall every chat)."""
        reopens = now + seconds
        self.all_closed = max(self.all_closed, now + min(seconds, self.limits.second))
        self.closed[chat] = max(reopens, self.closed.get(chat, -math.inf))
        if (group := group_of(chat)) is not None:  # the dispatcher leaves its posts for later
            self.full[group] = max(reopens, self.full.get(group, -math.inf))
        if seconds <= SHORT_WAIT:
            self._slow_down(now)

    def _slow_down(self, now: float) -> None:
        """After short-wait 429s, Telegram counts fewer than we do (a lone one is the
        network's jitter): a third less a second, once per window, then back up one by one
        (`made`)."""
        self.quiet_since = now
        self.refusals = [t for t in self.refusals if t > now - 2 * self.limits.second]
        self.refusals.append(now)
        if len(self.refusals) >= 2 and now - self.last_cut >= self.limits.second:
            self.overall.size = max(1, self.overall.size * 2 // 3)
            self.last_cut = now
            self.refusals.clear()

    def held(self, now: float) -> dict[Group, float]:
        """Groups that may not receive now, with the seconds until they may."""
        for group in [g for g, at in self.full.items() if at <= now]:
            del self.full[group]
        return {group: at - now for group, at in self.full.items()}

    def _prune(self, now: float) -> None:
        """Forget groups with nothing in their window: 1,000 groups a fan-out add up."""
        for group, window in list(self.groups.items()):
            window.free_at(now)  # drops what has left the window
            if not window.stamps and not window.pending:
                del self.groups[group]


def chat_of(chat_id: object) -> Chat | None:
    """The chat a send goes to, as one key: "-100123" and -100123 are the same chat."""
    if isinstance(chat_id, str):
        try:
            return int(chat_id)
        except ValueError:
            return chat_id
    return chat_id if isinstance(chat_id, int) else None


def group_of(chat_id: object) -> Group | None:
    """The group a send goes to, or None for a private chat: negative ids are groups, and
    a username (str) names a channel or supergroup."""
    chat = chat_of(chat_id)
    if isinstance(chat, str) or (isinstance(chat, int) and chat < 0):
        return chat
    return None
