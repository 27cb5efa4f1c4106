"""Send and edit text messages without reading Telegram's answer back.

`Message.reply_text` and friends parse Telegram's answer into a `Message`, every button of
its keyboard included; a reply never reads it, and building it cost more than everything
else the bot did for a kept reply (bench/README.md, per-update cost). `Bot.do_api_request`
with no return type sends the same request through the same path (the rate limiter,
`rate_limit_args`, the same `TelegramError` subclasses on a refusal) and hands back
Telegram's plain answer. What it does not do is fill in `Defaults` or what `reply_text`
works out from the message (quoting in groups, forum topics): that is done here, the way
PTB 22 does it.
"""

from __future__ import annotations

import json
import warnings
from functools import lru_cache
from typing import Any

from telegram import Chat, InlineKeyboardMarkup, MaybeInaccessibleMessage, Message, ReplyParameters
from telegram.ext import Defaults, ExtBot
from telegram.warnings import PTBUserWarning

from bot.telegram.limits import Keyboard

SEND = "sendMessage"
EDIT = "editMessageText"

# do_api_request suggests the dedicated method for an endpoint PTB knows; we use it on
# purpose, for the answer left unparsed: say so once here, for these two endpoints only.
warnings.filterwarnings(
    "ignore",
    message=rf"Please use 'Bot\.({SEND}|{EDIT})' instead of 'Bot\.do_api_request",
    category=PTBUserWarning,
)


def _defaults(bot: ExtBot[Any]) -> dict[str, Any]:
    """The Defaults a text message takes from the bot (parse mode, link previews)."""
    return _text_defaults(bot.defaults) if bot.defaults is not None else {}


@lru_cache(maxsize=4)
def _text_defaults(defaults: Defaults) -> dict[str, Any]:
    """Worked out once per bot, the link preview options as the JSON text Telegram takes.
    Shared: never change it in place."""
    preview = defaults.link_preview_options
    found = {
        "parse_mode": defaults.parse_mode,
        "link_preview_options": json.dumps(preview.to_dict()) if preview else None,
    }
    return {key: value for key, value in found.items() if value is not None}


async def _call(
    bot: ExtBot[Any],
    endpoint: str,
    text: str,
    markup: InlineKeyboardMarkup | None,
    rate_limit_args: Any,
    **where: Any,
) -> None:
    """One text request, with the bot's Defaults; Telegram's answer left unparsed."""
    params = {**where, "text": text, **_defaults(bot)}
    if markup is not None:  # a kept keyboard goes as the JSON text it made once
        params["reply_markup"] = markup.json() if isinstance(markup, Keyboard) else markup
    request = {key: value for key, value in params.items() if value is not None}
    await bot.do_api_request(endpoint, request, rate_limit_args=rate_limit_args)


def thread_of(message: MaybeInaccessibleMessage | None) -> int | None:
    """The forum topic `message` is in, for an answer to stay there; None in General, in
    a chat without topics, or in a thread of replies (whose id is no topic's: Telegram
    refuses it, "message thread not found")."""
    if isinstance(message, Message) and message.is_topic_message:
        return message.message_thread_id
    return None


async def send(
    bot: ExtBot[Any],
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    rate_limit_args: Any = None,
    thread: int | None = None,
) -> None:
    """`bot.send_message(chat_id, text, reply_markup=markup, message_thread_id=thread)`,
    the answer unread."""
    await _call(bot, SEND, text, markup, rate_limit_args, chat_id=chat_id, message_thread_id=thread)


async def reply(
    bot: ExtBot[Any],
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    rate_limit_args: Any = None,
) -> None:
    """`message.reply_text(text, reply_markup=markup)`, the answer unread: in a group it
    quotes the message (unless Defaults say otherwise), in a forum topic it stays there."""
    do_quote = bot.defaults.do_quote if bot.defaults is not None else None
    quote = do_quote if do_quote is not None else message.chat.type != Chat.PRIVATE
    direct_topic = message.direct_messages_topic
    where = {
        "chat_id": message.chat_id,
        "reply_parameters": ReplyParameters(message.message_id) if quote else None,
        "message_thread_id": thread_of(message),
        "business_connection_id": message.business_connection_id,
        "direct_messages_topic_id": direct_topic.topic_id if direct_topic else None,
    }
    await _call(bot, SEND, text, markup, rate_limit_args, **where)


async def edit(
    bot: ExtBot[Any],
    message: Message,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    rate_limit_args: Any = None,
) -> None:
    """`message.edit_text(text, reply_markup=markup)`, the answer unread."""
    where = {
        "chat_id": message.chat_id,
        "message_id": message.message_id,
        "business_connection_id": message.business_connection_id,
    }
    await _call(bot, EDIT, text, markup, rate_limit_args, **where)
