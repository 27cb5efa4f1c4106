"""What `partnerbot run` imports to start: the heavy libraries only where they are used."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LATE = ("icalendar", "yaml")  # .ics files; import, export and the first seeding


def test_starting_the_bot_leaves_icalendar_and_yaml_unimported() -> None:
    """They cost `partnerbot run` some 5 MiB of its memory and a tenth of a second."""
    code = f"import sys, bot.cli, bot.app\nprint(' '.join(m for m in {LATE!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert found.stdout.strip() == ""


def test_a_first_start_and_replies_open_neither_icalendar_nor_babels_locales(
    tmp_path: Path,
) -> None:
    """Seeding a fresh database checks the bundled seed without icalendar (tests check it
    in full), and replies format dates from the CLDR table, not Babel's locales (each
    1-2 MiB, kept for the life of the process)."""
    code = f"""
import asyncio, sys
from datetime import UTC, datetime
from babel import localedata
from bot.model.clock import MovableClock
from bot.app import build_application, running
from bot.config import Settings
from harness.fake_telegram import OfflineTelegram, as_update
from bot.telegram.pacing import Pacer

async def main():
    clock = MovableClock(datetime(2026, 11, 23, 9, 0, tzinfo=UTC))
    api = OfflineTelegram(clock=clock)
    app = build_application(
        Settings(db_path={str(tmp_path / "first.sqlite3")!r}), request=api, clock=clock,
        rate_limiter=Pacer(None), schedule=False,
    )
    async with running(app):
        for lang in ("en", "de", "es", "fr", "pt"):
            user = {{"id": 7, "is_bot": False, "first_name": "U", "language_code": lang}}
            chat = {{"id": 7, "type": "private", "first_name": "U"}}
            for text in ("/milestones", "/exchanges", "/partner bonn", "/language"):
                await app.process_update(as_update(api.user_message(user, chat, text), app.bot))
    assert len(api.calls) > 20
    print("icalendar" in sys.modules, sorted(localedata._cache))

asyncio.run(main())
"""
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert found.stdout.strip() == "False []"
