"""/timezone by every name people use, and zones named as people say them (issue 14, 4)."""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

import pytest
from telegram import Update

from bot.text.where import zone_at
from bot.text.zones import short_names
from harness.fake_telegram import as_update
from tests.conftest import Driver

TYPED = [
    ("Kédougou", "Dakar"),
    ("kedougou", "Dakar"),
    ("Département Kédougou", "Dakar"),
    ("Mubende", "Kampala"),
    ("Mubende Town", "Kampala"),
    ("Njombe", "Dar es Salaam"),
    ("Mansakonko", "Banjul"),
    ("Gießen", "Berlin"),
    ("Colonia", "Berlin"),  # Köln in Spanish: a town of the network
    ("Bolivia", "La Paz"),
    ("Bolivien", "La Paz"),
    ("Sénégal", "Dakar"),
    ("CET", "Berlin"),
    ("UTC", "UTC"),
    ("Zurique", "Zurich"),  # CLDR's city in Portuguese (it has no Geneva: no zone)
    ("Addis-Abeba", "Addis Ababa"),  # in French
    ("Berlín", "Berlin"),
    ("America/La_Paz", "La Paz"),
    ("UTC+3", "UTC+3"),
]


async def test_timezone_accepts_what_people_type(bot: Driver) -> None:
    """One user, one name after another: each sets the zone, and /timezone says so."""
    for typed, city in TYPED:
        [reply] = await bot.send(f"/timezone {typed}")
        assert reply["text"].startswith("Done") and city in reply["text"], (typed, reply["text"])
        [status] = await bot.send("/timezone")
        assert city in status["text"], (typed, status["text"])


async def test_a_country_with_several_zones_names_some_of_their_cities(bot: Driver) -> None:
    user = bot.user(3, language_code="pt")
    [reply] = await bot.send("/timezone Brasil", user=user)
    assert "São Paulo" in reply["text"] and "Manaus" in reply["text"]
    [status] = await bot.send("/timezone", user=user)
    assert "Berlim" in status["text"]  # unchanged: the network's zone, in Portuguese


async def test_unknown_name_gives_an_example_and_the_location_button(bot: Driver) -> None:
    [reply] = await bot.send("/timezone Atlantis", user=bot.user(4, language_code="es"))
    assert "Atlantis" in reply["text"] and "/zonahoraria Mtwara" in reply["text"]
    [[key]] = bot.api.sent()[-1]["reply_markup"]["keyboard"]
    assert key["request_location"] is True


async def test_zone_is_named_by_its_city_in_the_readers_language(bot: Driver) -> None:
    [reply] = await bot.send("/exchanges", user=bot.user(5, language_code="es"))
    assert "Europe/Berlin" not in reply["text"]
    assert "15:00 Berlín" in reply["text"]


def _location(bot: Driver, user: dict[str, Any], latitude: float, longitude: float) -> Update:
    raw = bot.api.user_message(user, bot.private(user), "x")
    del raw["message"]["text"]
    raw["message"]["location"] = {"latitude": latitude, "longitude": longitude}
    return as_update(raw, bot.app.bot)


@pytest.mark.parametrize(
    ("where", "city"),
    [((-16.5, -68.15), "La Paz"), ((12.56, -12.18), "Dakar"), ((0.56, 31.39), "Kampala")],
)
async def test_a_shared_location_in_private_sets_the_zone(
    bot: Driver, where: tuple[float, float], city: str
) -> None:
    user = bot.user(6, language_code="fr")
    before = len(bot.api.calls)
    await bot.app.process_update(_location(bot, user, *where))
    [reply] = bot.replies(before)
    assert city in reply["text"]
    assert bot.api.sent()[-1]["reply_markup"] == {"remove_keyboard": True}
    [status] = await bot.send("/timezone", user=user)
    assert city in status["text"]


async def test_zone_at_refuses_what_is_no_place() -> None:
    assert await zone_at(91.0, 0.0) is None
    assert await zone_at(-16.5, -68.15) == ZoneInfo("America/La_Paz")
    assert await zone_at(0.0, -30.0) == ZoneInfo("Etc/GMT+2")  # the open Atlantic


def test_short_names_drop_administrative_words_only_at_the_ends() -> None:
    assert short_names("Département Kédougou") == ("departement kedougou", "kedougou")
    assert short_names("Mansakonko Area Council") == ("mansakonko area council", "mansakonko")
    assert short_names("Ennepe-Ruhr-Kreis") == ("ennepe-ruhr-kreis",)
    assert short_names("Town") == ("town",)  # a name that is only such a word stays whole


async def test_in_a_group_names_work_and_a_location_is_left_alone(bot: Driver) -> None:
    admin = bot.user(20, language_code="es")
    group = bot.group(-120, admins={20: "administrator"})
    [done] = await bot.send("/timezone Kédougou", user=admin, chat=group)
    assert "Dakar" in done["text"]
    assert "keyboard" not in (bot.api.sent()[-1].get("reply_markup") or {})  # no 📍 in groups
    raw = bot.api.user_message(admin, group, "x")
    del raw["message"]["text"]
    raw["message"]["location"] = {"latitude": -16.5, "longitude": -68.15}
    before = len(bot.api.calls)
    await bot.app.process_update(as_update(raw, bot.app.bot))
    assert bot.replies(before) == []
    [status] = await bot.send("/timezone", user=admin, chat=group)
    assert "Dakar" in status["text"] and "keyboard" not in (
        bot.api.sent()[-1].get("reply_markup") or {}
    )


async def test_an_edited_location_or_text_is_not_answered_again(bot: Driver) -> None:
    """A live location sends an edit every few seconds; a corrected typo is an edit too."""
    user = bot.user(7, language_code="fr")
    moving = _location(bot, user, -16.5, -68.15).to_dict()
    typo = bot.api.user_message(user, bot.private(user), "Mtwara")
    before = len(bot.api.calls)
    for raw in (moving, typo):
        raw["edited_message"] = raw.pop("message")
        raw["edited_message"]["edit_date"] = raw["edited_message"]["date"]
        await bot.app.process_update(as_update(raw, bot.app.bot))
    assert bot.api.calls[before:] == []


async def test_an_edited_command_is_not_run_again(bot: Driver) -> None:
    """Editing `/subscribe bonn` (or any command) must not subscribe, or answer, twice."""
    user = bot.user(8, language_code="es")
    before = len(bot.api.calls)
    for text in ("/help", "/frobnicate", "/ayuda"):
        raw = bot.api.user_message(user, bot.private(user), text)
        raw["edited_message"] = raw.pop("message")
        raw["edited_message"]["edit_date"] = raw["edited_message"]["date"]
        await bot.app.process_update(as_update(raw, bot.app.bot))
    assert bot.api.calls[before:] == []
