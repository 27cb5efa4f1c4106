"""Texts several views say alike, said one way: lists of languages and cities as each
language joins them, flags, zone and country names from one function each."""

from __future__ import annotations

import ast
from pathlib import Path

from bot.text.i18n import I18n
from bot.views.settings import several_zones
from bot.views.subscriptions import default_languages_note
from tests.conftest import ROOT


def test_default_languages_are_a_list_as_the_language_says_it(i18n: I18n) -> None:
    es, pt = i18n.translator("es"), i18n.translator("pt")
    assert "en español y alemán." in default_languages_note(["es", "de"], es)
    assert "em português e francês." in default_languages_note(["pt", "fr"], pt)


def test_a_countrys_cities_are_offered_with_or(i18n: I18n) -> None:
    zones = ("America/Sao_Paulo", "America/Manaus", "America/Noronha")
    text = several_zones(i18n.translator("es"), "BR", zones)
    assert "São Paulo, Manaos o Fernando de Noronha" in text, text
    text = several_zones(i18n.translator("en"), "BR", zones)
    assert "Sao Paulo, Manaus, or Fernando de Noronha" in text, text


def test_languages_in_a_sentence_and_flags_come_from_one_place(i18n: I18n) -> None:
    from bot.views.common import flag, languages_in_text

    assert languages_in_text(["es", "de"], i18n.translator("es")) == "español y alemán"
    assert languages_in_text(["de"], i18n.translator("fr")) == "allemand"
    assert flag("BO") == "🇧🇴" and flag("bo") == "🇧🇴"
    assert flag("") == flag("B1") == flag("ÄB") == flag("BOL") == ""


def defined(name: str) -> set[str]:
    """The modules of bot/ that define a function `name`."""
    found = set()
    for path in (ROOT / "bot").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        if any(isinstance(n, ast.FunctionDef) and n.name == name for n in tree.body):
            found.add(str(path.relative_to(ROOT)))
    return found


def test_each_of_these_jobs_has_one_function() -> None:
    """Two `flag`s had drifted apart (one without the A–Z guard), and wrappers that only
    renamed another function left callers mixed."""
    assert defined("flag") == {str(Path("bot/views/common.py"))}
    assert defined("zone_city") == set()  # bot.text.places.city
    assert defined("country_name") == set()  # bot.model.territories.name
    assert defined("language_in_text") == set()  # languages_in_text, a list of one
