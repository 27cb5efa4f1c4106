"""Changing lead times never sends again what was sent (issue 14, defect 5).

A reminder says how long is left until its subject. Once one about a subject went out,
one with a longer lead (meant for earlier) could only say the same again: it is stored as
skipped, naming the one sent, and never sent (bot/schedule/overdue.py: a sibling with a
shorter lead due already wins). Shorter leads still come. The clock is moved, never
waited for."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from bot.model.clock import MovableClock
from tests.conftest import Driver
from tests.test_dispatch import follow
from tests.test_overdue import DEADLINE, posts_about, rows, send_due

ADMIN = 11
BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(
    ("leads", "still_to_come", "its_day"),
    [
        ("7 1", "1d", 2),  # the case
        ("5 2", "2d", 1),
        ("7", None, 2),  # nothing shorter left: the sent one alone says it
    ],
)
async def test_new_lead_times_after_the_3_day_reminder_went_send_it_not_again(
    bot: Driver, clock: MovableClock, leads: str, still_to_come: str | None, its_day: int
) -> None:
    group = bot.group(-820, {ADMIN: "administrator"})
    await follow(bot, -820, kind="phase", target="example-phase", languages=("en",))
    await bot.send("/subscribe example-phase", user=bot.user(ADMIN), chat=group)
    await send_due(bot)
    clock.set(datetime(2026, 11, 30, 9, 5, tzinfo=BERLIN))  # the 3-day reminder's time
    await send_due(bot)
    assert (await rows(bot, -820, DEADLINE))["3d"][0] == "sent"
    before = await posts_about(bot, -820, DEADLINE)
    assert any("Deadline in 3 days" in p for p in before)

    await bot.send(f"/reminders {leads}", user=bot.user(ADMIN), chat=group)
    await send_due(bot)
    assert await posts_about(bot, -820, DEADLINE) == before  # nothing sent again
    longest = leads.split()[0] + "d"
    status, reason = (await rows(bot, -820, DEADLINE))[longest]
    assert status == "skipped" and reason is not None and DEADLINE + "3d" in reason

    clock.set(datetime(2026, 12, its_day, 9, 5, tzinfo=BERLIN))
    await send_due(bot)
    after = await posts_about(bot, -820, DEADLINE)
    assert len(after) == len(before) + (1 if still_to_come else 0)
    if still_to_come:
        assert (await rows(bot, -820, DEADLINE))[still_to_come][0] == "sent"
