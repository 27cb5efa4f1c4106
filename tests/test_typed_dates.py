"""Dates and times as authors type them, in five languages (bot/text/typed_dates.py).

"Today" is always given: nothing here depends on the day the suite runs."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model.domain import LANGUAGES
from bot.text import cldr
from bot.text.i18n import I18n
from bot.text.typed_dates import (
    Problem,
    TypedMoment,
    normalized,
    parse_moment,
    parse_time,
    settle,
)

TODAY = date(2026, 12, 1)
BERLIN = ZoneInfo("Europe/Berlin")
LA_PAZ = ZoneInfo("America/La_Paz")
MARCH_15 = date(2027, 3, 15)
TOMORROW = date(2026, 12, 2)

# (language, what is typed, the day, the time): the formats of the issue, each in its language.
TYPED = [
    ("de", "15.03.2027 15:00", MARCH_15, time(15)),
    ("de", "15.3. 15 Uhr", MARCH_15, time(15)),
    ("de", "am 15. März um 15.30 Uhr", MARCH_15, time(15, 30)),
    ("es", "15 de marzo 15h", MARCH_15, time(15)),
    ("es", "15 de marzo de 2027 a las 15:30", MARCH_15, time(15, 30)),
    ("es", "el lunes 15 de marzo a las 15", MARCH_15, time(15)),
    ("es", "15 de marzo a la 1", MARCH_15, time(1)),
    ("fr", "le 15 mars à 15 h", MARCH_15, time(15)),
    ("fr", "15 mars 2027 15h30", MARCH_15, time(15, 30)),
    ("fr", "le 15 mars à 15 h 30", MARCH_15, time(15, 30)),
    ("pt", "15 de março às 15h", MARCH_15, time(15)),
    ("pt", "dia 15/03 às 15h30", MARCH_15, time(15, 30)),
    ("en", "March 15 2027 3pm", MARCH_15, time(15)),
    ("en", "15 March at 3:30 pm", MARCH_15, time(15, 30)),
    ("en", "15/03/2027", MARCH_15, None),
    ("en", "2027-03-15 15:00", MARCH_15, time(15)),
    ("de", "morgen 10 Uhr", TOMORROW, time(10)),
    ("es", "mañana 10h", TOMORROW, time(10)),
    ("fr", "demain 10h", TOMORROW, time(10)),
    ("pt", "amanhã 10h", TOMORROW, time(10)),
    ("en", "tomorrow 10:00", TOMORROW, time(10)),
    ("en", "tomorrow 9 am", TOMORROW, time(9)),
    ("de", "heute 18 Uhr", TODAY, time(18)),
]


@pytest.mark.parametrize(("lang", "text", "day", "at"), TYPED)
def test_each_format_in_its_language(lang: str, text: str, day: date, at: time | None) -> None:
    assert parse_moment(text, lang, TODAY, BERLIN) == TypedMoment(day, at)


@pytest.mark.parametrize(("lang", "text", "day", "at"), TYPED)
def test_the_other_four_languages_are_read_too(
    lang: str, text: str, day: date, at: time | None
) -> None:
    for other in LANGUAGES:
        assert parse_moment(text, other, TODAY, BERLIN) == TypedMoment(day, at), other


@pytest.mark.parametrize(
    ("lang", "text", "first"),
    [
        ("de", "März 2027", date(2027, 3, 1)),
        ("es", "marzo 2027", date(2027, 3, 1)),
        ("es", "marzo de 2027", date(2027, 3, 1)),
        ("fr", "mars 2027", date(2027, 3, 1)),
        ("pt", "março de 2027", date(2027, 3, 1)),
        ("en", "March 2027", date(2027, 3, 1)),
        ("de", "Februar", date(2027, 2, 1)),  # no year: the next February
        ("de", "Dezember", date(2026, 12, 1)),  # this month is not past
    ],
)
def test_a_month_alone_where_a_month_will_do(lang: str, text: str, first: date) -> None:
    assert parse_moment(text, lang, TODAY, BERLIN, month_ok=True) == TypedMoment(
        first, month_only=True
    )
    assert parse_moment(text, lang, TODAY, BERLIN) is Problem.NO_DAY


def test_a_month_gone_by_this_year_is_refused() -> None:
    assert parse_moment("März 2026", "de", TODAY, BERLIN, month_ok=True) is Problem.IN_THE_PAST
    found = parse_moment("März 2026", "de", TODAY, BERLIN, month_ok=True, future=False)
    assert found == TypedMoment(date(2026, 3, 1), month_only=True)


@pytest.mark.parametrize(
    ("lang", "text", "at"),
    [
        ("en", "15:00", time(15)),
        ("de", "15 Uhr", time(15)),
        ("de", "15.30 Uhr", time(15, 30)),
        ("de", "um 9", time(9)),
        ("es", "15h", time(15)),
        ("es", "3:30 p. m.", time(15, 30)),
        ("es", "a las 15:30", time(15, 30)),
        ("fr", "15 h 30", time(15, 30)),
        ("fr", "à 9h", time(9)),
        ("pt", "15h30", time(15, 30)),
        ("pt", "às 15h", time(15)),
        ("en", "3pm", time(15)),
        ("en", "12 am", time(0)),
        ("en", "10 am", time(10)),
        ("de", "17", time(17)),  # a bare hour, where only a time is asked
    ],
)
def test_a_bare_time_for_a_known_day(lang: str, text: str, at: time) -> None:
    assert parse_time(text, lang) == at
    # Where a day is asked for, a time alone does not name one.
    if text != "17":
        assert parse_moment(text, lang, TODAY, BERLIN) is Problem.NO_DAY


@pytest.mark.parametrize(
    "text", ["morgen 10 Uhr", "15.03.2027", "hallo", "", "25:00", "15 pm", "März"]
)
def test_a_time_is_only_a_time(text: str) -> None:
    assert parse_time(text, "de") is Problem.NOT_A_TIME


@pytest.mark.parametrize("text", ["hallo", "", "   ", "32.03.2027", "15.13.2027", "🙂", "x" * 500])
def test_not_a_date(text: str) -> None:
    assert parse_moment(text, "de", TODAY, BERLIN) is Problem.NOT_A_DATE


def test_in_the_past_unless_the_caller_allows_it() -> None:
    assert parse_moment("15.03.2025 10:00", "de", TODAY, BERLIN) is Problem.IN_THE_PAST
    assert parse_moment("30.11.2026", "de", TODAY, BERLIN) is Problem.IN_THE_PAST
    assert parse_moment("30.11.2026", "de", TODAY, BERLIN, future=False) == TypedMoment(
        date(2026, 11, 30)
    )
    # Today is not past (what time it is now is the caller's to check).
    assert parse_moment("1.12.2026", "de", TODAY, BERLIN) == TypedMoment(TODAY)


def test_too_far_ahead() -> None:
    assert parse_moment("1.12.2031", "de", TODAY, BERLIN) == TypedMoment(date(2031, 12, 1))
    assert parse_moment("2.12.2031", "de", TODAY, BERLIN) is Problem.TOO_FAR
    assert parse_moment("Januar 2032", "de", TODAY, BERLIN, month_ok=True) is Problem.TOO_FAR


def test_a_day_without_a_year_is_the_next_one() -> None:
    assert parse_moment("30.11.", "de", TODAY, BERLIN) == TypedMoment(date(2027, 11, 30))
    assert parse_moment("1.12.", "de", TODAY, BERLIN) == TypedMoment(TODAY)
    new_year_eve = date(2026, 12, 31)
    assert parse_moment("31.12.", "de", new_year_eve, BERLIN) == TypedMoment(new_year_eve)
    assert parse_moment("1.1.", "de", new_year_eve, BERLIN) == TypedMoment(date(2027, 1, 1))
    assert parse_moment("1 de enero", "es", new_year_eve, BERLIN) == TypedMoment(date(2027, 1, 1))
    # Without `future`, the nearest: last month rather than next year's.
    assert parse_moment("30.11.", "de", TODAY, BERLIN, future=False) == TypedMoment(
        date(2026, 11, 30)
    )


def test_a_day_of_the_month_alone_is_the_next_one() -> None:
    """ "miércoles 17" typed on 20 January is 17 February, not three days ago."""
    january_20 = date(2027, 1, 20)
    expected = TypedMoment(date(2027, 2, 17), time(16))
    assert parse_moment("miércoles 17 16h", "es", january_20, BERLIN) == expected
    assert parse_moment("le 17 à 16 h", "fr", january_20, BERLIN) == expected
    assert parse_moment("el 15 a las 9h", "es", date(2027, 12, 20), BERLIN) == TypedMoment(
        date(2028, 1, 15), time(9)
    )
    assert parse_moment("20 16h", "es", january_20, BERLIN) == TypedMoment(january_20, time(16))


def test_29_february() -> None:
    assert parse_moment("29.2.2028", "de", TODAY, BERLIN) == TypedMoment(date(2028, 2, 29))
    assert parse_moment("29.2.", "de", TODAY, BERLIN) == TypedMoment(date(2028, 2, 29))
    assert parse_moment("29 de febrero", "es", TODAY, BERLIN) == TypedMoment(date(2028, 2, 29))
    assert parse_moment("29.2.2027", "de", TODAY, BERLIN) is Problem.NOT_A_DATE
    # Five years from 29 Feb 2028 is 28 Feb 2033, the last day allowed.
    leap = date(2028, 2, 29)
    assert parse_moment("28.2.2033", "de", leap, BERLIN) == TypedMoment(date(2033, 2, 28))
    assert parse_moment("1.3.2033", "de", leap, BERLIN) is Problem.TOO_FAR


def test_numbers_are_day_first_in_every_language() -> None:
    for lang in LANGUAGES:
        assert parse_moment("03/04/2027", lang, TODAY, BERLIN) == TypedMoment(date(2027, 4, 3))
        assert parse_moment("3.4.", lang, TODAY, BERLIN) == TypedMoment(date(2027, 4, 3))


def test_a_time_typed_with_a_zone_is_that_time_there() -> None:
    # 15:00 in Bolivia's zone (UTC-4) is 20:00 in Berlin in March (UTC+1).
    assert parse_moment("15.03.2027 15:00 UTC-4", "de", TODAY, BERLIN) == TypedMoment(
        MARCH_15, time(20)
    )
    # MEZ is UTC+1 whatever the season; La Paz is UTC-4: 15:00 MEZ is 10:00 there.
    assert parse_moment("15.03.2027 15:00 MEZ", "de", TODAY, LA_PAZ) == TypedMoment(
        MARCH_15, time(10)
    )
    # Late at night there is the next day here.
    assert parse_moment("15 March 2027 11pm UTC-4", "en", TODAY, BERLIN) == TypedMoment(
        date(2027, 3, 16), time(4)
    )
    # Without a zone, the time is the place's own.
    assert parse_moment("15.03.2027 15:00", "de", TODAY, LA_PAZ) == TypedMoment(MARCH_15, time(15))
    # A time alone with a zone: which day it is decides the place's time, so it is refused.
    assert parse_time("15:00 MEZ", "de") is Problem.ZONE_TYPED
    assert parse_moment("15:00 MEZ", "de", TODAY, BERLIN) is Problem.NO_DAY


def test_numbers_that_cannot_be_day_first_are_read_the_other_way() -> None:
    # No 15th month: read as 15 March (the confirmation shows it back).
    assert parse_moment("03/15/2027", "en", TODAY, BERLIN) == TypedMoment(MARCH_15)


def test_the_clock_going_forward_leaves_a_gap() -> None:
    # Europe/Berlin, 28 March 2027: 02:00 becomes 03:00.
    assert parse_moment("28.3.2027 2:30", "de", TODAY, BERLIN) is Problem.NO_SUCH_TIME
    assert parse_moment("28.3.2027 3:30", "de", TODAY, BERLIN) == TypedMoment(
        date(2027, 3, 28), time(3, 30)
    )
    # La Paz keeps one time all year: the same wall-clock exists both days.
    for day in (date(2027, 3, 28), date(2027, 10, 31)):
        assert settle(day, time(2, 30), LA_PAZ, TODAY) == TypedMoment(day, time(2, 30))


def test_the_clock_going_back_repeats_an_hour_the_first_is_meant() -> None:
    # Europe/Berlin, 31 October 2027: 03:00 becomes 02:00, 02:30 happens twice.
    found = parse_moment("31.10.2027 2:30", "de", TODAY, BERLIN)
    assert found == TypedMoment(date(2027, 10, 31), time(2, 30), ambiguous=True)
    start = found.start(BERLIN)
    assert start is not None
    assert start.astimezone(UTC) == datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # summer time
    later = parse_moment("31.10.2027 3:30", "de", TODAY, BERLIN)
    assert later == TypedMoment(date(2027, 10, 31), time(3, 30))


def test_settle_checks_a_picked_day_as_a_typed_one() -> None:
    assert settle(TODAY - timedelta(days=1), None, BERLIN, TODAY) is Problem.IN_THE_PAST
    assert settle(date(2032, 1, 1), None, BERLIN, TODAY) is Problem.TOO_FAR
    assert settle(TODAY, time(9), BERLIN, TODAY) == TypedMoment(TODAY, time(9))
    assert TypedMoment(TODAY).start(BERLIN) is None


@pytest.mark.parametrize(
    ("typed", "given"),
    [
        ("15.3. 15 Uhr", "15/3 15:00"),  # not '15.03:15'
        ("1.12.", "1/12"),  # a day, not the time 1:12
        ("1.12.2027", "1.12.2027"),
        ("15 de marzo 15h", "15 de marzo 15:00"),  # not the year 2115
        ("le 15 mars à 15 h 30", "le 15 mars à 15:30"),
        ("15 mars à 15 h", "15 mars à 15:00"),
        ("à 15 mars", "à 15 mars"),  # a day after "à", not an hour
        ("3:30 p. m.", "15:30"),
        ("12 pm", "12:00"),
        ("  morgen\n 10  Uhr ", "morgen 10:00"),
    ],
)
def test_what_dateparser_is_given(typed: str, given: str) -> None:
    assert normalized(typed) == given


def test_dateparser_is_imported_only_when_a_date_is_typed() -> None:
    """The bot, its handlers and the date views load without dateparser (a fresh process:
    this one has read dates already)."""
    code = (
        "import sys, bot.app, bot.views.date_picker, bot.views.typed_moments\n"
        "assert 'dateparser' not in sys.modules, 'imported at start'\n"
        "from datetime import date\n"
        "from zoneinfo import ZoneInfo\n"
        "from bot.text.typed_dates import parse_moment\n"
        "parse_moment('morgen', 'de', date(2026, 12, 1), ZoneInfo('Europe/Berlin'))\n"
        "assert 'dateparser' in sys.modules\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@settings(max_examples=40, deadline=None)
@given(st.dates(min_value=TODAY, max_value=date(2031, 12, 1)))
def test_the_bots_own_dates_read_back_in_every_language(i18n: I18n, day: date) -> None:
    """A date as the bot writes it ('15. März 2027', '1er mars 2027', 'Mar 15, 2027') is
    read back as that day, in each language, and so is its numeric form."""
    for lang in LANGUAGES:
        tr = i18n.translator(lang)
        for written in (tr.format_date(day), cldr.skeleton("yMMMEd", day, lang)):
            assert parse_moment(written, lang, TODAY, BERLIN) == TypedMoment(day), written
    assert parse_moment(f"{day.day}.{day.month}.{day.year}", "en", TODAY, BERLIN) == (
        TypedMoment(day)
    )


def test_the_bots_own_times_read_back_in_every_language() -> None:
    """A time as the bot writes it ('15:30', '3:30 PM' with CLDR's narrow space) is read
    back by parse_time in each language."""
    for lang in LANGUAGES:
        for hour in range(24):
            for minute in (0, 30):
                written = cldr.short_time(time(hour, minute), lang)
                assert parse_time(written, lang) == time(hour, minute), (lang, written)


@pytest.mark.parametrize(
    ("lang", "text", "day", "at"),
    [
        ("es", "el lunes a las 3 de la tarde", date(2027, 1, 25), time(15)),
        ("es", "mañana a las 8 de la noche", date(2027, 1, 21), time(20)),
        ("es", "15 de marzo 10 de la mañana", date(2027, 3, 15), time(10)),
        ("es", "15 de marzo 12 de la tarde", date(2027, 3, 15), time(12)),
        ("pt", "15 de março às 3 da tarde", date(2027, 3, 15), time(15)),
        ("fr", "le 15 mars à 3 h de l'après-midi", date(2027, 3, 15), time(15)),
        ("fr", "le 15 mars à 8 h du soir", date(2027, 3, 15), time(20)),
    ],
)
def test_a_time_said_with_the_part_of_the_day(lang: str, text: str, day: date, at: time) -> None:
    """ "3 de la tarde" is 15:00, as people in La Paz or Mtwara's French-speaking
    neighbours say it; "10 de la mañana" stays 10:00 (mañana: morning, not tomorrow)."""
    assert parse_moment(text, lang, date(2027, 1, 20), BERLIN) == TypedMoment(day, at)


def test_a_time_alone_said_with_the_part_of_the_day() -> None:
    assert parse_time("3 de la tarde", "es") == time(15)
    assert parse_time("3 da tarde", "pt") == time(15)
    assert parse_time("3 h de l'après-midi", "fr") == time(15)
