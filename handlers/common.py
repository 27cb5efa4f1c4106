"""What every handler does the same way: answer a command, or edit the pressed message."""

from __future__ import annotations

from telegram import InlineKeyboardMarkup, Update
from telegram.error import BadRequest


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to a command; for a button press, edit that message in place (no new message)."""
    query = update.callback_query
    if query is None:
        if update.effective_message is not None:
            await update.effective_message.reply_text(text, reply_markup=markup)
        return
    await query.answer()
    try:
        await query.edit_message_text(text, reply_markup=markup)
    except BadRequest as exc:  # the same page pressed twice: Telegram refuses a no-op edit
        if "not modified" not in exc.message.lower():
            raise


def joined_args(args: list[str] | None) -> str:
    return " ".join(args or []).strip()
