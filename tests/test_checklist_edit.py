"""Changing an exchange's checklist from the chat (✏️ under it), with the audit, /history
and ↩️; an exchange's removal taken back with its items; who travels in the exchange
form. Through the real Application on the offline Telegram and real SQLite."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.model.audit import Action, RecordKind
from bot.model.checklists import due_day
from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml, dataset_to_yaml
from bot.model.domain import (
    LANGUAGES,
    ChecklistSide,
    Dataset,
    Event,
    EventKind,
    LeadTime,
    LocalizedText,
    PartialDate,
)
from bot.model.roles import Side
from bot.telegram.edit_callbacks import (
    ChecklistDo,
    ChecklistEdit,
    ChecklistStep,
    Edit,
    EditTarget,
    Fill,
    FormStep,
    New,
)
from bot.text.i18n import I18n
from bot.text.typed_leads import parse_lead
from bot.views.editing import refusal
from harness.screen import (
    SCREEN_LINES,
    LeakCheck,
    cut_labels,
    localized_texts,
    screen_lines,
    shortened_labels,
    visible,
)
from storage.db import Database, bundled_migrations
from storage.store import Storage
from tests.conftest import COORDINATOR, ROOT, Driver

JSON = dict[str, Any]
NOW = datetime(2027, 1, 4, 12, 0, tzinfo=UTC)
VISIT = "la-paz-to-bonn-2027"
_TITLED = re.compile(r"^\S+ (\d+\. )?|…$")
"""An item's button: its icon ("🏠", "☑️") and number, then its title, maybe cut with "…"."""
FOCAL = 55  # La Paz's focal point of bonn-la-paz
OTHER_FOCAL = 66  # a focal point of another partnership


def visit(starts: date = date(2027, 3, 15)) -> Event:
    return Event(
        id=VISIT,
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of("Delegation from La Paz visits Bonn", "en"),
        starts=PartialDate.of(starts),
        timezone="Europe/Berlin",
        partnership_id="bonn-la-paz",
        travelling=Side.SOUTH,
    )


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def keys(message: JSON) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(key["text"], key["callback_data"]) for row in rows for key in row]


def step(act: ChecklistDo, value: str = "") -> str:
    return ChecklistStep(act, value).pack()


@pytest.fixture
async def with_visit(clock: MovableClock, bot: Driver) -> Driver:
    clock.set(NOW)
    await storage(bot).import_dataset(Dataset(events=(visit(),)))
    now = clock.now()
    await storage(bot).roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now)
    await storage(bot).roles.appoint_focal_point(
        "koeln-yarinacocha", OTHER_FOCAL, Side.NORTH, COORDINATOR, now
    )
    return bot


async def items(bot: Driver) -> list[Any]:
    return [item for item, _tick in await storage(bot).checklists.items(VISIT)]


async def open_editor(bot: Driver, me: JSON) -> JSON:
    """/checklist Bonn in private, then its ✏️: the items to change, as a new message."""
    edit = ChecklistEdit(VISIT).pack()
    [checklist] = [r for r in await bot.send("/checklist Bonn", me) if edit in str(keys(r))]
    [listing] = await bot.press(checklist, edit, me)
    assert listing["message_id"] != checklist["message_id"]  # the checklist stays
    return listing


def test_typed_lead_times_in_five_languages() -> None:
    typed = {
        "5 weeks": 35,
        "5 Wochen": 35,
        "5 semanas": 35,
        "5 semaines": 35,
        "3 days": 3,
        "3 Tage": 3,
        "10 días": 10,
        "10 dias": 10,
        "3 jours": 3,
        "2 w": 14,
        "1 Woche": 7,
    }
    for text, days in typed.items():
        assert parse_lead(text) == LeadTime(days), text
    for bad in ("soon", "5 months", "400 days", "weeks", "", "5"):
        assert parse_lead(bad) is None, bad


async def test_a_coordinator_adds_edits_and_removes_items_and_takes_one_back(
    with_visit: Driver,
) -> None:
    bot = with_visit
    me = bot.user(COORDINATOR, "en")
    first = await items(bot)
    assert len(first) == 10
    listing = await open_editor(bot, me)
    assert "Delegation from La Paz visits Bonn" in listing["text"]
    assert step(ChecklistDo.ITEM, first[0].id) in [data for _t, data in keys(listing)]

    # ➕: title typed, lead picked, side picked: saved at the end, with ✅ and ↩️.
    [_title] = await bot.press(listing, step(ChecklistDo.ADD), me)
    [lead] = await bot.send("Buy gifts for the hosts", me)
    labels = [text for text, _data in keys(lead)]
    assert "10 weeks" in labels and "3 days" in labels
    [side] = await bot.send("5 weeks", me)  # typed, not a button
    assert "🏠 Bonn" in [t for t, _d in keys(side)] and "🧳 La Paz" in [t for t, _d in keys(side)]
    saved = await bot.press(side, step(ChecklistDo.SIDE, ChecklistSide.TRAVELLING.value), me)
    assert saved[0]["text"].startswith("✅")
    added = (await items(bot))[-1]
    assert added.title.get("en") == "Buy gifts for the hosts"
    assert added.lead == LeadTime(35) and added.side is ChecklistSide.TRAVELLING
    assert added.position == 11 and added.event_id == VISIT
    screen = saved[-1]
    assert "Buy gifts for the hosts" in screen["text"]

    # Its title and lead changed, one audit row each.
    [_ask] = await bot.press(screen, step(ChecklistDo.TITLE), me)
    [_ok, screen] = await bot.send("Buy gifts for the host town", me)
    [_lead] = await bot.press(screen, step(ChecklistDo.LEAD), me)
    _ok, screen = await bot.press(_lead, step(ChecklistDo.LEAD, "14"), me)
    changed = (await items(bot))[-1]
    assert changed.title.get("en") == "Buy gifts for the host town"
    assert changed.lead == LeadTime(14)
    rows = await storage(bot).edits.history(RecordKind.CHECKLIST_ITEM, added.id)
    assert [r.action for r in rows] == [Action.UPDATE, Action.UPDATE, Action.CREATE]
    assert rows[0].before is not None and rows[0].after is not None
    assert (rows[0].before["lead"], rows[0].after["lead"]) == ("5 weeks", "2 weeks")

    # The visa appointment removed; ↩️ gives it back as it was.
    visa = next(i for i in first if i.title.get("en") == "Book the visa appointment")
    [item] = await bot.press(screen, step(ChecklistDo.ITEM, visa.id), me)
    [sure] = await bot.press(item, step(ChecklistDo.REMOVE), me)
    removed = await bot.press(sure, step(ChecklistDo.REMOVE_SURE), me)
    assert removed[0]["text"].startswith("✅")
    assert visa.id not in [i.id for i in await items(bot)]
    [undo] = [data for _t, data in keys(removed[0]) if data.startswith("undo:")]
    [back] = await bot.press(removed[0], undo, me)
    assert back["text"].startswith("↩️")
    assert next(i for i in await items(bot) if i.id == visa.id) == visa

    # /history lists the items' changes with the exchange's name, to those who may edit it.
    [latest] = await bot.send("/history", me)
    assert "Book the visa appointment" in latest["text"]
    assert "☑️" in latest["text"]
    [mine] = await bot.send("/history", bot.user(FOCAL, "en"))
    assert "Book the visa appointment" in mine["text"]
    [theirs] = await bot.send("/history", bot.user(OTHER_FOCAL, "en"))
    assert "Book the visa appointment" not in theirs["text"] and "☑️" not in theirs["text"]


async def test_a_focal_point_of_another_partnership_is_refused(
    with_visit: Driver, i18n: I18n
) -> None:
    bot = with_visit
    other = bot.user(OTHER_FOCAL, "de")
    before = await bot.rows()
    [anchor] = await bot.send("/help", other)
    calls = len(bot.api.calls)
    assert await bot.press(anchor, ChecklistEdit(VISIT).pack(), other) == []
    [alert] = bot.alerts(calls)
    assert alert == refusal(i18n.translator("de"))
    # Its buttons forged change nothing either (no conversation of theirs).
    first = (await items(bot))[0]
    for forged in (step(ChecklistDo.ITEM, first.id), step(ChecklistDo.REMOVE_SURE)):
        await bot.press(anchor, forged, other)
    assert await bot.rows() == before

    # The partnership's own focal point may; in a group they are sent to the private chat.
    mine = bot.user(FOCAL, "es")
    group = bot.group(-300)
    [anchor] = await bot.send("/help", mine, group)
    calls = len(bot.api.calls)
    assert await bot.press(anchor, ChecklistEdit(VISIT).pack(), mine) == []
    assert bot.alerts(calls)
    listing = await open_editor(bot, mine)
    assert "Delegation from La Paz" in listing["text"]


async def test_a_ticked_item_stays_ticked_through_an_edit_and_its_undo(
    with_visit: Driver,
) -> None:
    bot = with_visit
    me = bot.user(FOCAL, "es")
    first = (await items(bot))[0]
    assert await storage(bot).checklists.tick(first.id, FOCAL, "Ana", NOW)
    listing = await open_editor(bot, me)
    [item] = await bot.press(listing, step(ChecklistDo.ITEM, first.id), me)
    [_ask] = await bot.press(item, step(ChecklistDo.TITLE), me)
    [saved, _screen] = await bot.send("Enviar la lista de participantes", me)
    found = await storage(bot).checklists.item(first.id)
    assert found is not None
    edited, tick = found
    assert edited.title.get("es") == "Enviar la lista de participantes"
    assert edited.title.get("en") == first.title.get("en")  # the other languages stay
    assert edited.done_on == PartialDate.of(NOW.date())
    assert tick is not None and (tick.user_id, tick.name) == (FOCAL, "Ana")
    # Ticked open by nobody: an open item edited stays open.
    second = (await items(bot))[1]
    await storage(bot).edits.save(
        replace(second, note=LocalizedText.of("x", "es"), done_on=PartialDate.of(NOW.date())),
        COORDINATOR,  # not the focal point: their ↩️ below takes back their own last change
        NOW,
    )
    again = await storage(bot).checklists.item(second.id)
    assert again is not None and again[0].done_on is None
    # ↩️ of the title's edit keeps the tick.
    [undo] = [data for _t, data in keys(saved) if data.startswith("undo:")]
    calls = len(bot.api.calls)
    [back] = await bot.press(saved, undo, me)
    assert back["text"].startswith("↩️") and not bot.alerts(calls)
    found = await storage(bot).checklists.item(first.id)
    assert found is not None and found[0].title == first.title and found[0].done


async def test_removing_the_exchange_and_taking_it_back_gives_its_items_back(
    with_visit: Driver, clock: MovableClock
) -> None:
    bot = with_visit
    me = bot.user(COORDINATOR, "en")
    before = await items(bot)
    ticked = before[2]
    assert await storage(bot).checklists.tick(ticked.id, COORDINATOR, "Coord", NOW)
    # One item removed from the chat first: it stays removed.
    await storage(bot).edits.delete(RecordKind.CHECKLIST_ITEM, before[5].id, COORDINATOR, NOW)
    kept = await items(bot)
    clock.set(NOW + timedelta(minutes=1))
    [anchor] = await bot.send("/help", me)
    [summary] = await bot.press(anchor, Edit(EditTarget.EVENT, VISIT).pack(), me)
    [sure] = await bot.press(summary, "form:r", me)
    [removed] = await bot.press(sure, "form:y", me)
    assert removed["text"].startswith("✅")
    assert await storage(bot).network.event(VISIT) is None
    assert await items(bot) == []
    audited = await storage(bot).edits.history(RecordKind.CHECKLIST_ITEM, ticked.id)
    assert audited[0].action is Action.DELETE
    [undo] = [data for _t, data in keys(removed) if data.startswith("undo:")]
    [back] = await bot.press(removed, undo, me)
    assert back["text"].startswith("↩️")
    assert await storage(bot).network.event(VISIT) is not None
    again = await items(bot)
    assert again == kept  # not a fresh template copy: the removed one stays out
    assert next(i for i in again if i.id == ticked.id).done_on == PartialDate.of(NOW.date())
    # 📜 of the exchange shows its items' changes too.
    [history] = await bot.press(back, f"hist:e:{VISIT}", me)
    assert "☑️" in history["text"]


async def test_an_exchanges_creation_is_not_taken_back_over_others_checklist_work(
    with_visit: Driver,
) -> None:
    """↩️ of an exchange's creation would remove its checklist: refused as changed since
    once anyone ticked or changed one of its items; allowed while nobody did."""
    store = storage(with_visit)
    later = NOW + timedelta(minutes=1)

    async def created(event_id: str, actor: int) -> tuple[Event, list[Any]]:
        event = replace(visit(date(2027, 9, 6)), id=event_id)
        entry = await store.edits.save(event, actor, NOW)
        assert await store.edits.last_undoable(actor, NOW) == entry  # nothing since
        return event, [item for item, _t in await store.checklists.items(event_id)]

    _ticked, items = await created("visit-ticked", COORDINATOR)
    assert await store.checklists.tick(items[0].id, FOCAL, "Ana", later)
    assert await store.edits.last_undoable(COORDINATOR, later) is None
    assert await store.edits.undo_last(COORDINATOR, later) is None
    assert len(await store.checklists.items("visit-ticked")) == len(items)

    _edited, items = await created("visit-edited", FOCAL)
    retitled = replace(items[1], title=LocalizedText.of("Buy the gifts", "en"))
    await store.edits.save(retitled, COORDINATOR, later)
    assert await store.edits.last_undoable(FOCAL, later) is None
    assert await store.edits.undo_last(FOCAL, later) is None
    assert await store.network.event("visit-edited") is not None

    _untouched, _items = await created("visit-untouched", OTHER_FOCAL)
    assert await store.edits.undo_last(OTHER_FOCAL, later) is not None
    assert await store.network.event("visit-untouched") is None
    assert await store.checklists.items("visit-untouched") == []


async def test_an_edited_checklist_still_round_trips_through_the_file(
    with_visit: Driver, tmp_path: Path
) -> None:
    bot = with_visit
    me = bot.user(COORDINATOR, "de")
    listing = await open_editor(bot, me)
    [_title] = await bot.press(listing, step(ChecklistDo.ADD), me)
    [_lead] = await bot.send("Gastgeschenke kaufen", me)
    [side] = await bot.send("3 Tage", me)
    await bot.press(side, step(ChecklistDo.SIDE, ChecklistSide.BOTH.value), me)
    first = (await items(bot))[0]
    await storage(bot).checklists.tick(first.id, COORDINATOR, "Coord", NOW)
    exported = dataset_to_yaml(await storage(bot).network.load())
    assert "Gastgeschenke kaufen" in exported and "3 days" in exported
    other = await Storage.open(tmp_path / "empty.sqlite3", seed=False)
    try:
        await other.import_dataset(dataset_from_yaml(exported))
        assert dataset_to_yaml(await other.network.load()) == exported
    finally:
        await other.close()


async def test_a_new_visit_with_its_travellers_gets_its_checklist(
    clock: MovableClock, bot: Driver
) -> None:
    clock.set(NOW)
    me = bot.user(COORDINATOR, "en")
    [menu] = await bot.send("/new", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:delegation_visit", me)
    [_title] = await bot.press(whom, "whom:a:bonn-la-paz", me)
    [_when] = await bot.send("Visit of La Paz to Bonn", me)
    [until] = await bot.send("15 March 2027", me)
    [_place] = await bot.press(until, "fill:e:", me)
    [travelling] = await bot.send("Bonn town hall", me)
    offered = [text for text, data in keys(travelling) if data.startswith("fill:v:")]
    assert any("La Paz" in text for text in offered) and any("Bonn" in text for text in offered)
    [note] = await bot.press(travelling, "fill:v:south", me)
    [summary] = await bot.press(note, "fill:n:", me)
    assert "La Paz" in summary["text"] and "🧳" in summary["text"]
    [saved] = await bot.press(summary, "form:s", me)
    assert saved["text"].startswith("✅")
    assert "10" in saved["text"] and "/checklist" in saved["text"]
    [event] = [
        e
        for e in await storage(bot).network.events()
        if e.title.original == "Visit of La Paz to Bonn"
    ]
    assert event.travelling is Side.SOUTH
    made = await storage(bot).checklists.items(event.id)
    assert len(made) == 10
    due = next(i for i, _t in made if i.title.get("en") == "Book the visa appointment")
    assert due.lead == LeadTime(56)
    assert due_day(due, event) == date(2027, 3, 15) - timedelta(weeks=8)


TYPED = {
    "en": ("Buy gifts for the hosts", "5 weeks", "Ask the town hall"),
    "de": ("Gastgeschenke kaufen", "5 Wochen", "Im Rathaus fragen"),
    "es": ("Comprar regalos para los anfitriones", "5 semanas", "Preguntar en la alcaldía"),
    "fr": ("Acheter des cadeaux pour les hôtes", "5 semaines", "Demander à la mairie"),
    "pt": ("Comprar presentes para os anfitriões", "5 semanas", "Perguntar na prefeitura"),
}


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_screen_of_a_checklist_change_fits_a_phone_in_its_language(
    with_visit: Driver, i18n: I18n, lang: str
) -> None:
    """The list, an item, each question, a refused lead, ✅, ↩️ and who travels in the
    form: one screen each, labels within their share and the bot's own labels whole, no
    English in another language."""
    bot = with_visit
    me = bot.user(COORDINATOR, lang)
    tr = i18n.translator(lang)
    title, lead, note = TYPED[lang]
    first = len(bot.api.calls)
    listing = await open_editor(bot, me)
    titles = {i.title.get(lang) for i in await items(bot)} | {title}
    tools = [label for label, _data in keys(listing)]
    assert "➕ " + tr.gettext("Add an item") in tools
    assert "✖ " + tr.gettext("Close") in tools
    [_title] = await bot.press(listing, step(ChecklistDo.ADD), me)
    [_lead] = await bot.send(title, me)
    [refused] = await bot.send("bald", me)  # no lead time: explained, asked again
    assert refused["text"].startswith("⚠️")
    [side] = await bot.send(lead, me)
    _saved, screen = await bot.press(side, step(ChecklistDo.SIDE, "host"), me)
    [_note] = await bot.press(screen, step(ChecklistDo.NOTE), me)
    saved, screen = await bot.send(note, me)
    [sure] = await bot.press(screen, step(ChecklistDo.REMOVE), me)
    await bot.press(sure, step(ChecklistDo.REMOVE_SURE), me)
    [undo] = [data for _t, data in keys(saved) if data.startswith("undo:")]
    await bot.press(saved, undo, me)
    await bot.send("/history", me)
    [summary] = await bot.press(refused, Edit(EditTarget.EVENT, VISIT).pack(), me)
    [who] = await bot.press(summary, "chg:v", me)
    assert Fill(FormStep.TRAVELLING, "north").pack() in [data for _t, data in keys(who)]
    dataset = await storage(bot).network.load(examples=True)
    check = LeakCheck(ROOT / "locales", localized_texts(dataset))
    screens = [c for c in bot.api.calls[first:] if c.method in ("sendMessage", "editMessageText")]
    assert len(screens) >= 12
    typed = " ".join([title, lead, note, "bald"])
    for call in screens:
        html, markup = call.params["text"], call.result.get("reply_markup")
        assert screen_lines(visible(html)) <= SCREEN_LINES, html
        assert not cut_labels(markup), html
        # Only an item's title may be cut short with "…", never the bot's own words.
        cut_short = [_TITLED.sub("", label) for label in shortened_labels(markup)]
        assert all(any(t.startswith(cut) for t in titles) for cut in cut_short), (html, cut_short)
        labels = [k["text"] for row in (markup or {}).get("inline_keyboard", []) for k in row]
        assert not check.leaked(" ".join([html, *labels]), lang, typed), html


async def test_the_audit_migration_keeps_every_row_and_its_links(tmp_path: Path) -> None:
    """0015 rebuilds the audit (its kinds' CHECK widened): the rows, ids and the links
    between a change and its undo stay; the new kind is accepted, others still are not."""
    db = await Database.open(tmp_path / "old.sqlite3")
    try:
        steps = bundled_migrations()
        await db.migrate(steps[:14])
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit (id, at, actor, kind, record_id, after) "
                "VALUES (1, '2027-01-04T12:00:00+00:00', 7, 'event', 'e', '{}')"
            )
            await conn.execute(
                "INSERT INTO audit (id, at, actor, kind, record_id, before, undoes) "
                "VALUES (2, '2027-01-04T12:01:00+00:00', 7, 'event', 'e', '{}', 1)"
            )
            await conn.execute("UPDATE audit SET undone_by = 2 WHERE id = 1")
        before = await db.conn.execute_fetchall("SELECT * FROM audit ORDER BY id")
        await db.migrate(steps)
        after = await db.conn.execute_fetchall("SELECT * FROM audit ORDER BY id")
        assert [tuple(r) for r in after] == [tuple(r) for r in before]
        assert not await db.conn.execute_fetchall("PRAGMA foreign_key_check")
        async with db.transaction() as conn:
            await conn.execute(
                "INSERT INTO audit (at, kind, record_id) VALUES ('t', 'checklist_item', 'x')"
            )
        with pytest.raises(sqlite3.IntegrityError):
            async with db.transaction() as conn:
                await conn.execute("INSERT INTO audit (at, kind, record_id) VALUES ('t', 'x', 'x')")
    finally:
        await db.close()
