"""Words typed back: every name and keyword the bot shows is accepted as input, in the five
languages; commands by their names in every language; plain text in a private chat."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po
from telegram.ext import CommandHandler, ConversationHandler

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import LANGUAGES
from bot.model.reminders import ReminderSetting, ReminderSettings
from bot.telegram.commands import COMMANDS, VALID_NAME, command
from bot.text.i18n import I18n
from bot.text.keywords import (
    INVITE_WHEN,
    REMINDER_KINDS,
    TENSES,
    UNITS,
    Tense,
    find_phase,
    read_durations,
    read_reminders,
    tense_words,
    unit_words,
)
from bot.views.common import duration
from bot.views.help import unknown_command
from bot.views.milestones import phase_keyboard
from storage.store import seed_yaml
from tests.conftest import ROOT, Driver

ADMIN = 41
PHASES = dataset_from_yaml(seed_yaml()).phases


def test_every_command_name_is_valid_and_means_one_command() -> None:
    seen: dict[str, str] = {}
    for spec in COMMANDS:
        for name in spec.names:
            assert VALID_NAME.fullmatch(name), name
            assert seen.setdefault(name, spec.name) == spec.name, (name, seen[name], spec.name)
        for lang in LANGUAGES:
            assert spec.name_in(lang) in spec.names


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_name_of_every_command_is_known_in_every_language(
    bot: Driver, i18n: I18n, lang: str
) -> None:
    """Defect 11: each name of bot/telegram/commands.py, typed by a reader of any language,
    reaches its command, not the unknown-command hint."""
    tr = i18n.translator(lang)
    user = bot.user(language_code=lang)
    unknown = []
    for spec in COMMANDS:
        for name in spec.names:
            replies = await bot.send(f"/{name}", user=user)
            hint = unknown_command(tr, f"/{name}")
            if not replies or any(r["text"] == hint for r in replies):
                unknown.append(name)
    assert unknown == []


async def test_the_unknown_command_hint_is_what_an_unknown_command_gets(
    bot: Driver, i18n: I18n
) -> None:
    """The comparison above can fail: an unknown name gets exactly that hint."""
    [reply] = await bot.send("/frobnicate", user=bot.user(language_code="es"))
    assert reply["text"] == unknown_command(i18n.translator("es"), "/frobnicate")


async def test_help_shows_the_readers_command_names(bot: Driver) -> None:
    user = bot.user(language_code="es")
    [first] = await bot.send("/ayuda", user=user)
    text = "\n".join(page["text"] for page in await bot.pages(first, user))
    assert "/hitos – " in text and "/ayuda – " in text
    assert "/milestones – " not in text and "con /idioma." in text
    [unknown] = await bot.send("/jalons atlantide", user=bot.user(language_code="fr"))
    assert "/jalons 4" in unknown["text"] and "/milestones" not in unknown["text"]


def test_every_shown_phase_name_is_accepted_back(i18n: I18n) -> None:
    """What the phase buttons show in each language, without "Fase"/"Phase", the number
    and the id: each finds its phase."""
    for lang in LANGUAGES:
        keyboard = phase_keyboard(PHASES, i18n.translator(lang))
        labels = [k.text for row in keyboard.inline_keyboard for k in row]
        for phase, label in zip(PHASES, labels, strict=True):
            bare = " ".join(w for w in label.split() if w.lower() not in ("fase", "phase"))
            typed = [label, phase.id, bare, label.lower(), label.upper()]
            if phase.number is not None:
                typed += [str(phase.number), f"fase {phase.number}"]
            for text in typed:
                found = find_phase(PHASES, text)
                assert found is not None and found.id == phase.id, (lang, text)
    for text in ("piloto", "pilote", "Pilot", "Fase piloto", "Phase pilote", "Pilotphase"):
        found = find_phase(PHASES, text)
        assert found is not None and found.id == "pilot", text


@pytest.mark.parametrize(
    ("typed", "lang"), [("piloto", "es"), ("pilote", "fr"), ("Fase piloto", "pt")]
)
async def test_milestones_of_a_phase_named_as_shown(bot: Driver, typed: str, lang: str) -> None:
    [reply] = await bot.send(f"/milestones {typed}", user=bot.user(language_code=lang))
    pilot = next(p for p in PHASES if p.id == "pilot")
    assert reply["text"].startswith(f"{pilot.name.get(lang)} · "), reply["text"][:80]


def test_every_shown_keyword_is_read_back(i18n: I18n) -> None:
    for lang in LANGUAGES:
        tr = i18n.translator(lang)
        for table in (REMINDER_KINDS, INVITE_WHEN, TENSES, UNITS):
            for key in table.shown:
                assert table.read(i18n, table.word(tr, key)) is key, (lang, key)
        for key in ReminderSetting:  # shown as "/reminders reuniones 1d 1h" and read back
            word = REMINDER_KINDS.word(tr, key)
            args = [word, "3"] if key is not ReminderSetting.MEETINGS else [word, "1d", "1h"]
            parsed = read_reminders(i18n, args)
            assert parsed is not None and parsed[0] is key, (lang, args)
        d, h = (UNITS.word(tr, u) for u in UNITS.shown if u.name in ("DAY", "HOUR"))
        assert read_durations(i18n, f"1{d} 1{h}") == [1440, 60], lang
        for minutes in (1440, 2880, 60, 120, 1, 15):  # as /reminders lists them
            assert read_durations(i18n, duration(tr, minutes)) == [minutes], (lang, minutes)
        for label, tense in (
            ("Past exchanges", Tense.PAST),
            ("Upcoming exchanges", Tense.UPCOMING),
        ):
            first = tr.gettext(label).split()[0]  # "Vergangene", "Próximos"
            if tense_words(i18n).get(first.lower()) is None:  # the noun comes first
                continue
            assert tense_words(i18n)[first.lower()] is tense, (lang, first)
    assert unit_words(i18n)["dias"] == UNITS.read(i18n, "d")


async def test_reminder_words_in_five_languages(bot: Driver) -> None:
    group = bot.group(-2106, {ADMIN: "administrator"})
    for text in ("/reminders reuniones 1d 1h", "/recordatorios plazos 7 1"):
        [reply] = await bot.send(text, user=bot.user(ADMIN, "es"), chat=group)
        assert not reply["text"].startswith("No lo he entendido"), reply["text"]
    await bot.send("/erinnerungen Veranstaltungen 10", user=bot.user(ADMIN, "de"), chat=group)
    await bot.send("/rappels invitations après", user=bot.user(ADMIN, "fr"), chat=group)
    storage = bot.app.bot_data.storage
    assert storage is not None
    settings = await storage.subscriptions.reminder_settings(-2106)
    assert settings == ReminderSettings((7, 1), (1440, 60), (10,), None)
    [usage] = await bot.send("/lembretes reuniões 3x", user=bot.user(ADMIN, "pt"), chat=group)
    assert "/lembretes reuniões 1d 1h" in usage["text"]


async def test_past_exchanges_in_other_words(bot: Driver) -> None:
    [english] = await bot.send("/exchanges past")
    for typed, lang in (("vergangene", "de"), ("pasados", "es"), ("passés", "fr")):
        [reply] = await bot.send(f"/exchanges {typed}", user=bot.user(language_code=lang))
        count = english["text"].split()[0]
        assert reply["text"].startswith(count) and "«" not in reply["text"].split("\n")[0], reply


async def test_plain_text_in_private_searches_or_hints(bot: Driver) -> None:
    [card] = await bot.send("Mtwara", user=bot.user(language_code="es"))
    assert card["text"].startswith("🤝 Pforzheim – Mtwara\n"), card["text"][:80]
    [hint] = await bot.send("hola", user=bot.user(language_code="es"))
    assert "/hitos" in hint["text"] and "/socio" in hint["text"] and "/ayuda" in hint["text"]
    group = bot.group(-2107)
    assert await bot.send("Mtwara", chat=group) == []  # groups talk among themselves
    assert command("partner").name_in("es") == "socio"


_COMMAND = re.compile(r"(?<![<\w])/([a-z_]+)")


def test_no_text_names_a_command_by_a_fixed_name() -> None:
    """A text that tells the reader to send a command names it as the reader's own menu
    does (a placeholder such as /{cmd_iam}, filled per language), never as /iam."""
    every_name = {name for spec in COMMANDS for name in spec.names}
    fixed = set()
    for po_file in sorted((ROOT / "locales").glob("*/LC_MESSAGES/messages.po")):
        with po_file.open("rb") as f:
            catalog = read_po(f)
        for message in catalog:
            texts = [message.id, message.string]
            for text in (
                t for value in texts for t in (value if isinstance(value, tuple) else (value,))
            ):
                for name in _COMMAND.findall(text or ""):
                    if name in every_name:
                        fixed.add((po_file.parent.parent.name, f"/{name}", (text or "")[:50]))
    assert sorted(fixed) == []


@pytest.mark.parametrize(
    ("typed", "lang", "said"),
    [
        ("/zonahoraria zzz", "es", "/zonahoraria Mtwara"),
        ("/suscribir", "es", "/suscribir Bonn"),
        ("/fuseau zzz", "fr", "/fuseau Bolivie"),
        ("/sprache xx", "de", "Senden Sie /sprache"),
    ],
)
async def test_a_text_names_commands_as_the_reader_does(
    bot: Driver, typed: str, lang: str, said: str
) -> None:
    group = bot.group(-2108, {ADMIN: "administrator"})
    [reply] = await bot.send(typed, user=bot.user(ADMIN, lang), chat=group)
    assert said in reply["text"], reply["text"]


async def test_the_town_question_names_iam_as_the_reader_does(bot: Driver) -> None:
    user = bot.user(language_code="pt")
    question = (await bot.send("/start", user=user))[-1]  # after the welcome
    skip = question["reply_markup"]["inline_keyboard"][-1][0]
    said = "\n".join(r["text"] for r in await bot.press(question, skip["callback_data"], user=user))
    assert "/minhacidade" in said and "/iam" not in said, said


def test_every_name_of_every_command_has_its_handler(bot: Driver) -> None:
    """The menu of each language lists its own names: each must reach its command."""
    handlers = [h for group in bot.app.handlers.values() for h in group]
    # A guided conversation's commands are its entry points.
    handlers += [e for h in handlers if isinstance(h, ConversationHandler) for e in h.entry_points]
    handled = {
        name
        for handler in handlers
        if isinstance(handler, CommandHandler)
        for name in handler.commands
    }
    assert {name for spec in COMMANDS for name in spec.names} <= handled
