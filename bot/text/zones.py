"""Which time zone a reader means: an IANA name, or a town of the network, or a zone's city."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from bot.model.domain import Municipality
from bot.text.search import fold


@cache
def _zones_by_folded_name() -> dict[str, str]:
    zones: dict[str, str] = {}
    for key in sorted(available_timezones()):
        if key.startswith(("Etc/", "SystemV/")) or "/" not in key:
            continue
        zones.setdefault(fold(key), key)
        zones.setdefault(fold(key.rsplit("/", 1)[-1].replace("_", " ")), key)
    for key in ("UTC",):
        zones[fold(key)] = key
    return zones


def resolve_zone(text: str, towns: Iterable[Municipality]) -> ZoneInfo | None:
    """'America/La_Paz', 'la paz', 'Mtwara', 'berlin' -> the zone; None if nothing fits."""
    wanted = " ".join(fold(text).replace("_", " ").split())
    if not wanted or len(wanted) > 64:
        return None
    for town in towns:  # the network's own towns first: "Bonn" is not a zone's city
        if any(fold(name) == wanted for _lang, name in town.name.variants):
            return ZoneInfo(town.timezone)
    key = _zones_by_folded_name().get(wanted) or _zones_by_folded_name().get(
        wanted.replace(" ", "_")
    )
    return ZoneInfo(key) if key else None
