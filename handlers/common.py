"""What every handler does the same way: answer a command, or edit the pressed message."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Hashable
from typing import Any, TypeVar, cast

from telegram import Chat, InlineKeyboardMarkup, Message, Update
from telegram.error import BadRequest
from telegram.ext import CommandHandler, ExtBot, filters

from bot.telegram import answers
from bot.telegram.commands import names
from bot.telegram.context import BotContext
from bot.telegram.limits import Keyboard
from bot.telegram.paging import compact_query
from bot.text.i18n import Translator, supported_language
from bot.text.reader import Reader
from bot.text.zones import normalize
from bot.views.common import not_its_group
from storage.cache import NETWORK

QUERY_ROOM = 60  # characters of a typed partnership looked up

Reply = tuple[str, InlineKeyboardMarkup | None]
R = TypeVar("R", bound=Reply | None)


PRIVATE_TEXT = (
    filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
)
"""Text typed in a private chat. Not an edit: correcting a typo must not be answered twice."""


def on_command(
    name: str, callback: Callable[[Update, BotContext], Coroutine[Any, Any, None]]
) -> CommandHandler[BotContext, None]:
    """A command by each of its names (bot/telegram/commands.py), sent, not edited: an edited
    `/subscribe` must not subscribe again."""
    return CommandHandler(names(name), callback, filters=filters.UpdateType.MESSAGE)


async def show(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Reply to a command; for a button press, edit that message in place (no new message).
    Telegram's answer is not read (bot.telegram.answers)."""
    bot = update.get_bot()
    assert isinstance(bot, ExtBot)
    query = update.callback_query
    if query is None:
        if update.effective_message is not None:
            await answers.reply(bot, update.effective_message, text, markup)
        return
    await query.answer()
    if isinstance(query.message, Message):
        try:
            await answers.edit(bot, query.message, text, markup)
            return
        except BadRequest as exc:
            reason = exc.message.lower()
            if "not modified" in reason:  # the same page pressed twice: nothing to do
                return
            if "not found" not in reason and "can't be edited" not in reason:
                raise
    if update.effective_chat is not None:  # too old or deleted to edit: answer anew
        await answers.send(bot, update.effective_chat.id, text, markup, thread=here(update))


async def show_below(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    """Answer a press with a new message under the pressed one, which stays as it was (an
    item's screen keeps its buttons; a guided conversation begins under it)."""
    query, chat = update.callback_query, update.effective_chat
    assert query is not None and chat is not None
    await query.answer()
    bot = update.get_bot()
    assert isinstance(bot, ExtBot)
    await answers.send(bot, chat.id, text, markup, thread=here(update))


async def say(
    update: Update, text: str, markup: InlineKeyboardMarkup | None, *, new: bool = False
) -> None:
    """A guided conversation's next words: a press's message edited in place (or, `new`,
    a new message under it); after typed text, a new message (not a reply to it)."""
    if update.callback_query is not None:
        await (show_below if new else show)(update, text, markup)
        return
    bot = update.get_bot()
    assert isinstance(bot, ExtBot) and update.effective_chat is not None
    await answers.send(bot, update.effective_chat.id, text, markup)


def here(update: Update) -> int | None:
    """The forum topic the update came from (a command, or the message of a pressed
    button): where a new message in answer goes. None in General or without topics."""
    query = update.callback_query
    return answers.thread_of(query.message if query is not None else update.effective_message)


async def follow_here(update: Update, context: BotContext) -> None:
    """A /subscribe sent inside a forum topic makes that topic where the group's posts go.
    One sent in General moves nothing: only /topic there brings the posts back."""
    chat, topic = update.effective_chat, here(update)
    if chat is not None and chat.is_forum and topic is not None:
        await context.storage.subscriptions.set_post_thread(chat.id, chat.type, chat.title, topic)


async def kept_reply(context: BotContext, key: Hashable, render: Callable[[], Awaitable[R]]) -> R:
    """A rendered reply of the network's data, kept until that data changes (storage.cache):
    the key must name everything else it depends on (language, zone, day, page, what a
    group follows)."""

    async def render_once() -> R:
        reply = await render()
        if reply is not None and reply[1] is not None:
            return cast(R, (reply[0], Keyboard.of(reply[1])))
        return reply

    return await context.storage.db.replies.get(key, render_once, (NETWORK,), reply_size)


BUTTON_BYTES = 500  # a kept button: PTB's object, its texts, and its serialised dict


def reply_size(reply: Reply | None) -> int:
    """About the bytes a kept reply holds, to bound the replies kept by memory."""
    if reply is None:
        return 0
    text, keyboard = reply
    if keyboard is None:
        buttons = 0
    elif isinstance(keyboard, Keyboard):  # counted without making PTB's buttons
        buttons = keyboard.buttons
    else:
        buttons = sum(len(row) for row in keyboard.inline_keyboard)
    return 2 * len(text) + 100 + buttons * BUTTON_BYTES


async def speaks_for(context: BotContext, chat: Chat, user_id: int, partnership_id: str) -> bool:
    """Whether an agenda or action item this user adds in this chat goes to the
    partnership's meetings: from its focal points and the coordinators, anywhere; from
    anyone else, only in a group one of them linked to it with /subscribe. Any group may
    follow a partnership, and so receive its invitations: not every one speaks for it."""
    if (await context.roles(user_id)).may_edit(partnership_id):
        return True
    if chat.type == Chat.PRIVATE:
        return False
    for linker in await context.storage.subscriptions.linked_by(chat.id, partnership_id):
        if linker is not None and (await context.roles(linker)).may_edit(partnership_id):
            return True
    return False


async def not_its_group_refusal(context: BotContext, tr: Translator, partnership_id: str) -> str:
    """The refusal of an item from a chat that does not speak for the partnership, naming
    it in the reader's language."""
    found = await context.storage.network.partnerships([partnership_id])
    return not_its_group(tr, found[0].pair_name(tr.lang) if found else partnership_id)


def joined_args(args: list[str] | None) -> str:
    return " ".join(args or []).strip()


def author_language(update: Update, reader: Reader) -> str:
    """The language of what someone types: the reader's in private; in a group, the
    author's Telegram language if the group reads it, else the group's first."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or chat.type == Chat.PRIVATE or user is None:
        return reader.tr.lang
    theirs = supported_language(user.language_code)
    return theirs if theirs in reader.languages else reader.languages[0]


async def typed_partnerships(context: BotContext, typed: str, lang: str, most: int) -> list[str]:
    """The partnerships a typed town or partnership means: a town's (one town named),
    else those the words find (at most `most`)."""
    network = context.storage.network
    index = await network.town_index()
    towns = index.named(typed, lang)
    if towns and (len(towns) == 1 or index.exact(normalize(typed)) is not None):
        found = await context.storage.people.partnerships_of_towns([towns[0].id])
        if found:
            return found[:most]
    query = compact_query(typed, QUERY_ROOM)
    if not query:
        return []
    ids, _ = await network.search.search(query, most)
    return ids
