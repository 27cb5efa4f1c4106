"""Domain values of the climate-partnership network: plain, frozen, free of Telegram and SQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time
from enum import StrEnum
from typing import NamedTuple
from zoneinfo import ZoneInfo

from bot.model.roles import Side

LANGUAGES = ("en", "de", "es", "fr", "pt")
"""The five languages the bot speaks; English is the last resort."""


@dataclass(frozen=True)
class LocalizedText:
    """A data text with per-language variants; the first variant is the original."""

    variants: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, original: str, lang: str = "und", **others: str) -> LocalizedText:
        return cls(((lang, original), *others.items()))

    @property
    def original(self) -> str:
        return self.variants[0][1]

    def get(self, lang: str) -> str:
        """The variant in `lang`, else the original."""
        return dict(self.variants).get(lang, self.original)

    @property
    def original_language(self) -> str:
        return self.variants[0][0]

    def shown(self, lang: str) -> tuple[str, str | None]:
        """The variant in `lang`; else the original and its language, which the reader is
        told (None: the original is in `lang`, or is a name of no language, "und")."""
        found = dict(self.variants).get(lang)
        if found is not None:
            return found, None
        original = self.original_language
        return self.original, None if original in (lang, "und") else original

    def languages(self) -> frozenset[str]:
        return frozenset(code for code, _text in self.variants)

    def with_variant(self, lang: str, text: str) -> LocalizedText:
        """This text with `lang`'s variant added or replaced; the original stays first
        (an original of no language, "und", gives way to the language it is now said in
        only as a further variant: it is still the original)."""
        if lang == self.original_language:
            return LocalizedText(((lang, text), *self.variants[1:]))
        others = tuple((code, said) for code, said in self.variants[1:] if code != lang)
        return LocalizedText((self.variants[0], *others, (lang, text)))


_PARTIAL_DATE = re.compile(r"^(?:(\d{4})|-)-?(?:(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date known to the year, the month or the day; the year itself may be unknown.

    Written as ISO 8601: `2014`, `2014-11`, `2014-08-15`, or `--11-24` when the source
    gives a day without a year (the seed documents do).
    """

    year: int | None
    month: int | None = None
    day: int | None = None

    def __post_init__(self) -> None:
        if self.year is None and (self.month is None or self.day is None):
            raise ValueError("a date without a year needs month and day")
        if self.day is not None and self.month is None:
            raise ValueError("a day needs a month")
        # Validates the calendar (no 31 June); 2000 is a leap year, so --02-29 passes.
        date(self.year or 2000, self.month or 1, self.day or 1)

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        match = _PARTIAL_DATE.match(text.strip())
        if not match or text.strip() in ("", "-"):
            raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD)")
        year, month, day = (int(g) if g else None for g in match.groups())
        if year is None and not text.startswith("--"):
            raise ValueError(f"{text!r} is not a date (YYYY, YYYY-MM, YYYY-MM-DD or --MM-DD)")
        return cls(year, month, day)

    @classmethod
    def of(cls, day: date) -> PartialDate:
        return cls(day.year, day.month, day.day)

    def iso(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        parts = [f"{self.year:04d}"]
        if self.month is not None:
            parts.append(f"{self.month:02d}")
        if self.day is not None:
            parts.append(f"{self.day:02d}")
        return "-".join(parts)

    @property
    def precision(self) -> str:
        """'day', 'month' or 'year': how exactly the sources give this date."""
        if self.day is not None:
            return "day"
        return "month" if self.month is not None else "year"

    def latest(self) -> tuple[int, int, int] | None:
        """The last (year, month, day) this date can mean; None when the year is unknown.

        'Due November 2014' runs to 30 November: month-precision deadlines stay open until
        the month is over. Comparable with (today.year, today.month, today.day).
        """
        if self.year is None:
            return None
        return (self.year, self.month or 12, self.day or 31)

    def as_date(self) -> date | None:
        """The calendar day, when it is fully known."""
        if self.year is None or self.month is None or self.day is None:
            return None
        return date(self.year, self.month, self.day)


class EventKind(StrEnum):
    DELEGATION_VISIT = "delegation_visit"
    EXPERT_SECONDMENT = "expert_secondment"
    WORKSHOP = "workshop"
    NETWORK_MEETING = "network_meeting"
    KICKOFF = "kickoff"
    VIRTUAL_MEETING = "virtual_meeting"


@dataclass(frozen=True)
class Programme:
    id: str
    name: LocalizedText
    operators: str | None = None
    started: PartialDate | None = None
    note: LocalizedText | None = None
    example: bool = False


@dataclass(frozen=True)
class Phase:
    id: str
    programme_id: str
    name: LocalizedText
    number: int | None = None
    region: LocalizedText | None = None
    starts: PartialDate | None = None
    ends: PartialDate | None = None
    partnership_count: int | None = None
    note: LocalizedText | None = None
    example: bool = False


@dataclass(frozen=True)
class Milestone:
    id: str
    phase_id: str
    position: int
    title: LocalizedText
    due: PartialDate
    example: bool = False


@dataclass(frozen=True)
class Municipality:
    id: str
    name: LocalizedText
    country: str
    """ISO 3166-1 alpha-2; Babel names it in every language."""
    timezone: str


@dataclass(frozen=True)
class Topic:
    id: str
    name: LocalizedText


@dataclass(frozen=True)
class Partnership:
    id: str
    north_id: str
    south_id: str
    programme_id: str | None = None
    phase_id: str | None = None
    since: PartialDate | None = None
    topics: tuple[str, ...] = ()
    note: LocalizedText | None = None


@dataclass(frozen=True)
class Event:
    """A dated exchange: a delegation visit, a workshop, a network meeting, a kick-off."""

    id: str
    kind: EventKind
    title: LocalizedText
    starts: PartialDate
    ends: PartialDate | None = None
    start_time: time | None = None
    end_time: time | None = None
    timezone: str | None = None
    """The zone of the wall-clock times; required when a time is given."""
    online: bool = False
    place: LocalizedText | None = None
    partnership_id: str | None = None
    phase_id: str | None = None
    programme_id: str | None = None
    languages: tuple[str, ...] = ()
    example: bool = False
    join_url: str | None = None
    """Where to join online (an http or https link)."""
    note: LocalizedText | None = None
    travelling: Side | None = None
    """Which town's people travel (a visit, a secondment, a workshop away): it picks the
    checklist's template and says whose focal points each item is for."""

    def start_instant(self) -> datetime | None:
        """The start as an aware UTC-convertible instant, when day, time and zone are known."""
        day = self.starts.as_date()
        if day is None or self.start_time is None or self.timezone is None:
            return None
        return datetime.combine(day, self.start_time, ZoneInfo(self.timezone))


@dataclass(frozen=True)
class MeetingSeries:
    """A recurring virtual meeting: an RFC 5545 rule on wall-clock time in one IANA zone."""

    id: str
    partnership_id: str
    title: LocalizedText
    rrule: str
    dtstart: datetime
    """Naive local start of the first meeting, read in `timezone`."""
    timezone: str
    duration_minutes: int = 60
    join_url: str | None = None
    note: LocalizedText | None = None
    example: bool = False


class Meeting(NamedTuple):
    """One meeting of a series, as its invitation names it: the series and the rule's naive
    local start in the series' zone, ISO to the minute (a moved meeting keeps it)."""

    series_id: str
    occurrence: str


class ChangeStatus(StrEnum):
    CANCELLED = "cancelled"
    MOVED = "moved"


@dataclass(frozen=True)
class MeetingChange:
    """One meeting of a series cancelled or moved (RFC 5545: EXDATE / RDATE)."""

    id: str
    series_id: str
    occurrence: datetime
    """The original naive local start, as the rule gives it."""
    status: ChangeStatus
    moved_to: datetime | None = None
    """The new naive local start, in the series' zone."""
    reason: LocalizedText | None = None
    """Why, as the corrections to the groups say it."""


class ExchangeTemplate(StrEnum):
    """The checklists an exchange can start from (bot/model/checklists.py picks one)."""

    SOUTH_NORTH_VISIT = "south_north_visit"
    NORTH_SOUTH_VISIT = "north_south_visit"
    EXPERT_SECONDMENT = "expert_secondment"
    WORKSHOP_TRAVEL = "workshop_travel"


class ChecklistSide(StrEnum):
    """Whose task an item is: the host town's, the travelling town's, or both."""

    HOST = "host"
    TRAVELLING = "travelling"
    BOTH = "both"


_LEAD = re.compile(r"^\s*(\d{1,3})\s*(days?|weeks?|d|w)\s*$")
MAX_LEAD_DAYS = 365


@dataclass(frozen=True, order=True)
class LeadTime:
    """How long before an exchange starts an item is due: "8 weeks", "3 days"."""

    days: int

    def __post_init__(self) -> None:
        if not 0 <= self.days <= MAX_LEAD_DAYS:
            raise ValueError(f"a lead time is 0 to {MAX_LEAD_DAYS} days")

    @classmethod
    def parse(cls, text: str) -> LeadTime:
        match = _LEAD.match(text.lower())
        if not match:
            raise ValueError(f"{text!r} is not a lead time ('8 weeks', '3 days')")
        count, unit = int(match.group(1)), match.group(2)
        return cls(count * 7 if unit.startswith("w") else count)

    def text(self) -> str:
        """As the dataset file writes it: whole weeks in weeks, else days."""
        if self.days and self.days % 7 == 0:
            weeks = self.days // 7
            return f"{weeks} week" if weeks == 1 else f"{weeks} weeks"
        return "1 day" if self.days == 1 else f"{self.days} days"


@dataclass(frozen=True)
class ChecklistTemplateItem:
    """One item of a template: what an exchange of that kind needs done, by whom, when."""

    id: str
    template: ExchangeTemplate
    position: int
    title: LocalizedText
    side: ChecklistSide
    lead: LeadTime
    note: LocalizedText | None = None


@dataclass(frozen=True)
class ChecklistItem:
    """One item of one exchange's checklist, made from its template or added from the chat.
    Who ticked it is kept beside it in the database, not in the dataset file."""

    id: str
    event_id: str
    position: int
    title: LocalizedText
    side: ChecklistSide
    lead: LeadTime
    note: LocalizedText | None = None
    done_on: PartialDate | None = None
    """The day (UTC) it was ticked; None while open."""

    @property
    def done(self) -> bool:
        return self.done_on is not None


@dataclass(frozen=True)
class Dataset:
    """The whole network: what `partnerbot export` writes and `import` reads."""

    programmes: tuple[Programme, ...] = ()
    phases: tuple[Phase, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    municipalities: tuple[Municipality, ...] = ()
    topics: tuple[Topic, ...] = ()
    partnerships: tuple[Partnership, ...] = ()
    events: tuple[Event, ...] = ()
    meeting_series: tuple[MeetingSeries, ...] = field(default=())
    meeting_changes: tuple[MeetingChange, ...] = ()
    checklist_templates: tuple[ChecklistTemplateItem, ...] = ()
    checklist_items: tuple[ChecklistItem, ...] = ()


@dataclass(frozen=True)
class PartnershipView:
    """A partnership with what a card shows: both towns, programme, phase and topics."""

    partnership: Partnership
    north: Municipality
    south: Municipality
    programme: Programme | None
    phase: Phase | None
    topics: tuple[Topic, ...]

    def pair_name(self, lang: str) -> str:
        """'Bonn – La Paz': both towns, in the reader's language where names differ."""
        return f"{self.north.name.get(lang)} – {self.south.name.get(lang)}"
