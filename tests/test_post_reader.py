"""Posts in their reader's language and time: a private subscriber's own settings, and a
group's default languages said at /subscribe (through the dispatcher, real storage)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.model.chats import TargetKind
from bot.model.clock import MovableClock
from bot.schedule.compose import SEPARATOR
from bot.text import cldr
from bot.text.dates import days_until, starts_in
from bot.text.i18n import I18n
from tests.conftest import Driver, plan_and_send

ADMIN = 31


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


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
    assert "/idioma" in done["text"]
    # the admin's language first: the group's replies keep coming in it
    assert (await storage(bot).preferences.chat(-3001)).languages == ("es", "de")
    [listing] = await bot.send("/subscriptions", user=bot.user(ADMIN, "es"), chat=group)
    assert listing["text"].startswith("Este chat sigue:")
    await plan_and_send(bot)
    [invitation] = posts_to(bot, -3001)
    spanish, german = invitation.split(SEPARATOR)
    assert spanish.startswith("📅 Invitación:") and german.startswith("📅 Einladung:")


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
    assert "/langue" in done["text"]
    assert (await storage(bot).preferences.chat(-3004)).languages == ("fr",)


async def test_a_groups_chosen_languages_are_kept(bot: Driver) -> None:
    group = bot.group(-3005, {ADMIN: "administrator"})
    await bot.send("/language pt", user=bot.user(ADMIN, "de"), chat=group)
    [done] = await bot.send("/subscribe bonn", user=bot.user(ADMIN, "de"), chat=group)
    assert "/language" not in done["text"]  # nothing chosen for them: nothing to say
    assert (await storage(bot).preferences.chat(-3005)).languages == ("pt",)


async def test_a_reminder_the_day_before_says_tomorrow(bot: Driver, clock: MovableClock) -> None:
    group = bot.group(-3006, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN, "de"), chat=group)  # de + es
    await plan_and_send(bot)  # the invitation
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # a day before 15:00 in Bonn
    since = len(bot.api.calls)
    await plan_and_send(bot)
    [reminder] = [
        c.result["text"] for c in bot.api.calls[since:] if c.method == "sendMessage" and c.result
    ]
    german, spanish = reminder.split(SEPARATOR)
    assert german.startswith("⏰ Virtuelles Treffen Bonn – La Paz beginnt morgen.")
    assert spanish.startswith("⏰ Reunión virtual Bonn – La Paz comienza mañana.")


@pytest.mark.parametrize(
    ("lang", "tomorrow", "yesterday", "in_an_hour"),
    [
        ("en", "tomorrow", "yesterday", "in 1 hour"),
        ("de", "morgen", "gestern", "in 1 Stunde"),
        ("es", "mañana", "ayer", "dentro de 1 hora"),
        ("fr", "demain", "hier", "dans 1 heure"),
        ("pt", "amanhã", "ontem", "em 1 hora"),
    ],
)
def test_one_day_either_way_as_people_say_it(
    i18n: I18n, lang: str, tomorrow: str, yesterday: str, in_an_hour: str
) -> None:
    tr, zone = i18n.translator(lang), ZoneInfo("America/La_Paz")
    now = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # 10:00 in La Paz
    today = now.astimezone(zone).date()
    assert days_until(tr, today + timedelta(days=1), today) == tomorrow
    assert days_until(tr, today - timedelta(days=1), today) == yesterday
    assert starts_in(tr, now + timedelta(days=1), now, zone) == tomorrow
    assert starts_in(tr, now + timedelta(hours=1), now, zone) == in_an_hour
    # 23:00 there, a meeting at 01:00: tomorrow by the date, but said in hours
    late = datetime(2026, 11, 24, 3, 0, tzinfo=UTC)
    two_hours = timedelta(hours=2)
    assert starts_in(tr, late + two_hours, late, zone) == cldr.relative(two_hours, lang)


async def test_a_private_deadline_reminder_comes_at_nine_where_the_user_is(
    bot: Driver, clock: MovableClock
) -> None:
    user = bot.user(ADMIN, "en")
    await bot.send("/language es", user=user)
    await bot.send("/timezone la paz", user=user)
    now = clock.now()
    await storage(bot).subscriptions.add(ADMIN, "private", None, "phase", "example-phase", 1, now)
    await plan_and_send(bot)
    async with storage(bot).db.conn.execute(
        "SELECT due_at FROM deliveries WHERE chat_id = ? AND key LIKE 'deadline:%:2026-11-26:1d'",
        (ADMIN,),
    ) as cur:
        (due_at,) = await cur.fetchone()
    # the day before the deadline of 26 Nov, at 09:00 in La Paz (13:00 UTC), not in Berlin
    assert datetime.fromisoformat(due_at) == datetime(2026, 11, 25, 13, 0, tzinfo=UTC)
    clock.set(datetime(2026, 11, 25, 13, 0, tzinfo=UTC))
    since = len(bot.api.calls)
    await plan_and_send(bot)
    texts = [c.result["text"] for c in bot.api.calls[since:] if c.method == "sendMessage"]
    assert [t for t in texts if t.startswith("⏰ Plazo: mañana")]


async def test_a_group_that_followed_before_defaults_reads_its_towns_languages(
    bot: Driver,
) -> None:
    """Subscribed before /subscribe stored defaults: at the next start-up it gets them too;
    a group that chose its languages, or follows no partnership, keeps what it has."""
    store = bot.app.bot_data.storage
    assert store is not None
    now = bot.app.bot_data.clock.now()
    subs, prefs = store.subscriptions, store.preferences
    await subs.add(-901, "supergroup", "old", TargetKind.PARTNERSHIP, "bonn-la-paz", 1, now)
    await subs.add(-902, "supergroup", "chose", TargetKind.PARTNERSHIP, "bonn-la-paz", 1, now)
    await prefs.set_chat_languages(-902, "supergroup", "chose", ("fr",))
    await subs.add(-903, "supergroup", "phase", TargetKind.PHASE, "p4", 1, now)
    # Two partnerships, linked by a Spanish-speaking admin: the first one's pair, theirs first.
    await prefs.set_user_language(77, "es")
    await subs.add(-904, "supergroup", "two", TargetKind.PARTNERSHIP, "bonn-la-paz", 77, now)
    await subs.add(-904, "supergroup", "two", TargetKind.PARTNERSHIP, "passau-kedougou", 77, now)
    assert await prefs.give_groups_their_towns_languages() == 2
    assert (await prefs.chat(-901)).languages == ("de", "es")
    assert (await prefs.chat(-902)).languages == ("fr",)
    assert (await prefs.chat(-903)).languages == ()
    assert (await prefs.chat(-904)).languages == ("es", "de")
    assert await prefs.give_groups_their_towns_languages() == 0  # once
