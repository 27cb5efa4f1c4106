"""Which of our five languages a country's people read, for a default nobody chose.

A group linked to a partnership posts in its two towns' languages until an admin says
otherwise (handlers/groups.py). One language per country: the most spoken of our five
there, as CLDR's territory data has it (tests/test_country_languages.py checks each row
against Babel). Countries missing here fall back to the admin's language.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final, Literal

Language = Literal["en", "de", "es", "fr", "pt"]

LANGUAGE_OF: Final[Mapping[str, Language]] = {
    # Europe
    "DE": "de",
    "AT": "de",
    "CH": "de",
    "FR": "fr",
    "LU": "fr",
    "ES": "es",
    "PT": "pt",
    "GB": "en",
    "IE": "en",
    # Latin America
    "AR": "es",
    "BO": "es",
    "CL": "es",
    "CO": "es",
    "CR": "es",
    "CU": "es",
    "DO": "es",
    "EC": "es",
    "GT": "es",
    "HN": "es",
    "MX": "es",
    "NI": "es",
    "PA": "es",
    "PE": "es",
    "PY": "es",
    "SV": "es",
    "UY": "es",
    "VE": "es",
    "BR": "pt",
    "HT": "fr",
    # Africa
    "AO": "pt",
    "CV": "pt",
    "GW": "pt",
    "MZ": "pt",
    "ST": "pt",
    "BF": "fr",
    "BJ": "fr",
    "CD": "fr",
    "CG": "fr",
    "CI": "fr",
    "CM": "fr",
    "DZ": "fr",
    "GA": "fr",
    "GN": "fr",
    "MA": "fr",
    "MG": "fr",
    "ML": "fr",
    "MR": "fr",
    "NE": "fr",
    "SN": "fr",
    "TD": "fr",
    "TG": "fr",
    "TN": "fr",
    "BW": "en",
    "ET": "en",
    "GH": "en",
    "GM": "en",
    "KE": "en",
    "LR": "en",
    "LS": "en",
    "MW": "en",
    "NA": "en",
    "NG": "en",
    "RW": "en",
    "SL": "en",
    "SZ": "en",
    "TZ": "en",
    "UG": "en",
    "ZA": "en",
    "ZM": "en",
    "ZW": "en",
}


def languages_of(countries: Iterable[str]) -> tuple[Language, ...]:
    """The countries' languages, in their order, each once: ('DE', 'BO') -> ('de', 'es')."""
    return tuple(dict.fromkeys(LANGUAGE_OF[c] for c in countries if c in LANGUAGE_OF))
