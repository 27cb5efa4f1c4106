"""What every handler does the same way: answer a command, or edit the pressed message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import TypeVar, cast

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest

from bot.telegram.context import BotContext
from bot.telegram.limits import Keyboard

Reply = tuple[str, InlineKeyboardMarkup | None]
R = TypeVar("R", bound=Reply | None)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to a command; for a button press, edit that message in place (no new message)."""
    query = update.callback_query
    if query is None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await query.edit_message_text(text, reply_markup=markup)
            return
        except BadRequest as exc:
            reason = exc.message.lower()
            if "not modified" in reason:  # the same page pressed twice: nothing to do
                return
            if "not found" not in reason and "can't be edited" not in reason:
                raise
    if update.effective_chat is not None:  # too old or deleted to edit: answer anew
        await update.effective_chat.send_message(text, reply_markup=markup)


async def kept_reply(context: BotContext, key: Hashable, render: Callable[[], Awaitable[R]]) -> R:
    """A rendered reply, kept until the next commit to the database (storage.cache): the
    key must name everything else it depends on (language, zone, day, page)."""

    async def render_once() -> R:
        reply = await render()
        if reply is not None and reply[1] is not None:
            return cast(R, (reply[0], Keyboard.of(reply[1])))
        return reply

    return await context.storage.db.replies.get(key, render_once)


def joined_args(args: list[str] | None) -> str:
    return " ".join(args or []).strip()
