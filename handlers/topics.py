"""/topic: in a forum supergroup, the topic where the group's scheduled posts go."""

from __future__ import annotations

from telegram import Update

from bot.telegram.context import BotApplication, BotContext
from bot.telegram.permissions import allowed_to_change
from bot.views import topics as view
from handlers.common import here, on_command, show


async def topic_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    if chat is None:
        return
    tr = (await context.reader(update)).tr
    if not chat.is_forum:
        await show(update, view.no_topics(tr))
        return
    subs = context.storage.subscriptions
    topic = here(update)
    if topic is None and await subs.post_thread(chat.id) is None:
        await show(update, view.in_general(tr))  # nothing to change: anyone may ask
        return
    if not await allowed_to_change(update, context):
        return
    await subs.set_post_thread(chat.id, chat.type, chat.title, topic)
    await subs.resume(chat.id)  # posts paused because General was closed may go now
    await show(update, view.topic_chosen(tr) if topic is not None else view.back_to_general(tr))
    await context.replan(chat.id)  # after the answer, as /subscribe does


def register(application: BotApplication) -> None:
    application.add_handler(on_command("topic", topic_command))
