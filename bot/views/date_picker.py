"""A calendar keyboard for a phone: a month of days, then the times of the day picked.

Pure functions of what is shown and what was pressed: `month_screen` shows a month,
`press` turns a press into the next screen or the answer. The conversation that asks
only wires them (and puts its question above the heading): it keeps no page, since
each button carries its month, day or time.

- A month: the weekdays' letters (CLDR's narrow names, weeks from Monday), the days
  from today on as buttons (a day gone by is a dot, a week gone by is left out), and
  ◀ ▶ to the months around it, within today's month and MAX_YEARS_AHEAD years.
- A day's times: whole hours 07–21, then the hour's quarters; "all day" where the
  question allows it; ◀ back to the month.
- The answer is checked as a typed one is (`typed_dates.settle`).
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, time
from zoneinfo import ZoneInfo

from bot.telegram.callbacks import (
    CallbackData,
    PickAllDay,
    PickDay,
    PickHour,
    PickMonth,
    PickNothing,
    PickTime,
    button,
    grid,
)
from bot.telegram.limits import Button, Keyboard
from bot.text import cldr
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.text.typed_dates import Problem, TypedMoment, latest_day, settle

WEEK = 7
HOURS = range(7, 22)  # 07:00–21:00: a working day in either town of a partnership
HOURS_A_ROW = 3  # five rows of three; "10:00 AM" fits a third of the row
QUARTERS = (0, 15, 30, 45)
GONE = "·"  # a day before today (or beyond the last day offered)
BLANK = " "  # a cell of another month
NOTHING = PickNothing()


@dataclass(frozen=True, slots=True)
class Asked:
    """What the question allows: from `today` (the author's), a day with a time in `zone`,
    or a day alone (`with_time` False), or either (`all_day`)."""

    today: date
    zone: ZoneInfo
    with_time: bool = True
    all_day: bool = False


@dataclass(frozen=True, slots=True)
class Screen:
    """A heading (HTML) and the keyboard under it; the asker adds its question above."""

    heading: str
    rows: tuple[tuple[Button, ...], ...]

    def keyboard(self, *more: Sequence[Button]) -> Keyboard:
        """The keyboard, with the asker's own rows (cancel, type instead) below."""
        return Keyboard([*self.rows, *more])


# -- a month ---------------------------------------------------------------------------------


def month_screen(tr: Translator, asked: Asked, month: date | None = None) -> Screen:
    """The days of `month` (today's, if None) from today on."""
    first = _clamped((month or asked.today).replace(day=1), asked.today)
    header = tuple(
        button(cldr.apply((("E", 5),), date(2024, 1, 1 + i), tr.lang), NOTHING, WEEK)
        for i in range(WEEK)  # 1 January 2024 was a Monday
    )
    rows: list[tuple[Button, ...]] = [header]
    last = latest_day(asked.today)
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month):
        if week[-1] < asked.today:
            continue  # a week gone by
        rows.append(tuple(_day_button(day, first, asked.today, last) for day in week))
    nav = []
    earlier, later = _month_before(first), _month_after(first)
    if earlier >= asked.today.replace(day=1):
        label = f"◀ {_short_month(tr, earlier)}"
        nav.append((label, PickMonth(_month_code(earlier))))
    if later <= last:
        nav.append((f"{_short_month(tr, later)} ▶", PickMonth(_month_code(later))))
    rows.extend(tuple(row) for row in grid(nav, 2))
    return Screen(f"📅 <b>{escape(tr.format_month(first))}</b>", tuple(rows))


def _day_button(day: date, month: date, today: date, last: date) -> Button:
    if day.month != month.month:
        return button(BLANK, NOTHING, WEEK)
    if not today <= day <= last:
        return button(GONE, NOTHING, WEEK)
    return button(str(day.day), PickDay(_day_code(day)), WEEK)


def _short_month(tr: Translator, month: date) -> str:
    """'Mar', 'févr.': the month's stand-alone abbreviation."""
    return cldr.apply((("L", 3),), month, tr.lang)


# -- a day's times ---------------------------------------------------------------------------


def hours_screen(tr: Translator, asked: Asked, day: date) -> Screen:
    """The whole hours of `day`, "all day" if allowed, and back to its month."""
    labelled: list[tuple[str, CallbackData]] = [
        (cldr.short_time(time(hour), tr.lang), PickHour(_day_code(day), hour)) for hour in HOURS
    ]
    rows = [tuple(row) for row in grid(labelled, HOURS_A_ROW)]
    if asked.all_day:
        rows.append((button(tr.gettext("No time (all day)"), PickAllDay(_day_code(day))),))
    rows.append((button(f"◀ {_short_month(tr, day)}", PickMonth(_month_code(day))),))
    return Screen(_day_heading(tr, day, tr.gettext("What time?")), tuple(rows))


def quarters_screen(tr: Translator, day: date, hour: int) -> Screen:
    """The hour's quarters ('15:00 15:15 15:30 15:45'), and back to the hours."""
    labelled: list[tuple[str, CallbackData]] = [
        (
            cldr.short_time(time(hour, minute), tr.lang),
            PickTime(_day_code(day), hour * 100 + minute),
        )
        for minute in QUARTERS
    ]
    rows = [tuple(row) for row in grid(labelled, len(QUARTERS))]
    other_hour = tr.gettext("Other hour")
    rows.append((button(f"◀ {other_hour}", PickDay(_day_code(day))),))
    return Screen(_day_heading(tr, day, tr.gettext("What time?")), tuple(rows))


def _day_heading(tr: Translator, day: date, question: str) -> str:
    return f"📅 <b>{escape(cldr.skeleton('yMMMEd', day, tr.lang))}</b>\n{escape(question)}"


# -- a press ---------------------------------------------------------------------------------


KINDS: tuple[type[CallbackData], ...] = (
    PickMonth,
    PickDay,
    PickHour,
    PickTime,
    PickAllDay,
    PickNothing,
)
"""Every button of the calendar: a conversation that shows it takes these presses."""


def is_pick(data: object) -> bool:
    """A calendar button's data (the handler's pattern)."""
    return any(kind.owns(data) for kind in KINDS)


def pick_of(data: str | None) -> CallbackData | None:
    """The calendar button pressed, unpacked; None for anything else or forged."""
    return next((kind.unpack(data) for kind in KINDS if kind.owns(data)), None)


def press(
    tr: Translator, asked: Asked, data: CallbackData
) -> Screen | TypedMoment | Problem | None:
    """What a press of the calendar gives: the next screen, the answer (checked as a typed
    one is), a problem (a day gone by since the keyboard was sent, a time the clocks skip),
    or None for a press that changes nothing (a weekday's letter, a blank)."""
    if isinstance(data, PickMonth):
        month = _month(data.month)
        return Problem.NOT_A_DATE if month is None else month_screen(tr, asked, month)
    if isinstance(data, PickNothing):
        return None
    day = _day(data.day) if isinstance(data, PickDay | PickHour | PickTime | PickAllDay) else None
    if day is None:
        return Problem.NOT_A_DATE
    checked = settle(day, None, asked.zone, asked.today)
    if isinstance(checked, Problem):
        return checked
    if isinstance(data, PickDay):
        return hours_screen(tr, asked, day) if asked.with_time else checked
    if isinstance(data, PickAllDay):
        return checked if asked.all_day or not asked.with_time else Problem.NOT_A_TIME
    if isinstance(data, PickHour):
        if data.hour not in HOURS:
            return Problem.NOT_A_TIME
        return quarters_screen(tr, day, data.hour)
    assert isinstance(data, PickTime)
    hour, minute = divmod(data.time, 100)
    if hour > 23 or minute > 59:
        return Problem.NOT_A_TIME
    return settle(day, time(hour, minute), asked.zone, asked.today)


# -- the codes on the buttons ----------------------------------------------------------------


def _day_code(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def _month_code(month: date) -> int:
    return month.year * 100 + month.month


def _day(code: int) -> date | None:
    year, rest = divmod(code, 10000)
    try:
        return date(year, *divmod(rest, 100))
    except ValueError:
        return None


def _month(code: int) -> date | None:
    try:
        return date(*divmod(code, 100), 1)
    except ValueError:
        return None


def _month_before(first: date) -> date:
    return date(first.year - 1, 12, 1) if first.month == 1 else first.replace(month=first.month - 1)


def _month_after(first: date) -> date:
    return date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)


def _clamped(first: date, today: date) -> date:
    """A month within those offered (a forged or stale one is brought inside)."""
    earliest = today.replace(day=1)
    latest = latest_day(today).replace(day=1)
    return min(max(first, earliest), latest)
