"""Town names that read like the network's real ones, made up from a seeded random source.

The real names are what makes search work hard: accents and umlauts ("Département
Kédougou", "Schwäbisch Gmünd"), several words with particles ("San Pedro de Atacama",
"Frankfurt am Main"), hyphens ("Ennepe-Ruhr-Kreis"), apostrophes ("N'Gaoundéré"),
administrative words shared by thousands ("Landkreis", "District", "Municipio") and names
that repeat across a country ("Neustadt", "San José"). Each style below mixes a few
patterns of its language from word lists; the same `random.Random` gives the same names.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from enum import Enum


class Style(Enum):
    """How a country's town names are built."""

    GERMAN = "de"
    SPANISH = "es"
    PORTUGUESE = "pt"
    FRENCH = "fr"
    EAST_AFRICAN = "sw"  # English administrative words around Swahili/Bantu-like names
    WEST_AFRICAN = "ak"  # English administrative words around Akan/Mande-like names
    ETHIOPIAN = "am"


_DE_FIRST = (
    "Alt",
    "Neu",
    "Ober",
    "Nieder",
    "Groß",
    "Klein",
    "Kirch",
    "Mühl",
    "Stein",
    "Wald",
    "Hohen",
    "Rosen",
    "Lieb",
    "Wolf",
    "Eichen",
    "Buch",
    "Schön",
    "Frei",
    "Markt",
    "Kön",
    "Fürsten",
    "Greifs",
    "Hildes",
    "Heil",
    "Güters",
    "Pfung",
    "Pforz",
    "Nürt",
    "Gieß",
    "Milten",
    "Ebers",
    "Lüden",
    "Bruch",
    "Oster",
    "Wester",
    "Sonne",
    "Mittel",
    "Hoch",
    "Rott",
    "Weiß",
    "Schwarz",
    "Roth",
    "Linden",
    "Birken",
    "Hasel",
    "Erl",
    "Ahr",
    "Dür",
    "Sieg",
    "Wupper",
    "Ems",
    "Isen",
    "Marien",
    "Johannis",
    "Bären",
    "Falken",
    "Kranich",
)
_DE_LAST = (
    "heim",
    "stadt",
    "bach",
    "dorf",
    "hausen",
    "berg",
    "feld",
    "ingen",
    "burg",
    "au",
    "born",
    "hagen",
    "rode",
    "beuren",
    "weiler",
    "münster",
    "brück",
    "kirchen",
    "leben",
    "lohe",
    "wangen",
    "büttel",
    "furt",
    "stätt",
    "see",
    "tal",
    "heide",
    "horst",
    "ow",
)
_DE_RIVERS = (
    "am Main",
    "an der Lahn",
    "an der Oder",
    "an der Donau",
    "am Rhein",
    "an der Ruhr",
    "an der Saale",
    "an der Weinstraße",
    "an der Fulda",
    "an der Havel",
    "im Allgäu",
    "in Holstein",
    "am Inn",
    "an der Ilm",
    "im Breisgau",
)
_DE_ADJECTIVES = ("Schwäbisch", "Bayerisch", "Hessisch", "Märkisch", "Sächsisch", "Fränkisch")
_DE_UNITS = ("Landkreis", "Gemeinde", "Stadt", "Kreis", "Samtgemeinde", "Verbandsgemeinde")

_ES_SAINTS = (
    "Pedro",
    "José",
    "Juan",
    "Martín",
    "Miguel",
    "Andrés",
    "Lucas",
    "Cristóbal",
    "Ignacio",
    "Julián",
    "Ramón",
    "Sebastián",
    "Buenaventura",
    "Bartolomé",
    "Nicolás",
    "Tomás",
)
_ES_SAINTS_F = ("Cruz", "Ana", "María", "Rosa", "Lucía", "Bárbara", "Inés", "Fe", "Elena")
_ES_PLACES = (
    "Atacama",
    "la Sierra",
    "los Andes",
    "la Frontera",
    "las Casas",
    "los Ríos",
    "Lípez",
    "Chiquitos",
    "la Paz",
    "Guadalupe",
    "Ocotlán",
    "Yungas",
    "la Montaña",
    "Huamanga",
    "los Llanos",
    "Oriente",
    "la Costa",
    "Tarapacá",
    "Comalapa",
)
_ES_SYLLABLES = (
    "ya",
    "ri",
    "na",
    "co",
    "cha",
    "hua",
    "ca",
    "ta",
    "pa",
    "qui",
    "ma",
    "lla",
    "pu",
    "ti",
    "cu",
    "so",
    "ra",
    "to",
    "mo",
    "bam",
    "tla",
    "xo",
    "chi",
    "lo",
    "te",
    "sa",
    "güe",
    "ñu",
)
_ES_UNITS = (
    "Municipio de",
    "Gobierno Autónomo Municipal de",
    "Distrito de",
    "Alcaldía de",
    "Municipalidad Provincial de",
    "Ciudad de",
)
_ES_STARTS = ("Villa", "Puerto", "Valle de", "Cerro", "Río", "Nueva", "Santiago de")

_PT_SAINTS = ("João", "Paulo", "José", "Sebastião", "Gonçalo", "Tomé", "Bento", "Vicente")
_PT_PLACES = (
    "do Sul",
    "do Norte",
    "da Serra",
    "das Missões",
    "do Paraíso",
    "da Conceição",
    "de Minas",
    "dos Campos",
    "do Araguaia",
    "da Boa Vista",
)
_PT_SYLLABLES = ("ma", "pu", "ta", "ci", "nam", "bu", "la", "que", "ran", "ço", "ba", "ni")
_PT_UNITS = ("Município de", "Prefeitura de", "Conselho Municipal de", "Cidade de")

_FR_SYLLABLES = (
    "ba",
    "ka",
    "ko",
    "dou",
    "gou",
    "ta",
    "ma",
    "ndi",
    "sa",
    "lo",
    "fa",
    "tou",
    "kol",
    "thi",
    "ziq",
    "gui",
    "chor",
    "kaf",
    "fri",
    "dia",
    "lé",
    "bé",
    "sé",
    "kou",
    "mbo",
    "na",
    "ré",
)
_FR_UNITS = ("Département", "Commune de", "Commune urbaine de", "Région de", "Mairie de")
_FR_SAINTS = ("Saint-Louis", "Sainte-Marie", "Saint-Pierre", "Saint-Joseph")

_SW_SYLLABLES = (
    "mtw",
    "a",
    "ra",
    "njo",
    "mbe",
    "ki",
    "li",
    "ma",
    "ndi",
    "wa",
    "ngo",
    "bu",
    "ga",
    "mu",
    "be",
    "ka",
    "ru",
    "se",
    "zi",
    "tu",
    "ke",
    "nya",
    "sho",
    "la",
    "mwa",
    "ko",
    "ngu",
    "ta",
)
_SW_UNITS = (
    "District",
    "District Council",
    "Municipal Council",
    "Town",
    "Town Council",
    "City Council",
    "Area Council",
)
_AK_SYLLABLES = (
    "ku",
    "ma",
    "si",
    "a",
    "kwa",
    "ho",
    "ta",
    "ko",
    "fo",
    "ri",
    "du",
    "wa",
    "se",
    "ba",
    "nso",
    "te",
    "bo",
    "man",
    "kro",
    "so",
    "ye",
    "ji",
    "ka",
    "sa",
    "ne",
)
_AK_UNITS = ("Municipal Assembly", "District Assembly", "Area Council", "Town", "West", "East")

_AM_FIRST = ("Debre", "Bahir", "Adi", "Addis", "Dire", "Gondar", "Hawassa", "Wolaita")
_AM_SYLLABLES = ("ma", "kel", "le", "mar", "kos", "bir", "han", "ze", "ga", "dar", "tse")


def _word(rng: random.Random, syllables: tuple[str, ...], low: int, high: int) -> str:
    return "".join(rng.choice(syllables) for _ in range(rng.randint(low, high))).capitalize()


def _german(rng: random.Random) -> str:
    base = rng.choice(_DE_FIRST) + rng.choice(_DE_LAST)
    roll = rng.random()
    if roll < 0.50:
        return base
    if roll < 0.62:
        return f"{rng.choice(_DE_UNITS)} {base}"
    if roll < 0.72:
        return f"{base} {rng.choice(_DE_RIVERS)}"
    if roll < 0.80:
        return f"Bad {base}"
    if roll < 0.87:
        return f"{base}-{rng.choice(_DE_FIRST)}{rng.choice(_DE_LAST)}"
    if roll < 0.94:
        return f"{rng.choice(_DE_ADJECTIVES)} {base}"
    first = rng.choice(_DE_FIRST) + rng.choice(_DE_LAST)
    return f"{first}-{rng.choice(_DE_FIRST)}{rng.choice(_DE_LAST)}-Kreis"


def _spanish(rng: random.Random) -> str:
    native = _word(rng, _ES_SYLLABLES, 2, 4)
    roll = rng.random()
    if roll < 0.35:
        return native
    if roll < 0.50:
        return f"San {rng.choice(_ES_SAINTS)} de {rng.choice(_ES_PLACES)}"
    if roll < 0.60:
        return f"Santa {rng.choice(_ES_SAINTS_F)} de {rng.choice(_ES_PLACES)}"
    if roll < 0.68:
        return f"San {rng.choice(_ES_SAINTS)}"
    if roll < 0.80:
        return f"{rng.choice(_ES_UNITS)} {native}"
    if roll < 0.92:
        return f"{rng.choice(_ES_STARTS)} {native}"
    return f"{native} de {rng.choice(_ES_PLACES)}"


def _portuguese(rng: random.Random) -> str:
    native = _word(rng, _PT_SYLLABLES, 2, 4)
    roll = rng.random()
    if roll < 0.35:
        return native
    if roll < 0.55:
        return f"São {rng.choice(_PT_SAINTS)} {rng.choice(_PT_PLACES)}"
    if roll < 0.70:
        return f"{native} {rng.choice(_PT_PLACES)}"
    if roll < 0.85:
        return f"{rng.choice(_PT_UNITS)} {native}"
    return f"Vila Nova de {native}"


def _french(rng: random.Random) -> str:
    native = _word(rng, _FR_SYLLABLES, 2, 3)
    roll = rng.random()
    if roll < 0.35:
        return native
    if roll < 0.60:
        return f"{rng.choice(_FR_UNITS)} {native}"
    if roll < 0.72:
        return f"N'{_word(rng, _FR_SYLLABLES, 2, 3)}"
    if roll < 0.82:
        return f"{native}-{_word(rng, _FR_SYLLABLES, 1, 2)}"
    if roll < 0.90:
        return f"{rng.choice(_FR_SAINTS)} de {native}"
    return f"{native} d'{_word(rng, ('a', 'o', 'i', *_FR_SYLLABLES), 2, 3)}"


def _east_african(rng: random.Random) -> str:
    native = _word(rng, _SW_SYLLABLES, 2, 4)
    roll = rng.random()
    if roll < 0.40:
        return native
    if roll < 0.85:
        return f"{native} {rng.choice(_SW_UNITS)}"
    return f"{native[:3]}'{_word(rng, _SW_SYLLABLES, 1, 2).lower()} {rng.choice(_SW_UNITS)}"


def _west_african(rng: random.Random) -> str:
    native = _word(rng, _AK_SYLLABLES, 2, 4)
    roll = rng.random()
    if roll < 0.45:
        return native
    if roll < 0.85:
        return f"{native} {rng.choice(_AK_UNITS)}"
    return f"{native}-{_word(rng, _AK_SYLLABLES, 2, 3)}"


def _ethiopian(rng: random.Random) -> str:
    native = _word(rng, _AM_SYLLABLES, 2, 3)
    roll = rng.random()
    if roll < 0.5:
        return native
    return f"{rng.choice(_AM_FIRST)} {native}"


MAKERS: dict[Style, Callable[[random.Random], str]] = {
    Style.GERMAN: _german,
    Style.SPANISH: _spanish,
    Style.PORTUGUESE: _portuguese,
    Style.FRENCH: _french,
    Style.EAST_AFRICAN: _east_african,
    Style.WEST_AFRICAN: _west_african,
    Style.ETHIOPIAN: _ethiopian,
}


def town_name(style: Style, rng: random.Random) -> str:
    return MAKERS[style](rng)
