"""The audit trail in the chat, through the real Application: 📜 an item's changes, /history,
/undo; who sees them, and a refusal that changes nothing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from bot.model.audit import RecordKind
from bot.model.domain import (
    ChangeStatus,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.model.roles import Side
from bot.telegram.edit_callbacks import EditTarget, History, LatestPage, UndoEdit
from bot.telegram.limits import SCREEN_LINES, screen_lines
from harness.time_entities import unwrapped_times_in_html
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver

FOCAL, OTHER_FOCAL, MEMBER = 501, 502, 503


def workshop(title: str = "Taller de energía", **changes: Any) -> Event:
    event = Event(
        id="taller-2027",
        kind=EventKind.WORKSHOP,
        title=LocalizedText.of(title, "es"),
        starts=PartialDate.of(date(2027, 3, 15)),
        start_time=time(15, 0),
        timezone="America/La_Paz",
        partnership_id="bonn-la-paz",
    )
    return replace(event, **changes)


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def now(bot: Driver) -> datetime:
    return bot.app.bot_data.clock.now()


async def focal_points(bot: Driver) -> None:
    roles = storage(bot).roles
    await roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now(bot))
    await roles.appoint_focal_point(
        "passau-kedougou", OTHER_FOCAL, Side.NORTH, COORDINATOR, now(bot)
    )


async def test_an_items_history_newest_first_with_who_and_before_after(bot: Driver) -> None:
    await focal_points(bot)
    edits = storage(bot).edits
    await edits.save(workshop(), COORDINATOR, now(bot))
    await edits.save(workshop("Taller solar"), FOCAL, now(bot) + timedelta(minutes=1))
    anchor = (await bot.send("/start", user=bot.user(FOCAL, "de")))[0]
    data = History(EditTarget.EVENT, "taller-2027").pack()

    since = len(bot.api.calls)
    [page] = await bot.press(anchor, data, user=bot.user(FOCAL, "de"))
    # a new message: the item's screen above keeps its buttons
    assert [c.method for c in bot.api.calls[since:]] == ["answerCallbackQuery", "sendMessage"]
    text = page["text"]
    assert text.startswith("📜 Änderungen\n🛠 Taller solar (es)")
    # newest first: the focal point's own change ("Sie"), then the coordinator's creation
    assert (
        text.index("Sie · ✏️ Titel") < text.index("jemand aus der Koordination") < text.index("➕")
    )
    assert "Titel: Taller de energía (es) → Taller solar (es)" in text
    assert "tg-time" in bot.api.calls[-1].params["text"]
    assert not unwrapped_times_in_html(bot.api.calls[-1].params["text"])
    assert screen_lines(text) <= SCREEN_LINES

    # the same press by the coordinator names the focal point by role
    [page] = await bot.press(anchor, data, user=bot.user(COORDINATOR, "en"))
    assert "a focal point · ✏️ title" in page["text"] and "you · ➕ created" in page["text"]

    # once listed in the directory (their choice), they are named: HTML-escaped
    await storage(bot).people.add(FOCAL, "Rosa <Quispe>", None, ("es",), now(bot))
    [page] = await bot.press(anchor, data, user=bot.user(COORDINATOR, "en"))
    assert "Rosa <Quispe> · ✏️ title" in page["text"]
    assert "Rosa &lt;Quispe&gt;" in bot.api.calls[-1].params["text"]


async def test_history_is_refused_politely_to_others_and_changes_nothing(bot: Driver) -> None:
    await focal_points(bot)
    await storage(bot).edits.save(workshop(), COORDINATOR, now(bot))
    anchor = (await bot.send("/start", user=bot.user(MEMBER, "es")))[0]
    before = await bot.rows()
    for user in (bot.user(MEMBER, "es"), bot.user(OTHER_FOCAL, "es")):
        since = len(bot.api.calls)
        assert await bot.press(anchor, History(EditTarget.EVENT, "taller-2027").pack(), user) == []
        assert bot.alerts(since) == [
            "Solo la coordinación de la red y los puntos focales de esta alianza pueden ver "
            "sus cambios."
        ]
    [reply] = await bot.send("/historial", user=bot.user(MEMBER, "es"))
    assert reply["text"] == "Solo la coordinación y los puntos focales de la red ven los cambios."
    assert await bot.rows() == before


async def test_latest_changes_show_what_each_sender_may_see_page_by_page(bot: Driver) -> None:
    await focal_points(bot)
    edits = storage(bot).edits
    at = now(bot)
    for n in range(12):  # more than a screen holds
        await edits.save(workshop(f"Taller {n}"), FOCAL, at + timedelta(minutes=n))
    kedougou = workshop("Atelier", id="atelier", partnership_id="passau-kedougou")
    await edits.save(kedougou, OTHER_FOCAL, at + timedelta(minutes=20))
    meeting = datetime(2027, 2, 16, 15, 0)  # a meeting of their partnership's series
    cancelled = MeetingChange("m1", "bonn-la-paz-virtual", meeting, ChangeStatus.CANCELLED)
    await edits.save(cancelled, COORDINATOR, at + timedelta(minutes=21))

    [first] = await bot.send("/history", user=bot.user(FOCAL, "en"))
    pages = await bot.pages(first, user=bot.user(FOCAL, "en"))
    assert len(pages) > 1
    shown = "\n".join(p["text"] for p in pages)
    assert all(screen_lines(p["text"]) <= SCREEN_LINES for p in pages)
    assert shown.count("🕓") == 13 and "Atelier" not in shown  # not their partnership's
    assert "📆 Virtual meeting Bonn – La Paz · February 16, 2027" in pages[0]["text"]
    assert shown.index("Taller 11 (es)") < shown.index("Taller 10 (es)")  # newest first

    [everything] = await bot.send("/history", user=bot.user(COORDINATOR, "en"))
    assert "Atelier (es)" in everything["text"]
    # a page button pressed by someone who may not see the changes says so
    since = len(bot.api.calls)
    await bot.press(everything, LatestPage(1).pack(), user=bot.user(MEMBER, "fr"))
    assert bot.alerts(since) == [
        "Seuls les coordinateurs et les points focaux du réseau voient les modifications."
    ]


async def test_a_series_history_holds_its_meetings_moves(bot: Driver) -> None:
    meeting = datetime(2027, 2, 16, 15, 0)
    moved = MeetingChange(
        "m1", "bonn-la-paz-virtual", meeting, ChangeStatus.MOVED, meeting + timedelta(days=1)
    )
    await storage(bot).edits.save(moved, COORDINATOR, now(bot))
    anchor = (await bot.send("/start", user=bot.user(COORDINATOR, "pt")))[0]
    data = History(EditTarget.SERIES, "bonn-la-paz-virtual").pack()
    [page] = await bot.press(anchor, data, user=bot.user(COORDINATOR, "pt"))
    assert "📆 Reunião virtual Bonn – La Paz · 16 de fevereiro de 2027" in page["text"]
    assert "você · ➕ criado" in page["text"]


async def test_undo_takes_back_the_senders_last_change_or_says_why_not(bot: Driver) -> None:
    edits = storage(bot).edits
    clock = bot.app.bot_data.clock
    [nothing] = await bot.send("/undo", user=bot.user(COORDINATOR, "en"))
    assert nothing["text"] == "You have no change to take back."

    await edits.save(workshop(), COORDINATOR, clock.now())
    await edits.save(workshop("Taller solar"), COORDINATOR, clock.now())
    [undone] = await bot.send("/deshacer", user=bot.user(COORDINATOR, "es"))
    assert undone["text"] == "↩️ Deshecho: todo está como antes.\n🛠 Taller solar\n✏️ título"
    event = await storage(bot).network.event("taller-2027")
    assert event is not None and event.title.original == "Taller de energía"

    # an undo is not undone again: the earlier change is not the sender's last any more
    [again] = await bot.send("/undo", user=bot.user(COORDINATOR, "en"))
    assert again["text"] == "You have no change to take back."

    await edits.save(workshop("Otro"), COORDINATOR, clock.now())
    await edits.save(workshop("De otro"), FOCAL, clock.now())
    [changed] = await bot.send("/undo", user=bot.user(COORDINATOR, "en"))
    assert changed["text"] == "Someone changed it after you, so your change stays."

    await edits.save(workshop("Tarde"), COORDINATOR, clock.now())
    clock.advance(timedelta(minutes=16))
    before = await bot.rows()
    [late] = await bot.send("/undo", user=bot.user(COORDINATOR, "de"))
    assert late["text"] == "Ihre letzte Änderung ist älter als 15 Minuten: sie bleibt."
    assert await bot.rows() == before


async def test_the_undo_button_and_the_command_share_their_way(bot: Driver) -> None:
    edits = storage(bot).edits
    first = await edits.save(workshop(), COORDINATOR, now(bot))
    second = await edits.save(workshop("Taller solar"), COORDINATOR, now(bot))
    anchor = (await bot.send("/start", user=bot.user(COORDINATOR, "en")))[0]
    since = len(bot.api.calls)
    assert await bot.press(anchor, UndoEdit(first.id).pack(), bot.user(COORDINATOR)) == []
    assert bot.alerts(since) and "no longer be taken back" in bot.alerts(since)[0]
    [undone] = await bot.press(anchor, UndoEdit(second.id).pack(), bot.user(COORDINATOR))
    assert undone["text"].startswith("↩️ Taken back: it is as it was before.\n🛠 Taller solar")
    history = await edits.history(RecordKind.EVENT, "taller-2027")
    assert history[0].undoes == second.id


@pytest.mark.parametrize("command", ["/history", "/undo"])
async def test_editors_commands_in_a_group_point_to_the_private_chat(
    bot: Driver, command: str
) -> None:
    group = bot.group()
    [reply] = await bot.send(command, user=bot.user(COORDINATOR, "fr"), chat=group)
    assert reply["text"].startswith("Envoyez-moi /")
