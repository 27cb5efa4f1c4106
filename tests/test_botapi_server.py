"""The fake Bot API server answers as Telegram would: PTB's own Bot object talks to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import httpx
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import MessageEntityType
from telegram.error import BadRequest, Conflict, InvalidToken, RetryAfter

from harness.bot_process import TOKEN
from harness.botapi_server import BotApiServer, FloodLimits, FloodModel

GROUP = {"id": -100777, "type": "supergroup", "title": "Bonn – La Paz"}


@pytest.fixture
async def server() -> AsyncIterator[BotApiServer]:
    server = BotApiServer(token=TOKEN, flood=None)
    await server.start()
    server.api.add_chat(GROUP, {11: "administrator", 12: "member", 13: "creator"})
    yield server
    await server.stop()


@pytest.fixture
async def bot(server: BotApiServer) -> AsyncIterator[Bot]:
    async with Bot(TOKEN, base_url=f"{server.url}/bot") as bot:
        yield bot


async def test_identity_chats_and_members(bot: Bot) -> None:
    assert bot.username == "partnerbot" and bot.bot.is_bot
    chat = await bot.get_chat(GROUP["id"])
    assert (chat.id, chat.type, chat.title) == (GROUP["id"], "supergroup", "Bonn – La Paz")
    admins = await bot.get_chat_administrators(GROUP["id"])
    assert sorted((m.user.id, m.status) for m in admins) == [
        (11, "administrator"),
        (13, "creator"),
    ]
    assert (await bot.get_chat_member(GROUP["id"], 12)).status == "member"
    with pytest.raises(BadRequest, match=r"(?i)chat not found"):
        await bot.get_chat(-42)


async def test_what_telegram_refuses_is_refused(bot: Bot) -> None:
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_message(GROUP["id"], "<b>unclosed", parse_mode="HTML")
    with pytest.raises(BadRequest, match=r"(?i)message is too long"):
        await bot.send_message(GROUP["id"], "x" * 4097)
    long_data = InlineKeyboardMarkup([[InlineKeyboardButton("go", callback_data="d" * 65)]])
    with pytest.raises(BadRequest, match=r"(?i)button_data_invalid"):
        await bot.send_message(GROUP["id"], "ok", reply_markup=long_data)
    sent = await bot.send_message(GROUP["id"], "<b>fine</b> 🌍" + "x" * 4000, parse_mode="HTML")
    assert sent.text is not None and sent.text.startswith("fine 🌍")


async def test_a_tg_time_comes_back_as_a_date_time_entity(bot: Bot) -> None:
    """PTB reads the entity the server answers with: its time and format, over HTTP."""
    sent = await bot.send_message(
        GROUP["id"],
        '📅 <b><tg-time unix="1795532400" format="wDt">Tue, 15:00 Bonn</tg-time></b>',
        parse_mode="HTML",
    )
    [entity] = sent.entities
    assert (entity.type, entity.date_time_format) == (MessageEntityType.DATE_TIME, "wDt")
    assert entity.unix_time == datetime.fromtimestamp(1795532400, UTC)
    assert sent.parse_entity(entity) == "Tue, 15:00 Bonn"
    with pytest.raises(BadRequest, match=r"(?i)can.t parse entities"):
        await bot.send_message(
            GROUP["id"], '<tg-time format="t">15:00</tg-time>', parse_mode="HTML"
        )


async def test_a_wrong_token_is_unauthorized(server: BotApiServer) -> None:
    with pytest.raises(InvalidToken):
        async with Bot("999:wrong", base_url=f"{server.url}/bot") as bot:
            await bot.get_me()


async def test_updates_stay_until_a_later_offset_confirms_them(
    server: BotApiServer, bot: Bot
) -> None:
    user = {"id": 5, "is_bot": False, "first_name": "Ana"}
    for text in ("/start", "/help"):
        await server.deliver(server.api.user_message(user, {"id": 5, "type": "private"}, text))
    first = await bot.get_updates(timeout=0)
    again = await bot.get_updates(timeout=0)  # nothing confirmed yet: the same two
    assert [u.update_id for u in first] == [u.update_id for u in again] == [1, 2]
    assert first[0].message is not None and first[0].message.entities[0].type == "bot_command"
    assert await bot.get_updates(offset=3, timeout=0) == ()  # both confirmed: gone
    assert server.api.pending == []


async def test_a_long_poll_returns_as_soon_as_an_update_comes(
    server: BotApiServer, bot: Bot
) -> None:
    import asyncio

    poll = asyncio.create_task(bot.get_updates(timeout=30))
    await server.wait_for(lambda: server.calls("getUpdates"))
    assert not poll.done()
    user = {"id": 6, "is_bot": False, "first_name": "Kofi"}
    await server.deliver(server.api.user_message(user, {"id": 6, "type": "private"}, "hi"))
    [update] = await asyncio.wait_for(poll, 10)
    assert update.message is not None and update.message.text == "hi"


async def test_webhook_excludes_polling(server: BotApiServer, bot: Bot) -> None:
    assert await bot.set_webhook("https://bot.example.org/hook", secret_token="abc_-1")
    assert server.api.webhook == {"url": "https://bot.example.org/hook", "secret_token": "abc_-1"}
    with pytest.raises(Conflict):
        await bot.get_updates(timeout=0)
    assert await bot.delete_webhook()
    assert await bot.get_updates(timeout=0) == ()


async def test_flood_limits_answer_429_with_retry_after(
    server: BotApiServer, bot: Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as bot.app sets it: durations as timedelta
    server.flood = FloodLimits(per_second=30, per_group_minute=20)
    for n in range(20):
        await bot.send_message(GROUP["id"], f"post {n}")
    with pytest.raises(RetryAfter) as refused:
        await bot.send_message(GROUP["id"], "one too many")
    # the first of the twenty leaves the group's minute in about 60 s
    assert 58 <= refused.value.retry_after.total_seconds() <= 60
    assert server.refused_429 == 1
    async with httpx.AsyncClient() as client:  # the raw envelope, as Telegram sends it
        raw = await client.post(
            f"{server.url}/bot{TOKEN}/sendMessage", data={"chat_id": GROUP["id"], "text": "x"}
        )
    body = raw.json()
    assert raw.status_code == 429 and body["ok"] is False and body["error_code"] == 429
    assert body["parameters"]["retry_after"] >= 1


def test_the_leaky_bucket_refills_while_the_sliding_window_waits_for_its_second() -> None:
    bucket = FloodLimits(per_second=30, model=FloodModel.LEAKY_BUCKET)
    window = FloodLimits(per_second=30, model=FloodModel.SLIDING_WINDOW)
    for limits in (bucket, window):
        assert all(limits.retry_after(n, 100.0) is None for n in range(1, 31))
        assert limits.retry_after(31, 100.0) == 1  # a 31st at once: refused by both
    # half a second later the bucket has drained 15; the window still holds 30
    assert [bucket.retry_after(n, 100.5) for n in range(31, 47)] == [None] * 15 + [1]
    assert window.retry_after(31, 100.5) == 1
    assert window.retry_after(31, 100.99) == 1
    assert window.retry_after(31, 101.0) is None  # the first 30 have left the window
    # so the bucket let 57 through in its first second: 30 at once, then 30/s
    burst = FloodLimits(per_second=30, model=FloodModel.LEAKY_BUCKET)
    allowed = sum(burst.retry_after(n, 100 + n / 1000) is None for n in range(1000))
    assert allowed == 30 + 29  # 30 at once, then one per 1/30 s over 0.999 s


def test_a_group_gets_twenty_in_any_minute_in_the_sliding_window() -> None:
    limits = FloodLimits(model=FloodModel.SLIDING_WINDOW)
    assert all(limits.retry_after(-7, 10.0 + n) is None for n in range(20))
    assert limits.retry_after(-7, 40.0) == 30  # until the first has left the minute
    assert limits.retry_after(-8, 40.0) is None  # other groups are not held
    assert limits.retry_after(-7, 70.0) is None
    assert limits.retry_after(-7, 70.5) == 1


async def test_latency_delays_every_answer(server: BotApiServer, bot: Bot) -> None:
    import time

    server.latency = 0.2
    started = time.monotonic()
    await bot.send_message(GROUP["id"], "slow")
    assert time.monotonic() - started >= 0.2
    assert len(server.sent(GROUP["id"])) == 1
