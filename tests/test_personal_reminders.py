"""A user's own reminder lead times (meetings they answered ✅ to, action items they own),
stored beside their other settings in real SQLite."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.model.reminders import PersonalReminders
from storage.store import Storage


@pytest.fixture
async def storage(tmp_path: Path) -> AsyncIterator[Storage]:
    store = await Storage.open(tmp_path / "bot.sqlite3", seed=False)
    yield store
    await store.close()


async def test_a_user_without_settings_gets_one_hour_and_three_and_one_days(
    storage: Storage,
) -> None:
    assert await storage.preferences.personal_reminders(7) == PersonalReminders((60,), (3, 1))


async def test_personal_lead_times_are_kept_beside_the_language(storage: Storage) -> None:
    await storage.preferences.set_user_language(7, "es")
    await storage.preferences.set_personal_reminders(7, PersonalReminders((1440, 30), ()))
    await storage.preferences.set_user_language(7, "pt")
    assert await storage.preferences.personal_reminders(7) == PersonalReminders((1440, 30), ())
    assert (await storage.preferences.user(7)).language == "pt"
    assert await storage.preferences.personal_reminders(8) == PersonalReminders()
