"""Catalogs complete and real, the language fallback order, Babel's dates per locale."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot.model.domain import LANGUAGES
from bot.text.dates import day_with_weekday
from bot.text.i18n import CatalogMissingError, I18n, choose_languages, supported_language
from tests.conftest import ROOT

PLACEHOLDER = re.compile(r"\{(\w*)\}")


def source_messages() -> set[str]:
    found = set()
    for package in ("bot", "handlers", "storage"):
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"gettext": None, "ngettext": (1, 2), "N_": None},
        ):
            found.add(message if isinstance(message, str) else message[0])
    return found


def catalog(lang: str):  # type: ignore[no-untyped-def]
    with (ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalog_is_complete_translated_and_consistent(lang: str) -> None:
    cat = catalog(lang)
    ids = {m.id if isinstance(m.id, str) else m.id[0]: m for m in cat if m.id}
    missing = source_messages() - set(ids)
    assert not missing, f"{lang}: not in the catalog, run `make extract`: {missing}"
    for msgid, message in ids.items():
        assert not message.fuzzy, f"{lang}: fuzzy: {msgid!r}"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"{lang}: untranslated: {msgid!r}"
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == set(PLACEHOLDER.findall(msgid)), (
                f"{lang}: placeholders differ in {msgid!r}"
            )
            assert text.count("<") == msgid.count("<"), f"{lang}: HTML tags differ in {msgid!r}"


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != "en"])
def test_translations_are_not_english_copies(lang: str) -> None:
    messages = [m for m in catalog(lang) if m.id]
    copies = [m.id for m in messages if m.string == m.id]
    assert len(copies) <= len(messages) // 10, f"{lang}: copied from English: {copies}"


def test_missing_compiled_catalog_is_loud(tmp_path: Path) -> None:
    with pytest.raises(CatalogMissingError, match="no compiled catalog for 'en'"):
        I18n.load(tmp_path)


@pytest.mark.parametrize(
    ("chat", "user", "telegram", "expected"),
    [
        (("es", "de"), "fr", "pt", ("es", "de")),  # the chat's setting first
        ((), "fr", "pt-BR", ("fr",)),  # then the user's
        ((), None, "pt-BR", ("pt",)),  # then Telegram's language_code
        ((), None, "es-419", ("es",)),
        ((), None, "ru", ("en",)),  # else English
        ((), None, None, ("en",)),
    ],
)
def test_language_fallback_order(
    chat: tuple[str, ...], user: str | None, telegram: str | None, expected: tuple[str, ...]
) -> None:
    assert choose_languages(chat, user, telegram) == expected


def test_supported_language_reads_telegram_codes() -> None:
    assert [supported_language(c) for c in ("de-AT", "FR", "pt_br", "xx", "", None)] == [
        "de",
        "fr",
        "pt",
        None,
        None,
        None,
    ]


@pytest.mark.parametrize(
    ("lang", "day", "month"),
    [
        ("de", "15. August 2014", "März 2015"),
        ("en", "August 15, 2014", "March 2015"),
        ("es", "15 de agosto de 2014", "marzo de 2015"),
        ("fr", "15 août 2014", "mars 2015"),
        ("pt", "15 de agosto de 2014", "março de 2015"),
    ],
)
def test_dates_in_each_language(i18n: I18n, lang: str, day: str, month: str) -> None:
    tr = i18n.translator(lang)
    assert tr.format_date(date(2014, 8, 15)) == day
    assert tr.format_month(date(2015, 3, 1)) == month


def test_the_cldr_table_is_what_babel_gives() -> None:
    """Fails after a Babel upgrade changes a pattern or name: run `python -m bot.text.cldr`."""
    from bot.text import cldr

    assert cldr.generated() == cldr.DATA


FRENCH_FIRST = re.compile(r"(?<![\d])1(?=[ \u00a0\u202f–-])")


def as_written(text: str, lang: str) -> str:
    """Babel's date as we write it: French says "1er" for the first of a month."""
    return FRENCH_FIRST.sub("1er", text) if lang == "fr" else text


def test_french_writes_the_first_of_a_month_as_an_ordinal(i18n: I18n) -> None:
    fr = i18n.translator("fr")
    assert fr.format_date(date(2026, 12, 1)) == "1er décembre 2026"
    assert fr.format_date(date(2026, 12, 11)) == "11 décembre 2026"
    assert fr.format_date(date(2026, 12, 21)) == "21 décembre 2026"
    tuesday = datetime(2026, 12, 1, 15, tzinfo=UTC)
    assert day_with_weekday(fr, tuesday) == "mar. 1er déc. 2026"
    assert i18n.translator("es").format_date(date(2026, 12, 1)) == "1 de diciembre de 2026"


@pytest.mark.parametrize(
    ("lang", "two", "three"),
    [
        ("de", "Deutsch und Spanisch", "Deutsch, Spanisch und Französisch"),
        ("en", "German and Spanish", "German, Spanish, and French"),
        ("es", "alemán y español", "alemán, español y francés"),
        ("fr", "allemand et espagnol", "allemand, espagnol et français"),
        ("pt", "alemão e espanhol", "alemão, espanhol e francês"),
    ],
)
def test_lists_are_joined_as_the_language_joins_them(
    i18n: I18n, lang: str, two: str, three: str
) -> None:
    from bot.views.common import languages_in_text

    tr = i18n.translator(lang)
    names = [languages_in_text([code], tr) for code in ("de", "es", "fr")]
    assert tr.format_list(names[:2]) == two
    assert tr.format_list(names) == three


def test_spanish_lists_say_e_before_i_and_u_before_o(i18n: I18n) -> None:
    es = i18n.translator("es")
    assert es.format_list(["alemán", "inglés"]) == "alemán e inglés"
    assert es.format_list(["francés", "alemán", "inglés"]) == "francés, alemán e inglés"
    assert es.format_list(["agua", "hierro"]) == "agua y hierro"  # /je/, not /i/
    assert es.format_list(["siete", "ocho"], "or") == "siete u ocho"
    assert es.format_list(["Bélgica", "Holanda"], "or") == "Bélgica u Holanda"
    assert i18n.translator("pt").format_list(["alemão", "inglês"]) == "alemão e inglês"


def test_lists_read_as_babel_writes_them(i18n: I18n) -> None:
    from babel.lists import format_list

    from bot.model.domain import LANGUAGES

    items = ["Bonn", "La Paz", "{1} Mtwara", "Kédougou", "Mubende"]
    for lang in LANGUAGES:
        for style in ("standard", "or"):
            for n in range(len(items) + 1):
                expected = format_list(items[:n], style=style, locale=lang)  # type: ignore[arg-type]
                assert i18n.translator(lang).format_list(items[:n], style) == expected


def test_dates_and_times_read_as_babel_writes_them(i18n: I18n) -> None:
    """bot.text.dates formats from the CLDR table, without opening Babel's locales: each
    must read exactly as Babel formats it (with French's "1er", which CLDR lacks)."""
    from datetime import UTC, date, datetime, timedelta
    from zoneinfo import ZoneInfo

    from babel import Locale
    from babel import dates as babel_dates

    from bot.model.domain import LANGUAGES, PartialDate
    from bot.text import cldr
    from bot.text import dates as ours
    from bot.views.common import languages_in_text

    start = datetime(2026, 3, 28, 23, 30, tzinfo=UTC)  # across a DST change in Europe
    first_day = date(2026, 12, 20)
    for lang in LANGUAGES:
        tr = i18n.translator(lang)
        for step in range(0, 3 * 24 * 60, 7):
            moment = (start + timedelta(minutes=step)).astimezone(ZoneInfo("Europe/Berlin"))
            assert ours.clock_time(tr, moment) == babel_dates.format_time(
                moment, "short", locale=lang
            )
            assert ours.day_with_weekday(tr, moment) == as_written(
                babel_dates.format_skeleton("yMMMEd", moment, locale=lang), lang
            )
        for days in range(0, 400, 3):
            day = first_day + timedelta(days=days)
            assert tr.format_date(day) == as_written(
                babel_dates.format_date(day, "long", locale=lang), lang
            )
            assert tr.format_month(day) == babel_dates.format_skeleton("yMMMM", day, locale=lang)
            same_year = PartialDate(None, day.month, day.day)
            assert ours.partial_date(tr, same_year) == as_written(
                babel_dates.format_skeleton("MMMMd", date(2000, day.month, day.day), locale=lang),
                lang,
            )
            assert ours.date_range(
                tr, PartialDate.parse(first_day.isoformat()), PartialDate.parse(day.isoformat())
            ) == (
                as_written(babel_dates.format_interval(first_day, day, "yMMMMd", locale=lang), lang)
                if days
                else tr.format_date(day)
            )
        for delta in range(-800, 800):
            if delta in (-1, 0, 1):  # 'yesterday', 'today', 'tomorrow': the catalogs'
                continue
            assert ours.days_until(tr, first_day + timedelta(days=delta), first_day) == (
                babel_dates.format_timedelta(
                    timedelta(days=delta),
                    granularity="day",
                    threshold=2,
                    add_direction=True,
                    locale=lang,
                )
            )
        for seconds in [*range(-200_000, 200_000, 997), -1, 0, 1, 59, 3_000_000, 40_000_000]:
            delta = timedelta(seconds=seconds, microseconds=250_000)
            assert cldr.relative(delta, lang) == babel_dates.format_timedelta(
                delta, add_direction=True, locale=lang
            )
        for other in LANGUAGES:
            assert languages_in_text([other], tr) == Locale.parse(other).get_display_name(lang)


# European Portuguese forms, each with the Brazilian one the pt catalog uses instead.
EUROPEAN = {
    r"\bjá não\b": "não … mais",
    r"\bficheiro": "arquivo",
    r"\bpartilh": "compartilhar",
    r"\becrã": "tela",
    r"\butilizador": "usuário",
    r"\bregistad": "registrado",
    r"\bnum(a|as|os)?\b": "em um",
    r"\btelemóvel": "celular",
    r"\bequipa\b": "equipe",
    r"\bestou a \w+r\b": "estou …ndo",
    r"\bcontacto": "contato",
    r"\bfacto\b": "fato",
    r"\b(os|as) (seus|suas)\b": "seus, suas",
}


def test_portuguese_is_brazilian_throughout() -> None:
    with (ROOT / "locales/pt/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f)
    texts = [
        text
        for message in catalog
        if message.id
        for text in (message.string if isinstance(message.string, tuple) else [message.string])
    ]
    found = {(pattern, text) for text in texts for pattern in EUROPEAN if re.search(pattern, text)}
    assert not found
