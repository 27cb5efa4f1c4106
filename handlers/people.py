"""The contact directory with consent (/listme, /contacts) and /forgetme."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from telegram import Chat, InlineKeyboardMarkup, Update, User
from telegram.error import BadRequest, Forbidden
from telegram.ext import ExtBot, TypeHandler

from bot.model.people import Contact, Erased, FocalRole, Listing
from bot.model.roles import Roles
from bot.schedule.invitations import refresh_invitations
from bot.telegram import answers
from bot.telegram.application import forget_conversations
from bot.telegram.callbacks import on_press
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import Choice, ContactsBy, ContactsPage, ForgetMe, ListMe
from bot.telegram.paging import compact_query
from bot.text.i18n import Translator
from bot.text.keywords import find_phase
from bot.text.zones import normalize
from bot.views import people as view
from handlers.common import joined_args, on_command, show

log = logging.getLogger(__name__)

MAX_PARTNERSHIPS = 50
"""/contacts with words matching many partnerships: the people of the first these many."""
QUERY_ROOM = ContactsPage.room()


def _private(update: Update) -> bool:
    chat = update.effective_chat
    return chat is not None and chat.type == Chat.PRIVATE


async def _refuse_in_group(update: Update, context: BotContext) -> bool:
    """/listme and /forgetme are about the user alone: in a group they are told to write
    in private (True)."""
    if _private(update):
        return False
    await show(update, view.only_in_private((await context.reader(update)).tr))
    return True


async def _directory(context: BotContext, partnership_ids: Iterable[str]) -> view.Directory:
    network = context.storage.network
    towns = (await network.town_index()).by_id
    views = await network.partnerships(sorted(set(partnership_ids)))
    return view.Directory(towns, {v.partnership.id: v for v in views})


def _focal(roles: Roles) -> tuple[FocalRole, ...]:
    return tuple(FocalRole(pid, side) for pid, side in sorted(roles.focal))


# -- /listme -------------------------------------------------------------------------------


async def listme_command(update: Update, context: BotContext) -> None:
    if await _refuse_in_group(update, context):
        return
    await _listme(update, context)


async def _listme(update: Update, context: BotContext) -> None:
    user = update.effective_user
    assert user is not None
    reader = await context.reader(update)
    town = await context.storage.preferences.user_town(user.id)
    if town is None:
        await show(update, view.town_first(reader.tr))
        return
    listing = await context.storage.people.listing(user.id)
    roles = await context.roles(user.id)
    shown = Listing(
        user.id,
        user.full_name,
        user.username,
        listing.languages if listing else reader.languages,
        listing.listed_at if listing else context.clock.now(),
    )
    contact = Contact(shown, town, roles.coordinator, _focal(roles))
    directory = await _directory(context, roles.partnerships)
    preview = view.contact_text(reader.tr, contact, directory)
    if listing is None:
        await show(update, *view.listme_offer(reader.tr, preview, bool(user.username)))
    else:
        await show(update, *view.listme_state(reader.tr, preview))


async def listme_button(update: Update, context: BotContext, data: ListMe) -> None:
    user = update.effective_user
    assert user is not None
    reader = await context.reader(update)
    people = context.storage.people
    if data.answer is Choice.NO:
        await show(update, view.not_listed(reader.tr, await people.unlist(user.id)))
        return
    if await context.storage.preferences.user_town(user.id) is None:  # unset meanwhile
        await show(update, view.town_first(reader.tr))
        return
    await people.add(user.id, user.full_name, user.username, reader.languages, context.clock.now())
    await show(update, view.listed(reader.tr))


# -- /contacts -----------------------------------------------------------------------------


async def contacts_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    typed = joined_args(context.args)
    if not typed:
        await show(update, view.contacts_usage(reader.tr))
        return
    wanted = await _resolve(context, typed, reader.tr.lang)
    if wanted is None:
        await show(update, view.contacts_not_found(reader.tr, typed))
        return
    if _private(update):
        await _contacts(update, context, wanted)
        return
    # In a group: the list goes to the asker's private chat, so that people's names do not
    # stay in the group's history (where /forgetme could not reach them).
    user = update.effective_user
    assert user is not None
    text, keyboard = await _render(context, reader.tr, wanted)
    try:
        await answers.send(context.bot, user.id, text, keyboard)
        sent = True
    except (Forbidden, BadRequest):  # they never opened a chat with the bot
        sent = False
    await show(update, view.contacts_in_private(reader.tr, sent))


async def _resolve(context: BotContext, typed: str, lang: str) -> ContactsPage | None:
    """A phase ('fase 8'), a town ('bonn', 'la paz'), else the partnerships the words find."""
    network = context.storage.network
    phase = find_phase(await network.phases(), typed)
    if phase is not None:
        return ContactsPage(0, ContactsBy.PHASE, phase.id)
    index = await network.town_index()
    towns = index.named(typed, lang)
    if towns and (len(towns) == 1 or index.exact(normalize(typed)) is not None):
        return ContactsPage(0, ContactsBy.TOWN, towns[0].id)
    query = compact_query(typed, QUERY_ROOM)
    if not query:
        return None
    ids, total = await network.search.search(query, 2)
    if total == 1:
        return ContactsPage(0, ContactsBy.PARTNERSHIP, ids[0])
    return ContactsPage(0, ContactsBy.QUERY, query) if total else None


async def contacts_page(update: Update, context: BotContext, data: ContactsPage) -> None:
    await _contacts(update, context, data)


async def _contacts(update: Update, context: BotContext, wanted: ContactsPage) -> None:
    reader = await context.reader(update)
    await show(update, *await _render(context, reader.tr, wanted))


async def _render(
    context: BotContext, tr: Translator, wanted: ContactsPage
) -> tuple[str, InlineKeyboardMarkup | None]:
    network = context.storage.network
    people = context.storage.people
    what = wanted.value
    if wanted.by is ContactsBy.TOWN:
        partnership_ids = await people.partnerships_of_towns([wanted.value])
        town = (await network.town_index()).by_id.get(wanted.value)
        what = town.name.get(tr.lang) if town else what
    elif wanted.by is ContactsBy.PHASE:
        partnership_ids = await network.partnership_ids(phase_id=wanted.value)
        phase = await network.phase(wanted.value)
        what = phase.name.get(tr.lang) if phase else what
    elif wanted.by is ContactsBy.PARTNERSHIP:
        partnership_ids = [wanted.value]
    else:
        partnership_ids = (await network.search.search(wanted.value, MAX_PARTNERSHIPS))[0]
    views = await network.partnerships(list(partnership_ids))
    if wanted.by is ContactsBy.PARTNERSHIP and views:
        what = views[0].pair_name(tr.lang)
    towns = {t.id for v in views for t in (v.north, v.south)}
    if wanted.by is ContactsBy.TOWN:
        towns.add(wanted.value)
    contacts = await people.directory(towns, [v.partnership.id for v in views])
    roles_of = {r.partnership_id for c in contacts for r in c.focal}
    directory = await _directory(context, roles_of)
    return view.contacts_page(tr, what, contacts, directory, wanted.by, wanted.value, wanted.page)


# -- /forgetme -----------------------------------------------------------------------------


async def forgetme_command(update: Update, context: BotContext) -> None:
    if await _refuse_in_group(update, context):
        return
    await show(update, *view.forget_offer((await context.reader(update)).tr))


async def forgetme_button(update: Update, context: BotContext, data: ForgetMe) -> None:
    user = update.effective_user
    assert user is not None
    reader = await context.reader(update)  # before the erasure: the account in their language
    if data.answer is Choice.NO or not _private(update):
        await show(update, view.kept(reader.tr))
        return
    erased = await forget(context, user.id)
    configured = user.id in context.settings.admins
    await show(update, view.forgotten(reader.tr, erased, configured))


async def forget(context: BotContext, user_id: int) -> Erased:
    """Erase everything the bot holds about the user; what there was, by kind."""
    storage = context.storage
    conversations = await forget_conversations(context.application, user_id)
    roles = await storage.roles.forget(user_id)
    changes = await storage.edits.forget(user_id)
    shown = await storage.people.meetings_shown(user_id)
    settings, listing, rsvps, made, chat, drafts = await storage.people.erase(user_id)
    context.application.drop_user_data(user_id)  # PTB's notes in memory (the town question)
    context.application.drop_chat_data(user_id)
    log.info("a user asked to be forgotten; their rows are erased")
    bot = context.bot
    assert isinstance(bot, ExtBot)
    for meeting in shown:  # their name off the invitations that showed it (👥, the agenda)
        await refresh_invitations(bot, storage, context.i18n, context.settings.timezone, meeting)
    conversations += drafts
    return Erased(settings, listing, rsvps, conversations, roles, changes, made, chat)


# -- a listed person's name kept fresh -----------------------------------------------------


async def refresh_name(update: Update, context: BotContext) -> None:
    """Any update from a listed person: their name and username as Telegram gives them
    now (a write only when one changed; a dictionary look-up otherwise)."""
    user = update.effective_user
    if isinstance(user, User) and not user.is_bot and context.bot_data.storage is not None:
        await context.storage.people.refresh(user.id, user.full_name, user.username)


def register(application: BotApplication) -> None:
    # Its own group, before the others: it sees every update and stops none.
    application.add_handler(TypeHandler(Update, refresh_name), group=-2)
    application.add_handler(on_command("listme", listme_command))
    application.add_handler(on_press(ListMe, listme_button))
    application.add_handler(on_command("contacts", contacts_command))
    application.add_handler(on_press(ContactsPage, contacts_page))
    application.add_handler(on_command("forgetme", forgetme_command))
    application.add_handler(on_press(ForgetMe, forgetme_button))
