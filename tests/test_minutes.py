"""Minutes after a meeting, in process: /minutes by a focal point in the group or in
private naming the partnership, refused to others and for a bad link, and shown under the
meeting in /exchanges past, marked by language."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.model.clock import MovableClock
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver
from tests.test_agenda import FOCAL, GROUP_B, MEETING, MEMBER, START, appoint_focal, group, invited

JSON = dict[str, Any]


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def held(bot: Driver, clock: MovableClock) -> None:
    """The group was invited to the meeting, which is now over."""
    await invited(bot, (GROUP_B, ("es",)))
    await appoint_focal(bot)
    clock.set(START + timedelta(hours=2))


async def past_text(bot: Driver, user: JSON, chat: JSON | None = None) -> str:
    [first] = await bot.send("/exchanges past bonn", user, chat)
    return "\n".join(page["text"] for page in await bot.pages(first, user))


async def test_a_focal_point_attaches_a_link_in_the_group(bot: Driver, clock: MovableClock) -> None:
    await held(bot, clock)
    focal = bot.user(FOCAL, "es")
    [said] = await bot.send("/acta https://example.org/acta-enero", focal, group(GROUP_B))
    assert said["text"].startswith(
        "📄 Acta adjuntada a Reunión virtual Bonn – La Paz del mar, 5 ene"
    )
    minutes = await storage(bot).agenda.minutes_of(MEETING)
    assert minutes is not None and minutes.url == "https://example.org/acta-enero"
    assert minutes.text is None and minutes.added_by == FOCAL
    shown = await past_text(bot, bot.user(1, "es"), group(GROUP_B))
    assert "📄 Acta: https://example.org/acta-enero" in shown


async def test_a_link_and_a_text_in_private_naming_the_partnership(
    bot: Driver, clock: MovableClock
) -> None:
    await held(bot, clock)
    focal = bot.user(FOCAL, "es")
    await bot.send("/idioma es", focal)
    [said] = await bot.send(
        "/minutes La-Paz https://example.org/a Acordamos el calendario 2027", focal
    )
    assert said["text"].startswith("📄 Acta adjuntada")
    minutes = await storage(bot).agenda.minutes_of(MEETING)
    assert minutes is not None and minutes.url == "https://example.org/a"
    assert minutes.text is not None
    assert (minutes.text.original, minutes.text.original_language) == (
        "Acordamos el calendario 2027",
        "es",
    )
    # A German reader sees the text marked as Spanish.
    shown = await past_text(bot, bot.user(60, "de"))
    assert "📄 Protokoll: https://example.org/a Acordamos el calendario 2027 (es)" in shown


async def test_others_and_bad_links_are_refused_and_nothing_changes(
    bot: Driver, clock: MovableClock
) -> None:
    await held(bot, clock)
    before = await bot.rows()
    [said] = await bot.send("/acta https://example.org/x", bot.user(MEMBER, "es"), group(GROUP_B))
    assert said["text"] == (
        "Solo los puntos focales de la alianza y la coordinación adjuntan actas.\n"
        "Pregunte a uno de ellos: /contactos Bonn"
    )
    focal = bot.user(FOCAL, "es")
    [said] = await bot.send("/acta ftp://example.org/x", focal, group(GROUP_B))
    assert said["text"] == "El enlace al acta debe comenzar con http:// o https://."
    [said] = await bot.send("/acta " + "z" * 201, focal, group(GROUP_B))
    assert said["text"].startswith("Un acta en texto puede tener como máximo 200 caracteres")
    [said] = await bot.send("/minutes Atlantis x", bot.user(COORDINATOR, "en"))
    assert said["text"] == "I found no partnership for “Atlantis”."
    assert await bot.rows() == before


async def test_before_any_meeting_was_held_there_is_nothing_to_attach_to(
    bot: Driver, clock: MovableClock
) -> None:
    await invited(bot, (GROUP_B, ("es",)))  # invited, not yet held
    [said] = await bot.send(
        "/acta https://example.org/x", bot.user(COORDINATOR, "es"), group(GROUP_B)
    )
    assert (
        said["text"] == "Aún no conozco ninguna reunión celebrada aquí a la que adjuntar un acta."
    )


async def test_a_two_word_town_names_the_partnership_in_private(
    bot: Driver, clock: MovableClock
) -> None:
    await held(bot, clock)
    focal = bot.user(FOCAL, "es")
    await bot.send("/idioma es", focal)
    [said] = await bot.send("/acta la paz https://example.org/a", focal)
    assert said["text"].startswith("📄 Acta adjuntada")
    minutes = await storage(bot).agenda.minutes_of(MEETING)
    assert minutes is not None and minutes.url == "https://example.org/a"
    assert minutes.text is None
    [said] = await bot.send("/acta La Paz Acordamos el calendario\ny el presupuesto", focal)
    assert said["text"].startswith("📄 Acta adjuntada")
    minutes = await storage(bot).agenda.minutes_of(MEETING)
    assert minutes is not None and minutes.url is None and minutes.text is not None
    assert minutes.text.original == "Acordamos el calendario\ny el presupuesto"  # lines kept


async def test_in_a_group_a_leading_partnership_name_is_not_part_of_the_minutes(
    bot: Driver, clock: MovableClock
) -> None:
    await held(bot, clock)
    focal = bot.user(FOCAL, "es")
    [said] = await bot.send("/acta bonn https://example.org/b", focal, group(GROUP_B))
    assert said["text"].startswith("📄 Acta adjuntada")
    minutes = await storage(bot).agenda.minutes_of(MEETING)
    assert minutes is not None and minutes.url == "https://example.org/b"
    assert minutes.text is None


async def test_the_usage_says_what_to_send_where(bot: Driver, clock: MovableClock) -> None:
    await held(bot, clock)
    coordinator = bot.user(COORDINATOR, "en")
    [said] = await bot.send("/minutes", coordinator, group(GROUP_B))
    assert said["text"] == "Envíe /acta con un enlace o un texto breve."  # the group reads es
    [said] = await bot.send("/minutes", coordinator)
    assert said["text"] == "Name the partnership first: /minutes bonn https://…"
    [said] = await bot.send("/minutes https://example.org/c", coordinator)
    assert said["text"] == "Name the partnership first: /minutes bonn https://…"
