"""A delegation visit's checklist, end to end over HTTP: `partnerbot run` as a process
against the fake Bot API server, restarted at each step's instant, never waited for.

A coordinator imports a South → North visit (La Paz to Bonn) 70 days ahead: it gets the
template's checklist of ten items. The La Paz focal point ticks two of them from the
group's keyboard and the progress is edited in place; a member of neither town is refused.
On the visa appointment's due day (8 weeks before), its reminder reaches the Spanish
group and the focal point privately, at 09:00 La Paz time, once. The visit is moved a
week later: the open items' due days move with it, and the reminder already sent is not
sent again, while the overdue notice comes at its new day. `partnerbot export` →
`import` into an empty database → `export` gives the same file, templates and
checklists included.
"""

from __future__ import annotations

import sqlite3
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.bot_process import BotProcess, partnerbot, restart
from harness.botapi_server import BotApiServer
from harness.network_setup import group
from harness.phone import JSON, Phone, buttons, person

COORDINATOR, ROSA, MARIO, ADMIN = 51, 52, 53, 54
GROUP = -5101
EVENT = "la-paz-to-bonn-2027"
START = datetime(2027, 1, 4, 13, 30, tzinfo=UTC)  # 09:30 in La Paz
VISIT = START.date() + timedelta(days=70)  # Monday 15 March 2027
VISA_DAY = datetime(2027, 1, 18, 13, 0, 30, tzinfo=UTC)  # 8 weeks before: 09:00 La Paz
VISA = "Reservar la cita para la visa"
DUE_TODAY = f"Vence hoy: {VISA}"
pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def flood() -> None:
    """Weeks pass in seconds here: Telegram's per-minute limit of a group is left out
    (tests/e2e/test_e2e.py covers it; the bot's own pacer keeps each run within it)."""


def with_visit(exported: str, starts: date) -> str:
    """The exported dataset with the visit added (or moved): what a coordinator imports."""
    data: dict[str, Any] = yaml.safe_load(exported)
    events = [e for e in data["events"] if e["id"] != EVENT]
    events.append(
        {
            "id": EVENT,
            "kind": "delegation_visit",
            "title": {
                "es": "Delegación de La Paz de visita en Bonn",
                "de": "Delegation aus La Paz zu Besuch in Bonn",
            },
            "starts": starts.isoformat(),
            "ends": (starts + timedelta(days=4)).isoformat(),
            "start_time": "10:00",
            "timezone": "Europe/Berlin",
            "partnership_id": "bonn-la-paz",
            "travelling": "south",
        }
    )
    data["events"] = events
    return str(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100))


def rows(db: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, params).fetchall()


def shown(server: BotApiServer, message: JSON) -> str:
    """The message's text as its chat sees it now (after every edit in place)."""
    chat = message["chat"]["id"]
    return str(server.api.messages[(chat, message["message_id"])]["text"])


def with_text(server: BotApiServer, chat_id: int, text: str, since: int = 0) -> list[JSON]:
    """The bot's messages to the chat that say `text`, from its `since`-th message on."""
    return [m for m in server.sent(chat_id)[since:] if text in m["text"]]


async def test_a_visits_checklist_over_http(
    server: BotApiServer, bot: BotProcess, tmp_path: Path
) -> None:
    env = {"PARTNERBOT_ADMINS": str(COORDINATOR)}
    # -- the coordinator imports the visit: its checklist is made from the template -------
    dataset = tmp_path / "network.yaml"
    assert partnerbot("export", str(dataset), db=bot.db).returncode == 0
    dataset.write_text(with_visit(dataset.read_text(), VISIT))
    assert partnerbot("import", str(dataset), db=bot.db).returncode == 0
    items = rows(bot.db, "SELECT id, title FROM checklist_items WHERE event_id = ?", EVENT)
    assert len(items) == 10
    [visa_id] = [i for i, title in items if VISA in title]

    await restart(bot, server, START, env)
    chat = group(GROUP)
    server.api.add_chat(chat, {ADMIN: "administrator"})
    admin = Phone(server, person(ADMIN, "es", "Lucía"), chat)
    await admin.send("/idioma es")
    await admin.send("/zonahoraria La Paz")
    await admin.send("/suscribir bonn", answers=2)  # and the next meeting's invitation

    # -- the coordinator appoints Rosa focal point of Bonn – La Paz, the La Paz side ------
    coordinator = Phone(server, person(COORDINATOR, "es", "Ana"))
    rosa_private = Phone(server, person(ROSA, "es", "Rosa"))
    await rosa_private.send("/start", answers=2)  # the welcome and the town question
    await rosa_private.send("/zonahoraria La Paz")
    await coordinator.send("/nombrar")
    since = len(server.api.calls)
    await server.deliver(server.api.forwarded_message(coordinator.who, "hola", rosa_private.who))
    await server.wait_for(lambda: len(coordinator._answers(since)) >= 2)
    role = coordinator._answers(since)[-1]
    await coordinator.press(role, "apr:f")
    [found] = await coordinator.send("la paz")
    [side] = await coordinator.press(found, "app:bonn-la-paz")
    [confirm] = await coordinator.press(side, "aps:s")
    await coordinator.press(confirm, "apc:y")
    appointed = "SELECT partnership_id, side FROM focal_points WHERE user_id = ?"
    assert rows(bot.db, appointed, ROSA) == [("bonn-la-paz", "south")]

    # -- Rosa ticks two items from the group's keyboard; the progress edits in place -------
    rosa = Phone(server, person(ROSA, "es", "Rosa"), chat)
    [checklist] = await rosa.send("/lista")
    assert "0/10" in checklist["text"], checklist["text"]
    ticks = [data for data in buttons(checklist) if data.startswith("ckt:")]
    for done, data in enumerate(ticks[:2], start=1):
        # The group's posts count as answers too: wait for the checklist's own state.
        await rosa.press(checklist, data)
        await server.wait_for(lambda done=done: f"{done}/10" in shown(server, checklist))
    assert "2/10" in shown(server, checklist)
    assert "Rosa" in shown(server, checklist)
    # -- a member of neither town is refused, and nothing changes -------------------------
    mario = Phone(server, person(MARIO, "es", "Mario"), chat)
    said = await mario.refused(checklist, ticks[2])
    assert said
    assert "2/10" in shown(server, checklist)
    assert rows(bot.db, "SELECT count(*) FROM checklist_items WHERE done_on IS NOT NULL") == [(2,)]

    # -- the visa appointment's day: the group and Rosa, in Spanish, at 09:00 La Paz -------
    in_group_before, rosa_before = len(server.sent(GROUP)), len(server.sent(ROSA))
    await restart(bot, server, VISA_DAY, env)
    [in_group] = await server.wait_for(lambda: with_text(server, GROUP, DUE_TODAY, in_group_before))
    [to_rosa] = await server.wait_for(lambda: with_text(server, ROSA, DUE_TODAY, rosa_before))
    for reminder in (in_group, to_rosa):
        # The visit's 10:00 in Bonn (CET) is 5:00 in La Paz: the reader's zone.
        assert "5:00 La Paz" in reminder["text"], reminder["text"]
        assert "15 mar" in reminder["text"], reminder["text"]
    # A restart at the same instant sends nothing again.
    await restart(bot, server, VISA_DAY, env)
    await rosa_private.send("/lista bonn")
    assert len(with_text(server, GROUP, DUE_TODAY)) == 1
    assert len(with_text(server, ROSA, DUE_TODAY)) == 1

    # -- the visit moves a week later: due days move, the sent reminder is not repeated ----
    moved = VISIT + timedelta(days=7)
    assert partnerbot("export", str(dataset), db=bot.db).returncode == 0
    dataset.write_text(with_visit(dataset.read_text(), moved))
    assert partnerbot("import", str(dataset), db=bot.db).returncode == 0
    await restart(bot, server, VISA_DAY + timedelta(minutes=5), env)
    [after_move] = await rosa_private.send("/lista bonn")
    assert "La Paz · 📅 25 de enero" in after_move["text"]  # the visa appointment, moved
    # The re-plan at the start (not waited for by the reply above) moves the pending one.
    [overdue_at] = await server.wait_for(lambda: overdue_instants(bot.db, visa_id, moved))
    await restart(bot, server, overdue_at + timedelta(seconds=30), env)
    [late] = await server.wait_for(lambda: with_text(server, GROUP, "Vencido desde el 25 de enero"))
    assert VISA in late["text"]
    assert overdue_at.date() > date(2027, 1, 25)  # after the new due day, not the old one
    assert len(with_text(server, GROUP, DUE_TODAY)) == 1  # and the due day's not again
    assert len(with_text(server, ROSA, DUE_TODAY)) == 1

    # -- export → import into an empty database → export: the same file -----------------
    first = tmp_path / "first.yaml"
    assert partnerbot("export", str(first), db=bot.db).returncode == 0
    empty = tmp_path / "empty.sqlite3"
    assert partnerbot("import", str(first), db=empty).returncode == 0
    again = tmp_path / "again.yaml"
    assert partnerbot("export", str(again), db=empty).returncode == 0
    assert again.read_text() == first.read_text()
    exported = yaml.safe_load(first.read_text())
    assert len(exported["checklist_templates"]) >= 30
    mine = [i for i in exported["checklist_items"] if i["event_id"] == EVENT]
    assert len(mine) == 10 and sum("done_on" in i for i in mine) == 2
    assert " ERROR " not in bot.output() and "Traceback" not in bot.output()


def overdue_instants(db: Path, item_id: str, starts: date) -> list[datetime]:
    """When the group's overdue notice of the item is due, once planned for the exchange
    starting on `starts`."""
    found = rows(
        db,
        "SELECT due_at FROM deliveries WHERE chat_id = ? AND status = 'pending' AND key = ? "
        "AND json_extract(payload, '$.starts') = ?",
        GROUP,
        f"check:{item_id}:overdue",
        starts.isoformat(),
    )
    return [datetime.fromisoformat(due_at) for (due_at,) in found]
