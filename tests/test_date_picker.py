"""The calendar keyboard (bot/views/date_picker.py) and the confirmation of a typed or picked
moment (bot/views/typed_moments.py). "Today" is always given."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.messages.pofile import read_po
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.model.domain import LANGUAGES
from bot.telegram.callbacks import (
    CallbackData,
    PickAllDay,
    PickDay,
    PickHour,
    PickMonth,
    PickNothing,
    PickTime,
)
from bot.telegram.html import parse
from bot.telegram.limits import Button, label_room
from bot.text.i18n import I18n, Translator
from bot.text.typed_dates import Problem, TypedMoment, latest_day, parse_moment, parse_time
from bot.views.date_picker import Asked, Screen, month_screen, press
from bot.views.typed_moments import PROBLEMS, confirmation, problem_text
from harness.time_entities import unwrapped_times

ROOT = Path(__file__).resolve().parent.parent
BERLIN = ZoneInfo("Europe/Berlin")
LA_PAZ = ZoneInfo("America/La_Paz")
MAPUTO = ZoneInfo("Africa/Maputo")
TODAY = date(2026, 12, 9)  # a Wednesday
ASKED = Asked(TODAY, BERLIN)


@pytest.fixture(scope="module")
def tr(i18n: I18n) -> Translator:
    return i18n.translator("en")


def pressed(data: CallbackData) -> CallbackData:
    """A button's data as Telegram gives it back: packed, then unpacked by its kind."""
    found = type(data).unpack(data.pack())
    assert found == data
    return found


def offered_days(screen: Screen) -> list[date]:
    days = []
    for row in screen.rows:
        for key in row:
            data = PickDay.unpack(key.callback_data)
            if data is not None:
                days.append(date(data.day // 10000, data.day // 100 % 100, data.day % 100))
    return days


def data_of(screen: Screen, kind: type[CallbackData]) -> list[CallbackData]:
    return [
        found
        for row in screen.rows
        for key in row
        if (found := kind.unpack(key.callback_data)) is not None
    ]


def labels(row: tuple[Button, ...]) -> list[str]:
    return [key.text for key in row]


def screen_of(found: object) -> Screen:
    assert isinstance(found, Screen), found
    return found


# -- a month -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "letters"),
    [
        ("en", "MTWTFSS"),
        ("de", "MDMDFSS"),
        ("es", "LMXJVSD"),
        ("fr", "LMMJVSD"),
        ("pt", "STQQSSD"),
    ],
)
def test_weeks_start_on_monday_with_the_readers_letters(
    i18n: I18n, lang: str, letters: str
) -> None:
    screen = month_screen(i18n.translator(lang), ASKED)
    assert "".join(labels(screen.rows[0])) == letters
    assert all(PickNothing.unpack(key.callback_data) for key in screen.rows[0])
    # Each week row is Monday to Sunday: 9 December 2026 is a Wednesday, third column.
    first_week = labels(screen.rows[1])
    assert first_week == ["·", "·", "9", "10", "11", "12", "13"]


def test_no_day_before_today_is_offered(tr: Translator) -> None:
    screen = month_screen(tr, ASKED)
    days = offered_days(screen)
    assert days == [date(2026, 12, d) for d in range(9, 32)]
    # The weeks gone by are left out: the first row after the letters holds today.
    assert len(screen.rows) == 1 + 4 + 1  # letters, four weeks, ▶
    assert "December 2026" in screen.heading
    # Every row of days has seven buttons, each label within its seventh of the row.
    for row in screen.rows[:-1]:
        assert len(row) == 7
        assert all(1 <= len(key.text) <= label_room(7) for key in row)


def test_month_navigation_across_years(tr: Translator) -> None:
    december = month_screen(tr, ASKED)
    # Today's month has no ◀ (nothing before today is offered), only ▶ to January.
    assert data_of(december, PickMonth) == [PickMonth(202701)]
    assert labels(december.rows[-1]) == ["Jan ▶"]
    january = screen_of(press(tr, ASKED, pressed(PickMonth(202701))))
    assert "January 2027" in january.heading
    assert data_of(january, PickMonth) == [PickMonth(202612), PickMonth(202702)]
    assert labels(january.rows[-1]) == ["◀ Dec", "Feb ▶"]
    # January 2027 starts on a Friday: four blanks, then 1 to 31, all offered.
    assert labels(january.rows[1]) == [" ", " ", " ", " ", "1", "2", "3"]
    assert offered_days(january) == [date(2027, 1, d) for d in range(1, 32)]
    back = screen_of(press(tr, ASKED, pressed(PickMonth(202612))))
    assert back == december


def test_february_of_a_leap_year(tr: Translator) -> None:
    february = screen_of(press(tr, ASKED, PickMonth(202802)))
    assert offered_days(february)[-1] == date(2028, 2, 29)
    assert "Tue, Feb 29, 2028" in screen_of(press(tr, ASKED, PickDay(20280229))).heading
    day_alone = Asked(TODAY, BERLIN, with_time=False)
    assert press(tr, day_alone, PickDay(20280229)) == TypedMoment(date(2028, 2, 29))
    assert press(tr, ASKED, PickDay(20270229)) is Problem.NOT_A_DATE


def test_the_last_month_offered_is_five_years_ahead(tr: Translator) -> None:
    last = screen_of(press(tr, ASKED, PickMonth(203112)))
    assert data_of(last, PickMonth) == [PickMonth(203111)]  # no ▶
    assert offered_days(last) == [date(2031, 12, d) for d in range(1, 10)]
    # A forged month beyond is brought inside; a forged day beyond is refused.
    beyond = screen_of(press(tr, ASKED, PickMonth(204001)))
    assert beyond.heading == last.heading
    assert press(tr, ASKED, PickDay(20311210)) is Problem.TOO_FAR


def test_a_day_gone_by_since_the_keyboard_was_sent(tr: Translator) -> None:
    assert press(tr, ASKED, PickDay(20261208)) is Problem.IN_THE_PAST
    assert press(tr, ASKED, PickTime(20261208, 1500)) is Problem.IN_THE_PAST
    earlier = screen_of(press(tr, ASKED, PickMonth(202611)))  # a stale ◀: today's month
    assert "December 2026" in earlier.heading


@pytest.mark.parametrize("forged", [PickMonth(202613), PickDay(20271301), PickDay(0)])
def test_forged_dates_are_no_dates(tr: Translator, forged: CallbackData) -> None:
    assert press(tr, ASKED, forged) is Problem.NOT_A_DATE


def test_letters_and_blanks_change_nothing(tr: Translator) -> None:
    assert press(tr, ASKED, pressed(PickNothing())) is None


# -- a day's times -------------------------------------------------------------------------


def test_a_day_then_an_hour_then_its_quarter(i18n: I18n) -> None:
    tr = i18n.translator("de")
    hours = screen_of(press(tr, ASKED, pressed(PickDay(20270315))))
    assert "Mo., 15. März 2027" in hours.heading
    assert [key.text for row in hours.rows[:5] for key in row] == [
        f"{h:02d}:00" for h in range(7, 22)
    ]
    assert all(len(row) == 3 for row in hours.rows[:5])
    assert data_of(hours, PickAllDay) == []  # not offered unless asked
    assert data_of(hours, PickMonth) == [PickMonth(202703)]  # back to March
    quarters = screen_of(press(tr, ASKED, pressed(PickHour(20270315, 15))))
    assert labels(quarters.rows[0]) == ["15:00", "15:15", "15:30", "15:45"]
    assert data_of(quarters, PickDay) == [PickDay(20270315)]  # another hour
    found = press(tr, ASKED, pressed(PickTime(20270315, 1530)))
    assert found == TypedMoment(date(2027, 3, 15), time(15, 30))


def test_labels_fit_their_row_in_every_language(i18n: I18n) -> None:
    asked = Asked(TODAY, BERLIN, all_day=True)
    for lang in LANGUAGES:
        tr = i18n.translator(lang)
        screens = [
            month_screen(tr, asked, date(2027, 9, 1)),
            screen_of(press(tr, asked, PickDay(20270915))),
            screen_of(press(tr, asked, PickHour(20270915, 10))),
        ]
        for screen in screens:
            for row in screen.rows:
                for key in row:
                    assert 1 <= len(key.text) <= label_room(len(row)), (lang, key.text)
                    assert not key.text.endswith("…"), (lang, key.text)


def test_all_day_where_the_question_allows_it(tr: Translator) -> None:
    asked = Asked(TODAY, BERLIN, all_day=True)
    hours = screen_of(press(tr, asked, PickDay(20270315)))
    assert data_of(hours, PickAllDay) == [PickAllDay(20270315)]
    assert press(tr, asked, pressed(PickAllDay(20270315))) == TypedMoment(date(2027, 3, 15))
    # Not where a time is needed.
    assert press(tr, ASKED, PickAllDay(20270315)) is Problem.NOT_A_TIME


def test_a_day_alone_where_no_time_is_asked(tr: Translator) -> None:
    asked = Asked(TODAY, BERLIN, with_time=False)
    assert press(tr, asked, PickDay(20270315)) == TypedMoment(date(2027, 3, 15))


def test_a_picked_time_is_checked_for_the_clocks_changing(tr: Translator) -> None:
    # Hours are offered from 07:00; a forged 02:30 still meets the zone's rules.
    assert press(tr, ASKED, PickTime(20270328, 230)) is Problem.NO_SUCH_TIME
    fold = press(tr, ASKED, PickTime(20271031, 230))
    assert fold == TypedMoment(date(2027, 10, 31), time(2, 30), ambiguous=True)
    la_paz = Asked(TODAY, LA_PAZ)
    assert press(tr, la_paz, PickTime(20270328, 230)) == TypedMoment(date(2027, 3, 28), time(2, 30))
    assert press(tr, ASKED, PickTime(20270315, 2460)) is Problem.NOT_A_TIME
    assert press(tr, ASKED, PickHour(20270315, 3)) is Problem.NOT_A_TIME


def test_new_years_eve_to_new_year(tr: Translator) -> None:
    eve = Asked(date(2026, 12, 31), BERLIN)
    screen = month_screen(tr, eve)
    assert offered_days(screen) == [date(2026, 12, 31)]
    assert data_of(screen, PickMonth) == [PickMonth(202701)]
    assert press(tr, eve, PickDay(20261231)) != Problem.IN_THE_PAST
    january = screen_of(press(tr, eve, PickMonth(202701)))
    assert offered_days(january)[0] == date(2027, 1, 1)


# -- the confirmation ----------------------------------------------------------------------


def entities(html: str) -> tuple[str, list[dict[str, object]]]:
    found = parse(html)
    message = {"text": found.text, "entities": found.entities}
    assert unwrapped_times(message) == []
    return found.text, found.entities


def test_the_day_and_each_towns_time(tr: Translator) -> None:
    moment = TypedMoment(date(2027, 3, 15), time(15))
    html = confirmation(tr, moment, LA_PAZ, [BERLIN, LA_PAZ, BERLIN])
    text, found = entities(html)
    assert text == "Mon, Mar 15, 2027, 3:00\u202fPM La Paz · 8:00\u202fPM Berlin"
    instant = datetime(2027, 3, 15, 19, tzinfo=UTC)
    assert [e["unix_time"] for e in found] == [int(instant.timestamp())] * 2
    assert all("date_time_format" not in e for e in found)  # towns' times stay theirs


def test_in_the_authors_language_with_the_towns_names(i18n: I18n) -> None:
    moment = TypedMoment(date(2027, 3, 15), time(15))
    text, _ = entities(confirmation(i18n.translator("es"), moment, LA_PAZ, [BERLIN]))
    assert text == "lun, 15 mar 2027, 15:00 La Paz · 20:00 Berlín"
    text, _ = entities(confirmation(i18n.translator("de"), moment, LA_PAZ, [BERLIN]))
    assert text == "Mo., 15. März 2027, 15:00 La Paz · 20:00 Berlin"


def test_a_town_where_it_is_another_day_says_which(i18n: I18n) -> None:
    moment = TypedMoment(date(2027, 3, 15), time(22))
    text, found = entities(confirmation(i18n.translator("fr"), moment, LA_PAZ, [BERLIN, MAPUTO]))
    assert text == "lun. 15 mars 2027, 22:00 La Paz · 03:00 Berlin (mar.) · 04:00 Maputo (mar.)"
    assert len(found) == 3


def test_the_second_of_two_equal_times_is_not_meant(tr: Translator) -> None:
    moment = parse_moment("31.10.2027 2:30", "de", TODAY, BERLIN)
    assert isinstance(moment, TypedMoment)
    text, found = entities(confirmation(tr, moment, BERLIN, [LA_PAZ]))
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 summer time
    assert {e["unix_time"] for e in found} == {int(first.timestamp())}
    assert "comes twice that night in Berlin" in text


def test_a_day_or_a_month_alone(tr: Translator) -> None:
    assert confirmation(tr, TypedMoment(date(2027, 3, 15)), BERLIN, [LA_PAZ]) == (
        "Mon, Mar 15, 2027"
    )
    month = TypedMoment(date(2027, 3, 1), month_only=True)
    assert confirmation(tr, month, BERLIN, [LA_PAZ]) == "March 2027"


# -- the refusals --------------------------------------------------------------------------


def test_every_problem_is_said_in_every_language(i18n: I18n) -> None:
    english = {problem: problem_text(i18n.translator("en"), problem, BERLIN) for problem in Problem}
    assert "5 years" in english[Problem.TOO_FAR]
    assert "Berlin" in english[Problem.NO_SUCH_TIME]
    for lang in LANGUAGES:
        if lang == "en":
            continue
        tr = i18n.translator(lang)
        for problem in Problem:
            said = problem_text(tr, problem, BERLIN)
            assert said and said != english[problem], (lang, problem)
            parse(said)  # Telegram would take it


_QUOTED = re.compile(r"[“„«]\u202f?(.+?)\u202f?[”“»]")


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_examples_in_the_refusals_are_read_as_they_say(lang: str) -> None:
    """Each catalog's examples of what to type parse as the problem promises."""
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale=lang)
    for problem, msgid in PROBLEMS.items():
        if problem not in (Problem.NOT_A_DATE, Problem.NO_DAY, Problem.NOT_A_TIME):
            continue
        message = catalog[msgid]
        assert message is not None
        said = message.string if lang != "en" else msgid
        example = _QUOTED.search(str(said))
        assert example, (lang, said)
        if problem is Problem.NOT_A_TIME:
            assert isinstance(parse_time(example[1], lang), time), example[1]
        else:
            found = parse_moment(example[1], lang, TODAY, BERLIN)
            assert isinstance(found, TypedMoment) and found.at == time(15), (lang, example[1])


def test_the_asker_adds_its_own_rows_below(tr: Translator) -> None:
    screen = month_screen(tr, ASKED)
    cancel = Button("Cancel", callback_data="x")
    keyboard = screen.keyboard([cancel])
    rows = keyboard.to_dict()["inline_keyboard"]
    assert len(rows) == len(screen.rows) + 1
    assert rows[-1] == [{"text": "Cancel", "callback_data": "x"}]
    assert rows[0][0] == {"text": "M", "callback_data": "dp0"}


@settings(max_examples=60, deadline=None)
@given(
    today=st.dates(min_value=date(2026, 1, 1), max_value=date(2040, 12, 31)),
    ahead=st.integers(min_value=-2, max_value=64),
)
def test_any_month_offers_only_days_that_can_be_picked(
    tr: Translator, today: date, ahead: int
) -> None:
    asked = Asked(today, BERLIN, with_time=False)
    months = today.year * 12 + today.month - 1 + ahead
    shown = screen_of(press(tr, asked, PickMonth((months // 12) * 100 + months % 12 + 1)))
    days = offered_days(shown)
    assert days, "a month shown offers a day"
    assert all(today <= day <= latest_day(today) for day in days)
    for day in days:
        assert press(tr, asked, PickDay(int(day.strftime("%Y%m%d")))) == TypedMoment(day)
    # ◀ and ▶ lead only to months that offer days.
    for step in data_of(shown, PickMonth):
        assert offered_days(screen_of(press(tr, asked, step)))
