"""One guided conversation at a time: beginning one leaves the others (what the user types
next answers the question asked last), and /cancel leaves whichever is open."""

from __future__ import annotations

from typing import Any

from bot.model.roles import Side
from bot.telegram.edit_callbacks import (
    EditMeeting,
    EditTarget,
    Fill,
    FormStep,
    ForWhom,
    MeetingAct,
    MeetingDo,
    New,
    WhomCode,
)
from tests.conftest import COORDINATOR, Driver
from tests.test_appoint import MARIA, admin, deliver

SERIES = "bonn-la-paz-virtual"
NEXT = 202611241500  # the next meeting at the tests' clock start
FOCAL = 61


async def open_conversations(bot: Driver, user_id: int) -> list[str]:
    rows = (await bot.rows())["conversation_states"]
    return sorted(row[0] for row in rows if row[2] == user_id)


async def test_appointing_in_the_middle_of_a_form_leaves_the_form(bot: Driver) -> None:
    me = admin("es")
    [menu] = await bot.send("/nuevo", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, Fill(FormStep.KIND, "workshop").pack(), me)
    await bot.press(whom, ForWhom(WhomCode.PARTNERSHIP, "bonn-la-paz").pack(), me)
    assert await open_conversations(bot, COORDINATOR) == ["edit"]
    await bot.send("/nombrar", me)
    assert await open_conversations(bot, COORDINATOR) == ["appoint"]
    # The forwarded message picks the person; it is not taken as the workshop's title.
    replies: list[dict[str, Any]] = await deliver(bot, bot.api.forwarded_message(me, "hola", MARIA))
    assert any("María" in reply["text"] for reply in replies)
    drafts = (await bot.rows())["conversation_drafts"]
    assert {row[1] for row in drafts} == {"appoint"}  # the workshop's draft went


async def test_cancel_leaves_whichever_conversation_is_open(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    await bot.app.bot_data.storage.roles.appoint_focal_point(
        "bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now
    )
    me = bot.user(FOCAL, "es")
    [listing] = await bot.send("/reunion", me)
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), me)
    await bot.press(card, MeetingAct(MeetingDo.MOVE, NEXT, SERIES).pack(), me)
    assert await open_conversations(bot, FOCAL) == ["meeting"]
    [left] = await bot.send("/cancelar", me)
    assert left["text"] == "Salió sin guardar: no se cambió nada."
    assert await open_conversations(bot, FOCAL) == []
    [nothing] = await bot.send("/cancelar", me)
    assert nothing["text"] == "No hay nada que cancelar."
