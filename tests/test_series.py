"""A meeting series made, changed and ended from the private chat, end to end in process;
the refusals change nothing; every screen fits a phone in its language."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from bot.model.audit import RecordKind
from bot.model.domain import LANGUAGES
from bot.model.roles import Side
from bot.telegram.edit_callbacks import Edit, EditTarget, New, SeriesAct, SeriesDo
from harness.screen import (
    SCREEN_LINES,
    LeakCheck,
    cut_labels,
    localized_texts,
    screen_lines,
    visible,
)
from harness.time_entities import unwrapped_times_in_html
from storage.store import Storage
from tests.conftest import COORDINATOR, ROOT, Driver

SERIES = "bonn-la-paz-virtual"
FOCAL, OTHER_FOCAL, MEMBER = 51, 52, 53
JSON = dict[str, Any]


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def appoint(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    roles = storage(bot).roles
    await roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.NORTH, COORDINATOR, now)
    await roles.appoint_focal_point("passau-kedougou", OTHER_FOCAL, Side.NORTH, COORDINATOR, now)


def act(act: SeriesDo, value: str = "") -> str:
    return SeriesAct(act, value).pack()


def labelled(message: JSON) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {key.get("callback_data", ""): key["text"] for row in rows for key in row}


async def some_message(bot: Driver, user: JSON) -> JSON:
    [message] = await bot.send("/help", user=user)
    return message


async def make_series(bot: Driver, user: JSON) -> list[JSON]:
    """A coordinator makes a Thursday series for Bonn – La Paz, every four weeks at 16:00
    in Bonn, typing the town, the time and the link; returns every screen."""
    seen = []
    [asked] = await bot.press(await some_message(bot, user), New(EditTarget.SERIES).pack(), user)
    seen.append(asked)
    [found] = await bot.send("bonn", user=user)
    seen.append(found)
    assert act(SeriesDo.PARTNERSHIP, "bonn-la-paz") in labelled(found)
    for data in (
        act(SeriesDo.PARTNERSHIP, "bonn-la-paz"),
        act(SeriesDo.TITLE),
        act(SeriesDo.EVERY, "4"),
        act(SeriesDo.WEEKDAY, "TH"),
    ):
        [seen_now] = await bot.press(seen[-1], data, user)
        assert data in labelled(seen[-1]), (data, seen[-1]["text"])
        seen.append(seen_now)
    [hours] = seen[-1:]
    assert any(d.startswith("dph:") for d in labelled(hours))  # the picker's hours
    seen += await bot.send("16:00", user=user)
    seen += await bot.press(seen[-1], act(SeriesDo.ZONE, "north"), user)
    seen += await bot.send("3.12.", user=user)  # a Thursday: taken
    seen += await bot.send("https://meet.example.org/bonn", user=user)
    return seen


async def test_a_coordinator_makes_a_series(bot: Driver) -> None:
    user = bot.user(COORDINATOR, "en")
    seen = await make_series(bot, user)
    summary = seen[-1]
    assert "every 4 weeks, Thursday, 4:00\u202fPM Bonn" in summary["text"]
    assert (
        "Thu, Dec 3, 2026" in summary["text"] and "https://meet.example.org/bonn" in summary["text"]
    )
    [saved] = await bot.press(summary, act(SeriesDo.SAVE), user)
    assert saved["text"].startswith("✅")
    made = await storage(bot).network.series("bonn-la-paz-virtual-2")
    assert made is not None
    assert made.rrule == "FREQ=WEEKLY;INTERVAL=4;BYDAY=TH"
    assert made.dtstart == datetime(2026, 12, 3, 16, 0) and made.timezone == "Europe/Berlin"
    assert made.join_url == "https://meet.example.org/bonn"
    # The default title in every language, the author's as the original.
    assert made.title.original == "Virtual meeting Bonn – La Paz"
    assert made.title.get("es") == "Reunión virtual Bonn – La Paz"
    [entry] = await storage(bot).edits.history(RecordKind.SERIES, made.id)
    assert entry.actor == COORDINATOR


async def test_a_focal_point_changes_the_time_and_ends_the_series(bot: Driver) -> None:
    await appoint(bot)
    user = bot.user(FOCAL, "de")
    message = await some_message(bot, user)
    [summary] = await bot.press(message, Edit(EditTarget.SERIES, SERIES).pack(), user)
    assert "alle 6 Wochen, Dienstag" in summary["text"]
    assert "hist:s:bonn-la-paz-virtual" in labelled(summary)
    [asked] = await bot.press(summary, act(SeriesDo.FIELD, "time"), user)
    assert asked["text"].count("Um wie viel Uhr?") == 1
    [changed] = await bot.send("16 Uhr", user=user)
    assert "16:00 Bonn" in changed["text"]
    [saved] = await bot.press(changed, act(SeriesDo.SAVE), user)
    assert saved["text"].startswith("✅")
    series = await storage(bot).network.series(SERIES)
    assert series is not None
    assert series.rrule == "FREQ=WEEKLY;INTERVAL=6;BYDAY=TU"
    assert series.dtstart == datetime(2026, 11, 24, 16, 0)

    [summary] = await bot.press(message, Edit(EditTarget.SERIES, SERIES).pack(), user)
    [ask] = await bot.press(summary, act(SeriesDo.END), user)
    assert await storage(bot).network.series(SERIES) is not None  # asked first
    [ended] = await bot.press(ask, act(SeriesDo.END_YES), user)
    assert ended["text"].startswith("✅")
    assert await storage(bot).network.series(SERIES) is None


@pytest.mark.parametrize(
    ("who", "data"),
    [
        (MEMBER, New(EditTarget.SERIES).pack()),
        (MEMBER, Edit(EditTarget.SERIES, SERIES).pack()),
        (OTHER_FOCAL, Edit(EditTarget.SERIES, SERIES).pack()),
    ],
)
async def test_others_are_refused_and_nothing_changes(bot: Driver, who: int, data: str) -> None:
    await appoint(bot)
    user = bot.user(who, "fr")
    message = await some_message(bot, user)
    before = await bot.rows()
    since = len(bot.api.calls)
    assert await bot.press(message, data, user) == []
    [alert] = bot.alerts(since)
    assert alert.startswith("Seuls la coordination du réseau et les référents")
    await bot.press(message, act(SeriesDo.SAVE), user)  # no conversation: no use
    assert await bot.rows() == before


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_screen_fits_a_phone_in_its_language(bot: Driver, lang: str) -> None:
    user = bot.user(COORDINATOR, lang)
    await bot.send(f"/language {lang}", user=user)
    since = len(bot.api.calls)
    seen = await make_series(bot, user)
    assert len(seen) >= 10
    [end] = await bot.press(seen[-1], Edit(EditTarget.SERIES, SERIES).pack(), user)
    await bot.press(end, act(SeriesDo.END), user)
    said = [
        c.params
        for c in bot.api.calls[since:]
        if c.method in ("sendMessage", "editMessageText") and c.error is None
    ]
    check = LeakCheck(ROOT / "locales", localized_texts(await storage(bot).network.load()))
    for params in said:
        html = params["text"]
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) else None
        assert screen_lines(visible(html)) <= SCREEN_LINES, html
        assert not cut_labels(markup), (html, markup)
        assert not unwrapped_times_in_html(html), html
        rows = (markup or {}).get("inline_keyboard", [])
        shown = [key["text"] for row in rows for key in row]
        typed = "bonn 16:00 3.12. https://meet.example.org/bonn"
        assert not check.leaked(" ".join([html, *shown]), lang, typed), html


async def test_an_imported_rule_of_another_form_is_shown_and_chosen_anew(bot: Driver) -> None:
    from dataclasses import replace

    from bot.model.domain import Dataset

    stored = await storage(bot).network.series(SERIES)
    assert stored is not None
    monthly = replace(stored, rrule="FREQ=MONTHLY;BYDAY=2TU")
    await storage(bot).network.save(Dataset(meeting_series=(monthly,)))
    user = bot.user(COORDINATOR, "en")
    message = await some_message(bot, user)
    [summary] = await bot.press(message, Edit(EditTarget.SERIES, SERIES).pack(), user)
    assert "FREQ=MONTHLY;BYDAY=2TU" in summary["text"]
    [every] = await bot.press(summary, act(SeriesDo.FIELD, "every"), user)
    [weekday] = await bot.press(every, act(SeriesDo.EVERY, "2"), user)
    assert "On which day of the week?" in weekday["text"]  # the rhythm is chosen whole
    [summary] = await bot.press(weekday, act(SeriesDo.WEEKDAY, "WE"), user)
    assert "every 2 weeks, Wednesday" in summary["text"]
    await bot.press(summary, act(SeriesDo.SAVE), user)
    changed = await storage(bot).network.series(SERIES)
    assert changed is not None and changed.rrule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE"
    assert changed.dtstart == datetime(2026, 11, 25, 15, 0)  # the next Wednesday, 15:00


async def test_beginning_a_series_ends_the_meeting_question_left_open(bot: Driver) -> None:
    """What the user types answers the question asked last, not an older conversation's."""
    from bot.telegram.edit_callbacks import EditMeeting, MeetingAct, MeetingDo

    user = bot.user(COORDINATOR, "en")
    message = await some_message(bot, user)
    [card] = await bot.press(message, EditMeeting(202611241500, SERIES).pack(), user)
    [asked] = await bot.press(card, MeetingAct(MeetingDo.MOVE, 202611241500, SERIES).pack(), user)
    assert "When instead?" in asked["text"]  # the meeting waits for a day and time
    [partnership] = await bot.press(message, New(EditTarget.SERIES).pack(), user)
    assert "For which partnership?" in partnership["text"]
    [found] = await bot.send("bonn", user=user)
    assert "For which partnership?" in found["text"]
    assert act(SeriesDo.PARTNERSHIP, "bonn-la-paz") in labelled(found)
    # and back: ✏️ on the meeting ends the series' conversation
    await bot.press(message, EditMeeting(202611241500, SERIES).pack(), user)
    assert await bot.press(found, act(SeriesDo.PARTNERSHIP, "bonn-la-paz"), user) == []
