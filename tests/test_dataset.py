"""The seed dataset holds what the documents say, and the file format explains mistakes."""

from __future__ import annotations

from datetime import time

import pytest

from bot.model.codec import DatasetError
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import EventKind, LocalizedText, PartialDate
from storage.store import seed_yaml

SEED = dataset_from_yaml(seed_yaml())


def test_phase_4_milestones_with_their_real_dates() -> None:
    dues = [
        m.due.iso() for m in sorted(SEED.milestones, key=lambda m: m.position) if m.phase_id == "p4"
    ]
    assert dues == ["2014-08-15", "2014-08-29", "2014-09-30", "2014-11", "2015-03"]
    assert [PartialDate.parse(d).precision for d in dues] == ["day"] * 3 + ["month"] * 2


def test_phases_and_partnerships_of_the_documents() -> None:
    assert [p.id for p in SEED.phases] == ["pilot", "p2", "p3", "p4", "p8", "p9"]
    towns = {m.id: m for m in SEED.municipalities}
    pairs = {
        (towns[p.north_id].name.original, towns[p.south_id].name.original): p
        for p in SEED.partnerships
    }
    assert len([p for p in SEED.partnerships if p.phase_id == "p8"]) == 9
    assert pairs[("Landkreis Passau", "Département Kédougou")].phase_id == "p8"
    assert pairs[("Worms", "Metz")].programme_id == "tandem"
    assert pairs[("Bonn", "La Paz")].since == PartialDate(2012)
    assert towns["la-paz"].timezone == "America/La_Paz"
    assert towns["mekelle"].country == "ET"
    assert "biodiversity" in pairs[("Köln", "Yarinacocha")].topics


def test_events_keep_open_facts_open() -> None:
    events = {e.id: e for e in SEED.events}
    assert events["p8-kickoff"].starts == PartialDate(None, 11, 24)  # the year is not given
    assert events["la-fortuna-kickoff-2012"].starts.precision == "month"
    talk = events["cities-talk-nature-2022"]
    assert (talk.start_time, talk.end_time, talk.timezone) == (time(16), time(18), "Europe/Berlin")
    assert talk.start_instant() is not None and talk.start_instant().utcoffset().seconds == 3600
    assert events["la-paz-delegation-2023"].kind is EventKind.DELEGATION_VISIT
    assert events["la-paz-delegation-2023"].start_time is None  # no time in the source
    [series] = SEED.meeting_series
    assert (series.rrule, series.timezone) == ("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "Europe/Berlin")


def test_no_personal_contact_data() -> None:
    text = seed_yaml()
    for contact in ("@", "Tel", "Baudach", "Reuter", "Lange", "Galindo", "Sautter"):
        assert contact not in text


@pytest.mark.parametrize(
    ("change", "path"),
    [
        (("phase_id: p8}", "phase_id: p99}"), "partnerships[pforzheim-mtwara].phase_id"),
        (
            ("timezone: America/La_Paz", "timezone: America/Atlantis"),
            "municipalities[la-paz].timezone",
        ),
        (("due: 2015-03", "due: March 2015"), "milestones[p4-kickoff].due"),
        (("country: SN", "country: XX"), "municipalities[kidira].country"),
        (("- id: tandem", "- id: kkp"), "programmes[kkp]"),
        (("  started: '2011'", "  started: '2011'\n  colour: green"), "programmes[kkp].colour"),
    ],
)
def test_mistakes_are_named_by_path(change: tuple[str, str], path: str) -> None:
    text = seed_yaml().replace(*change, 1)
    assert text != seed_yaml()
    with pytest.raises(DatasetError) as info:
        dataset_from_yaml(text)
    assert info.value.path == path


def test_unquoted_yaml_dates_and_times_are_understood() -> None:
    text = (
        seed_yaml()
        .replace("starts: '2022-01-27'", "starts: 2022-01-27")
        .replace("start_time: '16:00'", "start_time: 16:00")
    )
    talk = next(e for e in dataset_from_yaml(text).events if e.id == "cities-talk-nature-2022")
    assert (talk.starts, talk.start_time) == (PartialDate(2022, 1, 27), time(16, 0))


def test_partial_dates_and_localized_texts() -> None:
    assert PartialDate.parse("--11-24").iso() == "--11-24"
    assert PartialDate.parse("2014-11").as_date() is None
    for bad in ("2014-13", "2014-02-30", "--11", "", "14.08.2014"):
        with pytest.raises(ValueError):
            PartialDate.parse(bad)
    text = LocalizedText((("de", "Phase 4"), ("es", "Fase 4")))
    assert (text.get("es"), text.get("fr")) == ("Fase 4", "Phase 4")  # else the original


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (("- id: kkp\n", "- id: KKP Programme\n"), "programmes[KKP Programme].id", "lower-case"),
        (
            ("rrule: FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "rrule: FREQ=WEEKLY;UNTIL=20271231T000000Z"),
            "meeting_series[bonn-la-paz-virtual].rrule",
            "UNTIL in local time",
        ),
        (
            ("rrule: FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "rrule: FREQ=WEEKLY;BYDAY=XX"),
            "meeting_series[bonn-la-paz-virtual].rrule",
            "RRULE",
        ),
        (
            (
                "  starts: '2023-09-27'\n  ends: '2023-09-29'",
                "  starts: '2023-09-27'\n  ends: '2023-09-20'",
            ),
            "events[puebla-network-meeting-2023].ends",
            "ends before it starts",
        ),
        (
            (
                "start_time: '16:00'\n  end_time: '18:00'",
                "start_time: '16:00'\n  end_time: '15:00'",
            ),
            "events[cities-talk-nature-2022].end_time",
            "ends before it starts",
        ),
        (
            (
                "{id: pforzheim-mtwara, north_id: pforzheim, south_id: mtwara",
                "{id: pforzheim-mtwara, north_id: mtwara, south_id: mtwara",
            ),
            "partnerships[pforzheim-mtwara].south_id",
            "cannot partner itself",
        ),
        (
            (
                "topics: [heat-islands, citizen-participation]",
                "topics: [heat-islands, heat-islands]",
            ),
            "partnerships[worms-metz].topics",
            "listed twice",
        ),
        (
            (
                "country: DE, timezone: Europe/Berlin}\n- {id: la-paz",
                "country: '001', timezone: Europe/Berlin}\n- {id: la-paz",
            ),
            "municipalities[bonn].country",
            "unknown country",
        ),
    ],
)
def test_import_refuses_what_would_break_the_bot(
    change: tuple[str, str], path: str, message: str
) -> None:
    text = seed_yaml().replace(*change, 1)
    assert text != seed_yaml(), change[0]
    with pytest.raises(DatasetError, match=message) as info:
        dataset_from_yaml(text)
    assert info.value.path == path
