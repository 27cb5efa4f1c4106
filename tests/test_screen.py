"""Issue 14's phone screen, checked over everything the bot says: every command of
bot/telegram/commands.py (bare and with typical arguments), in a private chat and in a
group, in all five languages, each button of each reply pressed once, and one post of
each kind. Nothing may take more than 15 lines of 38 characters, no English word may
appear in a reply in another language (names from the data and what the user typed aside),
and every clock time a message shows is Telegram's date_time entity (`<tg-time>`), so each
reader's app shows it in the reader's zone.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, time, timedelta
from pathlib import Path

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.config import Settings
from bot.model.domain import LANGUAGES, Dataset, Event, EventKind, LocalizedText, PartialDate
from bot.model.posts import PostKind
from bot.model.roles import Side
from bot.schedule.plan import Network
from bot.telegram.callbacks import PickTown, grid
from bot.telegram.commands import COMMANDS
from bot.telegram.html import parse
from bot.telegram.limits import Keyboard, label_room, row_sizes, shorten
from bot.text.i18n import I18n
from bot.views.exchanges import heading
from harness.screen import (
    LINE_WIDTH,
    SCREEN_LINES,
    LeakCheck,
    cut_labels,
    localized_texts,
    row_room,
    screen_lines,
    visible,
)
from harness.time_entities import unwrapped_times_in_html
from harness.walk import ADMIN as WALKER
from harness.walk import ChatKind, Seen, walk, walk_posts
from tests.conftest import COORDINATOR, ROOT, Driver

LOCALES = ROOT / "locales"


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """With the calendar feeds' public address: /calendar gives addresses (walked; no
    server runs)."""
    return dataclasses.replace(
        settings, http_listen=("127.0.0.1", 8080), http_url="https://bot.example.org"
    )


def checklist_visit(now: datetime) -> Event:
    """A visit from La Paz to Bonn ten weeks ahead, at 10:00 Bonn time: its checklist is
    made from the South → North template."""
    title = {"de": "Delegation aus La Paz in Bonn", "es": "Delegación de La Paz en Bonn"}
    title |= {"fr": "Délégation de La Paz à Bonn", "pt": "Delegação de La Paz em Bonn"}
    return Event(
        id="la-paz-to-bonn-walk",
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of("Delegation from La Paz in Bonn", "en", **title),
        starts=PartialDate.of(now.date() + timedelta(weeks=10)),
        start_time=time(10, 0),
        timezone="Europe/Berlin",
        partnership_id="bonn-la-paz",
        travelling=Side.SOUTH,
    )


def labels(seen: Seen) -> list[str]:
    rows = (seen.markup or {}).get("inline_keyboard", [])
    return [key["text"] for row in rows for key in row]


async def leak_check(bot: Driver) -> LeakCheck:
    assert bot.app.bot_data.storage is not None
    dataset = await bot.app.bot_data.storage.network.load(examples=True)
    return LeakCheck(LOCALES, localized_texts(dataset))


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_command_and_button_fits_a_screen_in_its_language(
    bot: Driver, lang: str
) -> None:
    # The walk's user is a focal point of Bonn – La Paz: /meeting lists its meetings, ✏️.
    assert bot.app.bot_data.storage is not None
    now = bot.app.bot_data.clock.now()
    await bot.app.bot_data.storage.roles.appoint_focal_point(
        "bonn-la-paz", WALKER, Side.NORTH, COORDINATOR, now
    )
    # A visit with its checklist (/checklist, ☑️ on /exchanges), its day and time ahead.
    await bot.app.bot_data.storage.import_dataset(Dataset(events=(checklist_visit(now),)))
    seen = [s async for s in walk(bot.app, bot.api, [lang])]
    assert any(s.command.startswith("/checklist →") for s in seen)
    assert any(s.command.startswith("/meeting →") for s in seen)
    # The walk reached every command in both kinds of chat, and pressed buttons.
    for kind in ChatKind:
        answered = {s.command.split()[0] for s in seen if s.chat is kind}
        # By its English name and by the walk language's (defect 11: both are answered).
        assert answered >= {f"/{n}" for c in COMMANDS for n in (c.name, c.name_in(lang))}, kind
    assert sum("→" in s.command for s in seen) > 50

    too_long = {
        (s.command, s.chat.value): lines
        for s in seen
        if (lines := screen_lines(visible(s.html))) > SCREEN_LINES
    }
    assert not too_long
    # A button's label fits its share of its row (defect 9: cut by Telegram, anywhere).
    cut = {(s.command, label) for s in seen for label in cut_labels(s.markup)}
    assert not cut

    check = await leak_check(bot)
    leaked = {
        (s.command, s.chat.value): found
        for s in seen
        if (found := check.leaked(" ".join([s.html, *labels(s)]), s.lang, s.command))
    }
    assert not leaked
    assert not unwrapped(seen)
    assert any("<tg-time" in s.html for s in seen)  # the walk reached times at all


def unwrapped(seen: list[Seen]) -> dict[tuple[str, str], list[str]]:
    """Clock times in messages (pop-ups and captions carry no entities) outside a tg-time."""
    return {
        (s.command, s.chat.value): found
        for s in seen
        if s.method in ("sendMessage", "editMessageText")
        and (found := unwrapped_times_in_html(s.html))
    }


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_kind_of_post_fits_a_screen_in_its_language(bot: Driver, lang: str) -> None:
    posts = [s async for s in walk_posts(bot.app, [lang])]
    assert {s.command.split()[1] for s in posts} == {kind.value for kind in PostKind}
    assert any(s.method == "answerCallbackQuery" for s in posts)  # the RSVP pop-ups too
    too_long = {
        s.command: lines for s in posts if (lines := screen_lines(visible(s.html))) > SCREEN_LINES
    }
    assert not too_long
    assert not {(s.command, label) for s in posts for label in cut_labels(s.markup)}
    check = await leak_check(bot)
    assert not {
        s.command: found
        for s in posts
        if (found := check.leaked(" ".join([s.html, *labels(s)]), s.lang))
    }
    assert not unwrapped(posts)


# -- the measures themselves --------------------------------------------------------------


def test_a_screen_counts_what_the_reader_sees() -> None:
    assert visible("<b>3 &lt; 4</b> &amp; <i>so</i>") == "3 < 4 & so"
    assert screen_lines("a" * 38) == 1
    assert screen_lines("a" * 39) == 2  # wraps
    assert screen_lines("one\n\nthree") == 3  # an empty line takes a line
    assert screen_lines(visible("<b>" + "a" * 38 + "</b>")) == 1  # tags take no room


def untranslated(tmp_path: Path, lang: str, msgid: str) -> I18n:
    """The catalogs with one message of `lang` left untranslated (gettext shows English)."""
    for po_path in LOCALES.glob("*/LC_MESSAGES/messages.po"):
        code = po_path.parent.parent.name
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=code)
        if code == lang:
            message = catalog.get(msgid)
            assert message is not None
            message.string = ("", "") if isinstance(message.string, tuple) else ""
        target = tmp_path / code / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True)
        with target.open("wb") as f:
            write_mo(f, catalog)
    return I18n.load(tmp_path)


async def test_the_leak_check_finds_an_untranslated_string(bot: Driver, tmp_path: Path) -> None:
    check = await leak_check(bot)
    broken = untranslated(tmp_path, "es", "{count} upcoming exchange")
    english = heading(broken.translator("es"), False, 3, "")
    assert visible(english) == "3 upcoming exchanges"
    assert check.leaked(english, "es") == {"upcoming", "exchanges"}
    spanish = heading(bot.app.bot_data.i18n.translator("es"), False, 3, "")  # type: ignore[union-attr]
    assert visible(spanish) == "3 próximos intercambios"
    assert check.leaked(spanish, "es") == set()


async def test_names_from_the_data_and_typed_words_are_not_leaks(bot: Driver) -> None:
    check = await leak_check(bot)
    # "Phase 8" is a German name in the data, and English too: fine in a German reply.
    assert check.leaked("<b>Phase 8</b>", "de") == set()
    assert check.leaked("No partnership matches “Bonn”.", "fr") == {"partnership", "matches"}
    assert check.leaked("« partnership »", "fr", typed="/partner partnership") == set()


async def test_a_long_name_on_a_button_ends_at_a_word(bot: Driver) -> None:
    """Defect 9: '✖ TANDEM – alianzas climáticas franco-alemanas para la transic'."""
    admin = bot.user(1, "es")
    group = bot.group(-700, admins={1: "creator"})
    await bot.send("/language es", user=admin, chat=group)
    await bot.send("/subscribe tandem", user=admin, chat=group)
    [reply] = await bot.send("/unsubscribe", user=admin, chat=group)
    [[key]] = reply["reply_markup"]["inline_keyboard"]
    assert key["text"] == "✖ TANDEM – alianzas climáticas…"
    assert len(key["text"]) <= LINE_WIDTH


def test_the_time_check_finds_a_bare_time() -> None:
    wrapped = '<tg-time unix="1795532400" format="wDt">Tue, Nov 24, 3:00 PM Berlin</tg-time>'
    assert unwrapped_times_in_html(f"📅 {wrapped}") == []
    assert unwrapped_times_in_html(f"📅 {wrapped} · 10:00 La Paz") == ["10:00"]
    assert unwrapped_times_in_html("<b>15:00</b> Bonn") == ["15:00"]


async def test_a_post_in_a_partnerships_two_languages_fits_a_screen(bot: Driver) -> None:
    """A group linked to a partnership reads its two towns' languages by default (German and
    Spanish, French or English): one post holds both, and still fits, late or not."""
    pairs = [("de", "es"), ("de", "fr"), ("de", "en"), ("es", "de")]
    posts = [s async for s in walk_posts(bot.app, [], together=pairs)]
    assert {s.lang for s in posts if s.method == "sendMessage"} >= {"+".join(p) for p in pairs}
    too_long = {
        (s.lang, s.command): lines
        for s in posts
        if (lines := screen_lines(visible(s.html))) > SCREEN_LINES
    }
    assert not too_long


def test_a_label_gets_its_share_of_the_row() -> None:
    """Defect 9 with several buttons a row: Telegram cuts each at its share (some 17
    characters of two, 10 of three), so the bot cuts there first, at a word, or gives a long
    name fewer neighbours."""
    assert [row_room(n) for n in (1, 2, 3)] == [label_room(n) for n in (1, 2, 3)] == [36, 17, 10]
    assert shorten("Fase de implementación (3)", label_room(2)) == "Fase de…"
    assert shorten("Fase piloto", label_room(3)) == "Fase…"
    assert shorten("🇧🇴 Bolivia", label_room(3)) == "🇧🇴 Bolivia"
    # Short names share a row; a long one takes a row alone, uncut.
    names = ["🇧🇴 Bolivia", "🇩🇪 Bonn", "🇸🇳 Département Kédougou", "🇹🇿 Mtwara", "🇺🇬 Mubende"]
    assert row_sizes(names, 3) == [2, 1, 2]
    rows = grid([(name, PickTown(str(i))) for i, name in enumerate(names)], 3)
    markup = Keyboard(rows).to_dict()
    assert [[key["text"] for key in row] for row in markup["inline_keyboard"]] == [
        names[:2],
        names[2:3],
        names[3:],
    ]
    assert cut_labels(markup) == []
    squeezed = {"inline_keyboard": [[{"text": n, "callback_data": "x"} for n in names[:3]]]}
    assert cut_labels(squeezed) == ["🇸🇳 Département Kédougou"]


async def test_a_title_with_line_breaks_stays_whole_html_in_every_language(bot: Driver) -> None:
    """A line said in an earlier language is left out of the next only if it stands alone:
    a title from the data may break a line inside its <b> (a YAML block ends in one)."""

    def broken_titles(net: Network) -> Network:
        title = LocalizedText.of("Bonn – La Paz\nvirtual call\n")
        series = tuple(dataclasses.replace(s, title=title) for s in net.series)
        return dataclasses.replace(net, series=series)

    posts = [
        s
        async for s in walk_posts(bot.app, [], together=[("de", "es")], edit=broken_titles)
        if s.method == "sendMessage" and s.command.split()[1] in ("invite", "meeting", "change")
    ]
    assert posts
    for post in posts:
        parse(post.html)  # Telegram's rules: an unclosed <b> is refused
        assert post.html.count("virtual call") == 2, post.command  # in both languages
