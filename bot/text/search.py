"""Partner search: fold texts alike on both sides, build index documents and FTS5 queries."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from bot.model import territories
from bot.model.domain import LocalizedText, Municipality, Partnership, Phase, Programme, Topic

MAX_TERMS = 8
MAX_TERM_LENGTH = 40
_WORD = re.compile(r"\w+")
# The combining-mark blocks that carry accents; removed after NFKD decomposition.
_MARKS = re.compile("[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]")


def fold(text: str) -> str:
    """Lower-case without accents, the same for index and query: 'Gießen' -> 'giessen'."""
    if text.isascii():
        return text.lower()
    return _MARKS.sub("", unicodedata.normalize("NFKD", text.casefold()))


def terms(text: str) -> list[str]:
    """The folded words of a user's query, bounded in number and length."""
    return [w[:MAX_TERM_LENGTH] for w in _WORD.findall(fold(text))][:MAX_TERMS]


def fts_query(text: str) -> str | None:
    """An FTS5 MATCH expression: every word as a quoted prefix, all required."""
    words = terms(text)
    if not words:
        return None
    # \w+ never contains a double quote, so quoting makes any input a plain phrase.
    return " ".join(f'"{w}"*' for w in words)


def _all_variants(texts: Iterable[LocalizedText | None]) -> str:
    return " ".join(dict.fromkeys(v for t in texts if t for _lang, v in t.variants))


@cache
def _folded(text: LocalizedText) -> str:
    """Every variant of a shared text (a phase, a programme), folded once per process."""
    return fold(_all_variants([text]))


@cache
def _folded_countries(code: str) -> str:
    return fold(" ".join(territories.names(code)))


@dataclass(frozen=True)
class SearchDocument:
    """The indexed columns of one partnership, already folded."""

    partnership_id: str
    towns: str
    countries: str
    topics: str
    phase: str
    programme: str


def document(
    partnership: Partnership,
    north: Municipality,
    south: Municipality,
    topics: Iterable[Topic],
    phase: Phase | None,
    programme: Programme | None,
) -> SearchDocument:
    phase_text = _folded(phase.name) if phase else ""
    if phase and phase.number is not None:
        phase_text += f" {phase.number}"
    return SearchDocument(
        partnership_id=partnership.id,
        towns=fold(_all_variants([north.name, south.name])),
        countries=" ".join(dict.fromkeys(_folded_countries(m.country) for m in (north, south))),
        topics=" ".join(_folded(t.name) for t in topics),
        phase=phase_text,
        programme=_folded(programme.name) if programme else "",
    )


class Names:
    """Names a typo may have meant (towns and topics as each language shows them), for
    "Did you mean …?" when nothing matched.

    Each name comes with the language that shows it, or None for a name every language
    shows alike (a town without translations): a reader is offered only names in their
    language or such neutral ones, never a French topic in a Spanish reply.

    difflib against every name takes half a second at 20,000 towns, so a trigram index
    first picks the names sharing the most of the typo's rarer trigrams, and difflib only
    chooses among those.
    """

    SHORTLIST = 50
    GRAM_BUDGET = 2000  # postings counted per typo: the rarest trigrams say the most

    def __init__(self, names: Iterable[str | tuple[str, str | None]]) -> None:
        # folded key -> language (None: every language) -> the name as shown
        self.by_fold: dict[str, dict[str | None, str]] = {}
        for entry in names:
            name, lang = (entry, None) if isinstance(entry, str) else entry
            self.by_fold.setdefault(fold(name), {}).setdefault(lang, name)
            for word in terms(name):  # "Mtwara" inside "Njombe District": single words too
                self.by_fold.setdefault(word, {}).setdefault(lang, name)
        self.keys = list(self.by_fold)
        grams: dict[str, list[int]] = defaultdict(list)
        for i, key in enumerate(self.keys):
            for gram in trigrams(key):
                grams[gram].append(i)
        self.grams = dict(grams)

    def suggest(self, text: str, lang: str | None = None, limit: int = 3) -> list[str]:
        """Up to `limit` names close to `text`, as a reader of `lang` is shown them (any
        language's when `lang` is None)."""
        wanted = " ".join(terms(text))
        if not wanted:
            return []
        shown = dict(self.shortlist(wanted, lang))
        close = difflib.get_close_matches(wanted, list(shown), n=limit * 3, cutoff=0.72)
        return list(dict.fromkeys(shown[c] for c in close))[:limit]

    def _shown(self, key: str, lang: str | None) -> str | None:
        names = self.by_fold[key]
        if None in names:
            return names[None]
        if lang is None:
            return next(iter(names.values()))
        return names.get(lang)

    def shortlist(self, wanted: str, lang: str | None = None) -> list[tuple[str, str]]:
        """The folded names a reader of `lang` is shown, with the name shown, sharing the
        most trigrams with `wanted`, rarest trigrams first."""
        counts: Counter[int] = Counter()
        spent = 0
        for gram in sorted(set(trigrams(wanted)), key=lambda g: len(self.grams.get(g, ()))):
            posting = self.grams.get(gram, [])
            if counts and spent + len(posting) > self.GRAM_BUDGET:
                break
            counts.update(posting)
            spent += len(posting)
        found: list[tuple[str, str]] = []
        for i, _ in counts.most_common():
            if (name := self._shown(self.keys[i], lang)) is not None:
                found.append((self.keys[i], name))
                if len(found) == self.SHORTLIST:
                    break
        return found


def trigrams(key: str) -> set[str]:
    """Three-letter pieces of a folded text, with its ends marked: ' mt', 'mtw', … 'ra '."""
    padded = f" {key} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}
