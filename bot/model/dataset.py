"""The dataset file (YAML): read with validation, write deterministically."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, get_args, get_type_hints
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil.rrule import rrule, rrulestr

from bot.model import territories
from bot.model.codec import DatasetError, field_name, from_plain, quoted, to_plain
from bot.model.domain import ChangeStatus, Dataset, Event, MeetingChange, MeetingSeries
from bot.model.recurrence import MOVE_REACH, is_occurrence, rule_problem

FORMAT = "partnerbot-dataset/1"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,39}")
MAX_FILE_BYTES = 4 * 2**20
"""The largest file `partnerbot import` reads: some 200 times the real network's (the
seed: 18 KB for 12 partnerships), 15,000 partnerships with both towns (the benchmarks'
10,000 export to 2.7 MiB). Importing that much takes about 10 s and 280 MB here; a 50 MB
file took two minutes and 3.4 GB, and now is refused before it is read."""
MAX_MEETING_MINUTES = 24 * 60


# yaml and icalendar are imported where used: `partnerbot run` on a seeded database
# needs neither, and they cost it 5 MiB.


def dataset_to_yaml(dataset: Dataset) -> str:
    import yaml

    data: dict[str, Any] = {"format": FORMAT}
    for f in dataclasses.fields(dataset):
        data[f.name] = [to_plain(record) for record in getattr(dataset, f.name)]
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)


def check_size(size: int) -> None:
    if size > MAX_FILE_BYTES:
        raise DatasetError("file", f"larger than {MAX_FILE_BYTES // 2**20} MiB, the limit")


def decode(raw: bytes) -> str:
    """A dataset file's bytes as text: UTF-8, at most MAX_FILE_BYTES."""
    check_size(len(raw))
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        raise DatasetError(
            f"line {line}, byte {byte}", "not UTF-8 text; save the file as UTF-8"
        ) from exc


def dataset_from_yaml(
    text: str,
    known: Mapping[str, set[str]] | None = None,
    *,
    bundled: bool = False,
    series: Mapping[str, MeetingSeries] | None = None,
) -> Dataset:
    """Parse and validate; `known` holds ids already in the database that records may use,
    `series` the meeting series stored there, which changes in the file must fit.
    `bundled`: the seed shipped with partnerbot, which tests/test_dataset.py checks in
    full; its rules are not checked against icalendar's parser here (3 MiB imported for
    the life of the process, at every first start)."""
    from bot.model import yaml_limits

    data = yaml_limits.load(text)
    if not isinstance(data, dict):
        raise DatasetError("file", "expected a mapping with 'format' and lists of records")
    if data.get("format") != FORMAT:
        raise DatasetError("format", f"expected {FORMAT!r}, got {quoted(data.get('format'))}")
    hints = get_type_hints(Dataset)
    unknown = sorted(set(data) - {"format"} - set(hints), key=str)
    if unknown:
        raise DatasetError(field_name(unknown[0]), "unknown section")
    parts: dict[str, tuple[Any, ...]] = {}
    for name, hint in hints.items():
        items = data.get(name) or []
        if not isinstance(items, list):
            raise DatasetError(name, "expected a list")
        (cls, _ellipsis) = get_args(hint)
        parts[name] = tuple(
            from_plain(cls, item, f"{name}[{_label(item, i)}]") for i, item in enumerate(items)
        )
    dataset = Dataset(**parts)
    check_dataset(dataset, known or {}, rule_syntax=not bundled, series=series)
    return dataset


def _label(item: Any, index: int) -> str:
    """Name a record by its id in error messages, by its position when it has none."""
    return _name(item.get("id") if isinstance(item, dict) else None, index)


def _name(record_id: Any, index: int) -> str:
    """An id as a path shows it: as it is when short and on one line, else the position."""
    if isinstance(record_id, str) and 0 < len(record_id) <= 40 and record_id.isprintable():
        return record_id
    return str(index)


def check_dataset(
    dataset: Dataset,
    known: Mapping[str, set[str]],
    *,
    rule_syntax: bool = True,
    series: Mapping[str, MeetingSeries] | None = None,
) -> None:
    """Unique ids, references that resolve, real zones and countries: or a DatasetError.
    `rule_syntax`: also parse each meeting rule as RFC 5545 (icalendar), as .ics files do.
    `series`: those already stored; a change must fit its series, in the file or there."""
    ids: dict[str, set[str]] = {}
    for f in dataclasses.fields(dataset):
        records = getattr(dataset, f.name)
        for index, record in enumerate(records):  # ids travel in button data (64 bytes)
            if not _ID.fullmatch(record.id):
                raise DatasetError(
                    f"{f.name}[{_name(record.id, index)}].id",
                    "use 1 to 40 lower-case letters, digits and hyphens",
                )
        counts = Counter(r.id for r in records)
        for record_id, n in counts.items():
            if n > 1:
                raise DatasetError(f"{f.name}[{record_id}]", "id used more than once")
        ids[f.name] = set(counts) | set(known.get(f.name, set()))

    def refer(
        section: str, record_id: str, fld: str, target: str, values: Iterable[str | None]
    ) -> None:
        for value in values:
            if value is not None and value not in ids[target]:
                raise DatasetError(
                    f"{section}[{record_id}].{fld}", f"no {target} with id {quoted(value)}"
                )

    for ph in dataset.phases:
        refer("phases", ph.id, "programme_id", "programmes", [ph.programme_id])
    for m in dataset.milestones:
        refer("milestones", m.id, "phase_id", "phases", [m.phase_id])
    for mu in dataset.municipalities:
        _check_zone(f"municipalities[{mu.id}].timezone", mu.timezone)
        if not territories.is_country(mu.country):
            raise DatasetError(
                f"municipalities[{mu.id}].country", f"unknown country {quoted(mu.country)}"
            )
    for p in dataset.partnerships:
        if p.north_id == p.south_id:
            raise DatasetError(f"partnerships[{p.id}].south_id", "a town cannot partner itself")
        if len(set(p.topics)) != len(p.topics):
            raise DatasetError(f"partnerships[{p.id}].topics", "a topic is listed twice")
        refer("partnerships", p.id, "north_id", "municipalities", [p.north_id])
        refer("partnerships", p.id, "south_id", "municipalities", [p.south_id])
        refer("partnerships", p.id, "programme_id", "programmes", [p.programme_id])
        refer("partnerships", p.id, "phase_id", "phases", [p.phase_id])
        refer("partnerships", p.id, "topics", "topics", p.topics)
    for e in dataset.events:
        refer("events", e.id, "partnership_id", "partnerships", [e.partnership_id])
        refer("events", e.id, "phase_id", "phases", [e.phase_id])
        refer("events", e.id, "programme_id", "programmes", [e.programme_id])
        _check_event_times(e)
        _check_link(f"events[{e.id}].join_url", e.join_url)
    for s in dataset.meeting_series:
        refer("meeting_series", s.id, "partnership_id", "partnerships", [s.partnership_id])
        _check_zone(f"meeting_series[{s.id}].timezone", s.timezone)
        _check_rule(s, rule_syntax)
        _check_link(f"meeting_series[{s.id}].join_url", s.join_url)
        if not 1 <= s.duration_minutes <= MAX_MEETING_MINUTES:
            raise DatasetError(
                f"meeting_series[{s.id}].duration_minutes",
                f"a meeting lasts 1 to {MAX_MEETING_MINUTES} minutes",
            )
    for ci in dataset.checklist_items:
        refer("checklist_items", ci.id, "event_id", "events", [ci.event_id])
        if ci.done_on is not None and ci.done_on.precision != "day":
            raise DatasetError(f"checklist_items[{ci.id}].done_on", "give the day (YYYY-MM-DD)")
    # the file's series replace the stored ones of the same id
    every = {**(series or {}), **{s.id: s for s in dataset.meeting_series}}
    for c in dataset.meeting_changes:
        refer("meeting_changes", c.id, "series_id", "meeting_series", [c.series_id])
        _check_change(c, every.get(c.series_id))


def _check_event_times(e: Event) -> None:
    path = f"events[{e.id}]"
    if e.timezone is not None:
        _check_zone(f"{path}.timezone", e.timezone)
    elif e.start_time is not None:
        raise DatasetError(f"{path}.timezone", "a time needs its IANA zone")
    first, last = e.starts.latest(), (e.ends or e.starts).latest()
    if first is not None and last is not None and last < first:
        raise DatasetError(f"{path}.ends", "ends before it starts")
    if e.start_time is not None and e.starts.as_date() is None:
        raise DatasetError(f"{path}.start_time", "a time needs a full date (YYYY-MM-DD)")
    if e.end_time is not None:
        last_day = (e.ends or e.starts).as_date()
        start = e.start_instant()
        if start is None or last_day is None or e.timezone is None:
            raise DatasetError(f"{path}.end_time", "an end time needs a start time and full dates")
        if datetime.combine(last_day, e.end_time, ZoneInfo(e.timezone)) <= start:
            raise DatasetError(f"{path}.end_time", "ends before it starts")


def _check_rule(s: MeetingSeries, syntax: bool = True) -> None:
    """The rule must be a meeting's (at most daily), expand on wall-clock time (no UTC
    UNTIL) and yield meetings."""
    path = f"meeting_series[{s.id}].rrule"
    problem = rule_problem(s.rrule)
    if problem is not None:
        raise DatasetError(path, problem)
    try:
        rule = rrulestr(s.rrule, dtstart=s.dtstart)
        if not isinstance(rule, rrule):
            raise ValueError("one rule, not a set")
        first = next(iter(rule), None)
        if syntax:
            import icalendar

            icalendar.vRecur.from_ical(s.rrule)
    except (ValueError, TypeError, OverflowError) as exc:
        raise DatasetError(
            path, f"not a usable RFC 5545 RRULE ({exc}); give UNTIL in local time without Z"
        ) from exc
    if first is None:
        raise DatasetError(path, "the rule gives no meeting")


def _check_change(change: MeetingChange, series: MeetingSeries | None) -> None:
    path = f"meeting_changes[{change.id}]"
    if series is not None and not is_occurrence(series, change.occurrence):
        raise DatasetError(f"{path}.occurrence", "the series has no meeting at that time")
    if (change.status is ChangeStatus.MOVED) != (change.moved_to is not None):
        raise DatasetError(f"{path}.moved_to", "give moved_to exactly when status is moved")
    if change.moved_to is not None and abs(change.moved_to - change.occurrence) > MOVE_REACH:
        raise DatasetError(
            f"{path}.moved_to", f"a meeting may be moved by at most {MOVE_REACH.days} days"
        )


MAX_LINK = 500


def _check_link(path: str, link: str | None) -> None:
    """A join link is a web address people tap: http(s), a host, no spaces."""
    if link is None:
        return
    parts = urlsplit(link) if len(link) <= MAX_LINK else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
        raise DatasetError(path, f"expected an http(s) link of at most {MAX_LINK} characters")
    if any(c.isspace() for c in link):
        raise DatasetError(path, "a link has no spaces or line breaks")


def _check_zone(path: str, name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError) as exc:  # OSError: "Europe" is a folder
        raise DatasetError(path, f"unknown IANA time zone {quoted(name)}") from exc
