"""Handlers through the real Application and the offline Bot API: texts and keyboards sent."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest
from telegram.error import RetryAfter
from telegram.ext import CommandHandler

from bot.telegram.commands import command, offered
from handlers import fallback
from tests.conftest import COORDINATOR, Driver

WELCOME = {
    "en": "Hello! I am partnerbot",
    "de": "Hallo! Ich bin partnerbot",
    "es": "¡Hola! Soy partnerbot",
    "fr": "Bonjour\u202f! Je suis partnerbot",
    "pt": "Olá! Sou o partnerbot",
}


@pytest.mark.parametrize("lang", sorted(WELCOME))
async def test_start_answers_in_the_telegram_language(bot: Driver, lang: str) -> None:
    reply, _town = await bot.send("/start", user=bot.user(language_code=lang))
    assert reply["text"].startswith(WELCOME[lang])
    assert f"/{command('help').name_in(lang)}" in reply["text"]  # the reader's own name
    keys = [k for row in reply["reply_markup"]["inline_keyboard"] for k in row]
    assert [k["callback_data"] for k in keys] == ["ms:", "ex:0:u:", "pb:c", "help:0"]


async def test_each_welcome_button_opens_what_it_says(bot: Driver) -> None:
    welcome, _town = await bot.send("/start")
    keys = [k for row in welcome["reply_markup"]["inline_keyboard"] for k in row]
    opened = [(await bot.press(welcome, k["callback_data"]))[0]["text"] for k in keys]
    assert opened[0].startswith("Open milestones:")
    assert "upcoming exchange" in opened[1]
    assert opened[2] == "Partnerships by country:"
    assert opened[3].startswith("How to use partnerbot\n\n/milestones")


async def test_unsupported_telegram_language_falls_back_to_english(bot: Driver) -> None:
    reply, _town = await bot.send("/start", user=bot.user(language_code="ru"))
    assert reply["text"].startswith(WELCOME["en"])


async def test_help_names_language_and_zone(bot: Driver) -> None:
    """A screen at a time: ▶ leads on, ◀ back; every command and note is on one page."""
    user = bot.user(language_code="pt-br")
    [page] = await bot.send("/help", user=user)
    pages = [page]
    while (nav := page["reply_markup"]["inline_keyboard"][0]) and nav[-1]["text"] == "▶":
        [page] = await bot.press(page, nav[-1]["callback_data"], user=user)
        pages.append(page)
    assert len(pages) > 1 and all(p["text"].startswith("Como usar o partnerbot\n") for p in pages)
    assert [k["text"] for k in page["reply_markup"]["inline_keyboard"][0]] == ["◀"]
    text = "\n".join(p["text"] for p in pages)
    assert all(text.count(f"/{c.name_in('pt')} – ") == 1 for c in offered(private=True))
    assert "/topico" not in text  # for groups with topics only
    assert "Respondo em português" in text and "Berlim" in text and "Europe/Berlin" not in text


async def test_language_keyboard_choice_is_stored_and_used(bot: Driver) -> None:
    user = bot.user(7, language_code="en")
    [prompt] = await bot.send("/language", user=user)
    keys = [k for row in prompt["reply_markup"]["inline_keyboard"] for k in row]
    assert [k["callback_data"] for k in keys] == [
        "lang:en",
        "lang:de",
        "lang:es",
        "lang:fr",
        "lang:pt",
    ]
    assert keys[0]["text"] == "✓ English"
    [edited] = await bot.press(prompt, "lang:es", user=user)
    assert edited["message_id"] == prompt["message_id"]  # edited in place
    assert edited["text"] == "Listo: responderé en español."
    reply, _town = await bot.send("/start", user=user)  # Telegram still says "en": ours wins
    assert reply["text"].startswith(WELCOME["es"])


async def test_language_argument_and_bad_argument(bot: Driver) -> None:
    user = bot.user(8)
    [reply] = await bot.send("/language fr", user=user)
    assert reply["text"] == "C'est fait\u202f: je répondrai en français."
    [reply] = await bot.send("/language <b>klingon</b>", user=user)
    assert (
        "Je ne parle pas «\u202f<b>klingon</b>\u202f»" in reply["text"]
    )  # escaped, shown as typed
    reply, _town = await bot.send("/start", user=user)
    assert reply["text"].startswith(WELCOME["fr"])  # nothing changed


async def test_private_chat_takes_one_language(bot: Driver) -> None:
    user = bot.user(9, "de")
    [reply] = await bot.send("/language es fr", user=user)
    assert reply["text"].startswith("Im privaten Chat antworte ich nur in einer Sprache.")
    reply, _town = await bot.send("/start", user=user)
    assert reply["text"].startswith(WELCOME["de"])  # nothing changed


async def test_group_language_only_for_admins_and_coordinators(bot: Driver) -> None:
    admin, member = bot.user(11, "de"), bot.user(12, "es")
    group = bot.group(-1001, admins={11: "administrator"})

    [refusal] = await bot.send("/language es", user=member, chat=group)
    assert (
        refusal["text"] == "Solo los administradores del grupo pueden cambiar esta configuración."
    )
    [reply] = await bot.send("/start", user=member, chat=group)
    assert reply["text"].startswith(WELCOME["es"])  # still the member's own language

    [prompt] = await bot.send("/language", user=admin, chat=group)
    since = len(bot.api.calls)
    assert await bot.press(prompt, "lang:fr", user=member) == []
    assert bot.alerts(since) == [
        "Solo los administradores del grupo pueden cambiar esta configuración."
    ]

    [done] = await bot.press(prompt, "lang:pt", user=admin)
    assert done["text"] == "Pronto: vou responder em português."
    [reply] = await bot.send("/start", user=member, chat=group)
    assert reply["text"].startswith(WELCOME["pt"])  # the group's language now rules

    coordinator = bot.user(COORDINATOR, "en")
    [done] = await bot.send("/language es de", user=coordinator, chat=group)
    assert done["text"] == "Listo: responderé en español y alemán."


async def test_unknown_command_hint_in_private_but_silence_in_groups(bot: Driver) -> None:
    [reply] = await bot.send("/frobnicate now", user=bot.user(language_code="de"))
    assert reply["text"] == (
        "Den Befehl /frobnicate kenne ich nicht. Senden Sie /hilfe, um zu sehen, was ich kann."
    )
    group = bot.group(-1002)
    assert await bot.send("/otherbots_command", chat=group) == []
    [reply] = await bot.send("/frobnicate@partnerbot", chat=group)
    assert reply["text"].startswith("I do not know the command /frobnicate.")


async def test_commands_are_published_per_language(bot: Driver) -> None:
    scoped = {
        (c.params["scope"]["type"], c.params.get("language_code")): c.params["commands"]
        for c in bot.api.calls
        if c.method == "setMyCommands"
    }
    languages = {None, "en", "de", "es", "fr", "pt"}
    assert set(scoped) == {
        (s, lang) for s in ("all_private_chats", "all_group_chats") for lang in languages
    }
    # /topic (in German: /thema) only where there are topics: in groups.
    assert "thema" in {c["command"] for c in scoped["all_group_chats", "de"]}
    assert "thema" not in {c["command"] for c in scoped["all_private_chats", "de"]}
    published = {lang: scoped["all_group_chats", lang] for lang in languages}
    names = [c["command"] for c in published["de"]]  # each language's own names
    assert names[:5] == ["meilensteine", "phasen", "austausch", "partner", "zeitzone"]
    assert {"abonnieren", "abbestellen", "abos", "erinnerungen", "sprache"} <= set(names)
    by_name = {c["command"]: c["description"] for c in published["fr"]}
    assert by_name["langue"] == "Choisir la langue de mes réponses"
    assert [c["command"] for c in published["en"]][:3] == ["milestones", "phases", "exchanges"]
    assert published["es"][3]["description"] == "Buscar alianzas por ciudad, país o tema"
    assert published[None] == published["en"]


async def test_errors_get_a_localized_apology_and_a_log_line(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    async def broken(update: object, context: object) -> None:
        raise RuntimeError("boom")

    bot.app.handlers[0].insert(0, CommandHandler("broken", broken))  # before the fallback
    with caplog.at_level(logging.ERROR):
        [reply] = await bot.send("/broken", user=bot.user(5, "es"))
    assert (
        reply["text"]
        == "Lo siento, algo salió mal por mi parte. Vuelva a intentarlo en un momento."
    )
    [record] = [r for r in caplog.records if r.name == "handlers.errors"]
    assert "chat 5, user 5" in record.getMessage() and record.exc_info is not None


async def test_no_apology_goes_to_a_chat_telegram_closed(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    async def refused(update: object, context: object) -> None:
        raise RetryAfter(timedelta(hours=1))  # what the pacer raises past its patience

    bot.app.handlers[0].insert(0, CommandHandler("refused", refused))
    with caplog.at_level(logging.ERROR):
        assert await bot.send("/refused", user=bot.user(5, "es")) == []
    assert [r for r in caplog.records if r.name == "handlers.errors"]  # logged all the same


async def test_the_unknown_command_hint_is_tried_last(bot: Driver) -> None:
    """Handlers are registered busiest first; the hint takes any command, so it stays last."""
    handlers = bot.app.handlers[0]
    assert handlers[-1].callback is fallback.unknown_command
    assert all(getattr(h, "callback", None) is not fallback.unknown_command for h in handlers[:-1])
