"""Dates, times and "in 3 days" in our five languages, from CLDR's patterns and names.

Babel keeps every locale it opens, 1 to 2 MiB each, for the life of the process; after a
few hundred replies in five languages that was 8 MiB of a bot that idles at 57. The bot
needs a handful of patterns per language (bot/text/dates.py), so bot/text/cldr_data.py
holds just those, resolved by Babel's own rules (skeleton matching, interval patterns,
relative-time units, plural forms), and this module applies them. It is generated from
the pinned Babel by `python -m bot.text.cldr` (which rewrites that file; then
`ruff format` it), and tests/test_i18n.py checks what it gives against Babel itself.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, time, timedelta
from functools import lru_cache
from pathlib import Path
from typing import Any, cast

from bot.text.cldr_data import DATA

Token = str | tuple[str, int]  # literal text, or a field: (letter, how many)
Pattern = tuple[Token, ...]

SKELETONS = ("yMMMEd", "MMMMd", "yMMMM")
INTERVALS = ("yMMMMd", "MMMMd")
UNITS = (
    ("year", 31536000),
    ("month", 2592000),
    ("week", 604800),
    ("day", 86400),
    ("hour", 3600),
    ("minute", 60),
    ("second", 1),
)
PLURALS_KNOWN = 400  # plural forms are tabled for 0..399; beyond, "other"
# Results kept per formatter: a page writes a dozen dates and times, mostly the same
# days and hours again, and looking one up costs a tenth of writing it.
KEPT = 2048
FIELD_ORDER = "yMd"  # largest first: an interval differs first in one of these
FIRST_OF_MONTH = {"fr": "1er"}
"""French writes the first of a month as an ordinal ("1er décembre"); CLDR's patterns
(and so Babel) write "1 décembre"."""
LIST_STYLES = ("standard", "or")


def apply(pattern: Pattern, value: date | time, lang: str) -> str:
    """`value` written by `pattern` (Babel's DateTimeFormat for the fields we use)."""
    names = DATA[lang]["names"]
    out = []
    for token in pattern:
        if isinstance(token, str):
            out.append(token)
            continue
        letter, count = token
        if letter == "y":
            year = value.year  # type: ignore[union-attr]
            out.append(f"{year % 100:02d}" if count == 2 else f"{year:0{count}d}")
        elif letter in "ML":
            month = value.month  # type: ignore[union-attr]
            out.append(f"{month:0{count}d}" if count < 3 else names[letter][count][month - 1])
        elif letter == "d":
            day = value.day  # type: ignore[union-attr]
            first = FIRST_OF_MONTH.get(lang) if day == 1 and count == 1 else None
            out.append(first or f"{day:0{count}d}")
        elif letter == "E":
            weekday = value.weekday()  # type: ignore[union-attr]
            out.append(names["E"][max(count, 3)][weekday])
        elif letter == "H":
            out.append(f"{value.hour:0{count}d}")  # type: ignore[union-attr]
        elif letter == "h":
            out.append(f"{(value.hour % 12) or 12:0{count}d}")  # type: ignore[union-attr]
        elif letter == "m":
            out.append(f"{value.minute:0{count}d}")  # type: ignore[union-attr]
        elif letter == "a":
            out.append(names["a"][value.hour >= 12])  # type: ignore[union-attr]
        else:
            raise ValueError(f"no rule for the pattern field {letter * count!r}")
    return "".join(out)


@lru_cache(maxsize=KEPT)
def skeleton(name: str, day: date, lang: str) -> str:
    """Babel's format_skeleton(name, day) for a date."""
    return apply(DATA[lang]["skeletons"][name], day, lang)


@lru_cache(maxsize=KEPT)
def long_date(day: date, lang: str) -> str:
    return apply(DATA[lang]["date_long"], day, lang)


@lru_cache(maxsize=KEPT)
def short_time(moment: time, lang: str) -> str:
    return apply(DATA[lang]["time_short"], moment, lang)


@lru_cache(maxsize=KEPT)
def interval(name: str, first: date, last: date, lang: str) -> str:
    """Babel's format_interval(first, last, name) for two dates."""
    found = DATA[lang]["intervals"][name]
    for letter in FIELD_ORDER:
        parts = found["fields"].get(letter)
        if parts and _field(first, letter) != _field(last, letter):
            return apply(parts[0], first, lang) + apply(parts[1], last, lang)
    one, other = apply(found["single"], first, lang), apply(found["single"], last, lang)
    if one == other:
        return one
    return str(DATA[lang]["fallback"]).replace("{0}", one).replace("{1}", other)


def _field(day: date, letter: str) -> int:
    return {"y": day.year, "M": day.month, "d": day.day}[letter]


@lru_cache(maxsize=1024)  # a few hundred days ahead or back, per language
def in_days(days: int, lang: str) -> str:
    """Babel's format_timedelta(days, granularity='day', threshold=2, add_direction=True)."""
    return relative(days * 86400, lang, threshold=2, granularity="day")


def relative(
    delta: timedelta | int, lang: str, threshold: float = 0.85, granularity: str = "second"
) -> str:
    """Babel's format_timedelta(delta, threshold, granularity, add_direction=True):
    'in 3 days', '2 hours ago', in the largest unit that reaches `threshold`."""
    # Whole seconds as Babel counts them (a part of a second before now is a second ago).
    whole = delta.days * 86400 + delta.seconds if isinstance(delta, timedelta) else delta
    for unit, per_unit in UNITS:
        value: float = abs(whole) / per_unit
        if value >= threshold or unit == granularity:
            if unit == granularity and value > 0:
                value = max(1, value)
            count = round(value)
            plurals = DATA[lang]["plurals"]
            form = plurals[count] if count < len(plurals) else "other"
            patterns = DATA[lang]["relative"][unit]["future" if whole >= 0 else "past"]
            return str(patterns.get(form) or patterns["other"]).replace("{0}", str(count))
    return ""


def join(items: Sequence[str], lang: str, style: str = "standard") -> str:
    """Babel's format_list(items, style, locale): 'español y alemán', 'A, B ou C'."""
    if not items:
        return ""
    if len(items) == 1:
        return items[0]
    patterns = DATA[lang]["lists"][style]
    if len(items) == 2 and "2" in patterns:
        return _fill(_before(patterns["2"], items[1], lang), items[0], items[1])
    result = _fill(patterns["start"], items[0], items[1])
    for item in items[2:-1]:
        result = _fill(patterns["middle"], result, item)
    return _fill(_before(patterns["end"], items[-1], lang), result, items[-1])


# Spanish says "e" for "y" before an /i/ sound and "u" for "o" before an /o/ sound
# ("alemán e inglés", "siete u ocho"); CLDR's list patterns do not.
_SPANISH_BEFORE = (
    (re.compile(r"(?i)h?[iíì](?![aeoáéó])"), " y {1}", " e {1}"),
    (re.compile(r"(?i)h?[oó]"), " o {1}", " u {1}"),
)


def _before(pattern: str, last: str, lang: str) -> str:
    if lang != "es":
        return pattern
    for sound, plain, changed in _SPANISH_BEFORE:
        if pattern.endswith(plain) and sound.match(last):
            return pattern[: -len(plain)] + changed
    return pattern


def _fill(pattern: str, first: str, second: str) -> str:
    """'{0} y {1}' filled in one pass (an item may itself hold '{1}')."""
    return re.sub(r"\{([01])\}", lambda m: first if m[1] == "0" else second, pattern)


def language_name(lang: str, in_lang: str) -> str | None:
    """The name of `lang` in `in_lang` ('Spanisch'), as Locale.get_display_name gives it."""
    found = DATA.get(in_lang, {}).get("languages", {}).get(lang)
    return str(found) if found else None


# -- regeneration: `python -m bot.text.cldr` ------------------------------------------------


def _tokens(pattern: str) -> Pattern:
    from babel.dates import tokenize_pattern

    out: list[Token] = []
    for kind, value in tokenize_pattern(pattern):
        if kind == "chars":
            out.append(str(value))
        else:
            letter, count = cast(tuple[str, int], value)
            if letter not in "yMLdEHhma":
                raise ValueError(f"{pattern!r}: add a rule for {letter!r} to apply()")
            out.append((letter, count))
    return tuple(out)


def generated() -> dict[str, dict[str, Any]]:
    """What cldr_data.DATA should be, from the Babel installed now."""
    from babel import Locale
    from babel.dates import match_skeleton

    from bot.model.domain import LANGUAGES

    data: dict[str, dict[str, Any]] = {}
    for lang in LANGUAGES:
        locale = Locale.parse(lang)
        known = locale.datetime_skeletons

        def resolved(name: str, known: Any = known) -> str:
            return str(known[name if name in known else match_skeleton(name, known)].pattern)

        intervals = {}
        for name in INTERVALS:
            matched = name if name in locale.interval_formats else None
            matched = matched or match_skeleton(name, locale.interval_formats)
            fields = dict(locale.interval_formats[matched]) if matched else {}
            intervals[name] = {
                "fields": {k: tuple(_tokens(p) for p in v) for k, v in fields.items()},
                "single": _tokens(resolved(matched or name)),
            }
        fields_data = locale._data["date_fields"]
        months, days = locale.months, locale.days
        data[lang] = {
            "skeletons": {name: _tokens(resolved(name)) for name in SKELETONS},
            "date_long": _tokens(locale.date_formats["long"].pattern),
            "time_short": _tokens(locale.time_formats["short"].pattern),
            "intervals": intervals,
            "fallback": locale.interval_formats[None],
            "names": {
                "M": {n: tuple(months["format"][w][i] for i in range(1, 13)) for n, w in _WIDTHS},
                "L": {
                    n: tuple(months["stand-alone"][w][i] for i in range(1, 13)) for n, w in _WIDTHS
                },
                "E": {
                    n: tuple(days["format"][w][i] for i in range(7)) for n, w in (*_WIDTHS, _NARROW)
                },
                "a": tuple(locale.day_periods["format"]["abbreviated"][p] for p in ("am", "pm")),
            },
            "relative": {
                unit: {d: dict(fields_data[unit][d]) for d in ("future", "past")}
                for unit, _ in UNITS
            },
            "plurals": tuple(locale.plural_form(n) for n in range(PLURALS_KNOWN)),
            "languages": {other: Locale.parse(other).get_display_name(lang) for other in LANGUAGES},
            "lists": {style: dict(locale.list_patterns[style]) for style in LIST_STYLES},
        }
    return data


_WIDTHS = ((3, "abbreviated"), (4, "wide"))
_NARROW = (5, "narrow")  # weekdays only: a calendar keyboard's header, one letter a column
_TABLE = re.compile(r"^DATA: .*?(?:\{\}|^\})\n", re.S | re.M)


def main() -> None:
    path = Path(__file__).with_name("cldr_data.py")
    text = path.read_text("utf-8")
    table = f"DATA: dict[str, dict[str, Any]] = {generated()!r}\n"
    path.write_text(_TABLE.sub(lambda _: table, text), "utf-8")
    print(f"rewrote {path}; now run ruff format on it")


if __name__ == "__main__":
    main()
