"""A day and time as an author types them on a phone, in any of our five languages.

dateparser reads the text (the author's language first, the other four too); this module
only evens out what it reads oddly and checks the result:

- Clock times written with a word ("15 Uhr", "15h30", "15 h 30", "3 pm", "a las 15") are
  rewritten as "15:00" first: dateparser reads "15 de marzo 15h" as the year 2115, drops
  the time of "morgen 10 Uhr", and the minutes of "15h30" in Portuguese.
- Articles it does not know ("am 15.3.", "el lunes", "dia 15 de março") are skipped, and
  "1.12." is a day (it reads the time 1:12).
- Numeric dates are day first in every language (the network is international, and the
  confirmation shows the date back).
- Which parts were typed comes from dateparser's `parts`, not from the value, whose
  missing parts are filled from the base ("now"). A year left out is the next one that
  has that day (29 February included); a time alone is not a day.
- A time typed with a zone ("15:00 MEZ") is that instant, given as the place's wall-clock.
- The wall-clock time must exist that day in the place's zone (not in a DST gap); one that
  happens twice (a DST fold) is the first, and flagged so the confirmation says so.

Nothing here reads the clock: "today" (in the author's zone) is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.domain import LANGUAGES

MAX_YEARS_AHEAD = 5
MAX_TYPED = 100
"""Characters read at most: a date is short, and dateparser's time grows with the text."""


class Problem(StrEnum):
    """Why a typed text gives no usable moment; a view says it in the author's language."""

    NOT_A_DATE = "not_a_date"
    NO_DAY = "no_day"  # a time alone, or only a month where a day is needed
    NOT_A_TIME = "not_a_time"
    IN_THE_PAST = "in_the_past"
    TOO_FAR = "too_far"  # more than MAX_YEARS_AHEAD years ahead
    NO_SUCH_TIME = "no_such_time"  # the clocks skip it that day (DST gap)
    ZONE_TYPED = "zone_typed"  # a time alone with a zone: its day decides the place's time


@dataclass(frozen=True, slots=True)
class TypedMoment:
    """A day, maybe a wall-clock time on it (in the place's zone), or only a month."""

    day: date  # the first of the month when `month_only`
    at: time | None = None  # wall-clock, in the place's zone
    month_only: bool = False
    ambiguous: bool = False
    """The time happens twice that day (the clocks go back): the first is meant."""

    def start(self, zone: ZoneInfo) -> datetime | None:
        """The instant, aware, when a time is given (the first one in a DST fold)."""
        if self.at is None:
            return None
        return datetime.combine(self.day, self.at, tzinfo=zone)


# -- what dateparser is given ---------------------------------------------------------------

_CLOCK = re.compile(
    r"(?<![\d.:/-])(?P<h>[01]?\d|2[0-3])"
    r"(?:[:.h](?P<m>[0-5]\d))?\s*"
    r"(?:(?P<ampm>[ap])\.?\s?m\.?|uhr|hs|horas?|heures?|h)"
    r"(?:\s?(?P<m2>[0-5]\d)(?!\s*[^\W\d]))?"
    r"(?!\w)",
    re.IGNORECASE,
)
"""A clock time said with a word: '15 Uhr', '15.30 Uhr', '15h30', '15 h 30', '3 pm',
'3:30 p. m.'. (A time written '15:30' dateparser reads as it is.)"""
_AT_HOUR = re.compile(
    r"(?<!\w)(?:a las|a la|às|as|à|um|at)\s+(?P<h>[01]?\d|2[0-3])(?![\d:.\w])(?!\s*[^\W\d])",
    re.IGNORECASE,
)
"""'a las 15', 'às 9', 'um 15': a bare hour after the word for "at" (not 'à 15 mars')."""
_PART_OF_DAY = re.compile(
    r"(?<![\d.:/-])(?P<h>0?[1-9]|1[0-2])(?:[:.h](?P<m>[0-5]\d))?\s*(?:h\s*)?"
    r"(?:de la|da|de l'|de l’|du)\s*"
    r"(?P<part>tarde|noche|noite|après-midi|apres-midi|soir|mañana|manhã|matin)(?!\w)",
    re.IGNORECASE,
)
"""'3 de la tarde', '3 da tarde', '8 de la noche', '3 h de l'après-midi', '10 de la mañana':
a clock time of 12 hours with the part of the day, as people say it in es, pt and fr."""
_LATER_PARTS = {"tarde", "noche", "noite", "après-midi", "apres-midi", "soir"}
_DAY_MONTH = re.compile(r"(?<![\d.:])(?P<d>\d{1,2})\.(?P<m>\d{1,2})\.(?![\d.])")
"""'1.12.': a day and month (German), which dateparser reads as the time 1:12."""
_BARE_HOUR = re.compile(r"\s*(?P<h>[01]?\d|2[0-3])\s*")
"""'17' alone, where only a time is asked for."""
_SKIPPED = ["t", "am", "den", "el", "dia", "no", "o"]
"""Words before a date that dateparser's dictionaries lack ('am 15.3.', 'el lunes',
'no dia 15'); 'am' only after '10 am' became '10:00'. 't' is dateparser's own default."""
_ONLY_A_TIME = re.compile(r"\s*\d{1,2}(?::\d{2}){1,2}\s*")
"""dateparser's English rendering of a text that names no day: '15:00' (and 'um 15:00',
'noon' become that too), against '0 day ago 15:00' for 'heute 15 Uhr'."""


def _clock(match: re.Match[str]) -> str:
    hour = int(match["h"])
    minute = match["m"] or match["m2"] or "00"
    if match["ampm"]:
        if hour > 12 or hour == 0:
            return match[0]  # '15 pm' is no time: left to fail
        hour = hour % 12 + (12 if match["ampm"].lower() == "p" else 0)
    return f"{hour:02d}:{minute}"


def _part_of_day(match: re.Match[str]) -> str:
    hour = int(match["h"]) % 12 + (12 if match["part"].lower() in _LATER_PARTS else 0)
    return f"{hour:02d}:{match['m'] or '00'}"


def normalized(text: str, bare_hour: bool = False) -> str:
    """`text` with its clock time as 'HH:MM'; a bare '17' too where `bare_hour`."""
    text = " ".join(text.split())
    if bare_hour and (found := _BARE_HOUR.fullmatch(text)):
        return f"{int(found['h']):02d}:00"
    text = _PART_OF_DAY.sub(_part_of_day, text)
    text = _CLOCK.sub(_clock, text)
    text = _DAY_MONTH.sub(lambda m: f"{m['d']}/{m['m']}", text)
    return _AT_HOUR.sub(lambda m: f" {int(m['h']):02d}:00", text).strip()


def _languages(lang: str) -> list[str]:
    return [lang, *(other for other in LANGUAGES if other != lang)]


@dataclass(frozen=True, slots=True)
class _Reading:
    """What dateparser read: the value (naive; in UTC where a zone was typed), the parts the
    text gave, whether it names no day (a time alone), whether it named a zone."""

    value: datetime
    parts: frozenset[str]
    only_a_time: bool
    zone_typed: bool


def _read(text: str, lang: str, today: date) -> _Reading | None:
    """dateparser's reading of `text` (already normalized) from `today`."""
    from dateparser.conf import Settings  # 0.1 s, so only when a date is typed
    from dateparser.date import DateDataParser
    from dateparser.languages.loader import default_loader
    from dateparser.timezone_parser import pop_tz_offset_from_string

    if not text or len(text) > MAX_TYPED:
        return None
    settings: dict[str, Any] = {
        "RELATIVE_BASE": datetime.combine(today, time()),
        "PREFER_DATES_FROM": "future",
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
        "TIMEZONE": "UTC",  # naive wall-clock values, a typed zone's converted to UTC
        "RETURN_AS_TIMEZONE_AWARE": False,
        "SKIP_TOKENS": _SKIPPED,
    }
    parser = DateDataParser(languages=_languages(lang), settings=settings, use_given_order=True)
    found = parser.get_date_data(text)
    if found.date_obj is None or found.locale is None:
        return None
    without_zone, typed_zone = pop_tz_offset_from_string(text)
    locale = default_loader.get_locale(found.locale)
    rendered = locale.translate(without_zone, settings=Settings().replace(**settings))
    return _Reading(
        value=found.date_obj,
        parts=frozenset(found.parts),
        only_a_time=bool(_ONLY_A_TIME.fullmatch(rendered)),
        zone_typed=typed_zone is not None,
    )


# -- the entry points -----------------------------------------------------------------------


def parse_moment(
    text: str,
    lang: str,
    today: date,
    zone: ZoneInfo,
    *,
    future: bool = True,
    month_ok: bool = False,
) -> TypedMoment | Problem:
    """What `text` says, as a day (and time) in `zone`, the place's zone. `today` is the
    author's; `future` refuses a day before it and reads a day without a year as the next
    one; `month_ok` takes a month alone ('März 2027', for a milestone). A time typed with
    a zone ('15:00 MEZ', '3 pm UTC-4') is that time there, given as `zone`'s. A time
    typed where only a day is needed comes back too: the caller leaves it."""
    read = _read(normalized(text), lang, today)
    if read is None:
        return Problem.NOT_A_DATE
    if read.only_a_time:
        return Problem.NO_DAY
    value, parts = read.value, read.parts
    if "day" not in parts:
        if "month" not in parts or not month_ok:
            return Problem.NO_DAY
        first = value.date().replace(day=1)
        if "year" not in parts:
            first = _month_in_year(first.month, today, future)
        if future and (first.year, first.month) < (today.year, today.month):
            return Problem.IN_THE_PAST
        if first > latest_day(today):
            return Problem.TOO_FAR
        return TypedMoment(first, month_only=True)
    if read.zone_typed and "time" in parts:
        value = value.replace(tzinfo=UTC).astimezone(zone).replace(tzinfo=None)
    day = value.date()
    if "year" not in parts and "month" in parts:
        day = _day_in_year(day.month, day.day, today, future)
    elif "year" not in parts and future and day < today:
        day = _day_in_a_month(day.day, today)  # "miércoles 17": the next 17th, not the last
    at = value.time().replace(second=0, microsecond=0) if "time" in parts else None
    return settle(day, at, zone, today, future=future)


def parse_time(text: str, lang: str) -> time | Problem:
    """A time alone ('15:00', '15 Uhr', '15h30', '3 pm', '17'), for a day already known: a
    wall-clock time of the place, so one typed with a zone is refused (ZONE_TYPED)."""
    read = _read(normalized(text, bare_hour=True), lang, date(2001, 1, 1))
    if read is None or not read.only_a_time or "time" not in read.parts:
        return Problem.NOT_A_TIME
    if read.zone_typed:
        return Problem.ZONE_TYPED
    return read.value.time().replace(second=0, microsecond=0)


def settle(
    day: date, at: time | None, zone: ZoneInfo, today: date, *, future: bool = True
) -> TypedMoment | Problem:
    """A day and time, typed or picked, checked: not before `today` (if `future`), not more
    than MAX_YEARS_AHEAD years ahead, a time that exists that day in `zone`."""
    if future and day < today:
        return Problem.IN_THE_PAST
    if day > latest_day(today):
        return Problem.TOO_FAR
    if at is None:
        return TypedMoment(day)
    wall = datetime.combine(day, at, tzinfo=zone)
    if wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall.replace(tzinfo=None):
        return Problem.NO_SUCH_TIME
    ambiguous = wall.utcoffset() != wall.replace(fold=1).utcoffset()
    return TypedMoment(day, at, ambiguous=ambiguous)


# -- a year left out ------------------------------------------------------------------------


def _day_in_a_month(day: int, today: date) -> date:
    """The next date from `today` on whose day of the month is `day` (a 31st may be a few
    months ahead)."""
    year, month = today.year, today.month
    while (found := _date_or_none(year, month, day)) is None or found < today:
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return found


def _day_in_year(month: int, day: int, today: date, future: bool) -> date:
    """The day with that month and day: the next from `today` on, else the nearest."""
    candidates = [
        found
        for year in range(today.year - 1, today.year + 9)  # 29 Feb comes within 8 years
        if (found := _date_or_none(year, month, day)) is not None
    ]
    if future:
        return next(found for found in candidates if found >= today)
    return min(candidates, key=lambda found: abs((found - today).days))


def _month_in_year(month: int, today: date, future: bool) -> date:
    candidates = [date(year, month, 1) for year in (today.year - 1, today.year, today.year + 1)]
    if future:
        return next(f for f in candidates if (f.year, f.month) >= (today.year, today.month))
    this_month = today.replace(day=1)
    return min(candidates, key=lambda found: abs((found - this_month).days))


def _date_or_none(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def latest_day(today: date) -> date:
    """The last day a moment may fall on: MAX_YEARS_AHEAD years from `today`."""
    return _years_after(today, MAX_YEARS_AHEAD)


def _years_after(day: date, years: int) -> date:
    """The same day `years` later (28 February for a 29th that year lacks)."""
    return _date_or_none(day.year + years, day.month, day.day) or date(
        day.year + years, day.month, 28
    )
