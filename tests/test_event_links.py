"""An event's join link and note, and a moved meeting's reason: in the dataset file, the
.ics and the checks an import makes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import icalendar
import pytest

from bot.model.codec import DatasetError
from bot.model.dataset import check_dataset, dataset_from_yaml, dataset_to_yaml
from bot.model.domain import (
    ChangeStatus,
    Dataset,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.text.i18n import I18n
from bot.views.ics import event_ics

LINK = "https://meet.example.org/taller?pwd=1&x=2"
EVENT = Event(
    "taller",
    EventKind.WORKSHOP,
    LocalizedText.of("Taller", "es"),
    PartialDate.of(date(2027, 3, 15)),
    start_time=time(15),
    timezone="America/La_Paz",
    online=True,
    join_url=LINK,
    note=LocalizedText.of("Traigan sus datos", "es", de="Bringt eure Daten mit"),
)


def test_link_note_and_reason_go_through_the_file_unchanged() -> None:
    change = MeetingChange(
        "c1",
        "s",
        datetime(2027, 3, 2, 15),
        ChangeStatus.CANCELLED,
        reason=LocalizedText.of("Feiertag", "de"),
    )
    dataset = Dataset(events=(EVENT,), meeting_changes=(change,))
    text = dataset_to_yaml(dataset)
    assert LINK in text and "Feiertag" in text
    again = dataset_from_yaml(text, known={"meeting_series": {"s"}})
    assert again.events == (EVENT,) and again.meeting_changes == (change,)


@pytest.mark.parametrize(
    "link", ["javascript:alert(1)", "meet.example.org", "https://", "https://a b.org", "x" * 600]
)
def test_a_join_link_must_be_a_web_address(link: str) -> None:
    from dataclasses import replace

    with pytest.raises(DatasetError) as raised:
        check_dataset(Dataset(events=(replace(EVENT, join_url=link),)), {})
    assert raised.value.path == "events[taller].join_url"


def test_the_event_file_carries_link_and_note(i18n: I18n) -> None:
    ics = event_ics(EVENT, i18n.translator("de"), datetime(2027, 1, 1, tzinfo=UTC), sequence=1)
    assert ics is not None
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    assert str(vevent["URL"]) == LINK and str(vevent["LOCATION"]) == LINK
    assert str(vevent["DESCRIPTION"]) == f"Bringt eure Daten mit\n\n{LINK}"
