"""The network keeps its own calendar, end to end over HTTP: `partnerbot run` as a process
against the fake Bot API server, as people would use it from their phones.

A coordinator (Spanish) makes a workshop by typing "15 de marzo 15h"; a German reader sees
it marked (es); the group following phase 8 gets its reminder; the coordinator appoints a
focal point of Bonn – La Paz, who moves the next meeting with a reason, and the group gets
the correction and a calendar file whose SEQUENCE rose; a plain member's attempts change
nothing; `partnerbot audit` lists each change; the bot killed mid-conversation resumes it;
/forgetme leaves no row that names the focal point. Time is injected (PARTNERBOT_CLOCK_START),
never waited for.
"""

from __future__ import annotations

import signal
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from bot.telegram.edit_callbacks import (
    Edit,
    EditMeeting,
    EditTarget,
    Fill,
    FormAction,
    FormDo,
    FormStep,
    ForWhom,
    MeetingAct,
    MeetingDo,
    New,
    Translate,
    UndoEdit,
    WhomCode,
)
from harness.bot_process import BotProcess, partnerbot
from harness.botapi_server import BotApiServer
from harness.network_setup import SERIES, group
from harness.phone import Phone, buttons, person

JSON = dict[str, Any]
COORDINATOR, FOCAL, MEMBER, READER, ADMIN = 31, 32, 33, 34, 35
PHASE_GROUP, BONN_GROUP = -3101, -3102
START = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)  # 15 March is 54 days ahead
NEXT = 202702161500  # the next Bonn – La Paz meeting: Tue 16 Feb 2027, 15:00 in Bonn
pytestmark = pytest.mark.timeout(240)


def network_rows(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the tables a change from the chat may touch."""
    tables = ("events", "milestones", "meeting_series", "meeting_changes", "audit",
              "coordinators", "focal_points")  # fmt: skip
    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}").fetchall()) for t in tables}


def state_of(db: Path, user_id: int, name: str) -> str | None:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT state FROM conversation_states WHERE name = ? AND user_id = ?", (name, user_id)
        ).fetchall()
    return str(rows[0][0]) if rows else None


def due_of(db: Path, chat_id: int, kind: str) -> datetime:
    with sqlite3.connect(db) as conn:
        [(due,)] = conn.execute(
            "SELECT due_at FROM deliveries WHERE chat_id = ? AND kind = ? AND status = 'pending'",
            (chat_id, kind),
        ).fetchall()
    return datetime.fromisoformat(due)


def sequence_of(document: bytes) -> int:
    [vevent] = icalendar.Calendar.from_ical(document).walk("VEVENT")
    return int(vevent.decoded("SEQUENCE"))


async def calendar_file(server: BotApiServer, phone: Phone, message: JSON) -> bytes:
    data = next(d for d in buttons(message) if d.startswith("ics:s:"))
    [sent] = await phone.press(message, data)
    [upload] = [c for c in server.calls("sendDocument") if c.result == sent]
    [(_name, content)] = upload.files.values()
    return bytes(content)


async def test_the_network_keeps_its_calendar_from_the_chat(
    server: BotApiServer, bot: BotProcess
) -> None:
    admins = {"PARTNERBOT_ADMINS": str(COORDINATOR)}
    await bot.start(clock_start=START, **admins)
    coordinator = Phone(server, person(COORDINATOR, "es", "Ana"))
    focal = Phone(server, person(FOCAL, "es", "Rosa"))
    member = Phone(server, person(MEMBER, "fr"))
    reader = Phone(server, person(READER, "de"))

    # Two groups: one follows phase 8, one Bonn – La Paz (it reads German and Spanish).
    for chat_id, target in ((PHASE_GROUP, "fase 8"), (BONN_GROUP, "bonn")):
        chat = group(chat_id)
        server.api.add_chat(chat, {ADMIN: "administrator"})
        admin = Phone(server, person(ADMIN, "de"), chat)
        await admin.send("/language de es")
        await admin.send(f"/subscribe {target}", answers=2 if target == "bonn" else 1)
    bonn_group = Phone(server, person(ADMIN, "de"), group(BONN_GROUP))

    # -- a plain member may change nothing ------------------------------------------------
    before = network_rows(bot.db)
    [refusal] = await member.send("/nouveau")
    assert "coordinat" in refusal["text"].lower() and not buttons(refusal)
    [listing] = await member.send("/echanges")
    forged = [
        New(EditTarget.EVENT).pack(),
        New(EditTarget.SERIES).pack(),
        Edit(EditTarget.SERIES, SERIES).pack(),
        EditMeeting(NEXT, SERIES).pack(),
        MeetingAct(MeetingDo.CANCEL, NEXT, SERIES).pack(),
        Translate(EditTarget.SERIES, SERIES).pack(),
        UndoEdit(1).pack(),
    ]
    for data in forged:
        said = await member.refused(listing, data)
        assert said, data  # a pop-up that says why, not a silent spinner
    [no_appoint] = await member.send("/nommer")
    assert not buttons(no_appoint)
    assert network_rows(bot.db) == before

    # -- the coordinator makes a workshop for phase 8, in Spanish ---------------------------
    [menu] = await coordinator.send("/nuevo")
    [kind] = await coordinator.press(menu, New(EditTarget.EVENT).pack())
    [whom] = await coordinator.press(kind, Fill(FormStep.KIND, "workshop").pack())
    [title] = await coordinator.press(whom, ForWhom(WhomCode.PHASE, "p8").pack())
    assert title["text"]
    asked_title = state_of(bot.db, COORDINATOR, "edit")
    [when] = await coordinator.send("Taller de energía solar")
    assert "¿Cuándo" in when["text"]

    # Killed in the middle of the conversation (once its step is stored: the reply goes
    # out a fraction of a millisecond before), started again: it goes on where it was.
    await server.wait_for(lambda: state_of(bot.db, COORDINATOR, "edit") != asked_title)
    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    await bot.start(clock_start=START + timedelta(minutes=5), **admins)
    [end] = await coordinator.send("15 de marzo 15h")
    [_place] = await coordinator.press(end, Fill(FormStep.END, "").pack())
    [zone] = await coordinator.send("Bonn")
    [note] = await coordinator.press(zone, Fill(FormStep.ZONE, "Europe/Berlin").pack())
    [summary] = await coordinator.press(note, Fill(FormStep.NOTE, "").pack())
    assert "Taller de energía solar" in summary["text"] and "15 mar 2027" in summary["text"]
    assert not network_rows(bot.db)["audit"]  # nothing saved before ✅
    [saved] = await coordinator.press(summary, FormDo(FormAction.SAVE).pack())
    assert saved["text"].startswith("✅")

    # A German reader sees it, the Spanish original marked as such.
    [exchanges] = await reader.send("/austausch")
    assert "Taller de energía solar (es)" in exchanges["text"]

    # -- the coordinator appoints Rosa focal point of Bonn – La Paz (the La Paz side) -------
    await focal.send("/start", answers=2)
    await coordinator.send("/nombrar")
    since = len(server.api.calls)
    await server.deliver(server.api.forwarded_message(coordinator.who, "hola", focal.who))
    await server.wait_for(lambda: len(coordinator._answers(since)) >= 2)
    role = coordinator._answers(since)[-1]
    [which] = await coordinator.press(role, "apr:f")
    [found] = await coordinator.send("la paz")
    [side] = await coordinator.press(found, "app:bonn-la-paz")
    [confirm] = await coordinator.press(side, "aps:s")
    await coordinator.press(confirm, "apc:y")
    assert network_rows(bot.db)["focal_points"][0][:3] == ("bonn-la-paz", FOCAL, "south")
    assert which["text"]

    # -- Rosa moves the next meeting; the group hears of it ---------------------------------
    [invitations] = await bonn_group.send("/austausch bonn")
    sequence_before = sequence_of(await calendar_file(server, bonn_group, invitations))
    [meetings] = await focal.send("/reunion")
    [card] = await focal.press(meetings, EditMeeting(NEXT, SERIES).pack())
    [asked] = await focal.press(card, MeetingAct(MeetingDo.MOVE, NEXT, SERIES).pack())
    assert asked["text"]
    [shown] = await focal.send("miércoles 17 16h")
    [reason] = await focal.press(shown, MeetingAct(MeetingDo.YES, NEXT, SERIES).pack())
    assert reason["text"]
    [moved_summary] = await focal.send("Feriado en La Paz")
    before_move = len(server.sent(BONN_GROUP))
    [moved] = await focal.press(moved_summary, MeetingAct(MeetingDo.YES, NEXT, SERIES).pack())
    assert moved["text"].startswith("✅")
    await server.wait_for(
        lambda: [m for m in server.sent(BONN_GROUP)[before_move:] if "Feriado" in m["text"]]
    )
    [correction] = [m for m in server.sent(BONN_GROUP)[before_move:] if "Feriado" in m["text"]]
    assert correction["text"].startswith("🔁 Verschoben")
    # The reason once: the group reads Spanish too, so it is not marked (es) either.
    assert correction["text"].count("💬 Feriado en La Paz") == 1
    assert "Feriado en La Paz (es)" not in correction["text"]
    assert sequence_of(await calendar_file(server, bonn_group, correction)) > sequence_before

    # -- the audit lists each change, as `partnerbot audit` prints it ------------------------
    assert await bot.stop(signal.SIGINT) == 0
    audit = partnerbot("audit", db=bot.db, clock_start=START + timedelta(hours=1))
    assert audit.returncode == 0, audit.stderr
    lines = audit.stdout.splitlines()
    assert any(
        "event:taller-de-energia-solar" in line and str(COORDINATOR) in line for line in lines
    )
    assert any(f"change:{SERIES}" in line and str(FOCAL) in line for line in lines)

    # -- the phase's group gets the workshop's reminder on its day ---------------------------
    due = due_of(bot.db, PHASE_GROUP, "event")
    assert due.date() == datetime(2027, 3, 8).date()
    await bot.start(clock_start=due - timedelta(seconds=3), **admins)
    await server.wait_for(
        lambda: [m for m in server.sent(PHASE_GROUP) if "Taller de energía solar" in m["text"]],
        within=30,
    )

    # -- Rosa asks to be forgotten: no row names her -----------------------------------------
    [offer] = await focal.send("/olvidame")
    [yes] = [d for d in buttons(offer) if d.endswith(":y")]
    await focal.press(offer, yes)
    assert await bot.stop(signal.SIGINT) == 0
    with sqlite3.connect(bot.db) as conn:
        tables = [t for (t,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        for table in tables:
            for row in conn.execute(f"SELECT * FROM {table}"):
                for value in row:
                    assert value != FOCAL and str(FOCAL) != str(value), (table, row)
                    assert not (isinstance(value, str) and "Rosa" in value), (table, row)
