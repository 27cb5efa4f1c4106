"""Country names in our five languages, as CLDR (through Babel) gives them.

Babel keeps every locale it opens, a few MiB each, for the life of the process. The
search index and the dataset check need only country names, in all five languages, at
start-up: bot/model/country_names.py is those names, so starting opens no locale. It is
generated from the pinned Babel by `python -m bot.model.territories` (which rewrites that
file; then `ruff format` it), and tests/test_territories.py checks it against Babel.
"""

from __future__ import annotations

import re
from pathlib import Path

from bot.model.country_names import NAMES
from bot.model.domain import LANGUAGES

__all__ = ["NAMES", "generated", "is_country", "name", "names"]

_TABLE = re.compile(r"^NAMES: .*?(?:\{\}|^\})\n", re.S | re.M)


def name(code: str, lang: str) -> str:
    """The country's name in `lang`, or its code when CLDR has none."""
    found = NAMES.get(code)
    index = LANGUAGES.index(lang) if lang in LANGUAGES else -1
    return (found[index] if found and index >= 0 else "") or code


def names(code: str) -> tuple[str, ...]:
    """Its distinct names in all our languages (for the search index)."""
    return tuple(dict.fromkeys(n for n in NAMES.get(code, ()) if n))


NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"})
"""Codes CLDR names that are no country: unions (EU, the euro zone, the UN), outlying
Oceania, pseudo-locales and "unknown region"."""


def is_country(code: str) -> bool:
    """Whether a town may be in `code`: a territory with a name, not a grouping."""
    return code in NAMES and code not in NOT_COUNTRIES


def generated() -> dict[str, tuple[str, ...]]:
    """The table from Babel: two-letter codes, one name per language ('' if none)."""
    from babel import Locale

    locales = [Locale.parse(lang).territories for lang in LANGUAGES]
    keys = [c for c in locales[0] if isinstance(c, str)]
    codes = sorted(c for c in keys if len(c) == 2 and c.isalpha() and c.isupper())
    return {code: tuple(str(t.get(code, "")) for t in locales) for code in codes}


def _regenerate() -> None:
    lines = [f"    {code!r}: {row!r}," for code, row in generated().items()]
    table = "\n".join(["NAMES: dict[str, tuple[str, ...]] = {", *lines, "}\n"])
    path = Path(__file__).with_name("country_names.py")
    path.write_text(_TABLE.sub(lambda _: table, path.read_text("utf-8")), "utf-8")


if __name__ == "__main__":
    _regenerate()
