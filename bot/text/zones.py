"""Which time zone a reader means: a town of the network (short or full name), a zone's
city in any of our languages, a country with one zone, an abbreviation, an IANA name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.model import territories
from bot.model.domain import LANGUAGES, LocalizedText, Municipality
from bot.text import places
from bot.text.search import fold

MAX_TYPED = 64

# Words that name what kind of place a town is, not which: "Département Kédougou" is
# "Kédougou" to the people there. Folded; only taken off at either end of a name.
ADMINISTRATIVE = frozenset(
    {
        "landkreis",
        "kreis",
        "gemeinde",
        "stadt",
        "markt",
        "departement",
        "district",
        "town",
        "city",
        "area council",
        "council",
        "municipality",
        "municipio",
        "municipalidad",
        "commune",
        "region",
        "province",
        "provincia",
        "county",
    }
)

# Abbreviations people write for a zone, where one zone answers for all who use it.
# CET and its German name: the network's default zone, Berlin (Central Europe keeps one
# time). EST, CST, IST and the like are left out: each means more than one region.
ABBREVIATIONS = {
    "utc": "UTC",
    "gmt": "UTC",
    "z": "UTC",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "mez": "Europe/Berlin",
    "mesz": "Europe/Berlin",
    "wet": "Europe/Lisbon",
    "west": "Europe/Lisbon",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "wat": "Africa/Lagos",
    "cat": "Africa/Maputo",
    "eat": "Africa/Nairobi",
    "bot": "America/La_Paz",
    "pet": "America/Lima",
    "brt": "America/Sao_Paulo",
    "art": "America/Argentina/Buenos_Aires",
}

_OFFSET = re.compile(r"^(?:utc|gmt) ?([+-]) ?(\d{1,2})(?::?00)?$")


@dataclass(frozen=True)
class OneZone:
    zone: ZoneInfo
    town: Municipality | None = None
    """The network's town the name was, if it was one."""


@dataclass(frozen=True)
class SeveralZones:
    """A country that keeps more than one time: the reader must name a city."""

    country: str
    zones: tuple[str, ...]


Resolved = OneZone | SeveralZones


def normalize(text: str) -> str:
    """Folded, '_' as a space, one space between words: 'America/La_Paz ' -> 'america/la paz'."""
    return " ".join(fold(text).replace("_", " ").replace("\u2019", "'").split())


def short_names(name: str) -> tuple[str, ...]:
    """A town's name as typed in full and without its administrative words, folded:
    'Mubende Town' -> ('mubende town', 'mubende'), 'Landkreis Gießen' -> (…, 'giessen')."""
    full = normalize(name)
    found = [full]
    words = full.split()
    for at_start in (True, False):
        for size in (2, 1):  # "area council" before "council"
            if len(words) > size:
                part, rest = (
                    (words[:size], words[size:]) if at_start else (words[-size:], words[:-size])
                )
                if " ".join(part) in ADMINISTRATIVE:
                    found.append(" ".join(rest))
                    break
    return tuple(dict.fromkeys(found))


def town_names(name: LocalizedText) -> tuple[str, ...]:
    """Every name of a town, full and short, in every variant, normalized."""
    return tuple(dict.fromkeys(n for _lang, v in name.variants for n in short_names(v)))


class TownIndex:
    """The network's towns by every name, worked out once per change of the network
    (storage keeps it): a look-up among 17,000 towns then takes a few ms, not 150."""

    def __init__(self, towns: Iterable[Municipality]) -> None:
        self.towns = tuple(towns)
        self.by_id = {town.id: town for town in self.towns}
        self.by_name: dict[str, list[Municipality]] = {}
        for town in self.towns:
            for name in town_names(town.name):
                self.by_name.setdefault(name, []).append(town)
        self._ordered: dict[str, list[Municipality]] = {}

    def exact(self, wanted: str) -> Municipality | None:
        """The town with this (normalized) name, full or short; the first one listed."""
        found = self.by_name.get(wanted)
        return found[0] if found else None

    def named(self, text: str, lang: str) -> list[Municipality]:
        """The towns a typed name may mean, best first: a full or short name, then a name
        with a word that starts with it, then one that holds it ('ked' -> Kédougou)."""
        wanted = normalize(text)
        if not wanted or len(wanted) > MAX_TYPED:
            return []
        rank: dict[str, int] = {}  # town id -> its best rank
        towns: dict[str, Municipality] = {}
        for name, found in self.by_name.items():
            if wanted not in name:
                continue
            if name == wanted:
                level = 0
            elif name.startswith(wanted) or f" {wanted}" in name:
                level = 1
            else:
                level = 2
            for town in found:
                towns[town.id] = town
                rank[town.id] = min(level, rank.get(town.id, level))
        order = {t.id: i for i, t in enumerate(self.in_order(lang))}
        return sorted(towns.values(), key=lambda t: (rank[t.id], order[t.id]))

    def in_order(self, lang: str) -> list[Municipality]:
        """By the name people use in `lang`: "Département Kédougou" under K, by Kidira."""
        if lang not in self._ordered:
            self._ordered[lang] = sorted(
                self.towns, key=lambda t: short_names(t.name.get(lang))[-1]
            )
        return self._ordered[lang]


@cache
def _zones_by_name() -> dict[str, str]:
    """IANA keys and CLDR's cities in our five languages, folded -> the zone's key."""
    zones: dict[str, str] = {}
    known = known_zones()
    for key in sorted(known):
        if key.startswith(("Etc/", "SystemV/")) or "/" not in key:
            continue
        zones.setdefault(normalize(key), key)
    for key, names in places.all_cities(LANGUAGES).items():
        if key in known:
            for name in names:
                zones.setdefault(normalize(name), key)
    for key in sorted(known):  # an alias's city ('Calcutta') after every current one
        if "/" in key and not key.startswith(("Etc/", "SystemV/")):
            zones.setdefault(normalize(places.fallback_city(key)), key)
    return zones


@cache
def _countries_by_name() -> dict[str, str]:
    found: dict[str, str] = {}
    for code in sorted(territories.NAMES):
        if territories.is_country(code) and places.country_zones(code):
            for name in (code, *territories.names(code)):
                found.setdefault(normalize(name), code)
    return found


def resolve_zone(text: str, towns: TownIndex) -> Resolved | None:
    """'Kédougou', 'Département Kédougou', 'Berlín', 'Bolivia', 'CET', 'UTC+3',
    'America/La_Paz' -> the zone; a country with several zones -> those; None if nothing."""
    wanted = normalize(text)
    if not wanted or len(wanted) > MAX_TYPED:
        return None
    if town := towns.exact(wanted):  # the network's own towns first: "Bonn" is no zone's
        return OneZone(ZoneInfo(town.timezone), town)
    if key := ABBREVIATIONS.get(wanted) or _zones_by_name().get(wanted):
        return OneZone(ZoneInfo(key))
    if offset := _OFFSET.match(wanted):
        sign, hours = offset.groups()
        if int(hours) <= (14 if sign == "+" else 12):
            # Etc/GMT's sign is POSIX's, the reverse of what people write: UTC+3 is GMT-3.
            flipped = "-" if sign == "+" else "+"
            return OneZone(
                ZoneInfo("UTC" if hours.strip("0") == "" else f"Etc/GMT{flipped}{int(hours)}")
            )
    if code := _countries_by_name().get(wanted):
        zones = places.country_zones(code)
        if len(zones) == 1:
            return OneZone(ZoneInfo(zones[0]))
        return SeveralZones(code, zones)
    return None


@cache
def known_zones() -> frozenset[str]:
    """The zones tzdata has (listing them reads a directory: once)."""
    return frozenset(available_timezones())
