"""/partner: find partnerships by town, country, topic or phase; browse; inline mode."""

from __future__ import annotations

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import InlineQueryHandler, MessageHandler

from bot.model import territories
from bot.telegram import answers
from bot.telegram.callbacks import (
    Browse,
    BrowseBy,
    ListBy,
    PartnerCard,
    PartnerList,
    grid,
    on_press,
)
from bot.telegram.commands import command
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.limits import Keyboard, fit
from bot.telegram.paging import compact_query, page_of
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views import help as help_view
from bot.views import partners as view
from handlers.common import PRIVATE_TEXT, Reply, here, joined_args, kept_reply, on_command, show

INLINE_RESULTS = 10
SOURCE_ROOM = PartnerList.room()


async def partner_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    typed = joined_args(context.args)
    if not typed:
        await show(
            update,
            escape(
                reader.tr.gettext(
                    "Type a town, country, topic or phase after /{cmd_partner}, for example "
                    "/{cmd_partner} kedougou, or browse:"
                ).format(cmd_partner=command("partner").name_in(reader.tr.lang))
            ),
            view.browse_keyboard(reader.tr),
        )
        return
    query = compact_query(typed, SOURCE_ROOM)
    if not query:
        await show(
            update,
            escape(
                reader.tr.gettext(
                    "Please type letters or numbers: a town, country, topic or phase, for example "
                    "/{cmd_partner} kedougou."
                ).format(cmd_partner=command("partner").name_in(reader.tr.lang))
            ),
        )
        return
    await _list(update, context, PartnerList(0, ListBy.QUERY, query))


async def plain_text(update: Update, context: BotContext) -> None:
    """Text that is no command, in a private chat: a /partner search when it finds
    partnerships or a close name ("Mtwara", "mtwra"), else a one-line hint ("hola")."""
    message = update.effective_message
    if message is None or not message.text:
        return
    query = compact_query(message.text, SOURCE_ROOM)
    reader = await context.reader(update)
    if query:
        wanted = PartnerList(0, ListBy.QUERY, query)
        reply = await kept_reply(
            context,
            ("partner-typed", wanted, reader.tr.lang),
            lambda: _render_typed(context, reader.tr, wanted),
        )
        if reply is not None:
            await show(update, *reply)
            return
    await show(update, escape(help_view.plain_text_hint(reader.tr)))


async def _render_typed(context: BotContext, tr: Translator, wanted: PartnerList) -> Reply | None:
    """The /partner answer when it has something to offer; None when it has not."""
    network = context.storage.network
    if (await network.search.search(wanted.value, 1))[1] == 0 and not (
        await network.search.suggest(wanted.value, tr.lang)
    ):
        return None
    return await _render_list(context, tr, wanted)


async def list_button(update: Update, context: BotContext, data: PartnerList) -> None:
    await _list(update, context, data)


async def _list(update: Update, context: BotContext, wanted: PartnerList) -> None:
    reader = await context.reader(update)
    # A page of a list reads the same for every reader of that language until a commit.
    reply = await kept_reply(
        context,
        ("partner-list", wanted, reader.tr.lang),
        lambda: _render_list(context, reader.tr, wanted),
    )
    if reply is None:  # forged or empty source: nothing to show
        if update.callback_query is not None:
            await update.callback_query.answer()
        return
    await show(update, *reply)


async def _render_list(context: BotContext, tr: Translator, wanted: PartnerList) -> Reply | None:
    network = context.storage.network
    kind, value, page = wanted.by, wanted.value, wanted.page
    size = view.PAGE_SIZE
    if kind is ListBy.QUERY and value:  # the index pages for us: only one page is read
        shown_ids, total = await network.search.search(value, size, page * size)
        if not shown_ids and total:  # a page past the end (forged or stale): the last one
            page = (total - 1) // size
            shown_ids, total = await network.search.search(value, size, page * size)
    elif value:
        everything = await network.partnership_ids(
            country=value if kind is ListBy.COUNTRY else None,
            phase_id=value if kind is ListBy.PHASE else None,
        )
        shown, page, _pages = page_of(everything, page, size)
        shown_ids, total = list(shown), len(everything)
    else:
        return None
    if total == 0 and kind is not ListBy.QUERY:  # a phase or country button: say so plainly
        what = await _describe(context, kind, value, tr.lang)
        text = tr.gettext("No partnership is in “{what}” yet.").format(what=what)
        return fit(escape(text)), view.browse_keyboard(tr)
    if total == 0:
        return await _nothing_found(context, value, tr)
    if total == 1 and kind is ListBy.QUERY:
        [card] = await network.search.cards(shown_ids)
        return view.card(card, tr), view.card_keyboard(card, tr)
    pages = -(-total // size)
    views = await network.search.cards(shown_ids)
    first = page * size + 1
    heading = tr.ngettext(
        "{count} partnership for “{what}”:", "{count} partnerships for “{what}”:", total
    ).format(count=total, what=await _describe(context, kind, value, tr.lang))
    text = view.result_list(views, f"<b>{escape(heading)}</b>", first, tr)
    return text, view.list_keyboard(views, first, page, pages, kind, value)


async def _describe(context: BotContext, kind: ListBy, value: str, lang: str) -> str:
    """What a list is of, as the reader says it: the words, the country, the phase."""
    if kind is ListBy.COUNTRY:
        return territories.name(value, lang)
    if kind is ListBy.PHASE:
        phase = await context.storage.network.phase(value)
        return phase.name.get(lang) if phase else value
    return value


async def _nothing_found(context: BotContext, typed: str, tr: Translator) -> Reply:
    close = await context.storage.network.search.suggest(typed, tr.lang)
    text = tr.gettext("No partnership matches “{what}”.").format(what=typed)
    if close:
        text += " " + tr.gettext("Did you mean {names}?").format(names=tr.format_list(close, "or"))
        keyboard = Keyboard(
            grid(
                [
                    (name, PartnerList(0, ListBy.QUERY, compact_query(name, SOURCE_ROOM)))
                    for name in close
                ],
                len(close),
            )
        )
        return fit(escape(text)), keyboard
    text += " " + tr.gettext("Try a town, a country or a topic, or browse:")
    return fit(escape(text)), view.browse_keyboard(tr)


async def card_button(update: Update, context: BotContext, data: PartnerCard) -> None:
    query = update.callback_query
    assert query is not None
    reader = await context.reader(update)
    found = await context.storage.network.partnerships([data.partnership_id])
    await query.answer()
    if found and update.effective_chat is not None:  # a new message: the list stays usable
        card = found[0]
        await answers.send(
            context.bot,
            update.effective_chat.id,
            view.card(card, reader.tr),
            view.card_keyboard(card, reader.tr),
            thread=here(update),
        )


async def browse_button(update: Update, context: BotContext, data: Browse) -> None:
    reader = await context.reader(update)
    network = context.storage.network
    if data.by is BrowseBy.COUNTRY:
        text = reader.tr.gettext("Partnerships by country:")
        await show(
            update, escape(text), view.country_keyboard(await network.countries(), reader.tr)
        )
    else:
        text = reader.tr.gettext("Partnerships by phase:")
        await show(
            update,
            escape(text),
            view.phase_list_keyboard(
                await network.phases(), await network.phase_counts(), reader.tr
            ),
        )


async def inline_query(update: Update, context: BotContext) -> None:
    """`@bot mtwara` in any chat: partnership cards to share there."""
    query = update.inline_query
    assert query is not None
    reader = await context.reader(update)
    network = context.storage.network
    words = compact_query(query.query, SOURCE_ROOM)
    if words:
        ids = (await network.search.search(words, limit=INLINE_RESULTS))[0]
    else:
        ids = (await network.partnership_ids())[:INLINE_RESULTS]
    results = [
        InlineQueryResultArticle(
            id=v.partnership.id,
            title=v.pair_name(reader.tr.lang),
            description=" · ".join(
                territories.name(t.country, reader.tr.lang) for t in (v.north, v.south)
            ),
            input_message_content=InputTextMessageContent(
                view.card(v, reader.tr), parse_mode=ParseMode.HTML
            ),
        )
        for v in await network.partnerships(ids)
    ]
    await query.answer(results, cache_time=60, is_personal=True)


def register_plain_text(application: BotApplication) -> None:
    """After every other message handler (a pending question's answer comes first)."""
    application.add_handler(MessageHandler(PRIVATE_TEXT, plain_text))


def register(application: BotApplication) -> None:
    application.add_handler(on_command("partner", partner_command))
    application.add_handler(on_press(PartnerList, list_button))
    application.add_handler(on_press(PartnerCard, card_button))
    application.add_handler(on_press(Browse, browse_button))
    application.add_handler(InlineQueryHandler(inline_query))
