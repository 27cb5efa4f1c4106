"""Numbers typed after a command (issue 13): ASCII digits, a sane size, never an error.

int() reads "١٤" and "1_4", and refuses more than 4,300 digits with a ValueError; folding
turns each "⑳" into "20", so "⑳" × 2,200 (a message Telegram allows) became 4,400 digits.
"""

from __future__ import annotations

import pytest

from tests.conftest import Driver

ADMIN = 11


async def test_a_huge_phase_number_is_not_understood(bot: Driver) -> None:
    [reply] = await bot.send("/milestones " + "⑳" * 2200)
    assert reply["text"].startswith("I know no phase “⑳⑳")
    [reply] = await bot.send("/milestones phase " + "9" * 5000)
    assert reply["text"].startswith("I know no phase “phase 9999")
    [eight] = await bot.send("/milestones 8")
    assert "Phase 8" in eight["text"] and "I know no phase" not in eight["text"]
    [reply] = await bot.send("/milestones ⑧")  # folded to "8": that phase
    assert reply["text"] == eight["text"]


async def test_a_huge_number_to_subscribe_finds_nothing(bot: Driver) -> None:
    group = bot.group(-1308, {ADMIN: "administrator"})
    before = await bot.rows()
    [reply] = await bot.send("/subscribe " + "⑳" * 2200, user=bot.user(ADMIN), chat=group)
    assert reply["text"].startswith("I found nothing called “⑳⑳")
    assert await bot.rows() == before


REMINDERS_NOT_UNDERSTOOD = "I did not understand that."


@pytest.mark.parametrize(
    "args",
    [
        "١٤",  # Arabic-Indic digits: int() reads them, a reader of the answer may not
        "1_4",  # int() reads "1_4" as 14
        "⑳",
        "9" * 5000,
        "meetings ١h",
        "meetings " + "9" * 5000,
        "invite ٣",
        "events 0x10",
    ],
)
async def test_reminder_numbers_are_ascii_digits_of_a_sane_size(bot: Driver, args: str) -> None:
    group = bot.group(-1309, {ADMIN: "administrator"})
    before = await bot.rows()
    [reply] = await bot.send(f"/reminders {args}", user=bot.user(ADMIN), chat=group)
    assert reply["text"].startswith(REMINDERS_NOT_UNDERSTOOD)
    assert await bot.rows() == before
