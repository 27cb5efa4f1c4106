"""Posts the scheduler plans: what each kind is about, and where a planned post stands.

A post's payload names its subject as it was when planned (a milestone and its due date,
a meeting and its local start), so a post whose subject changed since is recognised when
it is due. Its key is derived from the payload: one key, one post per chat, ever.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any, ClassVar, get_type_hints

from bot.model.domain import ChangeStatus, Meeting


class PostKind(StrEnum):
    DEADLINE = "deadline"
    INVITE = "invite"
    MEETING = "meeting"
    CHANGE = "change"
    EVENT = "event"
    ACTIONS_ASK = "actask"  # within the 9 columns of `partnerbot schedule`
    ACTION = "action"
    OVERDUE = "overdue"
    PERSONAL = "personal"
    CHECKLIST = "check"


class DeliveryStatus(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    """Claimed: committed before its request, confirmed after."""
    SENT = "sent"
    SKIPPED = "skipped"
    FAILED = "failed"


class OfOneMeeting:
    """A post about one meeting of a series, named as its invitation names it."""

    series_id: str
    occurrence: str

    @property
    def meeting(self) -> Meeting:
        return Meeting(self.series_id, self.occurrence)


@dataclass(frozen=True)
class DeadlineReminder:
    kind: ClassVar[PostKind] = PostKind.DEADLINE
    milestone_id: str
    due: str
    """The milestone's due date when planned (ISO partial date)."""
    days: int

    @property
    def key(self) -> str:
        return f"deadline:{self.milestone_id}:{self.due}:{self.days}d"


@dataclass(frozen=True)
class Invitation(OfOneMeeting):
    kind: ClassVar[PostKind] = PostKind.INVITE
    series_id: str
    occurrence: str
    """The meeting's naive local start in the series' zone, ISO to the minute."""

    @property
    def key(self) -> str:
        return f"invite:{self.series_id}:{self.occurrence}"


@dataclass(frozen=True)
class MeetingReminder(OfOneMeeting):
    kind: ClassVar[PostKind] = PostKind.MEETING
    series_id: str
    occurrence: str
    minutes: int

    @property
    def key(self) -> str:
        return f"meeting:{self.series_id}:{self.occurrence}:{self.minutes}m"


@dataclass(frozen=True)
class MeetingCorrection:
    """A meeting cancelled (moved_to empty) or moved."""

    kind: ClassVar[PostKind] = PostKind.CHANGE
    change_id: str
    series_id: str
    occurrence: str
    status: ChangeStatus
    moved_to: str
    """The new naive local start, ISO to the minute; empty when cancelled."""

    @property
    def key(self) -> str:
        return f"change:{self.series_id}:{self.occurrence}:{self.status}:{self.moved_to}"


@dataclass(frozen=True)
class EventReminder:
    kind: ClassVar[PostKind] = PostKind.EVENT
    event_id: str
    starts: str
    """The event's first day when planned (ISO partial date)."""
    days: int

    @property
    def key(self) -> str:
        return f"event:{self.event_id}:{self.starts}:{self.days}d"


# -- action items after the call (bot/model/actions.py) ---------------------------------------


@dataclass(frozen=True)
class ActionsAsk(OfOneMeeting):
    """A group asked, when a meeting is over, what was agreed (➕ adds an action item)."""

    kind: ClassVar[PostKind] = PostKind.ACTIONS_ASK
    series_id: str
    occurrence: str
    """The meeting's naive local start in the series' zone, ISO to the minute."""

    @property
    def key(self) -> str:
        return f"actask:{self.series_id}:{self.occurrence}"


@dataclass(frozen=True)
class ActionReminder:
    """An action item's owner reminded privately before its due day."""

    kind: ClassVar[PostKind] = PostKind.ACTION
    item_id: int
    due: str
    """The item's due day when planned (ISO date)."""
    days: int

    @property
    def key(self) -> str:
        return f"action:{self.item_id}:{self.due}:{self.days}d"


@dataclass(frozen=True)
class OverdueDigest:
    """A group's weekly list of a partnership's overdue items (owners not named)."""

    kind: ClassVar[PostKind] = PostKind.OVERDUE
    partnership_id: str
    week: str
    """The ISO week it is for, "2027-W03"."""

    @property
    def key(self) -> str:
        return f"overdue:{self.partnership_id}:{self.week}"


@dataclass(frozen=True)
class PersonalReminder(OfOneMeeting):
    """In a user's private chat, before a meeting they answered ✅ to (in any group)."""

    kind: ClassVar[PostKind] = PostKind.PERSONAL
    series_id: str
    occurrence: str
    """The meeting as its invitation names it: the original naive local start."""
    starts: str
    """Its naive local start when planned (a move's new one): a move makes a new key, so
    the reminder comes again before the new time even if the old one was sent."""
    minutes: int

    @property
    def key(self) -> str:
        return f"personal:{self.series_id}:{self.occurrence}:{self.starts}:{self.minutes}m"


# -- checklists of exchanges (bot/model/checklists.py) ----------------------------------------

OVERDUE_AFTER_DAYS = 3
"""An item still open this many days after its due day is reminded once more, as overdue
(only when that day is still before the exchange's first day)."""


class ChecklistStage(StrEnum):
    DUE = "due"
    OVERDUE = "overdue"

    @property
    def offset(self) -> int:
        """Days after the item's due day this reminder comes."""
        return OVERDUE_AFTER_DAYS if self is ChecklistStage.OVERDUE else 0


@dataclass(frozen=True)
class ChecklistReminder:
    """An open checklist item of an exchange: on its due day, and once as overdue."""

    kind: ClassVar[PostKind] = PostKind.CHECKLIST
    item_id: str
    stage: ChecklistStage
    starts: str
    """The exchange's first day when planned (ISO partial date), for the record only:
    pruning goes by the stored exchange, as a move makes this stale. Not in the key: a
    moved exchange moves its items' due days, and a reminder already sent is not sent
    again (a pending one is re-planned at its new instant)."""

    @property
    def key(self) -> str:
        return f"check:{self.item_id}:{self.stage}"


Payload = (
    DeadlineReminder
    | Invitation
    | MeetingReminder
    | MeetingCorrection
    | EventReminder
    | ActionsAsk
    | ActionReminder
    | OverdueDigest
    | PersonalReminder
    | ChecklistReminder
)
MeetingPost = Invitation | MeetingReminder | PersonalReminder
Reminder = (
    DeadlineReminder
    | MeetingReminder
    | EventReminder
    | ActionReminder
    | PersonalReminder
    | ChecklistReminder
)
"""Posts a chat gets several of about one subject, each at its own lead time."""


def lead(reminder: Reminder) -> timedelta:
    """How long before its subject a reminder comes: the shorter, the later it is due."""
    if isinstance(reminder, MeetingReminder | PersonalReminder):
        return timedelta(minutes=reminder.minutes)
    if isinstance(reminder, ChecklistReminder):  # the overdue one comes after the due day
        return timedelta(days=-reminder.stage.offset)
    return timedelta(days=reminder.days)


def subject_of(reminder: Reminder) -> str:
    """The part of its key that names what it reminds of, the same for every lead time
    ('meeting:<series>:<start>:' of 'meeting:<series>:<start>:60m')."""
    return reminder.key.rsplit(":", 1)[0] + ":"


_PAYLOADS: dict[PostKind, type[Payload]] = {
    cls.kind: cls
    for cls in (
        DeadlineReminder,
        Invitation,
        MeetingReminder,
        MeetingCorrection,
        EventReminder,
        ActionsAsk,
        ActionReminder,
        OverdueDigest,
        PersonalReminder,
        ChecklistReminder,
    )
}


_JSON = json.JSONEncoder(sort_keys=True)  # one encoder: json.dumps makes one per call


def payload_to_json(payload: Payload) -> str:
    """The payload as the outbox stores it; equal payloads give equal text."""
    return _JSON.encode(asdict(payload))


def payload_from_json(kind: PostKind, key: str, text: str) -> Payload:
    """A stored payload; rows planned before event reminders carried their days get them
    from the key ('event:<id>:<day>:7d')."""
    plain: dict[str, Any] = json.loads(text)
    if kind is PostKind.EVENT and "days" not in plain:
        plain["days"] = int(key.rsplit(":", 1)[1].removesuffix("d"))
    return _checked(_PAYLOADS[kind], plain)


def _checked(cls: type[Payload], plain: dict[str, Any]) -> Payload:
    """The payload, each field of its declared type (ValueError or TypeError if not)."""
    hints = get_type_hints(cls)
    names = [f.name for f in fields(cls)]
    if sorted(plain) != sorted(names):
        raise ValueError(f"{cls.__name__} has the fields {names}, not {sorted(plain)}")
    values: dict[str, Any] = {}  # each checked against its declared type below
    for name in names:
        hint, value = hints[name], plain[name]
        if hint in (int, str):
            if type(value) is not hint:  # not bool for int, not a number for str
                raise TypeError(f"{cls.__name__}.{name}: {value!r} is not {hint.__name__}")
        else:
            value = hint(value)  # an enum: ValueError for a value it does not have
        values[name] = value
    return cls(**values)


@dataclass(frozen=True)
class Planned:
    """One post the planner wants in one chat at one instant."""

    chat_id: int
    due_at: datetime
    payload: Payload
    dropped: str | None = None
    """Why it is stored as skipped rather than sent (an overdue reminder a later one makes
    redundant, bot/schedule/overdue.py); None: to send at `due_at`."""

    @property
    def key(self) -> str:
        return self.payload.key

    @property
    def kind(self) -> PostKind:
        return self.payload.kind


@dataclass(frozen=True)
class Delivery:
    """A planned post as the outbox holds it."""

    id: int
    key: str
    chat_id: int
    due_at: datetime
    payload: Payload
    status: DeliveryStatus
    attempts: int
    message_id: int | None
    reason: str | None = None
    """Why it was skipped or failed, or why a pending one waits (flood control, a retry)."""

    @property
    def kind(self) -> PostKind:
        return self.payload.kind
