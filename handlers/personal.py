"""A user's own reminders: switched on by the Start button of an invitation's link
(`/start r-<delivery id>`), their lead times set by `/reminders mine …` and
`/reminders actions …` in the private chat."""

from __future__ import annotations

from datetime import datetime
from html import escape

from telegram import Chat, Update

from bot.model.chats import RsvpAnswer
from bot.model.posts import Invitation
from bot.model.recurrence import occurrence_of
from bot.telegram.context import BotContext
from bot.telegram.start_links import RemindMe
from bot.text.keywords import personal_setting, read_personal
from bot.views import personal as view
from handlers.common import show


async def open_private_chat(update: Update, context: BotContext) -> None:
    """/start in private: the user may now get posts here (their ✅ meetings' reminders
    among them), in the language they are answered in."""
    user = update.effective_user
    assert user is not None
    reader = await context.reader(update)
    await context.storage.preferences.open_private_chat(user.id, user.full_name, reader.tr.lang)
    await context.replan(user.id)


async def _opened(update: Update, context: BotContext) -> None:
    """/reminders in the private chat opens it, as /start does: someone who only ever
    used /reminders here still gets the reminders they set (Telegram lets us write to
    whoever wrote to us). A read when it is open already."""
    user = update.effective_user
    assert user is not None
    if not await context.storage.preferences.private_chat_open(user.id):
        await open_private_chat(update, context)


async def remind_me(update: Update, context: BotContext, payload: RemindMe) -> None:
    """The Start button of the link offered after a ✅: switch on, and say what comes."""
    user = update.effective_user
    assert user is not None
    await open_private_chat(update, context)
    reader = await context.reader(update)
    reminders = await context.storage.preferences.personal_reminders(user.id)
    found = await _meeting(context, payload, user.id, reader.tr.lang)
    meeting, join_link = (found[:2], found[2]) if found is not None else (None, False)
    await show(update, view.switched_on(reader.tr, reminders, reader.zone, meeting, join_link))


async def _meeting(
    context: BotContext, payload: RemindMe, user_id: int, lang: str
) -> tuple[str, datetime, bool] | None:
    """The meeting the link came from (title, start, whether it has a link to join), if
    the user is going and it is ahead; a forged or old link names none."""
    storage = context.storage
    delivery = await storage.outbox.get(payload.delivery_id)
    if delivery is None or not isinstance(invitation := delivery.payload, Invitation):
        return None
    if await storage.rsvps.latest(user_id, invitation) is not RsvpAnswer.YES:
        return None
    series = await storage.network.series(invitation.series_id)
    if series is None:
        return None
    changes = await storage.network.meeting_changes()
    occ = occurrence_of(series, invitation.occurrence, changes)
    if occ is None or occ.start <= context.clock.now():
        return None
    return series.title.get(lang), occ.start, bool(series.join_url)


async def personal_reminders(update: Update, context: BotContext) -> bool:
    """`/reminders mine …` or `/reminders actions …`: the user's own lead times, in the
    private chat (in a group: where to set them). False when the words are not about
    them (the chat's own reminders are meant)."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    args = context.args or []
    if personal_setting(context.i18n, args) is None:
        return False
    reader = await context.reader(update)
    if chat.type != Chat.PRIVATE:
        await show(update, escape(view.personal_in_private(reader.tr)))
        return True
    prefs = context.storage.preferences
    changed = read_personal(context.i18n, args, await prefs.personal_reminders(user.id))
    if changed is None:
        await show(update, escape(view.personal_not_understood(reader.tr)))
        return True
    await prefs.set_personal_reminders(user.id, changed)
    await show(update, view.personal_block(reader.tr, changed))
    await _opened(update, context)
    await context.replan(user.id)  # after the answer, as for the chat's lead times
    return True


async def personal_block(update: Update, context: BotContext) -> str:
    """HTML: the private /reminders' part about the user's own lead times."""
    user = update.effective_user
    assert user is not None
    reader = await context.reader(update)
    await _opened(update, context)
    reminders = await context.storage.preferences.personal_reminders(user.id)
    return view.personal_block(reader.tr, reminders)
