"""A lead time as an author types it, in any of the five languages: "5 weeks", "5 Wochen",
"5 semanas", "5 semaines", "3 Tage", "10 días", "3 jours", "2 w"."""

from __future__ import annotations

import re

from bot.model.domain import MAX_LEAD_DAYS, LeadTime
from bot.text.search import fold

_WEEKS = frozenset(
    {
        "w",
        "wk",
        "wks",
        "week",
        "weeks",
        "woche",
        "wochen",
        "sem",
        "semana",
        "semanas",
        "semaine",
        "semaines",
    }
)
_DAYS = frozenset(
    {"d", "day", "days", "t", "tag", "tage", "tagen", "dia", "dias", "j", "jour", "jours"}
)
_TYPED = re.compile(r"(\d{1,3})\s*([a-z]+)\.?")


def parse_lead(text: str) -> LeadTime | None:
    """The lead time typed (a number and a unit of weeks or days), or None when it is not
    one or is beyond a year."""
    match = _TYPED.fullmatch(fold(" ".join(text.split())))
    if match is None:
        return None
    count, unit = int(match[1]), match[2]
    if unit in _WEEKS:
        days = count * 7
    elif unit in _DAYS:
        days = count
    else:
        return None
    return LeadTime(days) if days <= MAX_LEAD_DAYS else None
