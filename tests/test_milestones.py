"""/milestones and /phases: phases found by any name, dates in each language, done vs open."""

from __future__ import annotations

from datetime import date

import pytest

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import PartialDate
from bot.text.dates import days_until
from bot.text.i18n import I18n
from bot.text.keywords import find_phase
from bot.views.milestones import is_done, is_open
from storage.store import seed_yaml
from tests.conftest import Driver

PHASES = dataset_from_yaml(seed_yaml()).phases
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("typed", "phase_id"),
    [
        ("4", "p4"),
        ("phase 4", "p4"),
        ("Fase 8", "p8"),
        ("p9", "p9"),
        ("pilot", "pilot"),
        ("Pilotphase", "pilot"),
        ("fase piloto", "pilot"),
        ("PHASE PILOTE", "pilot"),
    ],
)
def test_phases_are_found_by_number_id_or_any_name(typed: str, phase_id: str) -> None:
    found = find_phase(PHASES, typed)
    assert found is not None and found.id == phase_id


@pytest.mark.parametrize("typed", ["99", "phase", "", "<b>4</b>", "'; DROP TABLE phases; --"])
def test_unknown_phases_are_none(typed: str) -> None:
    assert find_phase(PHASES, typed) is None


def test_open_and_done_by_precision() -> None:
    assert is_open(PartialDate(2026, 11, 23), TODAY)  # due today is still open
    assert is_done(PartialDate(2026, 11, 22), TODAY)
    assert is_open(PartialDate(2026, 11), TODAY)  # a month-precision deadline runs to its end
    assert is_done(PartialDate(2026, 10), TODAY)
    assert not is_open(PartialDate(None, 11, 24), TODAY)  # no year: neither open
    assert not is_done(PartialDate(None, 11, 24), TODAY)  # ... nor done


def test_days_until_says_days_not_rounded_weeks(i18n: I18n) -> None:
    en = i18n.translator("en")
    assert days_until(en, date(2026, 11, 23), TODAY) == "today"
    assert days_until(en, date(2026, 11, 24), TODAY) == "tomorrow"
    assert days_until(en, date(2026, 12, 6), TODAY) == "in 13 days"
    assert days_until(i18n.translator("es"), date(2026, 11, 26), TODAY) == "dentro de 3 días"


PHASE_4 = {
    "en": ("✅ August 15, 2014 — Non-binding expression of interest", "✅ March 2015 — "),
    "de": ("✅ 15. August 2014 — Unverbindliche Interessenbekundung", "✅ März 2015 — "),
    "es": ("✅ 15 de agosto de 2014 — Manifestación de interés", "✅ marzo de 2015 — "),
    "fr": ("✅ 15 août 2014 — Manifestation d'intérêt", "✅ mars 2015 — "),
    "pt": ("✅ 15 de agosto de 2014 — Manifestação de interesse", "✅ março de 2015 — "),
}


@pytest.mark.parametrize("lang", sorted(PHASE_4))
async def test_phase_4_milestones_dated_in_each_language(bot: Driver, lang: str) -> None:
    user = bot.user(language_code=lang)
    [reply] = await bot.send("/milestones 4", user=user)
    pages = await bot.pages(reply, user)  # a screen at a time
    day, month = PHASE_4[lang]
    lines = [line for page in pages for line in page["text"].splitlines()]
    assert any(line.startswith(day) for line in lines), reply["text"]
    assert any(line.startswith(month) for line in lines)
    assert len([line for line in lines if line.startswith("✅")]) == 5
    buttons = [k["callback_data"] for row in reply["reply_markup"]["inline_keyboard"] for k in row]
    assert "ms:p4" in buttons and "ms:example-phase" in buttons


async def test_overview_shows_open_milestones_with_relative_hints(bot: Driver) -> None:
    [reply] = await bot.send("/milestones", user=bot.user(language_code="de"))
    text = reply["text"]
    assert text.startswith("Offene Meilensteine:")
    assert "⏳ 26. November 2026 · in 3 Tagen — Entwurf des Handlungsprogramms" in text
    assert "🧪 Beispiel" in text  # demo data is labelled as such
    assert "15. August 2014" not in text  # only open milestones here


async def test_year_less_milestone_says_so(bot: Driver) -> None:
    [reply] = await bot.send("/milestones 8", user=bot.user(language_code="fr"))
    assert "❔ 24 novembre (année non précisée) — Atelier de lancement (en ligne)" in reply["text"]


async def test_picking_a_phase_edits_the_message_in_place(bot: Driver) -> None:
    user = bot.user(language_code="pt")
    [overview] = await bot.send("/milestones", user=user)
    [edited] = await bot.press(overview, "ms:pilot", user=user)
    assert edited["message_id"] == overview["message_id"]
    assert edited["text"].startswith("Fase piloto · Parcerias Climáticas Municipais")
    assert "✅ 2013 — Programas de ação conjuntos" in edited["text"]


async def test_unknown_phase_explains_what_to_type(bot: Driver) -> None:
    [reply] = await bot.send("/milestones 42", user=bot.user(language_code="es"))
    assert reply["text"].startswith("No conozco ninguna fase «42». Escriba un número")
    assert reply["reply_markup"]["inline_keyboard"]  # and offers the phases to pick


async def test_phases_lists_every_phase(bot: Driver) -> None:
    [reply] = await bot.send("/phases")
    for name in ("Pilot phase", "Phase 2", "Phase 9", "Example phase"):
        assert name in reply["text"]
    assert "Municipal Climate Partnerships\nPilot phase · 2011 – 2013\n" in reply["text"]
    assert reply["text"].count("Municipal Climate Partnerships") == 1  # said once, not per phase
