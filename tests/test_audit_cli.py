"""`partnerbot audit` as an operator runs it: oldest first, one change a line, --since,
--record, --json, one-line errors; and `partnerbot export` never holds the audit."""

from __future__ import annotations

import asyncio
import json
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.model.domain import Event, EventKind, LocalizedText, PartialDate
from harness.bot_process import CLOCK_START, partnerbot
from storage.store import Storage

ALICE, BOB = 101, 202


def workshop(title: str) -> Event:
    return Event(
        id="taller-2027",
        kind=EventKind.WORKSHOP,
        title=LocalizedText.of(title, "es"),
        starts=PartialDate.of(date(2027, 3, 15)),
        start_time=time(15, 0),
        timezone="America/La_Paz",
        partnership_id="bonn-la-paz",
    )


async def _changes(db: Path) -> None:
    store = await Storage.open(db)
    try:
        at = CLOCK_START - timedelta(days=3)
        await store.edits.save(workshop("Taller de energía"), ALICE, at)
        await store.edits.save(workshop("Taller solar"), BOB, at + timedelta(days=2))
        await store.edits.undo_last(BOB, at + timedelta(days=2, minutes=5))
        other = replace(workshop("Otro"), id="otro")
        await store.edits.save(other, BOB, at + timedelta(days=2, minutes=6))
        await store.edits.forget(ALICE)
    finally:
        await store.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "audit.sqlite3"
    asyncio.run(_changes(path))
    return path


def test_audit_lists_every_change_oldest_first(db: Path) -> None:
    result = partnerbot("audit", db=db)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 4
    assert lines[0].startswith(
        "#1  2026-11-20 09:00:00Z  a former member  event:taller-2027  create"
    )
    assert 'title: — → {"es": "Taller de energía"}; starts' in lines[0]
    assert lines[1].startswith(
        "#2  2026-11-22 09:00:00Z  202  event:taller-2027  update (undone by #3)  title: "
        '{"es": "Taller de energía"} → {"es": "Taller solar"}'
    )
    assert lines[2].startswith("#3  2026-11-22 09:05:00Z  202  event:taller-2027  undo of #2")
    assert "event:otro  create" in lines[3]
    assert "101" not in result.stdout  # the erased actor is named nowhere


def test_audit_filters_by_time_and_record_and_speaks_json(db: Path) -> None:
    # the clock (CLOCK_START, 23 Nov 09:00 UTC) decides what "2d" means
    recent = partnerbot("audit", "--since", "2d", db=db).stdout.splitlines()
    assert [line.split()[0] for line in recent] == ["#2", "#3", "#4"]
    assert partnerbot("audit", "--since", "2026-11-22T09:01", db=db).stdout.count("\n") == 2
    later = partnerbot("audit", "--since", "1d", db=db, clock_start=CLOCK_START + timedelta(days=9))
    assert later.stdout == ""
    one = partnerbot("audit", "--record", "event:otro", "--json", db=db).stdout.splitlines()
    [row] = [json.loads(line) for line in one]
    assert row["actor"] == BOB and row["action"] == "create" and row["after"]["id"] == "otro"
    assert datetime.fromisoformat(row["at"]) == CLOCK_START - timedelta(days=1) + timedelta(
        minutes=6
    )


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (("--since", "yesterday"), "partnerbot: audit: --since 'yesterday': expected"),
        (("--record", "meeting:x"), "partnerbot: audit: --record 'meeting:x': expected KIND:ID"),
    ],
)
def test_a_bad_audit_option_is_one_line(db: Path, args: tuple[str, ...], said: str) -> None:
    result = partnerbot("audit", *args, db=db)
    assert result.returncode == 2
    assert result.stderr.startswith(said) and result.stderr.count("\n") == 1


def test_the_export_never_holds_the_audit(db: Path) -> None:
    exported = partnerbot("export", "-", db=db)
    assert exported.returncode == 0, exported.stderr
    assert "otro" in exported.stdout  # the records changed from the chat are data
    for word in ("audit", "actor", "undo", "Taller solar", "former member"):
        assert word not in exported.stdout
