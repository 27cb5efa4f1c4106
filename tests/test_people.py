"""The contact directory with consent (/listme, /contacts) and /forgetme, through the real
Application."""

from __future__ import annotations

from typing import Any

from harness.fake_telegram import as_update
from tests.conftest import COORDINATOR, Driver


def keys(message: dict[str, Any]) -> list[str]:
    return [
        key["callback_data"]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for key in row
        if "callback_data" in key
    ]


def person(user_id: int, first: str, username: str | None = None, lang: str = "en") -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": first,
        "language_code": lang,
    }
    if username:
        user["username"] = username
    return user


async def set_town(bot: Driver, user: dict[str, Any], town: str) -> None:
    [question] = await bot.send("/iam", user=user)
    await bot.press(question, f"iam:{town}", user=user)


async def list_me(bot: Driver, user: dict[str, Any]) -> dict[str, Any]:
    [offer] = await bot.send("/listme", user=user)
    assert keys(offer) == ["lm:y", "lm:n"]
    [done] = await bot.press(offer, "lm:y", user=user)
    return done


async def test_listing_needs_a_town_and_says_what_becomes_visible(bot: Driver) -> None:
    maria = person(41, "María <M>", "maria_bo", "es")
    [first] = await bot.send("/listme", user=maria)
    assert "/miciudad" in first["text"] and not keys(first)
    await set_town(bot, maria, "la-paz")
    [offer] = await bot.send("/listme", user=maria)
    assert "María <M> @maria_bo" in offer["text"] and "La Paz" in offer["text"]
    assert "español" in offer["text"]
    assert not await bot.app.bot_data.storage.people.listing(41)  # off by default
    [no] = await bot.press(offer, "lm:n", user=maria)
    assert await bot.app.bot_data.storage.people.listing(41) is None
    done = await list_me(bot, maria)
    assert "/listarme" in done["text"]
    [state] = await bot.send("/listme", user=maria)
    assert keys(state) == ["lm:n"]
    [off] = await bot.press(state, "lm:n", user=maria)
    assert await bot.app.bot_data.storage.people.listing(41) is None


async def test_contacts_shows_the_listed_and_never_the_unlisted(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    listed = person(51, "Anna", "anna_bonn", "de")
    shy = person(52, "Shy Focal", "shy")
    other = person(53, "Luis", None, "es")
    for user, town in ((listed, "bonn"), (shy, "bonn"), (other, "la-paz")):
        await set_town(bot, user, town)
    await list_me(bot, listed)
    await list_me(bot, other)
    now = bot.app.bot_data.clock.now()
    from bot.model.roles import Side

    await storage.roles.appoint_focal_point("bonn-la-paz", 52, Side.NORTH, COORDINATOR, now)
    await storage.roles.appoint_focal_point("bonn-la-paz", 53, Side.SOUTH, COORDINATOR, now)
    for typed in ("/contacts bonn", "/contacts la paz", "/contacts bonn la paz"):
        [answer] = await bot.send(typed, user=person(60, "Asker"))
        text = answer["text"]
        assert "Shy" not in text and "shy" not in text
        assert "Anna @anna_bonn" in text and "Luis" in text
        assert "focal point of Bonn – La Paz (La Paz)" in text
    sent = [c.params["text"] for c in bot.api.calls if c.method == "sendMessage"]
    assert any('<a href="tg://user?id=51">Anna</a> @anna_bonn' in t for t in sent)
    [usage] = await bot.send("/contacts", user=person(60, "Asker"))
    assert "/contacts bonn" in usage["text"]


async def test_forgetme_leaves_no_row_that_names_the_user(bot: Driver) -> None:
    ...
