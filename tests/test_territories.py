"""Country names: the table the bot starts with is CLDR's, as Babel gives it."""

from __future__ import annotations

from babel import Locale

from bot.model import territories
from bot.model.territories import name as country_name
from bot.model.territories import names as country_names


def test_the_table_is_babels() -> None:
    """Fails after a Babel upgrade changes a name: run `python -m bot.model.territories`."""
    assert territories.generated() == territories.NAMES


def test_names_as_babel_gives_them() -> None:
    for lang in ("en", "de", "es", "fr", "pt"):
        for code in ("DE", "BO", "TZ", "CI", "SN"):
            assert country_name(code, lang) == Locale.parse(lang).territories[code]
    assert country_names("DE") == ("Germany", "Deutschland", "Alemania", "Allemagne", "Alemanha")
    assert country_names("BO") == ("Bolivia", "Bolivien", "Bolivie", "Bolívia")  # no repeats


def test_a_name_cldr_lacks_falls_back_to_the_code() -> None:
    assert country_name("CQ", "en") == "Sark"
    assert country_name("CQ", "de") == "CQ"
    assert country_names("CQ") == ("Sark",)
    assert country_name("XY", "en") == "XY"


def test_only_two_letter_codes_are_countries() -> None:
    assert territories.is_country("BO") and territories.is_country("XK")
    assert not territories.is_country("XY") and not territories.is_country("001")
    assert not territories.is_country("bo")


def test_groupings_and_placeholders_are_no_countries() -> None:
    for code in ("EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"):
        assert code in territories.NAMES and not territories.is_country(code)
