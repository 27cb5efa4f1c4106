""".ics files checked by two readers: icalendar, and recurring-ical-events as a second
implementation of RFC 5545's expansion, whose meetings must be ours (bot.model.recurrence)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import (
    ChangeStatus,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    MeetingSeries,
    PartialDate,
)
from bot.model.recurrence import occurrences
from bot.text.i18n import I18n
from bot.views.ics import event_ics, series_ics
from storage.store import seed_yaml

NOW = datetime(2026, 10, 1, 12, tzinfo=UTC)  # Berlin leaves DST on 25 Oct, New York on 1 Nov
READER = ZoneInfo("America/New_York")  # changes on other days than Berlin, both ways
SEED = dataset_from_yaml(seed_yaml())
[BONN] = [s for s in SEED.meeting_series if s.id == "bonn-la-paz-virtual"]
LINK = "https://meet.example.org/bonn-la-paz"


def changes_for(series: MeetingSeries) -> list[MeetingChange]:
    """One meeting after NOW cancelled, the next moved by two days and an hour, across
    Berlin's change to winter time."""
    ahead = occurrences(series, NOW, NOW + timedelta(days=200))
    cancelled, moved = ahead[1].local_start, ahead[2].local_start
    return [
        MeetingChange("c1", series.id, cancelled, ChangeStatus.CANCELLED),
        MeetingChange(
            "c2", series.id, moved, ChangeStatus.MOVED, moved + timedelta(days=2, hours=1)
        ),
    ]


def expanded(ics: bytes, after: datetime, before: datetime) -> list[tuple[int, ...]]:
    calendar = icalendar.Calendar.from_ical(ics)
    found = recurring_ical_events.of(calendar).between(after, before)
    return sorted(_wall(e.decoded("DTSTART")) for e in found)


def _wall(start: datetime) -> tuple[int, ...]:
    """The start as the reader's clock shows it."""
    local = start.astimezone(READER)
    return (local.year, local.month, local.day, local.hour, local.minute)


SERIES = {
    "six-weekly": BONN,
    "monthly, ends by COUNT": replace(
        BONN, rrule="FREQ=MONTHLY;BYDAY=2WE;COUNT=40", dtstart=datetime(2025, 3, 12, 9)
    ),
    "weekly, ends by UNTIL": replace(
        BONN,
        rrule="FREQ=WEEKLY;BYDAY=MO;UNTIL=20290101T000000",
        timezone="America/La_Paz",
        dtstart=datetime(2024, 2, 5, 18, 30),
    ),
}


@pytest.mark.parametrize("name", sorted(SERIES))
def test_a_second_expansion_gives_our_meetings(name: str, i18n: I18n) -> None:
    series = SERIES[name]
    changes = changes_for(series)
    ics = series_ics(series, i18n.translator("en"), NOW, changes, sequence=0)
    for years in (1, 14):  # across DST changes, and far ahead: the VTIMEZONE must reach
        after = NOW + timedelta(days=365 * (years - 1))
        before = after + timedelta(days=400)
        ours = sorted(_wall(o.start) for o in occurrences(series, after, before, changes))
        assert expanded(ics, after, before) == ours, (name, years)
        assert ours or years > 1  # the counted rule is over by then


def test_the_file_starts_at_the_next_meeting_with_link_note_and_sequence(i18n: I18n) -> None:
    tr = i18n.translator("es")
    note = LocalizedText.of("Ritmo de seis semanas.", "es")
    series = replace(BONN, join_url=LINK, note=note)
    plain = icalendar.Calendar.from_ical(series_ics(series, tr, NOW, sequence=7))
    [event] = plain.walk("VEVENT")
    [first] = occurrences(series, NOW, NOW + timedelta(days=60))[:1]
    assert event.decoded("DTSTART") == first.start and first.start.year == 2026
    assert event.decoded("SEQUENCE") == 7  # the stored revision (tests/test_ics_sequence.py)
    assert str(event["URL"]) == LINK
    assert str(event["DESCRIPTION"]) == f"Ritmo de seis semanas.\n\n{LINK}"


def test_a_counted_rule_keeps_its_end_from_a_later_start(i18n: I18n) -> None:
    series = SERIES["monthly, ends by COUNT"]
    ics = series_ics(series, i18n.translator("en"), NOW, sequence=0)
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    everything = occurrences(
        series, datetime(2025, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC)
    )
    held = [o for o in everything if o.end <= NOW]
    assert event["RRULE"]["COUNT"] == [40 - len(held)] and len(held) > 0
    theirs = expanded(ics, datetime(2025, 1, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))
    assert theirs == sorted(_wall(o.start) for o in everything if o.end > NOW)


def test_the_zone_is_described_over_the_whole_rule(i18n: I18n) -> None:
    ics = series_ics(SERIES["weekly, ends by UNTIL"], i18n.translator("en"), NOW, sequence=0)
    [zone] = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    assert zone["TZID"] == "America/La_Paz"
    [event] = icalendar.Calendar.from_ical(ics).walk("VEVENT")  # UNTIL in UTC, as RFC 5545 says
    assert event["RRULE"]["UNTIL"] == [datetime(2029, 1, 1, 4, tzinfo=UTC)]
    ics = series_ics(
        BONN, i18n.translator("en"), NOW, sequence=0
    )  # no end: twenty years of changes
    [zone] = icalendar.Calendar.from_ical(ics).walk("VTIMEZONE")
    text = zone.to_ical().decode().replace("\r\n ", "")  # DTSTART and RDATE, unfolded
    years = [int(y) for y in re.findall(r"[:,](\d{4})\d{4}T", text)]
    assert min(years) <= NOW.year and max(years) >= NOW.year + 20
    assert {sub.name for sub in zone.subcomponents} == {"STANDARD", "DAYLIGHT"}


MTWARA = ZoneInfo("Africa/Dar_es_Salaam")
EVENTS = {  # (event, the start and end a calendar must show)
    "timed, one day": (
        Event(
            "w1",
            EventKind.WORKSHOP,
            LocalizedText.of("Workshop"),
            PartialDate(2026, 11, 3),
            start_time=time(9, 30),
            end_time=time(12, 0),
            timezone="Africa/Dar_es_Salaam",
        ),
        datetime(2026, 11, 3, 9, 30, tzinfo=MTWARA),
        datetime(2026, 11, 3, 12, tzinfo=MTWARA),
    ),
    "timed, over days across Berlin's clock change": (
        Event(
            "w2",
            EventKind.EXPERT_SECONDMENT,
            LocalizedText.of("Secondment"),
            PartialDate(2026, 10, 20),
            PartialDate(2026, 10, 30),
            start_time=time(8),
            end_time=time(17),
            timezone="Europe/Berlin",
        ),
        datetime(2026, 10, 20, 8, tzinfo=ZoneInfo("Europe/Berlin")),
        datetime(2026, 10, 30, 17, tzinfo=ZoneInfo("Europe/Berlin")),
    ),
    "start time only: an hour": (
        Event(
            "w3",
            EventKind.NETWORK_MEETING,
            LocalizedText.of("Network meeting"),
            PartialDate(2026, 12, 1),
            start_time=time(23, 30),
            timezone="America/La_Paz",
        ),
        datetime(2026, 12, 1, 23, 30, tzinfo=ZoneInfo("America/La_Paz")),
        datetime(2026, 12, 2, 0, 30, tzinfo=ZoneInfo("America/La_Paz")),
    ),
    "all day, over days": (
        Event(
            "v1",
            EventKind.DELEGATION_VISIT,
            LocalizedText.of("Delegation visit"),
            PartialDate(2026, 11, 14),
            PartialDate(2026, 11, 21),
            place=LocalizedText.of("Bonn"),
        ),
        date(2026, 11, 14),
        date(2026, 11, 22),  # exclusive: the day after the last
    ),
}


@pytest.mark.parametrize("name", sorted(EVENTS))
def test_an_event_file_read_by_a_second_implementation(name: str, i18n: I18n) -> None:
    event, start, end = EVENTS[name]
    ics = event_ics(event, i18n.translator("en"), NOW, sequence=3)
    assert ics is not None
    calendar = icalendar.Calendar.from_ical(ics)
    [vevent] = calendar.walk("VEVENT")
    assert vevent.decoded("SEQUENCE") == 3
    assert "URL" not in vevent and "DESCRIPTION" not in vevent  # these events have neither
    found = recurring_ical_events.of(calendar).between(
        datetime(2026, 1, 1, tzinfo=UTC), datetime(2028, 1, 1, tzinfo=UTC)
    )
    assert [(e.decoded("DTSTART"), e.decoded("DTEND")) for e in found] == [(start, end)]
    zones = [z["TZID"] for z in calendar.walk("VTIMEZONE")]
    assert zones == ([] if event.timezone is None else [event.timezone])
