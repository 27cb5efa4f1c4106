"""The dataset file's checks one by one: YAML's limits, rules a meeting can have, changes
against the stored series, and error messages that stay one short line."""

from __future__ import annotations

import pytest

from bot.model.codec import MAX_MESSAGE, DatasetError, quoted
from bot.model.dataset import MAX_FILE_BYTES, dataset_from_yaml, decode
from bot.model.yaml_limits import MAX_ALIASED_NODES, MAX_DEPTH, load
from storage.store import seed_yaml

SEED_TEXT = seed_yaml()
SEED = dataset_from_yaml(SEED_TEXT)
STORED = {s.id: s for s in SEED.meeting_series}
HEAD = "format: partnerbot-dataset/1\n"
RULE = "rrule: FREQ=WEEKLY;INTERVAL=6;BYDAY=TU"


def refusal(text: str, **kwargs: object) -> DatasetError:
    with pytest.raises(DatasetError) as info:
        dataset_from_yaml(text, **kwargs)  # type: ignore[arg-type]
    assert "\n" not in str(info.value)
    return info.value


# -- YAML ------------------------------------------------------------------------------------


def nested(levels: int) -> str:
    return "[" * levels + "]" * levels


# the limits are counted where PyYAML composes: the same with either parser
either_parser = pytest.mark.parametrize("libyaml", [True, False], ids=["libyaml", "python"])


@either_parser
def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused(libyaml: bool) -> None:
    # the document's mapping is the first level
    assert load(f"x: {nested(MAX_DEPTH - 1)}", libyaml=libyaml) is not None
    with pytest.raises(DatasetError, match=f"nested deeper than {MAX_DEPTH} levels") as info:
        load(f"x: {nested(MAX_DEPTH)}", libyaml=libyaml)
    assert info.value.path == f"line 1, column {3 + MAX_DEPTH}"


@either_parser
def test_aliases_may_share_a_value_but_not_repeat_one_a_billion_times(libyaml: bool) -> None:
    shared = "t: &ten [" + ", ".join("abcdefghij") + "]\n"  # 11 values
    within = shared + "u: [" + ", ".join(["*ten"] * (MAX_ALIASED_NODES // 11)) + "]\n"
    assert len(load(within, libyaml=libyaml)["u"]) == MAX_ALIASED_NODES // 11
    beyond = shared + "u: [" + ", ".join(["*ten"] * (MAX_ALIASED_NODES // 11 + 1)) + "]\n"
    with pytest.raises(DatasetError, match="aliases repeat more than 10,000 values"):
        load(beyond, libyaml=libyaml)


def test_a_real_file_may_use_an_anchor_for_a_shared_value() -> None:
    text = SEED_TEXT.replace(
        "{id: bonn, name: Bonn, country: DE, timezone: Europe/Berlin}",
        "{id: bonn, name: Bonn, country: DE, timezone: &berlin Europe/Berlin}",
    ).replace("  timezone: Europe/Berlin\n  note:", "  timezone: *berlin\n  note:")
    assert "&berlin" in text and "*berlin" in text
    assert dataset_from_yaml(text) == SEED


@pytest.mark.parametrize(
    ("text", "path", "message"),
    [
        ("a: 1\na: 2\n", "line 2, column 1", "the key 'a' is given twice"),
        ("a: " + "1" * 31 + "\n", "line 1, column 4", "a number longer than 30 characters"),
        ("a: 2024-02-30\n", "line 1, column 4", "'2024-02-30' is not a date"),
        ("a: !!python/tuple [1]\n", "line 1, column 4", "'!!python/tuple' is not allowed"),
        ("a: !custom x\n", "line 1, column 4", "'!custom' is not allowed"),
        ("a: !!float 1, x\n", "line 1, column 4", "'!!float' is not allowed"),
        ("a: [!!set {b}]\n", "line 1, column 5", "'!!set' is not allowed"),
        ("a: &x [*x]\n", "line 1, column 8", "an alias may not refer to a value it is inside"),
        ("a:\n\tb: 1\n", "line 2, column 1", "a tab; YAML indents with spaces"),
        ("a: '\x07'\n", "line 1, column 5", "character U+0007 is not allowed"),
    ],
)
@either_parser
def test_yaml_mistakes_are_named_by_line_and_column(
    text: str, path: str, message: str, libyaml: bool
) -> None:
    with pytest.raises(DatasetError) as info:
        load(text, libyaml=libyaml)
    assert (info.value.path, message in info.value.message) == (path, True), info.value


@either_parser
def test_merge_keys_still_work(libyaml: bool) -> None:
    assert load("a: &a {x: 1}\nb: {<<: *a, y: 2}\n", libyaml=libyaml)["b"] == {"x": 1, "y": 2}


def test_bytes_must_be_utf8_and_not_too_many() -> None:
    assert decode("Köln".encode()) == "Köln"
    with pytest.raises(DatasetError) as info:
        decode(b"format: x\nname: K\xf6ln\n")  # Latin-1
    assert (info.value.path, info.value.message) == (
        "line 2, byte 8",
        "not UTF-8 text; save the file as UTF-8",
    )
    decode(b" " * MAX_FILE_BYTES)
    with pytest.raises(DatasetError, match="larger than 4 MiB"):
        decode(b" " * (MAX_FILE_BYTES + 1))


# -- values ------------------------------------------------------------------------------------


def test_an_error_is_one_short_line_however_large_the_value() -> None:
    error = DatasetError("a\nb", "c\r\nd" + "e" * 10_000)
    assert "\n" not in str(error) and "\r" not in str(error)
    assert len(str(error)) == MAX_MESSAGE and str(error).endswith("…")
    value: list[object] = ["x" * 10_000]
    for _ in range(5_000):  # deeper than repr() could go
        value = [value, value]
    assert len(quoted(value)) < 100


@pytest.mark.parametrize(
    ("change", "path", "message"),
    [
        (
            ("partnership_count: 9", "partnership_count: -1"),
            "phases[pilot].partnership_count",
            "from 0 to 1,000,000",
        ),
        (
            ("partnership_count: 9", "partnership_count: 1000001"),
            "phases[pilot].partnership_count",
            "from 0 to 1,000,000",
        ),
        (("since: '2012'", "since: 10000"), "partnerships[bonn-la-paz].since", "from 1 to 9999"),
        (
            ("{id: bonn, name: Bonn,", "{id: bonn, name: 5,"),
            "municipalities[bonn].name",
            "expected a text or a mapping of language to text",
        ),
        (
            ("  south_id: la-paz\n", "  south_id: la-pas\n"),
            "partnerships[bonn-la-paz].south_id",
            "no municipalities with id 'la-pas'",
        ),
        (
            ("  north_id: bonn\n  south_id: la-paz", "  north_id: bonm\n  south_id: la-paz"),
            "partnerships[bonn-la-paz].north_id",
            "no municipalities with id 'bonm'",
        ),
        (
            ("timezone: Africa/Dakar", "timezone: Africa"),
            "municipalities[kidira].timezone",
            "unknown IANA time zone 'Africa'",
        ),
        (
            ("timezone: Africa/Dakar", "timezone: " + "a" * 5000),
            "municipalities[kidira].timezone",
            "unknown IANA time zone 'aaaaaaaa",
        ),
        (
            ("  partnership_count: 9", "  partnership_count: 9\n  note: [" + "x, " * 5000 + "]"),
            "phases[pilot].note",
            "expected a text or a mapping",
        ),
        (
            ("- id: tandem", "- id: tandem\n  " + "é" * 100 + ": 1"),
            "programmes[tandem].'" + "é" * 27 + "..." + "é" * 28 + "'",
            "unknown field",
        ),
    ],
)
def test_values_are_checked_and_named_once(
    change: tuple[str, str], path: str, message: str
) -> None:
    text = SEED_TEXT.replace(*change, 1)
    assert text != SEED_TEXT, change[0]
    error = refusal(text)
    assert (error.path, message in error.message) == (path, True), error
    assert str(error).count(path) == 1


# -- meeting rules and changes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        ("FREQ=SECONDLY", "FREQ must be one of DAILY, WEEKLY, MONTHLY, YEARLY"),
        ("FREQ=MINUTELY;INTERVAL=1440", "FREQ must be one of"),
        ("FREQ=HOURLY;INTERVAL=24", "FREQ must be one of"),
        ("FREQ=DAILY;BYHOUR=9,15", "BYHOUR takes one value"),
        ("FREQ=WEEKLY;BYDAY=TU;BYMINUTE=0,30", "BYMINUTE takes one value"),
        ("FREQ=YEARLY;BYSECOND=1,2", "BYSECOND takes one value"),
        ("FREQ=WEEKLY;FREQ=SECONDLY", "FREQ is given twice"),
        ("RRULE:FREQ=WEEKLY", "give one RRULE value"),
        ("BYDAY=TU", "FREQ must be one of"),
        ("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "the rule gives no meeting"),
        ("FREQ=WEEKLY;INTERVAL=0", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;INTERVAL=-1", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;INTERVAL=²", "INTERVAL must be a whole number from 1"),
        ("FREQ=WEEKLY;INTERVAL=" + "9" * 5000, "INTERVAL must be a whole number from 1"),
        ("FREQ=YEARLY;BYEASTER=0", "'BYEASTER' is not a part of an RFC 5545 RRULE"),
    ],
)
def test_only_rules_a_meeting_series_can_have_are_imported(rule: str, message: str) -> None:
    error = refusal(SEED_TEXT.replace(RULE, f"rrule: '{rule}'", 1))
    assert error.path == "meeting_series[bonn-la-paz-virtual].rrule"
    assert message in error.message, error


def test_rules_meeting_at_most_daily_are_imported() -> None:
    for rule in ("FREQ=DAILY", "FREQ=WEEKLY;BYDAY=MO,TU,WE", "FREQ=MONTHLY;BYDAY=1TU;BYHOUR=15"):
        [series] = dataset_from_yaml(SEED_TEXT.replace(RULE, f"rrule: '{rule}'")).meeting_series
        assert series.rrule == rule


def only_changes(occurrence: str, moved_to: str | None = None) -> str:
    status = f"moved\n  moved_to: '{moved_to}'" if moved_to else "cancelled"
    return HEAD + (
        "meeting_changes:\n- id: call-off\n  series_id: bonn-la-paz-virtual\n"
        f"  occurrence: '{occurrence}'\n  status: {status}\n"
    )


def test_changes_are_checked_against_the_stored_series() -> None:
    known = {"meeting_series": set(STORED)}
    tuesday = dataset_from_yaml(only_changes("2027-01-05T15:00"), known, series=STORED)
    assert [c.id for c in tuesday.meeting_changes] == ["call-off"]
    error = refusal(only_changes("2027-01-06T15:00"), known=known, series=STORED)
    assert (error.path, error.message) == (
        "meeting_changes[call-off].occurrence",
        "the series has no meeting at that time",
    )
    # a series in the file replaces the stored one of its id: its rule decides
    wednesdays = SEED_TEXT.replace(RULE, "rrule: FREQ=WEEKLY;INTERVAL=6;BYDAY=WE").replace(
        "dtstart: '2024-01-09T15:00'", "dtstart: '2024-01-10T15:00'"
    )
    changes = only_changes("2027-01-06T15:00").removeprefix(HEAD)
    both = dataset_from_yaml(wednesdays + changes, known, series=STORED)
    assert [c.id for c in both.meeting_changes] == ["call-off"]


def test_a_meeting_moves_by_a_month_at_most() -> None:
    known = {"meeting_series": set(STORED)}
    near = only_changes("2027-01-05T15:00", "2027-02-05T15:00")  # 31 days
    assert dataset_from_yaml(near, known, series=STORED).meeting_changes
    error = refusal(
        only_changes("2027-01-05T15:00", "2027-02-05T15:01"), known=known, series=STORED
    )
    assert (error.path, error.message) == (
        "meeting_changes[call-off].moved_to",
        "a meeting may be moved by at most 31 days",
    )


def test_a_meeting_lasts_a_day_at_most() -> None:
    for minutes, fine in ((1, True), (1440, True), (0, False), (1441, False)):
        text = SEED_TEXT.replace(RULE, f"{RULE}\n  duration_minutes: {minutes}")
        if fine:
            assert dataset_from_yaml(text).meeting_series[0].duration_minutes == minutes
        else:
            error = refusal(text)
            assert error.path == "meeting_series[bonn-la-paz-virtual].duration_minutes"
