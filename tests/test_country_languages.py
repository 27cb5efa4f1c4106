"""Each country's language among ours (bot/text/places.py) agrees with CLDR and covers the
network's towns: a group linked to a partnership posts in its towns' languages, and a new
user's town may give them theirs."""

from __future__ import annotations

import pytest
from babel.languages import get_official_languages, get_territory_language_info

from bot.model.dataset import dataset_from_yaml
from bot.model.domain import LANGUAGES
from bot.text.places import READ_BY, country_language, languages_of
from bot.text.places_data import COUNTRY_LANGUAGE
from storage.store import seed_yaml


@pytest.mark.parametrize("country", sorted(COUNTRY_LANGUAGE))
def test_an_official_language_first_else_the_most_read(country: str) -> None:
    official = [x for x in get_official_languages(country, de_facto=True) if x in LANGUAGES]
    spoken = get_territory_language_info(country)
    read = sorted(
        (x for x in spoken if x in LANGUAGES and spoken[x]["population_percent"] >= READ_BY),
        key=lambda x: -spoken[x]["population_percent"],
    )
    assert country_language(country) == (official or read)[0]


def test_every_town_of_the_seed_has_a_language() -> None:
    towns = dataset_from_yaml(seed_yaml()).municipalities
    assert [t.id for t in towns if country_language(t.country) is None] == []


def test_the_networks_countries_read_what_their_people_read() -> None:
    expected = {"DE": "de", "BO": "es", "PE": "es", "SN": "fr", "FR": "fr", "TZ": "en"}
    assert {c: country_language(c) for c in expected} == expected
    assert country_language("ET") == "en"  # none of ours official; 43 % read English


def test_a_pair_reads_both_languages_once() -> None:
    assert languages_of(["DE", "BO"]) == ("de", "es")
    assert languages_of(["SN", "SN"]) == ("fr",)
    assert languages_of(["XX"]) == ()
