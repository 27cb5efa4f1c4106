"""A generated network of many partnerships, for search and paging at scale."""

from __future__ import annotations

from bot.model.domain import Dataset, LocalizedText, Municipality, Partnership

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
