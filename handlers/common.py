"""What every handler does the same way: answer a command, or edit the pressed message."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest


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


def joined_args(args: list[str] | None) -> str:
    return " ".join(args or []).strip()
