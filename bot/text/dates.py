"""Dates, times and "how long until" in the reader's language and zone (CLDR, bot/text/cldr.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import PartialDate
from bot.text import cldr, places
from bot.text.i18n import Translator

LEAP_YEAR = 2000  # stands in for an unknown year when a day and month are given
SOON = timedelta(hours=6)
"""A meeting closer than this is 'in 3 hours', even when it is tomorrow already."""


def partial_date(tr: Translator, day: PartialDate) -> str:
    """A date as exactly as it is known: '15 August 2014', 'March 2015', '2013', '24 November'."""
    if day.precision == "year":
        return str(day.year)
    if day.year is None:
        assert day.month is not None and day.day is not None
        return cldr.skeleton("MMMMd", date(LEAP_YEAR, day.month, day.day), tr.lang)
    if day.precision == "month":
        assert day.month is not None
        return tr.format_month(date(day.year, day.month, 1))
    full = day.as_date()
    assert full is not None
    return tr.format_date(full)


def date_range(tr: Translator, start: PartialDate, end: PartialDate | None) -> str:
    """'27–29 Sept 2023'; a range only where both ends are known to the day."""
    if end is None or end == start or start.precision != "day" or end.precision != "day":
        return partial_date(tr, start)
    start, end = _one_year(start, end)
    if start.year is None or end.year is None:
        assert start.month and start.day and end.month and end.day
        first, last = date(LEAP_YEAR, start.month, start.day), date(LEAP_YEAR, end.month, end.day)
        return cldr.interval("MMMMd", first, last, tr.lang)
    first_day, last_day = start.as_date(), end.as_date()
    assert first_day and last_day
    return cldr.interval("yMMMMd", first_day, last_day, tr.lang)


def _one_year(start: PartialDate, end: PartialDate) -> tuple[PartialDate, PartialDate]:
    """A range whose one end gives the year: the other end's follows from it (a later day
    of the same year, else of the next), so the year is shown, not dropped."""
    assert start.month and start.day and end.month and end.day
    if start.year is not None and end.year is None:
        later = (end.month, end.day) >= (start.month, start.day)
        return start, PartialDate(start.year + (0 if later else 1), end.month, end.day)
    if start.year is None and end.year is not None:
        earlier = (start.month, start.day) <= (end.month, end.day)
        return PartialDate(end.year - (0 if earlier else 1), start.month, start.day), end
    return start, end


def day_with_weekday(tr: Translator, moment: datetime) -> str:
    """'Tue, Nov 24, 2026': the day of `moment` where it is."""
    return cldr.skeleton("yMMMEd", moment.date(), tr.lang)


def clock_time(tr: Translator, moment: datetime) -> str:
    """'15:00', '3:00 PM': the wall-clock time of `moment` where it is."""
    return cldr.short_time(moment.time(), tr.lang)


def time_in(tr: Translator, moment: datetime, zone: ZoneInfo, place: str | None = None) -> str:
    """'15:00 Berlin': the wall-clock time there, named by the place."""
    return f"{clock_time(tr, moment.astimezone(zone))} {place or places.city(zone, tr.lang)}"


def days_until(tr: Translator, day: date, today: date) -> str:
    """'today', 'tomorrow', 'yesterday', 'in 3 days', 'in 6 weeks', '2 weeks ago': for a
    deadline. One day either way as people say it ('mañana', not 'dentro de 1 día'):
    CLDR has these words, but the pinned Babel does not carry them, so the catalogs do."""
    delta = (day - today).days
    if delta == 0:
        return tr.gettext("today")
    if delta == 1:
        return tr.gettext("tomorrow")
    if delta == -1:
        return tr.gettext("yesterday")
    return cldr.in_days(delta, tr.lang)


def starts_in(tr: Translator, start: datetime, now: datetime, zone: ZoneInfo) -> str:
    """'in 1 hour', 'tomorrow', 'in 2 weeks': how soon `start` is, for a meeting reminder.
    'tomorrow' when it is the next day where the reader is, and not within a few hours."""
    days = (start.astimezone(zone).date() - now.astimezone(zone).date()).days
    if days == 1 and start - now >= SOON:
        return tr.gettext("tomorrow")
    return cldr.relative(start - now, tr.lang)
