"""Generated networks of many partnerships, for search and paging at scale: a uniform one
whose counts tests can work out ("Nordstadt 00042"), and one whose names, and the queries
typed for them, read like the real ones (benchmarks)."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from bot.model import territories
from bot.model.domain import (
    LANGUAGES,
    Dataset,
    LocalizedText,
    MeetingSeries,
    Municipality,
    Partnership,
)
from bot.text.search import fold
from harness.town_names import Style, town_name

SOUTH_COUNTRIES = ("BO", "PE", "TZ", "SN", "ET", "GH", "MX", "NA", "UG", "GM")
ZONES = {
    "BO": "America/La_Paz",
    "PE": "America/Lima",
    "TZ": "Africa/Dar_es_Salaam",
    "SN": "Africa/Dakar",
    "ET": "Africa/Addis_Ababa",
    "GH": "Africa/Accra",
    "MX": "America/Mexico_City",
    "NA": "Africa/Windhoek",
    "UG": "Africa/Kampala",
    "GM": "Africa/Banjul",
}


def generated_network(count: int) -> Dataset:
    """`count` partnerships between 'Nordstadt N' (DE) and 'Südort N' in ten countries."""
    towns, pairs = [], []
    for n in range(count):
        country = SOUTH_COUNTRIES[n % len(SOUTH_COUNTRIES)]
        north = Municipality(
            f"gen-n{n}", LocalizedText.of(f"Nordstadt {n:05d}"), "DE", "Europe/Berlin"
        )
        south = Municipality(
            f"gen-s{n}", LocalizedText.of(f"Südort {n:05d}"), country, ZONES[country]
        )
        towns += [north, south]
        pairs.append(
            Partnership(
                f"gen-{n}",
                north.id,
                south.id,
                programme_id="kkp",
                topics=("biodiversity",) if n % 7 == 0 else (),
            )
        )
    return Dataset(municipalities=tuple(towns), partnerships=tuple(pairs))


# -- a network whose names read like the real ones ----------------------------------------

NORTH = ("DE", "Europe/Berlin", Style.GERMAN)
SOUTH: tuple[tuple[str, str, Style], ...] = (
    ("BO", "America/La_Paz", Style.SPANISH),
    ("PE", "America/Lima", Style.SPANISH),
    ("MX", "America/Mexico_City", Style.SPANISH),
    ("NI", "America/Managua", Style.SPANISH),
    ("EC", "America/Guayaquil", Style.SPANISH),
    ("CO", "America/Bogota", Style.SPANISH),
    ("CR", "America/Costa_Rica", Style.SPANISH),
    ("BR", "America/Sao_Paulo", Style.PORTUGUESE),
    ("MZ", "Africa/Maputo", Style.PORTUGUESE),
    ("SN", "Africa/Dakar", Style.FRENCH),
    ("BF", "Africa/Ouagadougou", Style.FRENCH),
    ("BJ", "Africa/Porto-Novo", Style.FRENCH),
    ("CM", "Africa/Douala", Style.FRENCH),
    ("TN", "Africa/Tunis", Style.FRENCH),
    ("TZ", "Africa/Dar_es_Salaam", Style.EAST_AFRICAN),
    ("UG", "Africa/Kampala", Style.EAST_AFRICAN),
    ("KE", "Africa/Nairobi", Style.EAST_AFRICAN),
    ("NA", "Africa/Windhoek", Style.EAST_AFRICAN),
    ("GH", "Africa/Accra", Style.WEST_AFRICAN),
    ("GM", "Africa/Banjul", Style.WEST_AFRICAN),
    ("ET", "Africa/Addis_Ababa", Style.ETHIOPIAN),
)
SHARED_NORTH = 0.3  # a German town in several partnerships, as Bonn or Köln are
TRANSLATED_NORTH = 0.02  # a name with variants in other languages, as Köln / Cologne


def realistic_network(count: int, reference: Dataset, seed: int = 12) -> Dataset:
    """`count` partnerships ("gen-0", …) between German towns and towns in 21 countries of
    Latin America and Africa, with names made like the real ones (harness/town_names.py),
    in the programmes and phases of `reference` (the seed), with 0–4 of its topics each.
    The same `count` and `seed` give the same network."""
    rng = random.Random(seed)
    programmes = [p.id for p in reference.programmes]
    phases = [(ph.id, ph.programme_id) for ph in reference.phases]
    topics = [t.id for t in reference.topics]
    towns: list[Municipality] = []
    norths: list[Municipality] = []
    pairs: list[Partnership] = []
    for n in range(count):
        if norths and rng.random() < SHARED_NORTH:
            north = rng.choice(norths)
        else:
            north = _town(f"gen-n{n}", NORTH, rng)
            norths.append(north)
            towns.append(north)
        south = _town(f"gen-s{n}", rng.choice(SOUTH), rng)
        towns.append(south)
        phase_id, programme_id = (
            rng.choice(phases) if rng.random() < 0.8 else (None, rng.choice(programmes))
        )
        pairs.append(
            Partnership(
                f"gen-{n}",
                north.id,
                south.id,
                programme_id=programme_id,
                phase_id=phase_id,
                topics=tuple(rng.sample(topics, rng.choice((0, 0, 1, 2, 3, 4)))),
            )
        )
    return Dataset(municipalities=tuple(towns), partnerships=tuple(pairs))


def _town(town_id: str, where: tuple[str, str, Style], rng: random.Random) -> Municipality:
    country, zone, style = where
    name = town_name(style, rng)
    if style is Style.GERMAN and rng.random() < TRANSLATED_NORTH:
        text = LocalizedText.of(name, "de", en=f"{name} (en)", fr=f"{name} (fr)")
    else:
        text = LocalizedText.of(name)
    return Municipality(town_id, text, country, zone)


def searchable(reference: Dataset, generated: Dataset) -> Dataset:
    """What a database holding both can be asked about: `reference`'s programmes, phases
    and topics, and the towns and partnerships of both."""
    return Dataset(
        programmes=reference.programmes,
        phases=reference.phases,
        topics=reference.topics,
        municipalities=(*reference.municipalities, *generated.municipalities),
        partnerships=(*reference.partnerships, *generated.partnerships),
    )


# -- what people type after /partner ------------------------------------------------------


class QueryKind(Enum):
    TOWN = "town as written"
    TOWN_PLAIN = "town, lower case, no accents"
    TOWN_WORD = "one word of a town"
    PREFIX = "beginning of a word"
    TWO_TOWNS = "both towns"
    COUNTRY = "country (5 languages)"
    TOPIC = "topic (5 languages)"
    PHASE = "phase"
    TYPO = "typo"


# How often each kind is typed: towns most, in their several forms.
QUERY_WEIGHTS: dict[QueryKind, int] = {
    QueryKind.TOWN: 20,
    QueryKind.TOWN_PLAIN: 10,
    QueryKind.TOWN_WORD: 15,
    QueryKind.PREFIX: 10,
    QueryKind.TWO_TOWNS: 5,
    QueryKind.COUNTRY: 15,
    QueryKind.TOPIC: 8,
    QueryKind.PHASE: 5,
    QueryKind.TYPO: 12,
}
# Words of a town name people do not type alone: they name every other town.
_COMMON = (
    "landkreis gemeinde stadt kreis samtgemeinde verbandsgemeinde bad an am der im in de "
    "del la las los san santa sao do da das dos de municipio gobierno autonomo municipal "
    "distrito alcaldia municipalidad provincial ciudad villa puerto valle cerro rio nueva "
    "commune urbaine region mairie departement saint sainte district council town city "
    "area assembly west east debre vila nova prefeitura conselho cidade schwabisch bayerisch "
    "hessisch markisch sachsisch frankisch"
)
COMMON_WORDS = frozenset(_COMMON.split())


@dataclass(frozen=True)
class Query:
    kind: QueryKind
    text: str


def realistic_queries(network: Dataset, count: int, seed: int = 8) -> list[Query]:
    """`count` queries drawn like the real ones from what `network` holds (its towns,
    partnerships, countries, topics and phases: see searchable()). The same arguments give
    the same queries."""
    rng = random.Random(seed)
    kinds = list(QUERY_WEIGHTS)
    weights = list(QUERY_WEIGHTS.values())
    draw = _Drawer(network, rng)
    return [Query(kind, draw.text(kind)) for kind in rng.choices(kinds, weights=weights, k=count)]


class _Drawer:
    def __init__(self, network: Dataset, rng: random.Random) -> None:
        self.rng = rng
        self.towns = {m.id: m for m in network.municipalities}
        self.pairs = network.partnerships
        self.countries = sorted({m.country for m in network.municipalities})
        self.topics = network.topics
        self.phases = network.phases

    def text(self, kind: QueryKind) -> str:
        rng = self.rng
        if kind is QueryKind.COUNTRY:
            name = rng.choice(territories.names(rng.choice(self.countries)))
            return name if rng.random() < 0.6 else fold(name)
        if kind is QueryKind.TOPIC:
            name = rng.choice(self.topics).name.get(rng.choice(LANGUAGES))
            words = [w for w in name.split() if len(w) > 3]
            return rng.choice(words).lower() if rng.random() < 0.4 and words else name
        if kind is QueryKind.PHASE:
            phase = rng.choice(self.phases)
            return phase.name.get(rng.choice(LANGUAGES)).lower()
        pair = rng.choice(self.pairs)
        north, south = self.towns[pair.north_id], self.towns[pair.south_id]
        town = rng.choice((north, south)).name.original
        if kind is QueryKind.TOWN:
            return town
        if kind is QueryKind.TOWN_PLAIN:
            return fold(town)
        if kind is QueryKind.TWO_TOWNS:
            return fold(f"{north.name.original} {south.name.original}")
        word = self._telling_word(town)
        if kind is QueryKind.TOWN_WORD:
            return word.lower()
        if kind is QueryKind.PREFIX:
            return fold(word)[: rng.randint(3, max(3, min(6, len(word) - 1)))]
        return self._typo(fold(word))

    def _telling_word(self, name: str) -> str:
        """The word of a town's name that tells it apart ("Kédougou" in "Département
        Kédougou"): people type that one."""
        words: list[str] = re.findall(r"\w+", name)
        telling = [w for w in words if fold(w) not in COMMON_WORDS and len(w) > 2]
        return max(telling or words, key=len)

    def _typo(self, word: str) -> str:
        """One slip of the finger: a letter dropped, doubled, swapped or mistyped."""
        rng = self.rng
        if len(word) < 4:
            return word + rng.choice("aeiou")
        i = rng.randrange(1, len(word) - 1)
        slip = rng.randrange(4)
        if slip == 0:
            return word[:i] + word[i + 1 :]
        if slip == 1:
            return word[:i] + word[i] + word[i:]
        if slip == 2:
            return word[: i - 1] + word[i] + word[i - 1] + word[i + 1 :]
        return word[:i] + rng.choice("aeiouklmnrst") + word[i + 1 :]


def weekly_meetings(count: int, first: datetime) -> Dataset:
    """A weekly meeting (Tuesdays, from `first`'s day, 8:00 to 16:00 Berlin) for each of the
    first `count` generated partnerships: what the planning benchmarks plan."""
    return Dataset(
        meeting_series=tuple(
            MeetingSeries(
                f"gen-weekly-{n}",
                f"gen-{n}",
                LocalizedText.of(f"Weekly call {n}"),
                "FREQ=WEEKLY;BYDAY=TU",
                first.replace(hour=8 + n % 9, minute=0),
                "Europe/Berlin",
            )
            for n in range(count)
        )
    )
