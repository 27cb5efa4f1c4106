"""The town a user belongs to: asked after /start in private, changed with /iam (issue 14)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.model.clock import MovableClock
from tests.conftest import Driver


def keys(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [key["callback_data"] for row in rows for key in row]


async def test_start_in_private_asks_for_the_town_with_buttons(bot: Driver) -> None:
    welcome, question = await bot.send("/start", user=bot.user(11, language_code="es"))
    assert "¡Hola!" in welcome["text"]
    assert question["text"].startswith("¿A qué municipio de la red pertenece?")
    assert "iam:bonn" in keys(question) and keys(question)[-1] == "iam0"
    assert "iamp:1" in keys(question)  # 24 towns: pages of eight
    [page] = await bot.press(question, "iamp:1", user=bot.user(11, language_code="es"))
    assert page["message_id"] == question["message_id"] and keys(page) != keys(question)


async def test_start_in_a_group_asks_nothing(bot: Driver) -> None:
    group = bot.group()
    [welcome] = await bot.send("/start", user=bot.user(12), chat=group)
    assert "iam0" not in keys(welcome)


async def test_the_town_sets_zone_and_for_a_user_without_our_language_its_language(
    bot: Driver,
) -> None:
    user = bot.user(13, language_code="wo")  # Wolof: none of our five
    _welcome, question = await bot.send("/start", user=user)
    [done] = await bot.press(question, "iam:kedougou", user=user)
    assert done["text"].startswith("C'est fait\u202f: vous êtes de Département Kédougou (Sénégal).")
    assert "Dakar" in done["text"]
    [status] = await bot.send("/timezone", user=user)
    assert "Dakar" in status["text"] and status["text"].startswith("J'affiche")
    assert await _town(bot, 13) == "kedougou"


async def test_a_user_whose_telegram_speaks_ours_keeps_that_language(bot: Driver) -> None:
    user = bot.user(14, language_code="de")
    _welcome, question = await bot.send("/start", user=user)
    [done] = await bot.press(question, "iam:la-paz", user=user)
    assert done["text"].startswith("Erledigt: Sie gehören zu La Paz (Bolivien).")
    [status] = await bot.send("/timezone", user=user)
    assert "La Paz" in status["text"] and status["text"].startswith("Ich zeige")


async def test_a_typed_name_answers_the_open_question_only(
    bot: Driver, clock: MovableClock
) -> None:
    user = bot.user(15)

    async def not_ours(text: str) -> None:
        """No question open: the typed text is a search (the private-chat search), not a town."""
        [reply] = await bot.send(text, user=user)
        assert not any(k.startswith("iam") for k in keys(reply)), reply

    await not_ours("Mubende")
    await bot.send("/start", user=user)
    [found] = await bot.send("Mubende", user=user)
    assert keys(found) == ["iam:mubende", "iam0"]
    [skipped] = await bot.press(found, "iam0", user=user)
    assert "/iam" in skipped["text"]
    await not_ours("Mubende")  # skipped: closed
    await bot.send("/iam", user=user)
    clock.advance(timedelta(hours=1))
    await not_ours("Mubende")  # an hour on: closed
    assert await _town(bot, 15) is None


async def test_text_naming_no_town_is_a_search_and_the_question_stays_open(
    bot: Driver,
) -> None:
    """Typing "hola" or a partnership search while the question is open gets what it gets with no
    question open (the private-chat search), not "no town matches"."""
    asked, other = bot.user(18, language_code="es"), bot.user(19, language_code="es")
    await bot.send("/start", user=asked)
    for text in ("hola", "bonn la paz", "Atlantis"):
        [reply] = await bot.send(text, user=asked)
        [expected] = await bot.send(text, user=other)
        assert (reply["text"], keys(reply)) == (expected["text"], keys(expected)), text
        assert "iam0" not in keys(reply)
    [found] = await bot.send("Mubende", user=asked)  # still open
    assert keys(found) == ["iam:mubende", "iam0"]


async def test_a_typed_name_with_many_towns_says_how_many_more(bot: Driver) -> None:
    [found] = await bot.send("/iam a", user=bot.user(20, language_code="pt"))
    towns = [k for k in keys(found) if k.startswith("iam:")]
    assert len(towns) == 8 and "digite mais letras" in found["text"], found["text"]
    [few] = await bot.send("/iam ked", user=bot.user(20, language_code="pt"))
    assert "mais" not in few["text"]


async def test_iam_with_a_name_and_in_a_group(bot: Driver) -> None:
    user = bot.user(16)
    [found] = await bot.send("/iam ked", user=user)
    assert keys(found) == ["iam:kedougou", "iam0"]
    [done] = await bot.press(found, "iam:kedougou", user=user)
    assert "Another town: /iam" in done["text"]
    [again] = await bot.send("/iam", user=user)
    labels = [k["text"] for row in again["reply_markup"]["inline_keyboard"] for k in row]
    assert "✓ 🇸🇳 Département Kédougou" in labels
    [group_reply] = await bot.send("/iam", user=user, chat=bot.group())
    assert "private" in group_reply["text"] and keys(group_reply) == []


async def test_a_forged_town_changes_nothing(bot: Driver) -> None:
    user = bot.user(17)
    _welcome, question = await bot.send("/start", user=user)
    before = await bot.rows()
    await bot.press(question, "iam:atlantis", user=user)
    assert bot.alerts() and await bot.rows() == before


async def _town(bot: Driver, user_id: int) -> str | None:
    assert bot.app.bot_data.storage is not None
    return await bot.app.bot_data.storage.preferences.user_town(user_id)
