"""Every time the bot shows is a date_time entity (tg-time): the fake Telegram parses and
refuses them as Telegram does, and replies and posts carry them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.telegram.html import HtmlError, parse
from harness.time_entities import entity_text, times_wrapped, unwrapped_times
from tests.conftest import Driver, plan_and_send
from tests.test_post_reader import posts_to

MEETING = int(datetime(2026, 11, 24, 14, 0, tzinfo=UTC).timestamp())  # 15:00 in Bonn


def test_a_tg_time_becomes_a_date_time_entity() -> None:
    parsed = parse('📅 <b>Mo</b> <tg-time unix="1700000000" format="wDt">15:00 Bonn</tg-time>')
    assert parsed.text == "📅 Mo 15:00 Bonn"
    assert parsed.entities == [
        {
            "type": "date_time",
            "unix_time": 1700000000,
            "date_time_format": "wDt",
            "offset": 6,  # the emoji counts two UTF-16 code units
            "length": 10,
        }
    ]
    assert parse('<tg-time unix="1">now</tg-time>').entities[0].keys() == {
        "type",
        "unix_time",
        "offset",
        "length",
    }


@pytest.mark.parametrize(
    "html",
    [
        "<tg-time>15:00</tg-time>",
        '<tg-time unix="soon">15:00</tg-time>',
        '<tg-time unix="-5">15:00</tg-time>',
        '<tg-time unix="1" format="x">15:00</tg-time>',
        '<tg-time unix="1" format="rt">15:00</tg-time>',
        '<tg-time unix="1" format="tD">15:00</tg-time>',
        '<tg-time unix="1"></tg-time>',
        '<tg-time unix="1">15:00',
    ],
)
def test_a_malformed_tg_time_is_refused(html: str) -> None:
    with pytest.raises(HtmlError):
        parse(html)


def test_the_check_finds_a_time_outside_an_entity() -> None:
    message: dict[str, Any] = {"text": "at 15:00 Bonn · 10:00 La Paz, or 3:00\u202fPM"}
    assert unwrapped_times(message) == ["15:00", "10:00", "3:00\u202fPM"]
    message["entities"] = [
        {"type": "date_time", "unix_time": 1, "offset": 3, "length": 10},
        {"type": "bold", "offset": 16, "length": 5},  # not a date_time: does not count
    ]
    assert unwrapped_times(message) == ["10:00", "3:00\u202fPM"]
    assert not times_wrapped(message)
    assert times_wrapped({"text": "phase 8, 24–25 Nov, page 1/2"})


async def test_a_posts_times_are_entities_the_readers_and_the_towns(bot: Driver) -> None:
    user = bot.user(41, "es")
    await bot.send("/timezone la paz", user=user)
    await bot.send("/subscribe bonn", user=user)
    await plan_and_send(bot)
    [post] = [
        c.result
        for c in bot.api.calls
        if c.method == "sendMessage"
        and c.result
        and c.result.get("reply_markup")
        and int(c.params["chat_id"]) == 41
    ]
    assert posts_to(bot, 41) == [post["text"]]
    assert unwrapped_times(post) == []
    reader, bonn, la_paz = post["entities"][:3]
    text = post["text"]
    assert entity_text(text, reader) == "mar, 24 nov 2026, 10:00 La Paz"
    assert (reader["unix_time"], reader["date_time_format"]) == (MEETING, "wDt")
    for town, shown in ((bonn, "15:00 Bonn"), (la_paz, "10:00 La Paz")):
        assert entity_text(text, town) == shown
        assert town["unix_time"] == MEETING and "date_time_format" not in town  # stays there


async def test_replies_that_show_times_wrap_them(bot: Driver) -> None:
    user = bot.user(42, "fr")
    for command in ("/exchanges", "/exchanges past", "/timezone", "/timezone mtwara"):
        [reply] = await bot.send(command, user=user)
        assert unwrapped_times(reply) == [], command
    [listing] = await bot.send("/exchanges past", user=user)
    pages = await bot.pages(listing, user)
    assert all(unwrapped_times(page) == [] for page in pages)
    assert any(page.get("entities") for page in pages), "the past meetings show times"
