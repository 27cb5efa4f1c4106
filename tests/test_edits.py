"""Edits from the chat at the storage level: validated as an import, audited, undone by
their author within the window, erased actors become "a former member"."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest

from bot.model.audit import UNDO_WINDOW, Action, RecordKind
from bot.model.codec import DatasetError
from bot.model.domain import (
    ChangeStatus,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.model.roles import Side
from storage.store import Storage

NOW = datetime(2027, 2, 1, 12, 0, tzinfo=UTC)
ALICE, BOB = 101, 202


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Storage]:
    opened = await Storage.open(tmp_path / "edits.sqlite3")
    try:
        yield opened
    finally:
        await opened.close()


def workshop(title: str = "Taller de energía") -> Event:
    return Event(
        id="taller-2027",
        kind=EventKind.WORKSHOP,
        title=LocalizedText.of(title, "es"),
        starts=PartialDate.of(date(2027, 3, 15)),
        start_time=time(15, 0),
        timezone="America/La_Paz",
        partnership_id="bonn-la-paz",
    )


async def test_a_save_is_audited_and_its_author_may_take_it_back(store: Storage) -> None:
    created = await store.edits.save(workshop(), ALICE, NOW)
    assert created.action is Action.CREATE and created.after is not None
    assert await store.network.event("taller-2027") == workshop()

    renamed = await store.edits.save(workshop("Taller solar"), ALICE, NOW + timedelta(minutes=1))
    assert renamed.action is Action.UPDATE
    assert renamed.changed_fields() == ["title"]

    undo = await store.edits.undo_last(ALICE, NOW + timedelta(minutes=5))
    assert undo is not None and undo.undoes == renamed.id
    assert await store.network.event("taller-2027") == workshop()
    history = await store.edits.history(RecordKind.EVENT, "taller-2027")
    assert [e.id for e in history] == [undo.id, renamed.id, created.id]
    assert history[1].undone_by == undo.id
    # an undo is not itself undone, and the taken-back change is not offered again
    assert await store.edits.undo_last(ALICE, NOW + timedelta(minutes=6)) is None


async def test_undo_is_the_authors_for_fifteen_minutes_and_only_while_unchanged(
    store: Storage,
) -> None:
    created = await store.edits.save(workshop(), ALICE, NOW)
    assert await store.edits.last_undoable(BOB, NOW) is None
    assert await store.edits.last_undoable(ALICE, NOW + UNDO_WINDOW + timedelta(seconds=1)) is None
    assert await store.edits.last_undoable(ALICE, NOW + UNDO_WINDOW) == created
    await store.edits.save(workshop("Otro"), BOB, NOW + timedelta(minutes=2))
    assert await store.edits.last_undoable(ALICE, NOW + timedelta(minutes=3)) is None
    # taking back a creation deletes the record
    other = replace(workshop(), id="taller-2")
    await store.edits.save(other, ALICE, NOW + timedelta(minutes=4))
    assert await store.edits.undo_last(ALICE, NOW + timedelta(minutes=5)) is not None
    assert await store.network.event("taller-2") is None


async def test_a_bad_record_names_its_field_and_changes_nothing(store: Storage) -> None:
    bad = replace(workshop(), ends=PartialDate.of(date(2027, 3, 1)))
    with pytest.raises(DatasetError) as raised:
        await store.edits.save(bad, ALICE, NOW)
    assert raised.value.path == "events[taller-2027].ends"
    assert await store.network.event("taller-2027") is None
    assert await store.edits.entries() == []
    unknown = replace(workshop(), partnership_id="nowhere")
    with pytest.raises(DatasetError, match="partnership_id"):
        await store.edits.save(unknown, ALICE, NOW)


async def test_a_meeting_has_one_change_and_its_series_file_revision_rises(store: Storage) -> None:
    series_id = "bonn-la-paz-virtual"
    before = await store.network.series_revision(series_id)
    meeting = datetime(2027, 2, 16, 15, 0)  # six-weekly Tuesdays from 2024-01-09
    moved = MeetingChange("m1", series_id, meeting, ChangeStatus.MOVED, meeting + timedelta(days=1))
    await store.edits.save(moved, ALICE, NOW)
    cancelled = MeetingChange("m2", series_id, meeting, ChangeStatus.CANCELLED)
    entry = await store.edits.save(cancelled, ALICE, NOW)
    assert entry.record_id == "m1" and entry.action is Action.UPDATE
    assert [c.status for c in await store.network.meeting_changes()] == [ChangeStatus.CANCELLED]
    assert await store.network.series_revision(series_id) == before + 2
    not_a_meeting = MeetingChange(
        "m3", series_id, meeting + timedelta(hours=1), ChangeStatus.CANCELLED
    )
    with pytest.raises(DatasetError, match="occurrence"):
        await store.edits.save(not_a_meeting, ALICE, NOW)


async def test_deleting_a_series_audits_its_changes_too(store: Storage) -> None:
    series_id = "bonn-la-paz-virtual"
    meeting = datetime(2027, 2, 16, 15, 0)
    await store.edits.save(
        MeetingChange("m1", series_id, meeting, ChangeStatus.CANCELLED), ALICE, NOW
    )
    deleted = await store.edits.delete(RecordKind.SERIES, series_id, ALICE, NOW)
    assert deleted is not None and deleted.action is Action.DELETE
    assert await store.network.series(series_id) is None
    assert [(e.kind, e.action) for e in await store.edits.entries()][-2:] == [
        (RecordKind.CHANGE, Action.DELETE),
        (RecordKind.SERIES, Action.DELETE),
    ]
    assert await store.edits.delete(RecordKind.SERIES, series_id, ALICE, NOW) is None


async def test_roles_and_forgetting_an_actor(store: Storage) -> None:
    assert not (await store.roles.of(ALICE, frozenset())).edits_anything
    assert (await store.roles.of(ALICE, {ALICE})).may_edit(None)
    assert await store.roles.appoint_focal_point("bonn-la-paz", ALICE, Side.SOUTH, BOB, NOW)
    roles = await store.roles.of(ALICE, frozenset())
    assert roles.may_edit("bonn-la-paz") and not roles.may_edit("passau-kedougou")
    assert not roles.may_edit(None) and not roles.coordinator
    assert await store.roles.appoint_coordinator(BOB, ALICE, NOW)
    assert not await store.roles.appoint_coordinator(BOB, ALICE, NOW)
    assert (await store.roles.of(BOB, frozenset())).may_edit(None)

    await store.edits.save(workshop(), ALICE, NOW)
    assert await store.edits.forget(ALICE) == 1
    assert await store.roles.forget(ALICE) == 2  # her focal point, and BOB appointed by her
    [entry] = await store.edits.entries()
    assert entry.actor is None
    rows = await store.db.conn.execute_fetchall(
        "SELECT count(*) FROM coordinators WHERE appointed_by = ?", (ALICE,)
    )
    assert next(iter(rows))[0] == 0
