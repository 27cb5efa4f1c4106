"""The country -> language table agrees with CLDR and covers the network's towns."""

from __future__ import annotations

import pytest
from babel.languages import get_territory_language_info

from bot.model.country_languages import LANGUAGE_OF, languages_of
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import LANGUAGES
from storage.store import seed_yaml


@pytest.mark.parametrize("country", sorted(LANGUAGE_OF))
def test_each_country_reads_the_most_spoken_of_our_languages(country: str) -> None:
    spoken = get_territory_language_info(country)
    ours = sorted(
        (lang for lang in spoken if lang in LANGUAGES),
        key=lambda lang: -spoken[lang]["population_percent"],
    )
    assert LANGUAGE_OF[country] == ours[0]


def test_every_town_of_the_seed_has_a_language() -> None:
    towns = dataset_from_yaml(seed_yaml()).municipalities
    assert [t.id for t in towns if t.country not in LANGUAGE_OF] == []


def test_a_pair_reads_both_languages_once() -> None:
    assert languages_of(["DE", "BO"]) == ("de", "es")
    assert languages_of(["SN", "SN"]) == ("fr",)
    assert languages_of(["XX"]) == ()
