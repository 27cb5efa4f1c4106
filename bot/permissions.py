"""Who may change a chat's settings: anyone in a private chat; in groups, its admins."""

from __future__ import annotations

from collections.abc import Set

from telegram import Bot, Chat, ChatMember, Message

ADMIN_STATUSES = (ChatMember.OWNER, ChatMember.ADMINISTRATOR)


async def may_change_chat(
    bot: Bot, chat: Chat, user_id: int, coordinators: Set[int], message: Message | None = None
) -> bool:
    """Private chats belong to their user; groups to their Telegram admins and coordinators."""
    if chat.type == Chat.PRIVATE or user_id in coordinators:
        return True
    if message is not None and message.sender_chat is not None:
        # An anonymous group admin writes as the group itself.
        return message.sender_chat.id == chat.id
    member = await bot.get_chat_member(chat.id, user_id)
    return member.status in ADMIN_STATUSES
