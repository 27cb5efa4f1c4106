"""Group chats: introductions, /subscribe, /unsubscribe, /subscriptions, /reminders."""

from __future__ import annotations

import logging
from html import escape

from telegram import Chat, ChatMember, ChatMemberUpdated, Update
from telegram.ext import ChatMemberHandler, MessageHandler, filters

from bot.model.chats import TargetKind
from bot.telegram.callbacks import Subscribe, Unsubscribe, on_press
from bot.telegram.commands import command_names
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.paging import compact_query
from bot.telegram.permissions import allowed_to_change
from bot.text.keywords import read_reminders
from bot.views import subscriptions as view
from handlers import personal
from handlers.common import follow_here, here, joined_args, on_command, show

log = logging.getLogger(__name__)
PRESENT = (ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER, ChatMember.RESTRICTED)


async def subscribe_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    typed = joined_args(context.args)
    if not typed:
        await show(
            update,
            escape(
                reader.tr.gettext(
                    "Send /{cmd_subscribe} and a partnership, phase or programme, for example "
                    "/{cmd_subscribe} Bonn, /{cmd_subscribe} phase 8 or /{cmd_subscribe} kkp."
                ).format(**command_names(reader.tr.lang))
            ),
        )
        return
    if not await allowed_to_change(update, context):
        return
    network = context.storage.network
    ids = (await network.search.search(compact_query(typed, 60), limit=view.MAX_CHOICES))[0]
    targets = view.targets_for(
        typed,
        await network.phases(),
        await network.programmes(),
        await network.partnerships(ids),
        reader.tr.lang,
    )
    if not targets:
        await show(
            update,
            escape(
                reader.tr.gettext(
                    "I found nothing called “{what}”. Try a town, a phase number or a programme."
                ).format(what=typed[:40])
            ),
        )
    elif len(targets) == 1:
        await _subscribe(update, context, targets[0].kind, targets[0].id, targets[0].label)
    else:
        await show(
            update,
            escape(reader.tr.gettext("Which one do you mean?")),
            view.choice_keyboard(targets),
        )


async def subscribe_button(update: Update, context: BotContext, data: Subscribe) -> None:
    if not await allowed_to_change(update, context):  # it has answered with the refusal
        return
    kind = view.KINDS[data.target]
    label = await _label(context, kind, data.target_id, update)
    if label is None:  # forged, or gone since the button was made: follow nothing
        query = update.callback_query
        assert query is not None
        await query.answer(view.not_in_network((await context.reader(update)).tr), show_alert=True)
        return
    await _subscribe(update, context, kind, data.target_id, label)


async def _label(
    context: BotContext, kind: TargetKind, target_id: str, update: Update
) -> str | None:
    """The pressed target as the reader calls it, reading only that record; None when the
    network has no such target."""
    tr = (await context.reader(update)).tr
    network = context.storage.network
    phase = await network.phase(target_id) if kind is TargetKind.PHASE else None
    programme = await network.programme(target_id) if kind is TargetKind.PROGRAMME else None
    views = await network.partnerships([target_id]) if kind is TargetKind.PARTNERSHIP else []
    if phase is None and programme is None and not views:
        return None
    return view.describe(
        kind,
        target_id,
        {phase.id: phase} if phase else {},
        {programme.id: programme} if programme else {},
        {v.partnership.id: v for v in views},
        tr,
    )


async def _subscribe(
    update: Update, context: BotContext, kind: TargetKind, target_id: str, label: str
) -> None:
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    reader = await context.reader(update)
    tr = reader.tr
    subs = context.storage.subscriptions
    added = await subs.add(
        chat.id, chat.type, chat.title, kind, target_id, user.id, context.clock.now()
    )
    await subs.resume(chat.id)  # an admin talking to us here proves we are back
    await follow_here(update, context)
    elsewhere = here(update) is None and await subs.post_thread(chat.id) is not None
    linked = (
        not added
        and kind is TargetKind.PARTNERSHIP
        and chat.type != Chat.PRIVATE
        and (await context.roles(user.id)).may_edit(target_id)
        and await subs.link(chat.id, target_id, user.id)
    )
    if linked:  # its focal point or a coordinator: the group now speaks for it
        text = tr.gettext(
            "This chat already follows {what}; linked by you, its members now add to the "
            "agenda and the action items of its meetings."
        )
    elif not added:
        text = tr.gettext("This chat already follows {what}.")
    elif elsewhere:  # General of a forum whose posts go to a topic chosen before
        text = tr.gettext(
            "Done: this chat now follows {what}. Reminders go to the topic chosen with "
            "/{cmd_topic}."
        )
    else:
        text = tr.gettext("Done: this chat now follows {what}. Reminders will come here.")
    text = escape(text.format(what=label, **command_names(tr.lang)))
    if (chosen := await _default_languages(context, update, kind, target_id)) is not None:
        text += "\n" + view.default_languages_note(chosen, tr)
    await show(update, text)
    # After the answer: a post the re-plan makes due at once must not come before it.
    await context.replan(chat.id)


async def _default_languages(
    context: BotContext, update: Update, kind: TargetKind, target_id: str
) -> tuple[str, ...] | None:
    """A chat that never chose its languages gets them now, stored so that replies and
    posts agree: in private the user's; for a partnership its towns'; else the admin's.
    None when the chat (or the private user) had chosen already."""
    chat, user = update.effective_chat, update.effective_user
    assert chat is not None and user is not None
    prefs = context.storage.preferences
    if (await prefs.chat(chat.id)).languages:
        return None
    reader = await context.reader(update)
    if chat.type == Chat.PRIVATE:
        if (await prefs.user(user.id)).language is not None:
            return None  # the user's own choice rules their posts
        chosen: tuple[str, ...] = reader.languages[:1]
    else:
        views = (
            await context.storage.network.partnerships([target_id])
            if kind is TargetKind.PARTNERSHIP
            else []
        )
        chosen = view.default_languages(views, reader.languages[0])
    await prefs.set_chat_languages(chat.id, chat.type, chat.title, chosen)
    return chosen


async def subscriptions_command(update: Update, context: BotContext) -> None:
    labels = [label for _id, label in await _labels(update, context)]
    await show(update, view.subscription_list(labels, (await context.reader(update)).tr))


async def unsubscribe_command(update: Update, context: BotContext) -> None:
    if not await allowed_to_change(update, context):
        return
    reader = await context.reader(update)
    labels = await _labels(update, context)
    if not labels:
        await show(update, view.subscription_list([], reader.tr))
        return
    await show(
        update,
        escape(reader.tr.gettext("Which one should this chat stop following?")),
        view.unsubscribe_keyboard(labels),
    )


async def unsubscribe_button(update: Update, context: BotContext, data: Unsubscribe) -> None:
    chat = update.effective_chat
    assert chat is not None
    if not await allowed_to_change(update, context):
        return
    tr = (await context.reader(update)).tr
    removed = await context.storage.subscriptions.remove(chat.id, data.subscription_id)
    if removed:
        await context.replan(chat.id)
    labels = [label for _id, label in await _labels(update, context)]
    await show(update, view.subscription_list(labels, tr))


async def _labels(update: Update, context: BotContext) -> list[tuple[int, str]]:
    chat = update.effective_chat
    assert chat is not None
    tr = (await context.reader(update)).tr
    network = context.storage.network
    subs = await context.storage.subscriptions.of_chat(chat.id)
    phases = {p.id: p for p in await network.phases()}
    programmes = {p.id: p for p in await network.programmes()}
    views = {
        v.partnership.id: v
        for v in await network.partnerships(
            [s.target_id for s in subs if s.kind == TargetKind.PARTNERSHIP]
        )
    }
    return [(s.id, view.describe(s.kind, s.target_id, phases, programmes, views, tr)) for s in subs]


async def reminders_command(update: Update, context: BotContext) -> None:
    chat = update.effective_chat
    assert chat is not None
    if await personal.personal_reminders(update, context):  # "/reminders mine 2h"
        return
    reader = await context.reader(update)
    repo = context.storage.subscriptions
    args = context.args or []
    if args:
        if not await allowed_to_change(update, context):
            return
        parsed = read_reminders(context.i18n, args)
        if parsed is None:
            await show(
                update,
                escape(
                    reader.tr.gettext("I did not understand that.")
                    + "\n"
                    + view.reminders_usage(reader.tr)
                ),
            )
            return
        await repo.set_reminder(chat.id, chat.type, chat.title, *parsed)
    # In private, the user's own lead times (before meetings they said ✅ to, before their
    # action items); the chat's own, for what it follows, below them if it follows any.
    if chat.type == Chat.PRIVATE and not args:
        await show(update, await personal.personal_block(update, context))
    if chat.type != Chat.PRIVATE or args or await repo.of_chat(chat.id):
        await show(update, view.offsets_text(await repo.reminder_settings(chat.id), reader.tr))
    if args:  # after the answer, as for /subscribe
        await context.replan(chat.id)


async def member_update(update: Update, context: BotContext) -> None:
    """Added to a group: introduce, resume if paused. Removed: pause, keep everything."""
    change: ChatMemberUpdated | None = update.my_chat_member
    if change is None:
        return
    was = change.old_chat_member.status in PRESENT
    now_in = change.new_chat_member.status in PRESENT
    subs = context.storage.subscriptions
    if now_in and not was:
        if await subs.resume(change.chat.id):
            log.info("back in chat %s: its subscriptions resume", change.chat.id)
            await context.replan(change.chat.id)
        if change.chat.type == Chat.PRIVATE:
            return  # unblocked in a private chat: the user will say /start
        tr = (await context.reader(update)).tr
        await context.bot.send_message(
            change.chat.id,
            escape(
                tr.gettext(
                    "Hello! I am partnerbot. I post deadline reminders and meeting invitations for "
                    "the network of climate partnerships here. An administrator links this group "
                    "with /{cmd_subscribe} and a partnership, phase or programme, for example "
                    "/{cmd_subscribe} Bonn; /{cmd_language} es de sets the languages of my posts."
                ).format(**command_names(tr.lang))
            ),
        )
    elif was and not now_in:
        await subs.pause(change.chat.id, f"bot is {change.new_chat_member.status}")
        log.info("removed from chat %s: its subscriptions are paused", change.chat.id)


async def migrated(update: Update, context: BotContext) -> None:
    """The service message of a group upgraded to a supergroup."""
    message = update.effective_message
    if message is not None and message.migrate_to_chat_id is not None:
        await context.storage.subscriptions.migrate_chat(
            message.chat.id, message.migrate_to_chat_id
        )
        await context.replan(message.migrate_to_chat_id)


def register(application: BotApplication) -> None:
    application.add_handler(on_command("subscribe", subscribe_command))
    application.add_handler(on_command("unsubscribe", unsubscribe_command))
    application.add_handler(on_command("subscriptions", subscriptions_command))
    application.add_handler(on_command("reminders", reminders_command))
    application.add_handler(on_press(Subscribe, subscribe_button))
    application.add_handler(on_press(Unsubscribe, unsubscribe_button))
    application.add_handler(ChatMemberHandler(member_update, ChatMemberHandler.MY_CHAT_MEMBER))
    application.add_handler(MessageHandler(filters.StatusUpdate.MIGRATE, migrated))
