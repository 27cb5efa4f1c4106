"""Zones named as people say them: the generated table is CLDR's, as Babel gives it."""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, available_timezones

from babel.core import get_global
from babel.dates import get_timezone, get_timezone_location

from bot.model.domain import LANGUAGES
from bot.text import places, places_data
from bot.text.dates import time_in
from bot.text.i18n import I18n


def test_the_table_is_babels() -> None:
    """Fails after a Babel or tzdata upgrade changes a name: run `python -m bot.text.places`."""
    fresh = places.generated()
    assert fresh["ALIASES"] == places_data.ALIASES
    assert fresh["CITIES"] == places_data.CITIES
    assert fresh["COUNTRY_ZONES"] == places_data.COUNTRY_ZONES
    assert fresh["COUNTRY_LANGUAGE"] == places_data.COUNTRY_LANGUAGE


def _babel_opens(zone: str) -> bool:
    try:
        get_timezone(zone)
    except LookupError:
        return False
    return True


def test_every_zones_city_in_every_language_is_babels() -> None:
    cldr = set(get_global("zone_territories")) | set(get_global("zone_aliases"))
    # Babel cannot open a zone tzdata dropped, nor (with pytz installed, as dateparser
    # needs it, Babel opens zones with pytz) one pytz lacks, such as 'Factory'.
    zones = sorted(zone for zone in cldr & available_timezones() if _babel_opens(zone))
    checked = 0
    for zone in zones:
        for lang in LANGUAGES:
            babel = get_timezone_location(zone, lang, return_city=True)
            # Babel keeps a region in a city it has no name for ('Argentina/Buenos Aires').
            expected = babel.rsplit("/", 1)[-1] if "/" in babel else babel
            if offset := re.fullmatch(r"Etc/GMT([+-])(\d+)", zone):  # POSIX's sign, turned
                turned = "-" if offset[1] == "+" else "+"
                expected = "GMT" if offset[2] == "0" else f"UTC{turned}{offset[2]}"
            assert places.city(zone, lang) == expected, (zone, lang)
            checked += 1
    assert checked == len(zones) * len(LANGUAGES) > 2000


def test_cities_as_people_say_them() -> None:
    assert [places.city("Europe/Berlin", lang) for lang in LANGUAGES] == [
        "Berlin", "Berlin", "Berlín", "Berlin", "Berlim"
    ]  # fmt: skip
    assert places.city(ZoneInfo("Africa/Addis_Ababa"), "fr") == "Addis-Abeba"
    assert places.city("Asia/Calcutta", "en") == "Kolkata"  # an old name: its current city
    assert places.city("Etc/GMT-3", "de") == "UTC+3"  # POSIX's sign turned the way people write it


def test_time_in_names_the_city_in_the_readers_language(i18n: I18n) -> None:
    from datetime import UTC, datetime

    moment = datetime(2027, 1, 5, 14, tzinfo=UTC)
    assert time_in(i18n.translator("es"), moment, ZoneInfo("Europe/Berlin")) == "15:00 Berlín"


def test_countries_zones_keep_different_times_and_exist() -> None:
    known = available_timezones()
    assert places.country_zones("BO") == ("America/La_Paz",)
    assert places.country_zones("DE") == ("Europe/Berlin",)  # Busingen keeps Berlin's time
    assert places.country_zones("BR")[0] == "America/Sao_Paulo"
    assert len(places.country_zones("MX")) > 1
    assert all(z in known for zones in places_data.COUNTRY_ZONES.values() for z in zones)


def test_the_countrys_language_among_ours() -> None:
    assert places.country_language("SN") == "fr"
    assert places.country_language("BO") == "es"
    assert places.country_language("TZ") == "en"
    assert places.country_language("MZ") == "pt"
    assert places.country_language("ET") == "en"  # none of ours official; read by 43 %
