"""/appoint and /dismiss: a coordinator gives or takes away a role.

The person is picked by /appoint sent as a reply to their message in a group, by a message
of theirs forwarded to the bot, or by the reply keyboard's "pick a person" button in the
private chat. The choice of role goes on where it began: in a group, with buttons that
only the coordinator who began may press (anyone else gets a pop-up). A guided
conversation (bot/telegram/persistence.py): its step and draft survive a restart.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from enum import StrEnum
from typing import Any, TypeVar

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    MessageOriginHiddenUser,
    MessageOriginUser,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    Update,
)
from telegram.error import BadRequest, Forbidden
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    MessageHandler,
    filters,
)

from bot.model.domain import PartnershipView
from bot.model.people import Candidate
from bot.model.roles import Side
from bot.telegram import answers
from bot.telegram.callbacks import CallbackData, answer_unusable, on_press
from bot.telegram.commands import names
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import (
    AppointPage,
    AppointPartnership,
    AppointRole,
    AppointSide,
    Choice,
    Dismissal,
    RoleChoice,
    RoleConfirm,
    SideCode,
)
from bot.telegram.paging import page_of
from bot.telegram.persistence import Drafts, guided_conversation
from bot.text import places
from bot.text.i18n import FALLBACK, Translator
from bot.views import appoint as view
from handlers.common import show
from storage.conversations import Draft

NAME = "appoint"
DRAFTS = Drafts(NAME)
END = ConversationHandler.END
MAX_FOUND = 8  # partnerships shown for a typed town: one screen of buttons


class Step(StrEnum):
    PERSON = "person"
    ROLE = "role"
    PARTNERSHIP = "partnership"
    SIDE = "side"
    CONFIRM = "confirm"


class Mode(StrEnum):
    APPOINT = "appoint"
    DISMISS = "dismiss"


StepResult = Step | int


# -- the draft -----------------------------------------------------------------------------


async def _draft(update: Update, context: BotContext) -> Draft:
    """The sender's draft, if it was begun in this chat: one begun meanwhile in another
    chat (a draft is kept per user) leaves this chat's buttons with nothing to act on."""
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    draft = await DRAFTS.get(update, context)
    return draft if draft.get("chat") == chat.id else {}


async def _keep(context: BotContext, user_id: int, draft: Draft) -> None:
    await context.storage.conversations.put_draft(user_id, NAME, draft, context.clock.now())


def _candidate(draft: Draft) -> Candidate | None:
    uid, name, username = draft.get("user_id"), draft.get("name"), draft.get("username")
    if not isinstance(uid, int) or not isinstance(name, str):
        return None
    return Candidate(uid, name, username if isinstance(username, str) else None)


def _mode(draft: Draft) -> Mode:
    return Mode.DISMISS if draft.get("mode") == Mode.DISMISS else Mode.APPOINT


async def _tr(update: Update, context: BotContext) -> Translator:
    return (await context.reader(update)).tr


async def _send(
    update: Update,
    context: BotContext,
    text: str,
    markup: InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove | None = None,
) -> None:
    """A new message in the chat of the update (a reply keyboard cannot go by editing)."""
    chat = update.effective_chat
    assert chat is not None
    await context.bot.send_message(chat.id, text, reply_markup=markup)


# -- the start -----------------------------------------------------------------------------


async def begin_appoint(update: Update, context: BotContext) -> StepResult:
    return await _begin(update, context, Mode.APPOINT)


async def begin_dismiss(update: Update, context: BotContext) -> StepResult:
    return await _begin(update, context, Mode.DISMISS)


async def _begin(update: Update, context: BotContext, mode: Mode) -> StepResult:
    user, chat, message = update.effective_user, update.effective_chat, update.effective_message
    assert user is not None and chat is not None and message is not None
    tr = await _tr(update, context)
    if not (await context.roles(user.id)).coordinator:
        await show(update, view.refusal(tr))
        return END
    draft: Draft = {"mode": mode.value, "chat": chat.id}
    if chat.type != Chat.PRIVATE:
        replied = message.reply_to_message
        person = replied.from_user if replied is not None else None
        if person is None or person.is_bot:
            await show(update, view.in_group_reply_needed(tr))
            return END
        candidate = Candidate(person.id, person.full_name, person.username)
        return await _picked(update, context, draft, candidate)
    await _keep(context, user.id, draft)
    text, keyboard = view.ask_person(tr, mode is Mode.DISMISS)
    await _send(update, context, text, keyboard)
    return Step.PERSON


# -- the person ----------------------------------------------------------------------------


async def forwarded(update: Update, context: BotContext) -> StepResult:
    message = update.effective_message
    assert message is not None
    tr = await _tr(update, context)
    origin = message.forward_origin
    if isinstance(origin, MessageOriginUser) and not origin.sender_user.is_bot:
        person = origin.sender_user
        candidate = Candidate(person.id, person.full_name, person.username)
    elif isinstance(origin, MessageOriginHiddenUser):
        await _send(update, context, view.hidden_sender(tr), view.ask_person(tr, False)[1])
        return Step.PERSON
    else:
        await _send(update, context, view.not_a_person(tr))
        return Step.PERSON
    return await _picked_here(update, context, candidate)


async def shared(update: Update, context: BotContext) -> StepResult:
    message = update.effective_message
    assert message is not None and message.users_shared is not None
    found = message.users_shared.users
    if message.users_shared.request_id != view.PICK_REQUEST or not found:
        return Step.PERSON
    person = found[0]
    name = " ".join(p for p in (person.first_name, person.last_name) if p) or str(person.user_id)
    candidate = Candidate(person.user_id, name, person.username)
    return await _picked_here(update, context, candidate)


async def typed_person(update: Update, context: BotContext) -> StepResult:
    """Text while a person is awaited: ✖ Cancel, or a hint."""
    message = update.effective_message
    assert message is not None
    tr = await _tr(update, context)
    if (message.text or "").strip() == view.cancel_label(tr):
        await _send(update, context, view.nothing_changed(tr), ReplyKeyboardRemove())
        return END
    await _send(update, context, view.not_a_person(tr))
    return Step.PERSON


async def _picked_here(update: Update, context: BotContext, candidate: Candidate) -> StepResult:
    """In the private chat: the reply keyboard goes, and the role question comes."""
    user = update.effective_user
    assert user is not None
    tr = await _tr(update, context)
    await _send(update, context, view.picked(tr, candidate), ReplyKeyboardRemove())
    return await _picked(update, context, await _draft(update, context), candidate)


async def _picked(
    update: Update, context: BotContext, draft: Draft, candidate: Candidate
) -> StepResult:
    user = update.effective_user
    assert user is not None
    tr = await _tr(update, context)
    draft |= {"user_id": candidate.user_id, "name": candidate.name, "username": candidate.username}
    if _mode(draft) is Mode.APPOINT:
        await _keep(context, user.id, draft)
        await _send(update, context, *view.ask_role(tr, candidate))
        return Step.ROLE
    roles = await context.roles(candidate.user_id)
    views = await _views(context, [pid for pid, _side in roles.focal])
    text, keyboard = view.ask_dismissal(tr, candidate, roles, views)
    await _send(update, context, text, keyboard)
    if keyboard is None:
        return END
    await _keep(context, user.id, draft)
    return Step.ROLE


async def _views(context: BotContext, ids: list[str]) -> dict[str, PartnershipView]:
    return {v.partnership.id: v for v in await context.storage.network.partnerships(sorted(ids))}


# -- the role ------------------------------------------------------------------------------


async def role_pressed(update: Update, context: BotContext, data: AppointRole) -> StepResult:
    user = update.effective_user
    assert user is not None
    draft = await _draft(update, context)
    candidate = _candidate(draft)
    if candidate is None:
        return await _lost(update, context)
    tr = await _tr(update, context)
    if data.role is RoleChoice.COORDINATOR:
        draft |= {"role": RoleChoice.COORDINATOR.value}
        await _keep(context, user.id, draft)
        await show(update, *view.confirm_appoint(tr, candidate, view.role_name(tr, None, None)))
        return Step.CONFIRM
    draft |= {"role": RoleChoice.FOCAL.value}
    await _keep(context, user.id, draft)
    await _partnership_page(update, context, 0)
    return Step.PARTNERSHIP


async def dismissal_pressed(update: Update, context: BotContext, data: Dismissal) -> StepResult:
    user = update.effective_user
    assert user is not None
    draft = await _draft(update, context)
    candidate = _candidate(draft)
    if candidate is None or _mode(draft) is not Mode.DISMISS:
        return await _lost(update, context)
    tr = await _tr(update, context)
    view_of = None
    if data.role != view.COORDINATOR:
        view_of = (await _views(context, [data.role])).get(data.role)
        if view_of is None:
            return await _lost(update, context)
    draft |= {"role": data.role}
    await _keep(context, user.id, draft)
    await show(update, *view.confirm_dismiss(tr, candidate, view.role_name(tr, view_of, None)))
    return Step.CONFIRM


# -- the partnership and side ----------------------------------------------------------------


async def _partnership_page(update: Update, context: BotContext, page: int) -> None:
    tr = await _tr(update, context)
    ids = await context.storage.network.partnership_ids()
    shown, page, pages = page_of(ids, page, view.PAGE_SIZE)
    views = await context.storage.network.partnerships(list(shown))
    await show(update, *view.ask_partnership(tr, views, page, pages))


async def page_pressed(update: Update, context: BotContext, data: AppointPage) -> StepResult:
    await _partnership_page(update, context, data.page)
    return Step.PARTNERSHIP


async def typed_town(update: Update, context: BotContext) -> StepResult:
    """A town's name typed: its partnerships as buttons."""
    message = update.effective_message
    assert message is not None and message.text is not None
    tr = await _tr(update, context)
    network = context.storage.network
    towns = (await network.town_index()).named(message.text, tr.lang)
    ids = await context.storage.people.partnerships_of_towns([t.id for t in towns[:MAX_FOUND]])
    views = await network.partnerships(ids[:MAX_FOUND])
    await show(update, *view.ask_partnership(tr, views, 0, 1, typed=message.text))
    return Step.PARTNERSHIP


async def partnership_pressed(
    update: Update, context: BotContext, data: AppointPartnership
) -> StepResult:
    user = update.effective_user
    assert user is not None
    draft = await _draft(update, context)
    found = (await _views(context, [data.partnership_id])).get(data.partnership_id)
    if _candidate(draft) is None or found is None:
        return await _lost(update, context)
    draft |= {"partnership": data.partnership_id}
    await _keep(context, user.id, draft)
    await show(update, *view.ask_side(await _tr(update, context), found))
    return Step.SIDE


async def side_pressed(update: Update, context: BotContext, data: AppointSide) -> StepResult:
    user = update.effective_user
    assert user is not None
    draft = await _draft(update, context)
    candidate = _candidate(draft)
    pid = draft.get("partnership")
    found = (await _views(context, [pid])).get(pid) if isinstance(pid, str) else None
    if candidate is None or found is None:
        return await _lost(update, context)
    side = Side.NORTH if data.side is SideCode.NORTH else Side.SOUTH
    draft |= {"side": side.value}
    await _keep(context, user.id, draft)
    tr = await _tr(update, context)
    await show(update, *view.confirm_appoint(tr, candidate, view.role_name(tr, found, side)))
    return Step.CONFIRM


# -- the confirmation ------------------------------------------------------------------------


async def confirmed(update: Update, context: BotContext, data: RoleConfirm) -> StepResult:
    user = update.effective_user
    assert user is not None
    tr = await _tr(update, context)
    draft = await _draft(update, context)
    candidate = _candidate(draft)
    if data.answer is Choice.NO:
        await show(update, view.nothing_changed(tr))
        return END
    if candidate is None:
        return await _lost(update, context)
    if not (await context.roles(user.id)).coordinator:  # dismissed meanwhile
        await show(update, view.refusal(tr))
        return END
    roles = context.storage.roles
    now = context.clock.now()
    role = draft.get("role")
    # The partnership: the one picked (appointing a focal point), or the role pressed
    # (dismissing: a partnership's id, or '*' for the coordinator's, which is none).
    pid = draft.get("partnership") if role == RoleChoice.FOCAL else role
    if pid == view.COORDINATOR or (_mode(draft) is Mode.APPOINT and role != RoleChoice.FOCAL):
        pid = None
    found = (await _views(context, [pid])).get(pid) if isinstance(pid, str) else None
    side = Side(str(draft["side"])) if draft.get("side") in ("north", "south") else None
    if _mode(draft) is Mode.APPOINT:
        if role == RoleChoice.COORDINATOR:
            configured = candidate.user_id in context.settings.admins
            changed = not configured and await roles.appoint_coordinator(
                candidate.user_id, user.id, now
            )
        elif found is not None and side is not None:
            changed = await roles.appoint_focal_point(
                found.partnership.id, candidate.user_id, side, user.id, now
            )
        else:
            return await _lost(update, context)
        said = view.appointed(tr, candidate, view.role_name(tr, found, side), changed)
    else:
        if role == view.COORDINATOR:
            changed = await roles.dismiss_coordinator(candidate.user_id)
        elif found is not None:
            changed = await roles.dismiss_focal_point(found.partnership.id, candidate.user_id)
        else:
            return await _lost(update, context)
        said = view.dismissed(tr, candidate, view.role_name(tr, found, None), changed)
    if changed and found is not None:
        # A focal point's private reminders (their side's checklist items and action
        # items) follow the roles at once, not at the next hourly re-plan.
        await context.replan(candidate.user_id)
    if changed:
        told = await _tell(context, user.full_name, candidate, draft, found, side)
        said += "\n" + (view.told(tr) if told else view.not_told(tr))
    await show(update, said)
    return END


async def _tell(
    context: BotContext,
    by: str,
    candidate: Candidate,
    draft: Draft,
    found: PartnershipView | None,
    side: Side | None,
) -> bool:
    """Tell the person privately, in their language; False when Telegram will not let us
    (they never started the bot, or blocked it): expected, so not an error."""
    tr = context.i18n.translator(await _language_of(context, candidate.user_id))
    if _mode(draft) is Mode.APPOINT:
        text = view.you_were_appointed(
            tr, by, view.role_name(tr, found, side), coordinator=found is None
        )
    else:
        text = view.you_were_dismissed(tr, by, view.role_name(tr, found, None))
    try:
        await answers.send(context.bot, candidate.user_id, text)
    except (Forbidden, BadRequest):
        return False
    return True


async def _language_of(context: BotContext, user_id: int) -> str:
    """Theirs if they chose one, else their town's country's, else the fallback: Telegram
    tells a user's own language only in their updates."""
    storage = context.storage
    chosen = (await storage.preferences.user(user_id)).language
    town_id = await storage.preferences.user_town(user_id)
    town = (await storage.network.town_index()).by_id.get(town_id) if town_id else None
    spoken = places.country_language(town.country) if town else None
    return chosen or spoken or FALLBACK


async def _lost(update: Update, context: BotContext) -> StepResult:
    """A press whose draft is gone or whose record left the network: it ends."""
    if update.callback_query is not None:
        await answer_unusable(update, context)
    return END


# -- wiring ------------------------------------------------------------------------------------

C = TypeVar("C", bound=CallbackData)


def pressed(
    kind: type[C], callback: Callable[[Update, BotContext, C], Awaitable[StepResult]]
) -> CallbackQueryHandler[BotContext, StepResult | None]:
    """A button of the conversation, its data unpacked; a forged one ends nothing."""

    async def handle(update: Update, context: BotContext) -> StepResult | None:
        data = kind.unpack(update.callback_query.data if update.callback_query else None)
        if data is None or update.effective_chat is None:
            await answer_unusable(update, context)
            return None
        return await callback(update, context, data)

    return CallbackQueryHandler(handle, pattern=kind.owns)


async def not_yours(update: Update, context: BotContext, data: Any) -> None:
    """A press on these buttons outside the presser's own open conversation: in a private
    chat, a choice that is over; in a group, most likely someone else's."""
    assert update.callback_query is not None
    chat = update.effective_chat
    if chat is not None and chat.type == chat.PRIVATE:
        await answer_unusable(update, context)
        return
    await update.callback_query.answer(view.not_yours(await _tr(update, context)), show_alert=True)


TYPED = filters.TEXT & ~filters.COMMAND
KINDS: tuple[type[CallbackData], ...] = (
    AppointRole,
    AppointPartnership,
    AppointPage,
    AppointSide,
    Dismissal,
    RoleConfirm,
)


def conversation() -> ConversationHandler[BotContext]:
    message = filters.UpdateType.MESSAGE
    entry: list[BaseHandler[Update, BotContext, Any]] = [
        CommandHandler(names("appoint"), begin_appoint, filters=message),
        CommandHandler(names("dismiss"), begin_dismiss, filters=message),
    ]
    return guided_conversation(
        NAME,
        entry_points=entry,
        states={
            Step.PERSON: [
                MessageHandler(filters.ChatType.PRIVATE & filters.FORWARDED, forwarded),
                MessageHandler(filters.StatusUpdate.USERS_SHARED, shared),
                MessageHandler(filters.ChatType.PRIVATE & TYPED, typed_person),
            ],
            Step.ROLE: [pressed(AppointRole, role_pressed), pressed(Dismissal, dismissal_pressed)],
            Step.PARTNERSHIP: [
                pressed(AppointPage, page_pressed),
                pressed(AppointPartnership, partnership_pressed),
                MessageHandler(TYPED, typed_town),
            ],
            Step.SIDE: [pressed(AppointSide, side_pressed)],
            Step.CONFIRM: [pressed(RoleConfirm, confirmed)],
        },
        fallbacks=[],
        allow_reentry=True,
    )


def register(application: BotApplication) -> None:
    """First of all: a forwarded message or a typed town while a person or partnership is
    awaited is this conversation's, not a search."""
    application.add_handler(conversation())
    for kind in KINDS:
        application.add_handler(on_press(kind, not_yours))
