"""/calendar: the subscribable calendar address of a group (what it follows) or of a
partnership (in private), and `/calendar reset` to replace it."""

from __future__ import annotations

import logging

from telegram import Chat, Update

from bot.model.feeds import FeedTarget
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.permissions import allowed_to_change
from bot.text.keywords import FEED_ACTIONS, FeedAction
from bot.views import feeds as view
from handlers.common import joined_args, on_command, show, typed_partnerships
from storage.feeds import token_hint

log = logging.getLogger(__name__)


async def calendar_command(update: Update, context: BotContext) -> None:
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    tr = (await context.reader(update)).tr
    base = context.settings.feed_base_url
    if base is None:
        await show(update, view.not_served(tr))
        return
    words = joined_args(context.args)
    first, _, rest = words.partition(" ")
    reset = bool(first) and FEED_ACTIONS.read(context.i18n, first) is FeedAction.RESET
    typed = rest.strip() if reset else words
    feeds, now = context.storage.feeds, context.clock.now()
    if chat.type != Chat.PRIVATE:
        if typed:
            await show(update, view.group_usage(tr))
            return
        target = FeedTarget.of_chat(chat.id)
        if reset:
            if not await allowed_to_change(update, context):
                return
            token = await feeds.reset(target, user.id, now)
            log.info("calendar feed of chat %d replaced (now #%s)", chat.id, token_hint(token))
        else:
            token = await feeds.token_of(target, user.id, now, chat=(chat.type, chat.title))
        follows = bool(await context.storage.preferences.subscribed_targets(chat.id))
        name = chat.title or ""
        await show(
            update,
            view.feeds(tr, [(name, view.feed_url(base, token))], reset=reset, empty=not follows),
        )
        return
    if not typed:
        if reset:
            await show(update, view.reset_usage(tr))
            return
        await _own(update, context, base)
        return
    found = await typed_partnerships(context, typed, tr.lang, view.MAX_SHOWN + 2)
    if not found:
        await show(update, view.not_found(tr, typed))
        return
    if len(found) > 1:
        names = [v.pair_name(tr.lang) for v in await context.storage.network.partnerships(found)]
        await show(update, view.several(tr, typed, names))
        return
    pid = found[0]
    target = FeedTarget.of_partnership(pid)
    if reset:
        if not (await context.roles(user.id)).may_edit(pid):
            await show(update, view.may_not_reset(tr, typed))
            return
        token = await feeds.reset(target, user.id, now)
        log.info("calendar feed of %s replaced (now #%s)", pid, token_hint(token))
    else:
        token = await feeds.token_of(target, user.id, now)
    views = await context.storage.network.partnerships([pid])
    name = views[0].pair_name(tr.lang) if views else pid
    await show(update, view.feeds(tr, [(name, view.feed_url(base, token))], reset=reset))


async def _own(update: Update, context: BotContext, base: str) -> None:
    """Without a word, in private: the user's own partnerships (focal point of, or their
    town's), else how to ask for one."""
    user = update.effective_user
    assert user is not None
    tr = (await context.reader(update)).tr
    mine = set((await context.roles(user.id)).partnerships)
    town = await context.storage.preferences.user_town(user.id)
    if town is not None:
        mine.update(await context.storage.people.partnerships_of_towns([town]))
    if not mine:
        await show(update, view.private_usage(tr))
        return
    views = await context.storage.network.partnerships(sorted(mine)[: view.MAX_SHOWN])
    now = context.clock.now()
    shown = []
    for v in views:
        target = FeedTarget.of_partnership(v.partnership.id)
        token = await context.storage.feeds.token_of(target, user.id, now)
        shown.append((v.pair_name(tr.lang), view.feed_url(base, token)))
    await show(update, view.feeds(tr, shown))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("calendar", calendar_command))
