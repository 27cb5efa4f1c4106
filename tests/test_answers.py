"""Replies sent without reading Telegram's answer: the same request as PTB's reply_text,
through the rate limiter, with Telegram's refusals raised as PTB raises them."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

import pytest
from telegram import InlineKeyboardButton, Message
from telegram.error import BadRequest, Forbidden, RetryAfter
from telegram.ext import BaseRateLimiter

from bot.app import build_application
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.telegram import answers
from bot.telegram.limits import Keyboard
from bot.text.i18n import I18n
from harness.fake_telegram import ApiError, OfflineTelegram, as_update
from tests.conftest import Driver

KEYBOARD = Keyboard([[InlineKeyboardButton("Bonn – La Paz", callback_data="pc:bonn-la-paz")]])
TEXT = "<b>Bonn</b> – La Paz"


def incoming(bot: Driver, chat: dict[str, Any], user: dict[str, Any] | None = None) -> Message:
    update = as_update(bot.api.user_message(user or bot.user(), chat, "/partner bonn"), bot.app.bot)
    assert update.message is not None
    return update.message


@pytest.mark.parametrize("where", ["private", "group"])
async def test_a_reply_is_the_request_reply_text_makes(bot: Driver, where: str) -> None:
    """Defaults (HTML, no link previews) and, in a group, the quote of the command."""
    user = bot.user(5)
    chat = bot.private(user) if where == "private" else bot.group(-500)
    message = incoming(bot, chat, user)
    await message.reply_text(TEXT, reply_markup=KEYBOARD)
    await answers.reply(bot.app.bot, message, TEXT, KEYBOARD)
    ptb, ours = (c for c in bot.api.calls if c.method == "sendMessage")
    assert ours.params == ptb.params
    assert ptb.params["parse_mode"] == "HTML"
    assert ("reply_parameters" in ptb.params) == (where == "group")


async def test_an_edit_is_the_request_edit_text_makes(bot: Driver) -> None:
    [sent] = await bot.send("/partner deutschland")
    message = Message.de_json(sent, bot.app.bot)
    await message.edit_text(TEXT, reply_markup=KEYBOARD)
    await answers.edit(bot.app.bot, message, TEXT + ".", KEYBOARD)
    ptb, ours = (c for c in bot.api.calls if c.method == "editMessageText")
    assert ours.params == {**ptb.params, "text": TEXT + "."}


Refusal = Callable[[OfflineTelegram], ApiError]


@pytest.mark.parametrize(
    ("refusal", "raised"),
    [
        (lambda _api: ApiError(400, "Bad Request: can't parse entities"), BadRequest),
        (lambda _api: ApiError(403, "Forbidden: bot was blocked by the user"), Forbidden),
        (lambda api: api.flood(3), RetryAfter),
    ],
)
async def test_refusals_raise_what_ptb_raises(
    bot: Driver, refusal: Refusal, raised: type[Exception]
) -> None:
    user = bot.user(6)
    incoming(bot, bot.private(user), user)  # the fake knows the chat from a message
    bot.api.fail(6, refusal(bot.api))
    with pytest.raises(raised):
        await answers.send(bot.app.bot, 6, TEXT)


class Recording(BaseRateLimiter[str]):
    """Lets every request through and notes what it was told."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str | None]] = []

    async def initialize(self) -> None: ...

    async def shutdown(self) -> None: ...

    async def process_request(
        self,
        callback: Callable[..., Coroutine[Any, Any, bool | dict[str, Any] | list[Any]]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: str | None,
    ) -> bool | dict[str, Any] | list[Any]:
        self.seen.append((endpoint, rate_limit_args))
        return await callback(*args, **kwargs)


async def test_replies_pass_the_rate_limiter_with_their_arguments(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    api, limiter = OfflineTelegram(clock=clock), Recording()
    app = build_application(
        settings, request=api, i18n=i18n, clock=clock, rate_limiter=limiter, schedule=False
    )
    bot = Driver(app, api)
    message = incoming(bot, bot.private(bot.user(8)))
    await answers.reply(app.bot, message, TEXT, rate_limit_args="reply")
    await answers.send(app.bot, 8, TEXT)
    assert limiter.seen == [("sendMessage", "reply"), ("sendMessage", None)]


async def test_a_page_pressed_twice_is_quiet_and_a_gone_message_is_answered_anew(
    bot: Driver,
) -> None:
    """show(): Telegram's refusals to edit still reach it as BadRequest."""
    [listing] = await bot.send("/partner deutschland")
    next_page = listing["reply_markup"]["inline_keyboard"][-1][-1]["callback_data"]
    [page2] = await bot.press(listing, next_page)
    assert page2["message_id"] == listing["message_id"]
    assert await bot.press(page2, next_page) == []  # "message is not modified": nothing sent
    del bot.api.messages[(page2["chat"]["id"], page2["message_id"])]
    [anew] = await bot.press(page2, next_page)
    assert anew["message_id"] != page2["message_id"] and anew["text"] == page2["text"]
