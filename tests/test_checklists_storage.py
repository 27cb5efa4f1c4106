"""Checklists in storage: made from the template when an exchange is created or imported,
once; carried by export and import; ticked once; forgotten with their ticker."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from bot.model.checklists import due_day, owning_sides, progress, template_for
from bot.model.codec import DatasetError
from bot.model.dataset import dataset_from_yaml, dataset_to_yaml
from bot.model.domain import (
    ChecklistSide,
    Dataset,
    Event,
    EventKind,
    ExchangeTemplate,
    LeadTime,
    LocalizedText,
    PartialDate,
)
from bot.model.posts import ChecklistReminder, ChecklistStage, Planned
from bot.model.roles import Side
from storage.store import Storage

NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)


def visit(starts: date, **changes: object) -> Event:
    event = Event(
        id="la-paz-to-bonn-2027",
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of("Delegation from La Paz visits Bonn", "en"),
        starts=PartialDate.of(starts),
        timezone="Europe/Berlin",
        partnership_id="bonn-la-paz",
        travelling=Side.SOUTH,
    )
    return replace(event, **changes)  # type: ignore[arg-type]


@pytest.fixture
async def storage(tmp_path: Path) -> Storage:
    store = await Storage.open(tmp_path / "c.sqlite3")
    yield store  # type: ignore[misc]
    await store.close()


def test_templates_by_kind_and_direction() -> None:
    day = date(2027, 3, 15)
    assert template_for(visit(day)) is ExchangeTemplate.SOUTH_NORTH_VISIT
    assert template_for(visit(day, travelling=Side.NORTH)) is ExchangeTemplate.NORTH_SOUTH_VISIT
    assert template_for(visit(day, travelling=None)) is None
    assert template_for(visit(day, online=True)) is None
    secondment = visit(day, kind=EventKind.EXPERT_SECONDMENT)
    assert template_for(secondment) is ExchangeTemplate.EXPERT_SECONDMENT
    assert template_for(visit(day, kind=EventKind.WORKSHOP)) is ExchangeTemplate.WORKSHOP_TRAVEL
    assert template_for(visit(day, kind=EventKind.VIRTUAL_MEETING)) is None


def test_sides_and_lead_times() -> None:
    assert owning_sides(ChecklistSide.TRAVELLING, Side.SOUTH) == {Side.SOUTH}
    assert owning_sides(ChecklistSide.HOST, Side.SOUTH) == {Side.NORTH}
    assert owning_sides(ChecklistSide.BOTH, Side.SOUTH) == {Side.NORTH, Side.SOUTH}
    assert owning_sides(ChecklistSide.HOST, None) == frozenset()
    assert LeadTime.parse("8 weeks") == LeadTime(56)
    assert LeadTime.parse("3 days").text() == "3 days"
    assert LeadTime.parse("14 d").text() == "2 weeks"
    assert LeadTime.parse("1 w").text() == "1 week"
    for bad in ("eight weeks", "8 months", "400 days", ""):
        with pytest.raises(ValueError):
            LeadTime.parse(bad)


async def test_an_imported_visit_gets_its_templates_checklist_once(storage: Storage) -> None:
    starts = NOW.date() + timedelta(days=70)
    await storage.import_dataset(Dataset(events=(visit(starts),)))
    items = [item for item, _tick in await storage.checklists.items("la-paz-to-bonn-2027")]
    template = [
        t for t in await storage.checklists.templates() if t.template == "south_north_visit"
    ]
    assert [i.title for i in items] == [t.title for t in template]
    assert len(items) == 10
    visa = next(i for i in items if i.title.get("en") == "Book the visa appointment")
    assert visa.lead == LeadTime(56) and visa.side is ChecklistSide.TRAVELLING
    assert due_day(visa, visit(starts)) == starts - timedelta(weeks=8)
    # A later edit of the exchange (moved a week) keeps the checklist as it is.
    await storage.network.save(Dataset(events=(visit(starts + timedelta(days=7)),)))
    again = [item for item, _tick in await storage.checklists.items("la-paz-to-bonn-2027")]
    assert again == items


async def test_ticks_once_and_forgets_the_ticker(storage: Storage) -> None:
    await storage.import_dataset(Dataset(events=(visit(date(2027, 3, 15)),)))
    first, second = [i for i, _t in await storage.checklists.items("la-paz-to-bonn-2027")][:2]
    assert await storage.checklists.tick(first.id, 42, "Ana", NOW)
    assert not await storage.checklists.tick(first.id, 43, "Ben", NOW)  # ticked already
    found = await storage.checklists.item(first.id)
    assert found is not None
    item, tick = found
    assert item.done_on == PartialDate(2027, 1, 4)
    assert tick is not None and (tick.user_id, tick.name, tick.at) == (42, "Ana", NOW)
    assert progress(i for i, _t in await storage.checklists.items(item.event_id)).done == 1
    await storage.people.erase(42)
    found = await storage.checklists.item(first.id)
    assert found is not None and found[1] is not None
    assert (found[1].user_id, found[1].name) == (None, None)
    assert found[0].done  # the work stays done
    assert await storage.checklists.reopen(first.id)
    assert not await storage.checklists.reopen(second.id)  # it was open
    found = await storage.checklists.item(first.id)
    assert found is not None and found == (replace(first, done_on=None), None)


async def test_export_import_export_carries_templates_and_checklists(
    storage: Storage, tmp_path: Path
) -> None:
    await storage.import_dataset(Dataset(events=(visit(date(2027, 3, 15)),)))
    first = (await storage.checklists.items("la-paz-to-bonn-2027"))[0][0]
    await storage.checklists.tick(first.id, 42, "Ana", NOW)
    exported = dataset_to_yaml(await storage.network.load())
    assert "checklist_templates:" in exported and "checklist_items:" in exported
    assert "Ana" not in exported  # who ticked stays in the database
    other = await Storage.open(tmp_path / "empty.sqlite3", seed=False)
    try:
        await other.import_dataset(dataset_from_yaml(exported))
        assert dataset_to_yaml(await other.network.load()) == exported
        again = await other.checklists.item(first.id)
        assert again is not None and again[0].done_on == PartialDate(2027, 1, 4)
        assert again[1] is not None and again[1].user_id is None
    finally:
        await other.close()


async def test_an_older_export_imported_again_reopens_no_ticked_item(storage: Storage) -> None:
    """An export made before a tick, imported again, leaves the tick (and who ticked) as
    it is; its other fields are the file's. ↩️ in the chat (reopen) still opens it, and an
    edit's undo keeps the tick."""
    await storage.import_dataset(Dataset(events=(visit(date(2027, 3, 15)),)))
    first = (await storage.checklists.items("la-paz-to-bonn-2027"))[0][0]
    older = dataset_from_yaml(dataset_to_yaml(await storage.network.load()))
    assert await storage.checklists.tick(first.id, 42, "Ana", NOW)
    retitled = replace(first, title=LocalizedText.of("Send the letter", "en"))
    await storage.import_dataset(replace(older, checklist_items=(retitled,)))
    found = await storage.checklists.item(first.id)
    assert found is not None and found[0] == replace(retitled, done_on=PartialDate(2027, 1, 4))
    assert found[1] is not None and (found[1].user_id, found[1].name) == (42, "Ana")
    await storage.import_dataset(older)  # the whole file, every item open in it
    found = await storage.checklists.item(first.id)
    assert found is not None and found[0] == replace(first, done_on=PartialDate(2027, 1, 4))
    # An edit from the chat and its undo keep the tick; ↩️ opens it.
    await storage.edits.save(retitled, 7, NOW)
    assert await storage.edits.undo_last(7, NOW) is not None
    found = await storage.checklists.item(first.id)
    assert found is not None and found[0] == replace(first, done_on=PartialDate(2027, 1, 4))
    assert await storage.checklists.reopen(first.id)
    found = await storage.checklists.item(first.id)
    assert found is not None and found == (first, None)


def test_a_checklist_item_must_name_a_known_exchange() -> None:
    text = """format: partnerbot-dataset/1
checklist_items:
- {id: x-c1, event_id: nowhere, position: 1, title: Visa, side: travelling, lead: 8 weeks}
"""
    with pytest.raises(DatasetError, match=r"checklist_items\[x-c1\]\.event_id"):
        dataset_from_yaml(text)
    with pytest.raises(DatasetError, match=r"checklist_templates\[t\]\.lead"):
        dataset_from_yaml(
            "format: partnerbot-dataset/1\nchecklist_templates:\n- {id: t, template: "
            "workshop_travel, position: 1, title: Visa, side: both, lead: soon}\n"
        )


async def test_a_sent_reminder_goes_once_its_exchange_is_past_a_month_only_one_too(
    storage: Storage,
) -> None:
    """prune_reminders goes by the exchange as stored: one known to its month only is past
    once that month is."""
    await storage.import_dataset(Dataset(events=(visit(date(2027, 3, 15)),)))
    item = (await storage.checklists.items("la-paz-to-bonn-2027"))[0][0]
    await storage.subscriptions.add(-5, "supergroup", "Bonn", "partnership", "bonn-la-paz", 1, NOW)
    reminder = ChecklistReminder(item.id, ChecklistStage.DUE, "2027-03-15")
    await storage.outbox.replace_plan([-5], [Planned(-5, NOW, reminder)], window_start=NOW)
    claimed = await storage.outbox.claim_next(NOW)
    assert claimed is not None and claimed.payload == reminder
    await storage.outbox.mark_sent(claimed.id, 1, NOW)
    month_only = replace(visit(date(2027, 3, 15)), starts=PartialDate(2027, 3, None))
    await storage.network.save(Dataset(events=(month_only,)))
    assert await storage.checklists.prune_reminders(date(2027, 3, 31), 10) == 0
    assert await storage.checklists.prune_reminders(date(2027, 4, 1), 10) == 1
    assert await storage.outbox.get(claimed.id) is None
