"""Dates, times and "how long until" in the reader's language and zone (Babel)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel import dates

from bot.model.domain import PartialDate
from bot.text.i18n import Translator, long_date, month_of_year

LEAP_YEAR = 2000  # stands in for an unknown year when a day and month are given


def zone_city(zone: ZoneInfo | str) -> str:
    """'Europe/Berlin' -> 'Berlin', 'America/La_Paz' -> 'La Paz': short enough for a phone."""
    key = zone.key if isinstance(zone, ZoneInfo) else zone
    return key.rsplit("/", 1)[-1].replace("_", " ")


# Babel parses the locale and matches the skeleton on every call (tens of µs), and the
# same dates and times come up in reply after reply: each is formatted once per language.
CACHED = 2048


def partial_date(tr: Translator, day: PartialDate) -> str:
    """A date as exactly as it is known: '15 August 2014', 'March 2015', '2013', '24 November'."""
    return _partial_date(day, tr.lang)


@lru_cache(maxsize=CACHED)
def _partial_date(day: PartialDate, lang: str) -> str:
    if day.precision == "year":
        return str(day.year)
    if day.year is None:
        assert day.month is not None and day.day is not None
        return dates.format_skeleton("MMMMd", date(LEAP_YEAR, day.month, day.day), locale=lang)
    if day.precision == "month":
        assert day.month is not None
        return month_of_year(day.year, day.month, lang)
    full = day.as_date()
    assert full is not None
    return long_date(full, lang)


def date_range(tr: Translator, start: PartialDate, end: PartialDate | None) -> str:
    """'27–29 Sept 2023'; a range only where both ends are known to the day."""
    return _date_range(start, end, tr.lang)


@lru_cache(maxsize=CACHED)
def _date_range(start: PartialDate, end: PartialDate | None, lang: str) -> str:
    if end is None or end == start or start.precision != "day" or end.precision != "day":
        return _partial_date(start, lang)
    if start.year is None or end.year is None:
        assert start.month and start.day and end.month and end.day
        first, last = date(LEAP_YEAR, start.month, start.day), date(LEAP_YEAR, end.month, end.day)
        return dates.format_interval(first, last, "MMMMd", locale=lang)
    first_day, last_day = start.as_date(), end.as_date()
    assert first_day and last_day
    return dates.format_interval(first_day, last_day, "yMMMMd", locale=lang)


def day_with_weekday(tr: Translator, moment: datetime) -> str:
    """'Tue, Nov 24, 2026': the day of `moment` where it is (a skeleton of the date only)."""
    return _day_with_weekday(moment.date(), tr.lang)


@lru_cache(maxsize=CACHED)
def _day_with_weekday(day: date, lang: str) -> str:
    return dates.format_skeleton("yMMMEd", day, locale=lang)


def clock_time(tr: Translator, moment: datetime) -> str:
    """'15:00', '3:00 PM': the wall-clock time of `moment` where it is (the short time
    formats of our languages show hours and minutes only)."""
    return _clock_time(moment.hour, moment.minute, tr.lang)


@lru_cache(maxsize=CACHED)
def _clock_time(hour: int, minute: int, lang: str) -> str:
    return dates.format_time(time(hour, minute), "short", locale=lang)


def time_in(tr: Translator, moment: datetime, zone: ZoneInfo, place: str | None = None) -> str:
    """'15:00 Berlin': the wall-clock time there, named by the place."""
    return f"{clock_time(tr, moment.astimezone(zone))} {place or zone_city(zone)}"


def days_until(tr: Translator, day: date, today: date) -> str:
    """'today', 'tomorrow', 'in 3 days', 'in 6 weeks', '2 weeks ago': for a deadline."""
    delta = (day - today).days
    if delta == 0:
        return tr.gettext("today")
    if delta == 1:
        return tr.gettext("tomorrow")
    return _in_days(delta, tr.lang)


@lru_cache(maxsize=CACHED)
def _in_days(delta: int, lang: str) -> str:
    # threshold=2 keeps "13 days" from becoming "2 weeks" (Babel rounds otherwise).
    return dates.format_timedelta(
        timedelta(days=delta), granularity="day", threshold=2, add_direction=True, locale=lang
    )
