"""/exchanges: what is coming, in the reader's zone and both towns' zones, as .ics files."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest

from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import PartialDate
from bot.model.recurrence import occurrences
from bot.text.dates import date_range
from bot.text.i18n import I18n
from harness.screen import SCREEN_LINES, screen_lines
from storage.store import seed_yaml
from tests.conftest import Driver

[SERIES] = dataset_from_yaml(seed_yaml()).meeting_series
BERLIN, LA_PAZ = ZoneInfo("Europe/Berlin"), ZoneInfo("America/La_Paz")


def plain_spaces(text: str) -> str:
    """CLDR puts narrow and thin spaces in English times and ranges ('3:00\u202fPM')."""
    return text.replace("\u202f", " ").replace("\u2009", " ")


async def all_text(bot: Driver, command: str, user: Any = None) -> str:
    [first] = await bot.send(command, user=user)
    return "\n\n".join(p["text"] for p in await bot.pages(first, user))


def test_six_weekly_meeting_stays_at_15_berlin_across_two_years_of_dst() -> None:
    start = datetime(2026, 1, 1, tzinfo=UTC)
    found = occurrences(SERIES, start, start + timedelta(days=730))
    assert len(found) == 17  # every six weeks over two years
    assert all(o.start.astimezone(BERLIN).hour == 15 for o in found)
    assert all(o.start.weekday() == 1 for o in found)  # Tuesdays
    la_paz_hours = {o.start.astimezone(LA_PAZ).hour for o in found}
    assert la_paz_hours == {9, 10}  # 10:00 in Berlin's winter, 09:00 in its summer
    assert all((b.local_start - a.local_start).days == 42 for a, b in pairwise(found))


def test_meeting_in_progress_is_still_listed() -> None:
    during = datetime(2026, 11, 24, 14, 30, tzinfo=UTC)  # 15:30 Berlin, meeting until 16:00
    assert occurrences(SERIES, during, during + timedelta(days=1))[0].local_start.hour == 15


async def test_upcoming_soonest_first_with_both_towns_times(bot: Driver) -> None:
    [reply] = await bot.send("/exchanges")
    text = plain_spaces(reply["text"])
    assert text.startswith("4 upcoming exchanges")
    first = text.split("\n\n")[1]
    assert "💻 Virtual meeting · Bonn – La Paz" in first
    assert "Tue, Nov 24, 2026, 3:00 PM Berlin (tomorrow)" in first
    assert "3:00 PM Bonn · 10:00 AM La Paz" in first
    assert "📍" not in first  # 💻 says "online" already
    assert "Virtual meeting Bonn – La Paz" not in first  # its title: what the first line says
    assert "🧪 example" in text.split("\n\n")[2]


async def test_pages_fit_a_phone_screen_and_have_no_idle_counter(bot: Driver) -> None:
    user = bot.user(language_code="es")
    [first] = await bot.send("/exchanges past", user=user)
    pages = await bot.pages(first, user)
    assert len(pages) > 1
    calendar_labels = []
    for page in pages:
        assert screen_lines(page["text"]) <= SCREEN_LINES
        labels = [k["text"] for row in page["reply_markup"]["inline_keyboard"] for k in row]
        assert not any("/" in label for label in labels), labels  # no inert "1/2"
        calendar_labels += [label for label in labels if "📎" in label]
    assert calendar_labels  # past exchanges with a full date have a 📎 each
    assert all(label.endswith(": añadir al calendario") for label in calendar_labels)


async def test_times_follow_the_readers_zone(bot: Driver) -> None:
    user = bot.user(language_code="es")
    [done] = await bot.send("/timezone America/La_Paz", user=user)
    assert done["text"].startswith("Listo: ahora muestro las horas en La Paz")
    [reply] = await bot.send("/exchanges bonn", user=user)
    assert "mar, 24 nov 2026, 10:00 La Paz (mañana)" in reply["text"]
    assert "15:00 Bonn · 10:00 La Paz" in reply["text"]


async def test_after_berlins_clock_change_la_paz_sees_nine(
    bot: Driver, clock: MovableClock
) -> None:
    clock.set(datetime(2027, 3, 25, 12, 0, tzinfo=UTC))  # DST starts in Berlin on 28 March
    [reply] = await bot.send("/exchanges la paz", user=bot.user(language_code="de"))
    assert "Di., 30. März 2027, 15:00 Berlin" in reply["text"]
    assert "15:00 Bonn · 09:00 La Paz" in reply["text"]


@pytest.mark.parametrize(
    ("words", "expected", "absent"),
    [
        ("bonn", "Bonn – La Paz", "Example phase"),
        ("workshop", "Online workshop on waste management", "Virtual meeting"),
        ("taller", "Online workshop on waste management", "Virtual meeting"),  # Spanish kind
        ("la paz", "Expert secondment", "Online workshop"),  # a place, too
    ],
)
async def test_filters(bot: Driver, words: str, expected: str, absent: str) -> None:
    text = await all_text(bot, f"/exchanges {words}")
    assert expected in text and absent not in text


async def test_past_exchanges_are_paged_in_place(bot: Driver) -> None:
    [first] = await bot.send("/exchanges past")
    assert first["text"].startswith("5 past exchanges")
    assert "Delegation from La Paz visits Bonn" in first["text"]
    nav = first["reply_markup"]["inline_keyboard"][-2]
    assert [k["text"] for k in nav] == ["▶"]
    pages = await bot.pages(first)
    assert {p["message_id"] for p in pages} == {first["message_id"]}
    assert next(k["text"] for k in pages[1]["reply_markup"]["inline_keyboard"][-2]) == "◀"
    text = plain_spaces("\n\n".join(p["text"] for p in pages))
    assert "Sep 27 – 29, 2023" in text  # Puebla, a range of days
    assert "5. 🚀 Phase 8\nKick-off workshop of phase 8" in text  # the kind: in the title
    # year-less: shown as given, said so (as /milestones does), no relative hint
    assert "📅 Nov 24 – 25 (year not given)\n" in text


async def test_nothing_matching_tells_what_to_type(bot: Driver) -> None:
    [reply] = await bot.send("/exchanges zanzibar", user=bot.user(language_code="fr"))
    assert reply["text"].startswith("Aucun échange ne correspond à «\u202fzanzibar\u202f»")


async def test_series_ics_is_one_recurring_event_in_its_zone(bot: Driver) -> None:
    [reply] = await bot.send("/exchanges bonn")
    assert "📎 1: add to calendar" in str(reply["reply_markup"])
    ics = next(
        k
        for row in reply["reply_markup"]["inline_keyboard"]
        for k in row
        if k["callback_data"].startswith("ics:s:")
    )
    await bot.press(reply, ics["callback_data"])
    [sent] = [c for c in bot.api.calls if c.method == "sendDocument"]
    [(name, content)] = sent.files.values()
    assert name == "bonn-la-paz-virtual.ics"
    calendar = icalendar.Calendar.from_ical(content)
    [event] = calendar.walk("VEVENT")
    assert event["RRULE"].to_ical() == b"FREQ=WEEKLY;INTERVAL=6;BYDAY=TU"
    start = event.decoded("DTSTART")
    assert (start.hour, start.minute, str(start.tzinfo)) == (15, 0, "Europe/Berlin")
    assert event.decoded("DURATION") == timedelta(hours=1)
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]


async def test_event_ics_timed_and_all_day(bot: Driver) -> None:
    [reply] = await bot.send("/exchanges workshop")
    await bot.press(reply, "ics:e:example-workshop")
    await bot.press(reply, "ics:e:la-paz-delegation-2023")
    timed, all_day = [
        next(iter(c.files.values()))[1] for c in bot.api.calls if c.method == "sendDocument"
    ]
    [workshop] = icalendar.Calendar.from_ical(timed).walk("VEVENT")
    assert workshop.decoded("DTSTART") == datetime(2026, 12, 1, 15, 0, tzinfo=BERLIN)
    assert workshop.decoded("DTEND") == datetime(2026, 12, 1, 17, 0, tzinfo=BERLIN)
    [visit] = icalendar.Calendar.from_ical(all_day).walk("VEVENT")
    assert str(visit.decoded("DTSTART")) == "2023-11-14"
    assert str(visit.decoded("DTEND")) == "2023-11-15"  # exclusive end: one whole day
    assert "Bonn" in str(visit["LOCATION"])


async def test_group_sees_its_own_marked_in_date_order(bot: Driver) -> None:
    group = bot.group(-3001)
    storage = bot.app.bot_data.storage
    assert storage is not None
    await storage.db.conn.execute("INSERT INTO chats (id, type) VALUES (-3001, 'supergroup')")
    await storage.db.conn.execute(
        "INSERT INTO subscriptions (chat_id, target_kind, target_id, created_at) "
        "VALUES (-3001, 'phase', 'example-phase', '2026-11-23')"
    )
    [reply] = await bot.send("/exchanges", chat=group)
    blocks = [b for p in await bot.pages(reply) for b in p["text"].split("\n\n")]
    assert blocks[1].startswith("1. 💻 Virtual meeting · Bonn – La Paz")  # the soonest
    assert blocks[2] == "⭐ followed by this chat"
    assert blocks[4].startswith("2. ⭐ 🛠 Example phase")  # followed: marked, not moved up


def test_event_without_end_time_stays_upcoming_through_its_days(i18n: object) -> None:
    from datetime import time as clock_time

    from bot.model.calendar import from_event
    from bot.model.domain import Event, EventKind, LocalizedText, PartialDate
    from bot.views.ics import event_ics

    workshop = Event(
        "w",
        EventKind.WORKSHOP,
        LocalizedText.of("Workshop"),
        PartialDate(2027, 5, 10),
        PartialDate(2027, 5, 14),
        start_time=clock_time(9, 0),
        timezone="Europe/Berlin",
    )
    item = from_event(workshop)
    assert item.is_upcoming(datetime(2027, 5, 12, 12, tzinfo=UTC))  # day 3 of 5
    assert not item.is_upcoming(datetime(2027, 5, 14, 22, 30, tzinfo=UTC))  # over in Berlin
    late = Event(
        "n",
        EventKind.WORKSHOP,
        LocalizedText.of("Night session"),
        PartialDate(2027, 5, 10),
        start_time=clock_time(23, 30),
        timezone="Europe/Berlin",
    )
    calendar = icalendar.Calendar.from_ical(
        event_ics(late, i18n.translator("en"), datetime(2027, 1, 1, tzinfo=UTC), sequence=0)
    )  # type: ignore[attr-defined]
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTEND") - event.decoded("DTSTART") == timedelta(hours=1)


async def test_the_kept_calendar_gives_way_to_a_change_of_the_network(bot: Driver) -> None:
    """Replies dropped, the calendar of the minute kept: a page is rendered from it, until
    the network's data changes (here, events renamed as an import would)."""
    storage = bot.app.bot_data.storage
    assert storage is not None
    [first] = await bot.send("/exchanges")
    storage.db.replies.drop_all()
    [again] = await bot.send("/exchanges")
    assert again["text"] == first["text"]
    async with storage.db.transaction() as conn:
        await conn.execute("UPDATE events SET title = ?", ('"Renamed in the network"',))
    storage.db.replies.drop_all()
    assert "Renamed in the network" in await all_text(bot, "/exchanges")


async def test_one_calendar_is_kept_per_period_and_zone_the_newest_minute(
    bot: Driver, clock: MovableClock
) -> None:
    store = bot.app.bot_data.storage
    assert store is not None
    for minute in range(5):  # a listing is of its minute; older minutes are never read again
        clock.set(datetime(2026, 11, 23, 10, minute, tzinfo=UTC))
        [reply] = await bot.send("/exchanges")
        assert reply["text"].startswith("4 upcoming exchanges")
    listings = [key for key in store.db.cache._entries if key[0] == "exchanges-listing"]
    assert listings == [("exchanges-listing", False, "Europe/Berlin")]


@pytest.mark.parametrize(
    ("starts", "ends", "shown"),
    [
        ("2023-11-24", "--11-25", "Nov 24 – 25, 2023"),  # the end's year is the start's
        ("--11-24", "2023-11-25", "Nov 24 – 25, 2023"),
        ("2023-12-30", "--01-02", "Dec 30, 2023 – Jan 2, 2024"),  # over the new year
        ("--11-24", "--11-25", "Nov 24 – 25"),  # no year at all: the caller says so
    ],
)
def test_a_range_shows_the_year_either_end_gives(
    i18n: I18n, starts: str, ends: str, shown: str
) -> None:
    text = date_range(i18n.translator("en"), PartialDate.parse(starts), PartialDate.parse(ends))
    assert plain_spaces(text) == shown
