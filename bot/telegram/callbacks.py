"""Every button's callback data, typed: one class per kind, packed and unpacked here.

Each kind is a frozen dataclass with a prefix: `Rsvp(Answer.YES, 17).pack()` is
`"rsvp:y:17"`, and `Rsvp.unpack("rsvp:y:17")` gives it back, or None for anything
malformed or forged (a field that is not a number, a code that is not one of its enum's, a
number too large for SQLite). Fields are `str`, `int` or a `StrEnum`; only the last one
may contain ":". Telegram's 64-byte limit is checked in `pack`, the one place data is made.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Awaitable, Callable, Sequence
from enum import Enum, StrEnum
from functools import lru_cache
from typing import Any, ClassVar, Self, TypeVar, get_type_hints

from telegram import Update
from telegram.ext import CallbackQueryHandler

from bot.telegram.context import BotContext
from bot.telegram.limits import MAX_CALLBACK_BYTES, Button, label_room, row_sizes, shorten
from bot.text.i18n import Translator

_NUMBER = re.compile(r"[0-9]{1,18}")  # not "²", not beyond SQLite's 64-bit integers


class CallbackDataError(ValueError):
    """Data that cannot be packed: too long for Telegram, or a ':' inside a middle field."""


class CallbackData:
    """The base of every kind; subclasses are frozen dataclasses declaring `prefix`."""

    prefix: ClassVar[str]
    _kinds: ClassVar[dict[str, type[CallbackData]]] = {}

    def __init_subclass__(cls, *, prefix: str, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if ":" in prefix or prefix in CallbackData._kinds:
            raise TypeError(f"callback prefix {prefix!r} is malformed or taken")
        cls.prefix = prefix
        CallbackData._kinds[prefix] = cls

    def pack(self) -> str:
        fields = _fields(type(self))
        values = [_text(getattr(self, name)) for name, _kind in fields]
        for value in values[:-1]:
            if ":" in value:
                raise CallbackDataError(f"':' inside a field of {type(self).__name__}: {value!r}")
        data = ":".join([self.prefix, *values])
        if len(data.encode()) > MAX_CALLBACK_BYTES:
            raise CallbackDataError(f"callback data {data!r} exceeds {MAX_CALLBACK_BYTES} bytes")
        return data

    @classmethod
    def unpack(cls, data: str | None) -> Self | None:
        """The data as this kind, or None when it is not one (malformed, forged, foreign)."""
        if data is None:
            return None
        head, colon, rest = data.partition(":")
        fields = _fields(cls)
        if head != cls.prefix or (fields and not colon):
            return None
        parts = rest.split(":", len(fields) - 1) if fields else []
        if len(parts) != len(fields) or (not fields and rest):
            return None
        values = []
        for (_name, kind), part in zip(fields, parts, strict=True):
            value = _parse(kind, part)
            if value is None:
                return None
            values.append(value)
        return cls(*values)

    @classmethod
    def owns(cls, data: object) -> bool:
        """Whether `data` carries this kind's prefix (the handler's pattern)."""
        return isinstance(data, str) and data.partition(":")[0] == cls.prefix

    @classmethod
    def room(cls) -> int:
        """Bytes left for the last field when the others take their widest usual form
        (a page number up to 999, one-letter codes)."""
        fields = _fields(cls)
        used = len(cls.prefix) + len(fields)  # the prefix and a ':' before each field
        for _name, kind in fields[:-1]:
            if kind is int:
                used += 3
            elif kind is not str:
                used += max(len(member.value) for member in kind)
        return MAX_CALLBACK_BYTES - used


def _text(value: object) -> str:
    return str(value.value) if isinstance(value, Enum) else str(value)


def _parse(kind: Any, part: str) -> object | None:
    if kind is int:
        return int(part) if _NUMBER.fullmatch(part) else None
    if kind is str:
        return part
    try:
        member: object = kind(part)
    except ValueError:
        return None
    return member


_FIELDS: dict[type[CallbackData], tuple[tuple[str, Any], ...]] = {}


def _fields(cls: type[CallbackData]) -> tuple[tuple[str, Any], ...]:
    """(name, type) of each field, read once per kind (the dataclass is made after
    __init_subclass__ runs, so not there)."""
    if cls not in _FIELDS:
        hints = get_type_hints(cls)
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        for f in fields:
            kind = hints[f.name]
            if kind not in (int, str) and not (
                isinstance(kind, type) and issubclass(kind, StrEnum)
            ):
                raise TypeError(f"{cls.__name__}.{f.name}: fields are str, int or a StrEnum")
        _FIELDS[cls] = tuple((f.name, hints[f.name]) for f in fields)
    return _FIELDS[cls]


def button(label: str, data: CallbackData, per_row: int = 1) -> Button:
    """A button in a row of `per_row`; a label longer than its share of the row ends at a
    whole word with "…"."""
    return Button(shorten(label, label_room(per_row)), callback_data=_packed(data))


def grid(labelled: Sequence[tuple[str, CallbackData]], most: int) -> list[list[Button]]:
    """Buttons in rows of up to `most`, in order: short labels share a row, a long one takes
    fewer neighbours (or a row alone), so none is cut (`row_sizes`)."""
    rows: list[list[Button]] = []
    start = 0
    for size in row_sizes([label for label, _data in labelled], most):
        rows.append([button(label, data, size) for label, data in labelled[start : start + size]])
        start += size
    return rows


@lru_cache(maxsize=4096)
def _packed(data: CallbackData) -> str:
    """`data.pack()`, the last few thousand kept: pages repeat the same buttons (paging,
    .ics, the other period). Data that does not pack raises each time, and is not kept."""
    return data.pack()


C = TypeVar("C", bound=CallbackData)


def unusable(tr: Translator) -> str:
    """The note for a press the bot cannot act on: data no handler knows (a button of an
    older version, or forged), or a button under an inline message (ours carry none)."""
    return tr.gettext("This button no longer works.")


async def answer_unusable(update: Update, context: BotContext) -> None:
    """Answer such a press with that short note (a toast, not a box to close): the spinner
    stops and the user knows that pressing again will not help. Nothing else happens."""
    query = update.callback_query
    assert query is not None
    await query.answer(unusable((await context.reader(update)).tr))


def on_press(
    kind: type[C], callback: Callable[[Update, BotContext, C], Awaitable[None]]
) -> CallbackQueryHandler[BotContext, None]:
    """A handler for presses of `kind`: the callback gets the data unpacked, pressed in a
    chat. A press whose data does not unpack (forged, or from an older version) or that
    comes without a chat (under an inline message) is answered with a short note."""

    async def handle(update: Update, context: BotContext) -> None:
        data = kind.unpack(update.callback_query.data if update.callback_query else None)
        if data is None or update.effective_chat is None:
            await answer_unusable(update, context)
            return
        await callback(update, context, data)

    return CallbackQueryHandler(handle, pattern=kind.owns)


# -- the kinds -----------------------------------------------------------------------------


class Answer(StrEnum):
    YES = "y"
    NO = "n"
    MAYBE = "m"


class TargetCode(StrEnum):
    PARTNERSHIP = "a"
    PHASE = "h"
    PROGRAMME = "g"


class ListBy(StrEnum):
    QUERY = "q"
    COUNTRY = "c"
    PHASE = "p"


class BrowseBy(StrEnum):
    COUNTRY = "c"
    PHASE = "p"


class Period(StrEnum):
    UPCOMING = "u"
    PAST = "p"


class CalendarOf(StrEnum):
    EVENT = "e"
    SERIES = "s"


@dataclasses.dataclass(frozen=True)
class PickLanguage(CallbackData, prefix="lang"):
    language: str


@dataclasses.dataclass(frozen=True)
class PhaseMilestones(CallbackData, prefix="ms"):
    phase_id: str


@dataclasses.dataclass(frozen=True)
class PartnerCard(CallbackData, prefix="pa"):
    partnership_id: str


@dataclasses.dataclass(frozen=True)
class PartnerList(CallbackData, prefix="pl"):
    """A page of partnerships: found by words, in a country, or in a phase."""

    page: int
    by: ListBy
    value: str


@dataclasses.dataclass(frozen=True)
class PartnerExchanges(CallbackData, prefix="pe"):
    partnership_id: str


@dataclasses.dataclass(frozen=True)
class Browse(CallbackData, prefix="pb"):
    by: BrowseBy


@dataclasses.dataclass(frozen=True)
class ExchangePage(CallbackData, prefix="ex"):
    """A page of /exchanges; the filter is words, or '@' and a partnership id."""

    page: int
    period: Period
    filter: str


@dataclasses.dataclass(frozen=True)
class CalendarFile(CallbackData, prefix="ics"):
    of: CalendarOf
    item_id: str


@dataclasses.dataclass(frozen=True)
class Subscribe(CallbackData, prefix="sub"):
    target: TargetCode
    target_id: str


@dataclasses.dataclass(frozen=True)
class Unsubscribe(CallbackData, prefix="unsub"):
    subscription_id: int


@dataclasses.dataclass(frozen=True)
class Rsvp(CallbackData, prefix="rsvp"):
    answer: Answer
    delivery_id: int


@dataclasses.dataclass(frozen=True)
class HelpPage(CallbackData, prefix="help"):
    """A page of /help: the commands and notes, a screen at a time."""

    page: int


@dataclasses.dataclass(frozen=True)
class PickTown(CallbackData, prefix="iam"):
    """The town a user belongs to (the /start question, /iam)."""

    municipality_id: str


@dataclasses.dataclass(frozen=True)
class TownPage(CallbackData, prefix="iamp"):
    page: int


@dataclasses.dataclass(frozen=True)
class MilestonePage(CallbackData, prefix="msp"):
    """A further page of one phase's milestones (the first is PhaseMilestones)."""

    phase_id: str
    page: int


@dataclasses.dataclass(frozen=True)
class SkipTown(CallbackData, prefix="iam0"):
    """No town: the question is put away (/iam asks again)."""


# The calendar keyboard (bot/views/date_picker.py): days as yyyymmdd, months as yyyymm,
# times as hhmm, so a press carries all it needs and the conversation keeps no page.


@dataclasses.dataclass(frozen=True)
class PickMonth(CallbackData, prefix="dpm"):
    """Show this month's days (◀ ▶, and back from the times)."""

    month: int  # yyyymm


@dataclasses.dataclass(frozen=True)
class PickDay(CallbackData, prefix="dpd"):
    """This day: the answer, or the times on it."""

    day: int  # yyyymmdd


@dataclasses.dataclass(frozen=True)
class PickHour(CallbackData, prefix="dph"):
    """This hour of the day: its quarters next."""

    day: int  # yyyymmdd
    hour: int


@dataclasses.dataclass(frozen=True)
class PickTime(CallbackData, prefix="dpt"):
    """This time of the day: the answer."""

    day: int  # yyyymmdd
    time: int  # hhmm


@dataclasses.dataclass(frozen=True)
class PickAllDay(CallbackData, prefix="dpa"):
    """This day, without a time (where the question allows it)."""

    day: int  # yyyymmdd


@dataclasses.dataclass(frozen=True)
class PickNothing(CallbackData, prefix="dp0"):
    """A weekday's letter, a day gone by, a blank: answered, nothing changes."""
