"""`partnerbot schedule` names each chat by its title and each post's subject by its name
(issue 14, defect 8: lines said `chat -1001001` and `⏰ Deadline in 3 days` of what?)."""

from __future__ import annotations

from pathlib import Path

from bot.config import Settings
from bot.model.clock import MovableClock
from bot.schedule.report import schedule_report
from bot.text.i18n import I18n
from harness.bot_process import CLOCK_START
from storage.store import Storage

MILESTONE = "Comments from both town councils collected"  # example-m2, due 3 Dec 2026


async def test_the_schedule_names_the_chat_and_the_milestone(
    settings: Settings, i18n: I18n, tmp_path: Path
) -> None:
    store = await Storage.open(tmp_path / "s.sqlite3")
    try:
        await store.load_example(CLOCK_START.date())
        for chat_id, kind, title, target in (
            (-1001001, "supergroup", "Bonn – La Paz team", "example-phase"),
            (42, "private", None, "bonn-la-paz"),
        ):
            target_kind = "phase" if target == "example-phase" else "partnership"
            await store.subscriptions.add(chat_id, kind, title, target_kind, target, 1, CLOCK_START)
            await store.preferences.set_chat_languages(chat_id, kind, title, ("en",))
        await store.subscriptions.set_post_thread(-1001001, "supergroup", "Bonn – La Paz team", 7)
        report = await schedule_report(
            store, settings, MovableClock(CLOCK_START), days=14, i18n=i18n
        )
    finally:
        await store.close()
    lines = report.splitlines()
    assert "Bonn – La Paz team, topic 7 (chat -1001001; en, Europe/Berlin)" in lines
    assert "private chat 42 (en, Europe/Berlin)" in lines
    deadlines = [line for line in lines if " deadline " in line]
    named = [line.rsplit(" — ", 1)[-1] for line in deadlines if " — " in line]
    assert len(named) == len(deadlines) and MILESTONE in named
    assert not any(name.startswith("example-m") for name in named)  # names, not ids
    meetings = [line for line in lines if " meeting " in line or " invite " in line]
    assert meetings and all("Virtual meeting Bonn – La Paz" in line for line in meetings)
    assert not any(" — Virtual meeting" in line for line in meetings)  # named once
