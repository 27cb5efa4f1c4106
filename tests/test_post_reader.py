"""Posts in their reader's language and time: a private subscriber's own settings, and a
group's default languages said at /subscribe (through the dispatcher, real storage)."""

from __future__ import annotations

from typing import Any

from bot.schedule.jobs import scheduler_of
from bot.schedule.replan import replan
from tests.conftest import Driver

ADMIN = 31
SEPARATOR = "\n\n— — —\n\n"


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def plan_and_send(bot: Driver) -> int:
    settings = bot.app.bot_data.settings
    assert settings is not None
    await replan(storage(bot), bot.app.bot_data.clock.now(), settings.timezone)
    return await scheduler_of(bot.app).dispatcher.run(bot.app.bot)


def posts_to(bot: Driver, chat_id: int, since: int = 0) -> list[str]:
    """The posts' text as the reader sees it."""
    return [
        c.result["text"]
        for c in bot.api.calls[since:]
        if c.method == "sendMessage"
        and c.result is not None
        and int(c.params["chat_id"]) == chat_id
        and c.result.get("reply_markup")  # an invitation carries the RSVP buttons
    ]


async def test_a_private_subscription_posts_in_the_users_language_and_zone(bot: Driver) -> None:
    user = bot.user(ADMIN, "en")
    await bot.send("/language es", user=user)
    await bot.send("/timezone la paz", user=user)
    await bot.send("/subscribe bonn", user=user)
    await plan_and_send(bot)
    [invitation] = posts_to(bot, ADMIN)
    assert invitation.startswith("📅 Invitación: Reunión virtual Bonn – La Paz")
    assert "mar, 24 nov 2026, 10:00 La Paz\n15:00 Bonn · 10:00 La Paz" in invitation
    assert SEPARATOR not in invitation  # one language: the user's


async def test_a_private_subscriber_who_changes_zone_gets_the_new_one(bot: Driver) -> None:
    user = bot.user(ADMIN, "de")
    await bot.send("/subscribe bonn", user=user)
    await bot.send("/timezone la paz", user=user)  # after subscribing: the plan follows
    await plan_and_send(bot)
    [invitation] = posts_to(bot, ADMIN)
    assert invitation.startswith("📅 Einladung: Virtuelles Treffen Bonn – La Paz")
    assert "24. Nov. 2026, 10:00 La Paz" in invitation


async def test_a_group_gets_the_languages_of_its_partnership(bot: Driver) -> None:
    group = bot.group(-3001, {ADMIN: "administrator"})
    [done] = await bot.send("/subscribe bonn", user=bot.user(ADMIN, "es"), chat=group)
    assert done["text"].startswith("Listo: este chat ahora sigue Bonn – La Paz.")
    assert "alemán" in done["text"] and "español" in done["text"]
    assert "/language" in done["text"]
    assert (await storage(bot).preferences.chat(-3001)).languages == ("de", "es")
    await plan_and_send(bot)
    [invitation] = posts_to(bot, -3001)
    german, spanish = invitation.split(SEPARATOR)
    assert german.startswith("📅 Einladung:") and spanish.startswith("📅 Invitación:")


async def test_other_partnerships_default_to_their_towns_languages(bot: Driver) -> None:
    for chat_id, town, languages in (
        (-3002, "kedougou", ("de", "fr")),
        (-3003, "mtwara", ("de", "en")),
    ):
        group = bot.group(chat_id, {ADMIN: "administrator"})
        await bot.send(f"/subscribe {town}", user=bot.user(ADMIN, "pt"), chat=group)
        assert (await storage(bot).preferences.chat(chat_id)).languages == languages


async def test_a_phase_group_defaults_to_the_admins_language(bot: Driver) -> None:
    group = bot.group(-3004, {ADMIN: "administrator"})
    [done] = await bot.send("/subscribe fase 8", user=bot.user(ADMIN, "fr"), chat=group)
    assert "/language" in done["text"]
    assert (await storage(bot).preferences.chat(-3004)).languages == ("fr",)


async def test_a_groups_chosen_languages_are_kept(bot: Driver) -> None:
    group = bot.group(-3005, {ADMIN: "administrator"})
    await bot.send("/language pt", user=bot.user(ADMIN, "de"), chat=group)
    [done] = await bot.send("/subscribe bonn", user=bot.user(ADMIN, "de"), chat=group)
    assert "/language" not in done["text"]  # nothing chosen for them: nothing to say
    assert (await storage(bot).preferences.chat(-3005)).languages == ("pt",)
