"""Group chats through the real Application: introductions, subscriptions and who may."""

from __future__ import annotations

from typing import Any

from bot.console.transport import as_update
from bot.model.clock import MovableClock
from bot.model.reminders import ReminderSettings
from tests.conftest import COORDINATOR, Driver

ADMIN, MEMBER = 11, 12


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def feed(bot: Driver, update: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(bot.api.calls)
    await bot.app.process_update(as_update(update, bot.app.bot))
    return bot.replies(before)


async def test_added_to_a_group_the_bot_introduces_itself(bot: Driver) -> None:
    group = bot.group(-2001, {ADMIN: "creator"})
    [hello] = await feed(bot, bot.api.member_change(group, bot.user(ADMIN, "fr"), "left", "member"))
    assert hello["text"].startswith("Bonjour\u202f! Je suis partnerbot.")
    assert "/abonner Bonn" in hello["text"]


async def test_only_admins_and_coordinators_subscribe(bot: Driver) -> None:
    group = bot.group(-2002, {ADMIN: "administrator"})
    [refusal] = await bot.send("/subscribe bonn", user=bot.user(MEMBER, "es"), chat=group)
    assert (
        refusal["text"] == "Solo los administradores del grupo pueden cambiar esta configuración."
    )
    assert await storage(bot).subscriptions.of_chat(-2002) == []

    [done] = await bot.send("/subscribe bonn", user=bot.user(ADMIN, "de"), chat=group)
    assert done["text"].startswith(
        "Erledigt: Dieser Chat verfolgt jetzt Bonn – La Paz. Erinnerungen kommen hierher.\n"
    )
    # The group now reads its towns' languages, German first (tests/test_post_reader.py).
    # A coordinator's /subscribe links it (the group now speaks for the partnership)...
    [linked] = await bot.send("/subscribe bonn", user=bot.user(COORDINATOR, "en"), chat=group)
    assert linked["text"].startswith("Dieser Chat verfolgt Bonn – La Paz bereits; von Ihnen")
    # ...once.
    [again] = await bot.send("/subscribe bonn", user=bot.user(COORDINATOR, "en"), chat=group)
    assert again["text"] == "Dieser Chat verfolgt Bonn – La Paz bereits."
    [listing] = await bot.send("/subscriptions", user=bot.user(MEMBER, "en"), chat=group)
    assert listing["text"] == "Dieser Chat verfolgt:\n• Bonn – La Paz"


async def test_a_coordinator_appointed_in_chat_may_change_a_group_too(
    bot: Driver, clock: MovableClock
) -> None:
    group = bot.group(-2012, {ADMIN: "administrator"})
    appointed = bot.user(MEMBER, "en")
    [refusal] = await bot.send("/subscribe bonn", user=appointed, chat=group)
    assert refusal["text"] == "Only the group's administrators can change this setting."
    await storage(bot).roles.appoint_coordinator(MEMBER, COORDINATOR, clock.now())
    [done] = await bot.send("/subscribe bonn", user=appointed, chat=group)
    assert done["text"].startswith("Done: this chat now follows Bonn – La Paz.")


async def test_ambiguous_subscribe_offers_buttons(bot: Driver) -> None:
    group = bot.group(-2003, {ADMIN: "administrator"})
    [choice] = await bot.send("/subscribe tanzania", user=bot.user(ADMIN), chat=group)
    assert choice["text"] == "Which one do you mean?"
    data = [row[0]["callback_data"] for row in choice["reply_markup"]["inline_keyboard"]]
    assert data == ["sub:a:pforzheim-mtwara", "sub:a:miltenberg-njombe"]
    since = len(bot.api.calls)
    assert await bot.press(choice, data[0], user=bot.user(MEMBER)) == []
    assert bot.alerts(since) == ["Only the group's administrators can change this setting."]
    [done] = await bot.press(choice, data[0], user=bot.user(ADMIN))
    assert done["text"].startswith("Done: this chat now follows Pforzheim – Mtwara.")


async def test_subscribe_a_phase_and_a_programme(bot: Driver) -> None:
    group = bot.group(-2004, {ADMIN: "administrator"})
    [phase] = await bot.send("/subscribe fase 8", user=bot.user(ADMIN, "es"), chat=group)
    assert phase["text"].startswith("Listo: este chat ahora sigue Fase 8.")
    [programme] = await bot.send("/subscribe TANDEM", user=bot.user(ADMIN, "es"), chat=group)
    assert programme["text"].startswith("Listo: este chat ahora sigue TANDEM – alianzas")


async def test_unsubscribe_with_buttons(bot: Driver) -> None:
    group = bot.group(-2005, {ADMIN: "administrator"})
    await bot.send("/language en", user=bot.user(ADMIN), chat=group)
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    [refusal] = await bot.send("/unsubscribe", user=bot.user(MEMBER), chat=group)
    assert refusal["text"] == "Only the group's administrators can change this setting."
    [choice] = await bot.send("/unsubscribe", user=bot.user(ADMIN), chat=group)
    [[button]] = choice["reply_markup"]["inline_keyboard"]
    assert button["text"] == "✖ Bonn – La Paz"
    [done] = await bot.press(choice, button["callback_data"], user=bot.user(ADMIN))
    assert done["text"].startswith("This chat follows nothing yet.")


async def test_reminder_offsets_are_set_by_admins_and_checked(bot: Driver) -> None:
    group = bot.group(-2006, {ADMIN: "administrator"})
    [shown] = await bot.send("/reminders", user=bot.user(MEMBER, "pt"), chat=group)
    assert shown["text"].startswith("Antes dos prazos: 14 dias, 3 dias e 1 dia.")
    [refusal] = await bot.send("/reminders 7", user=bot.user(MEMBER, "pt"), chat=group)
    assert refusal["text"] == "Só os administradores do grupo podem alterar esta configuração."
    [done] = await bot.send("/reminders 7 2 2", user=bot.user(ADMIN, "en"), chat=group)
    assert done["text"].startswith("Before deadlines: 7 days and 2 days.")
    [done] = await bot.send("/reminders meetings 2h 30m", user=bot.user(ADMIN), chat=group)
    assert "Before meetings: 2 hours and 30 minutes." in done["text"]
    [done] = await bot.send("/reminders events 10 1", user=bot.user(ADMIN), chat=group)
    assert "Before events: 10 days and 1 day." in done["text"]
    [done] = await bot.send("/reminders invite 3", user=bot.user(ADMIN), chat=group)
    assert "Invitations: 3 days before the meeting." in done["text"]
    for bad in (
        "/reminders soon",
        "/reminders 900",
        "/reminders meetings 3x",
        "/reminders invite 3 4",
        "/reminders events",
    ):
        [reply] = await bot.send(bad, user=bot.user(ADMIN), chat=group)
        assert reply["text"].startswith("I did not understand that.")
    settings = await storage(bot).subscriptions.reminder_settings(-2006)
    assert settings == ReminderSettings((7, 2), (120, 30), (10, 1), 3)
    await bot.send("/reminders invite after", user=bot.user(ADMIN), chat=group)
    assert (await storage(bot).subscriptions.reminder_settings(-2006)).invite_days is None


async def test_group_zone_and_languages_need_an_admin(bot: Driver) -> None:
    group = bot.group(-2007, {ADMIN: "administrator"})
    [refusal] = await bot.send("/timezone America/La_Paz", user=bot.user(MEMBER), chat=group)
    assert refusal["text"] == "Only the group's administrators can change this setting."
    [done] = await bot.send("/timezone la paz", user=bot.user(ADMIN), chat=group)
    assert done["text"].startswith("Done: times are now shown in La Paz")
    prefs = await storage(bot).preferences.chat(-2007)
    assert prefs.timezone == "America/La_Paz"


async def test_removed_pauses_and_readded_resumes(bot: Driver) -> None:
    group = bot.group(-2008, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    subs = storage(bot).subscriptions
    await feed(bot, bot.api.member_change(group, bot.user(ADMIN), "member", "kicked"))
    assert await subs.is_paused(-2008)
    assert len(await subs.of_chat(-2008)) == 1  # paused, not deleted
    await feed(bot, bot.api.member_change(group, bot.user(ADMIN), "kicked", "member"))
    assert not await subs.is_paused(-2008)


async def test_upgrade_to_supergroup_moves_everything(bot: Driver) -> None:
    group = {"id": -3009, "type": "group", "title": "old group"}
    bot.api.add_chat(group, {ADMIN: "creator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    service = bot.api.user_message(bot.user(ADMIN), group, "x")
    message = service["message"]
    del message["text"]
    message["migrate_to_chat_id"] = -1003009
    await feed(bot, service)
    subs = storage(bot).subscriptions
    assert await subs.of_chat(-3009) == []
    assert [s.target_id for s in await subs.of_chat(-1003009)] == ["bonn-la-paz"]


async def test_a_user_who_unblocks_the_bot_is_resumed(bot: Driver) -> None:
    user = bot.user(21)
    chat = bot.private(user)
    await bot.send("/subscribe bonn", user=user)
    subs = storage(bot).subscriptions
    await feed(bot, bot.api.member_change(chat, user, "member", "kicked"))
    assert await subs.is_paused(21)
    await feed(bot, bot.api.member_change(chat, user, "kicked", "member"))
    assert not await subs.is_paused(21)


async def test_subscribing_again_resumes_a_paused_group(bot: Driver) -> None:
    group = bot.group(-2010, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    await storage(bot).subscriptions.pause(-2010, "Forbidden")
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    assert not await storage(bot).subscriptions.is_paused(-2010)


async def test_a_refused_button_is_answered_once(bot: Driver) -> None:
    group = bot.group(-2011, {ADMIN: "administrator"})
    [choice] = await bot.send("/subscribe tanzania", user=bot.user(ADMIN), chat=group)
    before = len(bot.api.calls)
    await bot.press(choice, "sub:a:pforzheim-mtwara", user=bot.user(MEMBER))
    answers = [c for c in bot.api.calls[before:] if c.method == "answerCallbackQuery"]
    assert len(answers) == 1


async def test_migration_into_a_known_supergroup_keeps_the_settings(bot: Driver) -> None:
    group = {"id": -3012, "type": "group", "title": "old"}
    bot.api.add_chat(group, {ADMIN: "creator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    await bot.send("/language es de", user=bot.user(ADMIN), chat=group)
    await bot.send("/reminders 7", user=bot.user(ADMIN), chat=group)
    store = storage(bot)
    await store.preferences.set_chat_timezone(-1003012, "supergroup", "new", "UTC")  # known
    await store.subscriptions.migrate_chat(-3012, -1003012)
    prefs = await store.preferences.chat(-1003012)
    assert prefs.languages == ("es", "de") and prefs.timezone == "UTC"
    assert (await store.subscriptions.reminder_settings(-1003012)).deadline_days == (7,)
    assert [s.target_id for s in await store.subscriptions.of_chat(-1003012)] == ["bonn-la-paz"]
