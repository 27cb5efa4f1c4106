"""Who may change a chat's settings: anyone in a private chat; in groups, its admins and
the network's coordinators. Others get a polite refusal, here and nowhere else."""

from __future__ import annotations

from telegram import Bot, Chat, ChatMember, Message, Update

from bot.telegram.context import BotContext
from bot.text.i18n import Translator

ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def may_change_chat(
    bot: Bot, chat: Chat, user_id: int, coordinator: bool, message: Message | None = None
) -> bool:
    """Private chats belong to their user; groups to their Telegram admins and the
    network's coordinators (configured or appointed: asked before Telegram is)."""
    if chat.type == Chat.PRIVATE or coordinator:
        return True
    if message is not None and message.sender_chat is not None:
        # An anonymous group admin writes as the group itself.
        return message.sender_chat.id == chat.id
    member = await bot.get_chat_member(chat.id, user_id)
    return member.status in ADMIN_STATUSES


def not_allowed(tr: Translator) -> str:
    return tr.gettext("Only the group's administrators can change this setting.")


async def allowed_to_change(update: Update, context: BotContext) -> bool:
    """Whether the sender may change this chat; if not, they are told so (a pop-up for a
    button, a reply for a command) and nothing changes."""
    chat, user, query = update.effective_chat, update.effective_user, update.callback_query
    if chat is None or user is None:  # a button under an inline message: no chat to change
        if query is not None:
            await query.answer()
        return False
    message = update.effective_message if query is None else None
    coordinator = chat.type != Chat.PRIVATE and (await context.roles(user.id)).coordinator
    if await may_change_chat(context.bot, chat, user.id, coordinator, message):
        return True
    tr = (await context.reader(update)).tr
    if query is not None:
        await query.answer(not_allowed(tr), show_alert=True)
    elif update.effective_message is not None:
        await update.effective_message.reply_text(not_allowed(tr))
    return False
