"""An .ics file's SEQUENCE (RFC 5545, 3.8.7.4) rises whenever what the file says changes,
and never falls for the same UID: a phone's calendar that imported an older copy takes the
newer one as its update, and keeps a copy whose SEQUENCE is higher than the one offered."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import icalendar

from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import ChangeStatus, Dataset, LocalizedText, MeetingChange
from bot.model.recurrence import occurrences
from storage.db import Database, bundled_migrations
from storage.network import NetworkRepository
from storage.store import Storage, seed_yaml
from tests.conftest import Driver

SERIES, EVENT = "bonn-la-paz-virtual", "example-workshop"


async def test_the_revision_rises_with_what_the_file_says_and_never_falls(
    tmp_path: Path, clock: MovableClock
) -> None:
    store = await Storage.open(tmp_path / "r.sqlite3")
    network = store.network
    try:
        series = await network.series(SERIES)
        [event] = (await network.events())[:1]
        assert series is not None

        async def revisions() -> tuple[int, int]:
            return (await network.series_revision(SERIES), await network.event_revision(event.id))

        start = await revisions()
        await network.save(Dataset(meeting_series=(series,), events=(event,)))
        assert await revisions() == start  # imported again, unchanged: the same file

        steps = []
        slower = replace(series, rrule="FREQ=WEEKLY;INTERVAL=8;BYDAY=TU")
        await network.save(Dataset(meeting_series=(slower,)))  # the series' own rule
        steps.append(await revisions())
        later = replace(slower, dtstart=series.dtstart + timedelta(hours=1))
        await network.save(Dataset(meeting_series=(later,)))  # its time
        steps.append(await revisions())
        now = clock.now()
        meeting = occurrences(later, now, now + timedelta(days=200))[1].local_start
        cancelled = MeetingChange("gone", SERIES, meeting, ChangeStatus.CANCELLED)
        await network.save(Dataset(meeting_changes=(cancelled,)))  # a meeting cancelled
        steps.append(await revisions())
        await store.db.conn.execute("DELETE FROM meeting_changes WHERE id = 'gone'")
        steps.append(await revisions())  # ... and given back: up again, not down
        renamed = replace(event, title=LocalizedText.of("Renamed workshop"))
        await network.save(Dataset(events=(renamed,)))
        steps.append(await revisions())
        await store.db.conn.execute("DELETE FROM events WHERE id = ?", (event.id,))
        await network.save(Dataset(events=(event,)))  # deleted, imported again as it was
        steps.append(await revisions())
        assert [s[0] for s in steps] == [start[0] + n for n in (1, 2, 3, 4, 4, 4)]
        assert [s[1] for s in steps] == [start[1] + n for n in (0, 0, 0, 0, 1, 2)]
    finally:
        await store.close()


async def _sequences(bot: Driver) -> tuple[int, int]:
    """The SEQUENCE of the series' and of the workshop's file as the buttons send them."""
    [reply] = await bot.send("/exchanges workshop")
    before = len(bot.api.calls)
    await bot.press(reply, f"ics:e:{EVENT}")
    await bot.press(reply, f"ics:s:{SERIES}")
    sent = [c for c in bot.api.calls[before:] if c.method == "sendDocument"]
    found = []
    for call in sent:
        [(_name, content)] = call.files.values()
        [vevent] = icalendar.Calendar.from_ical(content).walk("VEVENT")
        found.append(int(vevent.decoded("SEQUENCE")))
    event, series = found
    return series, event


async def test_the_files_sent_carry_the_rising_sequence(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    first = await _sequences(bot)
    series = await storage.network.series(SERIES)
    event = await storage.network.event(EVENT)
    assert series is not None and event is not None
    await storage.network.save(  # as `partnerbot import` of a changed file does
        Dataset(
            meeting_series=(replace(series, rrule="FREQ=WEEKLY;INTERVAL=4;BYDAY=TU"),),
            events=(replace(event, title=LocalizedText.of("Renamed workshop")),),
        )
    )
    assert await _sequences(bot) == (first[0] + 1, first[1] + 1)


async def test_the_migration_goes_on_from_what_was_handed_out(tmp_path: Path) -> None:
    """Before revisions, a series' SEQUENCE was its number of changes and an event had none
    (0): the migration starts there, so no calendar is offered a lower one."""
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        await db.migrate(bundled_migrations()[:7])
        seed = dataset_from_yaml(seed_yaml())
        [series] = [s for s in seed.meeting_series if s.id == SERIES]
        now = datetime(2026, 10, 1, tzinfo=UTC)
        first, second = (o.local_start for o in occurrences(series, now, now + timedelta(200))[:2])
        # Today's code writes columns of later migrations: the rows they add go in by hand.
        await NetworkRepository(db).save(replace(seed, events=(), checklist_templates=()))
        event = seed.events[0]
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO events (id, kind, title, starts) VALUES (?, ?, ?, ?)",
                (event.id, event.kind.value, event.title.original, event.starts.iso()),
            )
            await conn.executemany(
                "INSERT INTO meeting_changes (id, series_id, occurrence, status, moved_to) "
                "VALUES (?, ?, ?, ?, ?)",
                [
                    ("a", SERIES, first.isoformat(), "cancelled", None),
                    ("b", SERIES, second.isoformat(), "moved", (second + timedelta(1)).isoformat()),
                ],
            )
        await db.migrate()
        network = NetworkRepository(db)
        assert await network.series_revision(SERIES) == 2
        assert await network.event_revision(seed.events[0].id) == 0
    finally:
        await db.close()
