"""The audit's and 🌐's screens in the five languages, as test_screen checks the walked
commands (the walk's user edits nothing, so it does not reach them): one phone screen,
labels within their share, no English word in another language, clock times in tg-time."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pytest

from bot.model.audit import RecordKind
from bot.model.domain import (
    LANGUAGES,
    ChangeStatus,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.model.roles import Side
from bot.telegram.edit_callbacks import EditTarget, History, Translate
from harness.screen import SCREEN_LINES, cut_labels, screen_lines, visible
from harness.time_entities import unwrapped_times_in_html
from tests.conftest import COORDINATOR, Driver
from tests.test_screen import leak_check

FOCAL = 501
TYPED = {
    "en": "Energy workshop",
    "de": "Energiewerkstatt",
    "es": "Taller de energía",
    "fr": "Atelier sur l'énergie",
    "pt": "Oficina de energia",
}


async def _changes(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    at = bot.app.bot_data.clock.now()
    await storage.roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, at)
    event = Event(
        id="taller-2027",
        kind=EventKind.WORKSHOP,
        title=LocalizedText.of("Taller de energía renovable en La Paz", "es"),
        starts=PartialDate.of(date(2027, 3, 15)),
        start_time=time(15, 0),
        timezone="America/La_Paz",
        place=LocalizedText.of("Alcaldía", "es"),
        note=LocalizedText.of("Traer computadora", "es"),
        partnership_id="bonn-la-paz",
    )
    edits = storage.edits
    await edits.save(event, COORDINATOR, at)
    for n in range(4):
        changed = replace(
            event,
            title=LocalizedText.of(f"Taller {n}", "es"),
            starts=PartialDate.of(date(2027, 3, 16 + n)),
            start_time=time(16, n),
            online=bool(n % 2),
        )
        await edits.save(changed, FOCAL if n % 2 else COORDINATOR, at + timedelta(minutes=n))
    await edits.undo_last(COORDINATOR, at + timedelta(minutes=5))
    meeting = datetime(2027, 2, 16, 15, 0)
    moved = MeetingChange(
        "m1",
        "bonn-la-paz-virtual",
        meeting,
        ChangeStatus.MOVED,
        meeting + timedelta(days=1),
        LocalizedText.of("Feriado nacional", "es"),
    )
    await edits.save(moved, FOCAL, at + timedelta(minutes=6))
    await edits.delete(RecordKind.CHANGE, "m1", COORDINATOR, at + timedelta(minutes=7))
    await edits.forget(FOCAL)


def _said(bot: Driver, since: int) -> list[tuple[str, dict[str, Any] | None, bool]]:
    """(HTML, markup, is a message) of what the bot said since call `since`."""
    found = []
    for call in bot.api.calls[since:]:
        if call.error is not None:
            continue
        if call.method in ("sendMessage", "editMessageText"):
            markup = call.params.get("reply_markup")
            found.append((call.params["text"], markup if isinstance(markup, dict) else None, True))
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            found.append((call.params["text"], None, False))
    return found


def _keys(message: dict[str, Any]) -> list[str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [key["callback_data"] for row in rows for key in row]


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_audits_screens_fit_and_speak_the_readers_language(
    bot: Driver, lang: str
) -> None:
    await _changes(bot)
    coordinator, member = bot.user(COORDINATOR, lang), bot.user(77, lang)
    since = len(bot.api.calls)
    anchor = (await bot.send("/start", user=coordinator))[0]
    for target, record in (
        (EditTarget.EVENT, "taller-2027"),
        (EditTarget.SERIES, "bonn-la-paz-virtual"),
    ):
        [first] = await bot.press(anchor, History(target, record).pack(), coordinator)
        await bot.pages(first, coordinator)
        await bot.press(anchor, History(target, record).pack(), member)
    [latest] = await bot.send("/history", user=coordinator)
    pages = await bot.pages(latest, coordinator)
    assert len(pages) > 1
    await bot.send("/history", user=member)
    await bot.send("/undo", user=coordinator)
    [asked] = await bot.press(
        anchor, Translate(EditTarget.EVENT, "taller-2027").pack(), coordinator
    )
    [which] = await bot.press(asked, _keys(asked)[-2], coordinator)  # the last language
    await bot.press(which, _keys(which)[-2], coordinator)  # the note
    [confirm] = await bot.send(TYPED[lang], user=coordinator)
    [saved] = await bot.press(confirm, _keys(confirm)[0], coordinator)
    assert saved["text"].startswith("✅")
    storage = bot.app.bot_data.storage
    assert storage is not None
    event = await storage.network.event("taller-2027")
    assert event is not None and event.note is not None
    assert event.note.variants == (("es", "Traer computadora"), ("pt", TYPED[lang]))

    said = _said(bot, since)
    assert len(said) > 12
    assert not [html for html, _m, _msg in said if screen_lines(visible(html)) > SCREEN_LINES]
    assert not [label for _h, markup, _msg in said for label in cut_labels(markup)]
    assert not [html for html, _m, msg in said if msg and unwrapped_times_in_html(html)]
    check = await leak_check(bot)
    leaked = {
        html: found
        for html, markup, _msg in said
        if (
            found := check.leaked(
                " ".join(
                    [html]
                    + [k["text"] for row in (markup or {}).get("inline_keyboard", []) for k in row]
                ),
                lang,
                TYPED[lang],
            )
        )
    }
    assert not leaked
