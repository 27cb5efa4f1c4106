"""Exchanges' checklists: made from their template when an exchange is created or
imported, read with who ticked what, ticked and opened again."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection
from datetime import UTC, date, datetime, time

import aiosqlite

from bot.model.checklist_reminders import FocalChat
from bot.model.checklists import Tick, items_from_template, template_for
from bot.model.codec import UNDETERMINED, from_plain, to_plain
from bot.model.domain import (
    ChecklistItem,
    ChecklistSide,
    ChecklistTemplateItem,
    Dataset,
    ExchangeTemplate,
    LeadTime,
    LocalizedText,
    PartialDate,
)
from bot.model.posts import PostKind
from bot.model.roles import Side
from storage.db import Database
from storage.outbox import FINISHED
from storage.preferences import POST_ZONE
from storage.records import fetch

_ITEM = "id, event_id, position, title, side, lead, note, done_on"
_TEMPLATE = "id, template, position, title, side, lead, note"


async def make_checklists(conn: aiosqlite.Connection, dataset: Dataset) -> None:
    """Within the caller's transaction (an import's, an edit's): the checklist of each
    exchange in `dataset` that has none yet. Items the dataset brings for an exchange are
    its checklist; otherwise its template's items are copied (when it has a template).
    Made once: an exchange moved or retitled later keeps its checklist as it is."""
    brought = {item.event_id for item in dataset.checklist_items}
    events = [e for e in dataset.events if e.id not in brought]
    if brought:
        await _mark(conn, brought)
    if not events:
        return
    made = await _made(conn, [e.id for e in events])
    wanted = [(e, t) for e in events if e.id not in made and (t := template_for(e)) is not None]
    if not wanted:
        return
    templates: dict[ExchangeTemplate, list[ChecklistTemplateItem]] = defaultdict(list)
    for entry in await fetch(
        conn,
        ChecklistTemplateItem,
        "checklist_templates",
        f"SELECT {_TEMPLATE} FROM checklist_templates ORDER BY position, rowid",
    ):
        templates[entry.template].append(entry)
    taken = {str(row[0]) for row in await conn.execute_fetchall("SELECT id FROM checklist_items")}
    for event, template in wanted:
        if not templates[template]:
            continue  # no items for it (yet): made when its template has some
        items = items_from_template(event, templates[template], taken)
        taken.update(item.id for item in items)
        await conn.executemany(
            f"INSERT INTO checklist_items ({_ITEM}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [_row(item) for item in items],
        )
        await _mark(conn, {event.id})


async def _made(conn: aiosqlite.Connection, event_ids: Collection[str]) -> set[str]:
    rows = await conn.execute_fetchall(
        "SELECT event_id FROM checklists WHERE event_id IN (SELECT value FROM json_each(?))",
        (json.dumps(sorted(event_ids)),),
    )
    return {str(row[0]) for row in rows}


async def _mark(conn: aiosqlite.Connection, event_ids: Collection[str]) -> None:
    await conn.executemany(
        "INSERT INTO checklists (event_id) VALUES (?) ON CONFLICT DO NOTHING",
        [(event_id,) for event_id in sorted(event_ids)],
    )


def _row(item: ChecklistItem) -> tuple[object, ...]:
    plain = to_plain(item, for_db=True)
    return tuple(plain.get(column.strip()) for column in _ITEM.split(","))


class ChecklistRepository:
    def __init__(self, db: Database) -> None:
        self.db = db

    async def templates(self) -> list[ChecklistTemplateItem]:
        """Every template's items, by template and position."""
        return await fetch(
            self.db.conn,
            ChecklistTemplateItem,
            "checklist_templates",
            f"SELECT {_TEMPLATE} FROM checklist_templates ORDER BY template, position, rowid",
        )

    async def items(self, event_id: str) -> list[tuple[ChecklistItem, Tick | None]]:
        """The exchange's items in their order, each with its tick (None while open)."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_ITEM}, done_at, done_by, done_by_name FROM checklist_items "
            "WHERE event_id = ? ORDER BY position, rowid",
            (event_id,),
        )
        return [_with_tick(row) for row in rows]

    async def item(self, item_id: str) -> tuple[ChecklistItem, Tick | None] | None:
        rows = await self.db.conn.execute_fetchall(
            f"SELECT {_ITEM}, done_at, done_by, done_by_name FROM checklist_items WHERE id = ?",
            (item_id,),
        )
        found = [_with_tick(row) for row in rows]
        return found[0] if found else None

    async def open_items(self, event_ids: Collection[str] | None = None) -> list[ChecklistItem]:
        """The items still open (of these exchanges, or of all), by exchange and position."""
        sql = f"SELECT {_ITEM} FROM checklist_items WHERE done_on IS NULL"
        params: tuple[str, ...] = ()
        if event_ids is not None:
            sql += " AND event_id IN (SELECT value FROM json_each(?))"
            params = (json.dumps(sorted(event_ids)),)
        return await fetch(
            self.db.conn,
            ChecklistItem,
            "checklist_items",
            sql + " ORDER BY event_id, position",
            params,
        )

    async def open_ahead(
        self, since: date, partnership_ids: Collection[str] | None = None
    ) -> list[ChecklistItem]:
        """The open items of exchanges whose first day is `since` or later (what reminders
        and the weekly digest are planned and composed from), by exchange and position;
        with `partnership_ids`, only of those partnerships' exchanges and of exchanges of
        no partnership (a phase's, a programme's)."""
        mine = ""
        params: tuple[str, ...] = (since.isoformat(),)
        if partnership_ids is not None:
            mine = (
                " AND (e.partnership_id IS NULL OR e.partnership_id IN "
                "(SELECT value FROM json_each(?)))"
            )
            params += (json.dumps(sorted(partnership_ids)),)
        rows = await self.db.conn.execute_fetchall(
            "SELECT i.id, i.event_id, i.position, i.title, i.side, i.lead, i.note "
            "FROM checklist_items i JOIN events e ON e.id = i.event_id "
            f"WHERE i.done_on IS NULL AND e.starts >= ?{mine} ORDER BY i.event_id, i.position",
            params,
        )
        texts: dict[str, LocalizedText] = {}  # items made from one template share their texts
        return [_open_item(row, texts) for row in rows]

    async def focal_chats(self, chat_ids: Collection[int]) -> list[FocalChat]:
        """Of these chats, the private ones (not paused) whose user is a focal point of some
        partnership: with their zone and the (partnership, side) pairs."""
        rows = await self.db.conn.execute_fetchall(
            f"SELECT c.id, {POST_ZONE}, f.partnership_id, f.side FROM chats c "
            "JOIN focal_points f ON f.user_id = c.id "
            "LEFT JOIN users u ON u.id = c.id "
            "LEFT JOIN municipalities m ON m.id = u.municipality_id "
            "WHERE c.type = 'private' AND c.paused_reason IS NULL "
            "AND c.id IN (SELECT value FROM json_each(?)) ORDER BY c.id",
            (json.dumps(sorted(chat_ids)),),
        )
        zones: dict[int, str | None] = {}
        sides: dict[int, set[tuple[str, Side]]] = {}
        for chat_id, zone, pid, side in rows:
            zones[int(chat_id)] = zone
            sides.setdefault(int(chat_id), set()).add((str(pid), Side(side)))
        return [FocalChat(c, zones[c], frozenset(sides[c])) for c in sorted(zones)]

    async def has_checklist(self, event_ids: Collection[str]) -> dict[str, tuple[int, int]]:
        """Of these exchanges, those with items: (ticked, all) per exchange."""
        rows = await self.db.conn.execute_fetchall(
            "SELECT event_id, count(done_on), count(*) FROM checklist_items "
            "WHERE event_id IN (SELECT value FROM json_each(?)) GROUP BY event_id",
            (json.dumps(sorted(event_ids)),),
        )
        return {str(row[0]): (int(row[1]), int(row[2])) for row in rows}

    async def tick(self, item_id: str, user_id: int, name: str, now: datetime) -> bool:
        """Tick an open item as `user_id`; False when it was ticked already (or is gone)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE checklist_items SET done_on = ?, done_at = ?, done_by = ?, "
                "done_by_name = ? WHERE id = ? AND done_on IS NULL",
                (
                    PartialDate.of(now.astimezone(UTC).date()).iso(),
                    now.astimezone(UTC).isoformat(timespec="seconds"),
                    user_id,
                    name,
                    item_id,
                ),
            )
            return cur.rowcount > 0

    async def prune_reminders(self, before: date, limit: int) -> int:
        """Delete up to `limit` finished reminders of checklist items due before `before`
        (UTC) whose item is gone or whose exchange's first day is before it: no re-plan can
        make those again. Their payload's day is the exchange's when planned, stale once it
        moved, so the stored exchange decides. Returns rows deleted."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "DELETE FROM deliveries WHERE id IN (SELECT d.id FROM deliveries d "
                "LEFT JOIN checklist_items i ON i.id = json_extract(d.payload, '$.item_id') "
                "LEFT JOIN events e ON e.id = i.event_id "
                # Only the checklist's rows are read, along the (key, chat_id) index: their
                # keys begin "check:" (';' sorts right after ':'), whatever else is there.
                "WHERE d.key >= ? AND d.key < ? AND d.kind = ? "
                "AND d.status IN (SELECT value FROM json_each(?)) AND d.due_at < ? "
                # A partial first day ('2027-03') counts as its period's end: '~' sorts
                # after its days' digits and dashes.
                "AND (e.id IS NULL OR e.starts || '~' < ?) LIMIT ?)",
                (
                    f"{PostKind.CHECKLIST.value}:",
                    f"{PostKind.CHECKLIST.value};",
                    PostKind.CHECKLIST.value,
                    json.dumps([status.value for status in FINISHED]),
                    datetime.combine(before, time(0), UTC).isoformat(timespec="seconds"),
                    before.isoformat(),
                    limit,
                ),
            )
            return cur.rowcount

    async def reopen(self, item_id: str) -> bool:
        """Open a ticked item again; False when it was open (or is gone)."""
        async with self.db.transaction() as conn:
            cur = await conn.execute(
                "UPDATE checklist_items SET done_on = NULL WHERE id = ? AND done_on IS NOT NULL",
                (item_id,),
            )
            return cur.rowcount > 0


def _open_item(row: aiosqlite.Row, texts: dict[str, LocalizedText]) -> ChecklistItem:
    """An open item from its row, decoded directly: planning reads every open item of the
    exchanges ahead, and the dataset codec's checks (what an import needs) cost ~50 µs an
    item there. The row was checked when written. `texts`: those decoded so far."""
    title, note = row[3], row[6]
    if title not in texts:
        texts[title] = _localized(title)
    if note is not None and note not in texts:
        texts[note] = _localized(note)
    return ChecklistItem(
        id=str(row[0]),
        event_id=str(row[1]),
        position=int(row[2]),
        title=texts[title],
        side=ChecklistSide(row[4]),
        lead=LeadTime.parse(row[5]),
        note=texts[note] if note is not None else None,
    )


def _localized(text: str) -> LocalizedText:
    """A LocalizedText as the database stores it: JSON, a text or language -> text."""
    value = json.loads(text)
    if isinstance(value, str):
        return LocalizedText(((UNDETERMINED, value),))
    return LocalizedText(tuple((str(k), str(v)) for k, v in value.items()))


def _with_tick(row: aiosqlite.Row) -> tuple[ChecklistItem, Tick | None]:
    data = {key: row[key] for key in row.keys()}  # noqa: SIM118 - Row iterates values
    at, by, name = data.pop("done_at"), data.pop("done_by"), data.pop("done_by_name")
    plain = {key: value for key, value in data.items() if value is not None}
    item = from_plain(ChecklistItem, plain, f"checklist_items[{data['id']}]", from_db=True)
    if item.done_on is None:
        return item, None
    return item, Tick(datetime.fromisoformat(at) if at else None, by, name)
