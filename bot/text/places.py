"""Zones as people name them: CLDR's exemplar cities in our five languages ("Berlín",
"Genebra", "Addis-Abeba"), each country's zones, and its language among ours.

Like bot/text/cldr.py, the runtime opens no Babel locale (each one stays in memory, 1 to
2 MiB): bot/text/places_data.py holds what is needed, generated from the pinned Babel
(and the pinned tzdata) by `python -m bot.text.places` (then `ruff format` it);
tests/test_places.py checks it against Babel itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from bot.text.places_data import ALIASES, CITIES, COUNTRY_LANGUAGE, COUNTRY_ZONES

__all__ = [
    "all_cities",
    "city",
    "country_language",
    "country_zones",
    "generated",
    "group_languages",
    "languages_of",
]

READ_BY = 10.0
"""Percent of a country's people who read a language of ours, for it to be that country's
when none of ours is official there (CLDR's territory data)."""


def _canonical(key: str) -> str:
    return ALIASES.get(key, key)


def fallback_city(key: str) -> str:
    """A zone's city when CLDR names none: the last part of its key, 'Dar_es_Salaam' ->
    'Dar es Salaam' (Babel keeps 'Argentina/Buenos Aires'; the city alone is shorter).
    A fixed offset as people write it: 'Etc/GMT-3' (POSIX's sign) is 'UTC+3'."""
    if key.startswith("Etc/GMT") and key[7:8] in ("+", "-"):
        return "UTC" if key[8:] == "0" else f"UTC{'-' if key[7] == '+' else '+'}{key[8:]}"
    return key.rsplit("/", 1)[-1].replace("_", " ")


def city(zone: ZoneInfo | str, lang: str) -> str:
    """The zone as people say it, CLDR's exemplar city in `lang`: 'Europe/Berlin' ->
    'Berlín' in Spanish, 'Berlim' in Portuguese, 'America/La_Paz' -> 'La Paz'. Short
    enough for a phone."""
    key = _canonical(zone.key if isinstance(zone, ZoneInfo) else zone)
    return CITIES.get(lang, {}).get(key) or fallback_city(key)


def all_cities(languages: tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    """Every canonical zone with its distinct city names in `languages`."""
    zones = sorted({z for by_lang in CITIES.values() for z in by_lang} | set(_ZONES()))
    return {zone: tuple(dict.fromkeys(city(zone, lang) for lang in languages)) for zone in zones}


def _ZONES() -> tuple[str, ...]:  # noqa: N802 - a constant computed once
    return tuple(z for zones in COUNTRY_ZONES.values() for z in zones)


def country_zones(code: str) -> tuple[str, ...]:
    """The zones that keep different times in the country (CLDR's order; zones with the
    same rules as one listed before, like Busingen beside Berlin, left out)."""
    return COUNTRY_ZONES.get(code, ())


def languages_of(countries: Iterable[str]) -> tuple[str, ...]:
    """Each country's language once, in order: Bonn – La Paz reads ('de', 'es')."""
    found = (country_language(code) for code in countries)
    return tuple(dict.fromkeys(lang for lang in found if lang is not None))


def group_languages(countries: Sequence[str], admins: str | None) -> tuple[str, ...]:
    """A group's languages when nobody chose them: its partnership's towns' (Bonn – La Paz:
    de, es), the admin's first when it is one of them (a group's replies come in its first
    language); with no town of ours, the admin's."""
    towns = languages_of(countries)
    if admins in towns:
        return (admins, *(lang for lang in towns if lang != admins))
    return towns or ((admins,) if admins else ())


def country_language(code: str) -> str | None:
    """The country's official language among ours: 'fr' for Senegal, None for Ethiopia."""
    return COUNTRY_LANGUAGE.get(code)


# -- regeneration: `python -m bot.text.places` ----------------------------------------------

# Two zones keep the same time if they agree at these instants: every week of three years.
_SAMPLE_FROM, _SAMPLE_WEEKS = datetime(2025, 1, 1, tzinfo=UTC), 3 * 53


def _behaviour(key: str) -> tuple[timedelta | None, ...]:
    zone = ZoneInfo(key)
    return tuple(
        (_SAMPLE_FROM + timedelta(weeks=w)).astimezone(zone).utcoffset()
        for w in range(_SAMPLE_WEEKS)
    )


def _zone_tab() -> dict[str, list[str]]:
    from importlib import resources

    rows: dict[str, list[str]] = {}
    text = resources.files("tzdata.zoneinfo").joinpath("zone.tab").read_text("utf-8")
    for line in text.splitlines():
        if line and not line.startswith("#"):
            code, _where, zone = line.split("\t")[:3]
            rows.setdefault(code, []).append(zone)
    return rows


def generated() -> dict[str, Any]:
    """What places_data should hold, from the Babel installed now."""
    from babel import Locale
    from babel.core import get_global
    from babel.languages import get_official_languages, get_territory_language_info

    from bot.model.domain import LANGUAGES

    aliases = dict(sorted(get_global("zone_aliases").items()))
    zones = sorted(get_global("zone_territories"))
    cities: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        locale = Locale.parse(lang)
        meta = get_global("meta_zones")
        named: dict[str, str] = {}
        for zone in zones:
            info = locale.time_zones.get(zone, {})
            found = info.get("city") or locale.meta_zones.get(meta.get(zone), {}).get("city")
            if found and found != fallback_city(zone):
                named[zone] = str(found)
        cities[lang] = named
    country_zones: dict[str, tuple[str, ...]] = {}
    known, targets, tab = available_timezones(), set(aliases.values()), _zone_tab()
    for code, listed in sorted(get_global("territory_zones").items()):
        # tzdata's zone.tab lists a country's most populous zones first where geography
        # allows; a zone that old names link to (Brazil/East -> Sao_Paulo) is a known city.
        order = [z for z in tab.get(code, []) if z in listed] + sorted(
            set(listed) - set(tab.get(code, []))
        )
        groups: dict[tuple[timedelta | None, ...], list[str]] = {}
        for zone in (z for z in order if z in known):  # not 'Etc/Unknown' (ZZ)
            groups.setdefault(_behaviour(zone), []).append(zone)
        ranked = sorted(groups.values(), key=len, reverse=True)  # stable: zone.tab order
        if ranked:
            country_zones[code] = tuple(
                next((z for z in group if z in targets), group[0]) for group in ranked
            )
    languages = {}
    for code in country_zones:
        # An official language of ours first (Uganda: English, though few speak it at
        # home); else the one most people read there, if any reads it (Ethiopia: English).
        ours = [x for x in get_official_languages(code, de_facto=True) if x in LANGUAGES]
        spoken = {
            x: float(info["population_percent"] or 0)
            for x, info in get_territory_language_info(code).items()
        }
        read = sorted(
            (x for x in spoken if x in LANGUAGES and spoken[x] >= READ_BY), key=lambda x: -spoken[x]
        )
        if ours or read:
            languages[code] = (ours or read)[0]
    return {
        "ALIASES": aliases,
        "CITIES": cities,
        "COUNTRY_ZONES": country_zones,
        "COUNTRY_LANGUAGE": languages,
    }


_TABLES = re.compile(r"^# Generated tables\.\n.*", re.S | re.M)
_TYPES = {
    "ALIASES": "dict[str, str]",
    "CITIES": "dict[str, dict[str, str]]",
    "COUNTRY_ZONES": "dict[str, tuple[str, ...]]",
    "COUNTRY_LANGUAGE": "dict[str, str]",
}


def main() -> None:
    path = Path(__file__).with_name("places_data.py")
    tables = "".join(f"{k}: {_TYPES[k]} = {v!r}\n" for k, v in generated().items())
    text = _TABLES.sub(lambda _: "# Generated tables.\n" + tables, path.read_text("utf-8"))
    path.write_text(text, "utf-8")
    print(f"rewrote {path}; now run ruff format on it")


if __name__ == "__main__":
    main()
