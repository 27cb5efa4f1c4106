"""/new: what the sender may add, as buttons; the presses start the guided edits
(handlers/edit_form.py for an exchange or a milestone, the meetings' for a series)."""

from __future__ import annotations

from telegram import Chat, Update

from bot.telegram.context import BotApplication, BotContext
from bot.views import forms as view
from handlers.common import on_command, show


async def new_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    if chat.type != Chat.PRIVATE:
        await show(update, view.only_in_private(reader.tr))
        return
    roles = await context.roles(user.id)
    if not roles.edits_anything:
        await show(update, view.no_role(reader.tr))
        return
    await show(update, *view.new_menu(reader.tr, roles))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("new", new_command))
