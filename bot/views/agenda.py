"""The agenda before a meeting: its lines on the invitation and the reminders, the /agenda
screen with ⬆️ and 🗑 for those who arrange it, and what adding an item answers; the
minutes after it, as /exchanges shows them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model.agenda import MAX_ITEM_CHARS, MAX_ITEMS, AgendaItem, Minutes
from bot.model.domain import LocalizedText
from bot.telegram.callbacks import CallbackData, button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import AgendaAdd, AgendaDrop, AgendaPage, AgendaUp
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, fit, screen_lines, shorten
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.i18n import Translator
from bot.text.keywords import TENSES, Tense
from bot.text.markup import escape, fill
from bot.text.moments import when
from bot.views.common import ask_focal_points, marked, no_such_partnership

SHOWN_ON_POSTS = 5
"""Items an invitation or reminder lists at most; /agenda shows them all."""
POSTED_ITEM_CHARS = 60
"""An item on a post is cut to about two phone lines; /agenda shows it whole."""
ARRANGE_A_ROW = 4  # "⬆️ 12" and "🗑 12": two items' buttons a row

Shown = Callable[[LocalizedText], str]


def add_button(delivery_id: int, tr: Translator) -> Button:
    return button("📝 " + tr.gettext("Add to agenda"), AgendaAdd(delivery_id))


def agenda_row(delivery_id: int, tr: Translator) -> list[Button]:
    """The invitation keyboard's row under the RSVP answers."""
    return [add_button(delivery_id, tr)]


def _author(item: AgendaItem, tr: Translator) -> str:
    name = item.author_name or tr.gettext("a former member")
    return escape(name)


def _posted_item(number: int, item: AgendaItem, shown: Shown, tr: Translator) -> str:
    # Cut before it is marked, so that "(de)" stays.
    cut = LocalizedText(
        tuple((lang, shorten(t, POSTED_ITEM_CHARS)) for lang, t in item.text.variants)
    )
    text = escape(shown(cut))
    return f"{number}. {text} — <i>{_author(item, tr)}</i>"


def posted_block(
    items: Sequence[AgendaItem],
    translators: Sequence[Translator],
    shown: Shown,
    room: int,
) -> tuple[str, int]:
    """The agenda as a post shows it, below the post's text: a heading in each of its
    languages and up to SHOWN_ON_POSTS items, as many as fit in `room` screen lines, then
    how many more /agenda shows; with no room for one, a line that says how many there
    are. Also how many items it lists. "" when there are none."""
    if not items:
        return "", 0
    command = "/" + command_names(translators[0].lang)["cmd_agenda"]
    heading = "📝 <b>" + escape(" · ".join(tr.gettext("Agenda") for tr in translators)) + "</b>"
    lines = [_posted_item(n, item, shown, translators[0]) for n, item in enumerate(items, 1)]
    for count in range(min(len(items), SHOWN_ON_POSTS), 0, -1):
        left = len(items) - count
        tail = []
        if left:
            more = " · ".join(
                tr.ngettext("…and {count} more", "…and {count} more", left).format(count=left)
                for tr in translators
            )
            tail = [escape(more) + f": {command}"]
        block = "\n".join(["", heading, *lines[:count], *tail])
        if screen_lines(block) <= room:  # the blank line before it included
            return "\n" + block, count
    counted = " · ".join(
        tr.ngettext("Agenda: {count} item", "Agenda: {count} items", len(items)).format(
            count=len(items)
        )
        for tr in translators
    )
    return f"\n📝 {escape(counted)}: {command}", 0


# -- /agenda --------------------------------------------------------------------------------


def screen(
    tr: Translator,
    title: str,
    start: datetime,
    zone: ZoneInfo,
    items: Sequence[AgendaItem],
    *,
    page: int,
    arrange: bool,
    delivery_id: int,
    focus: int | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The next meeting's agenda, paged by lines (`focus`: the page with that item id);
    ⬆️ and 🗑 for each item shown when the reader may arrange it; 📝 to add one."""
    head = "📝 <b>" + escape(tr.gettext("Agenda: {title}").format(title=title)) + "</b>\n"
    head += when(tr, start, zone)
    names = command_names(tr.lang)
    if not items:
        hint = tr.gettext("Nothing on it yet. Add an item: /{cmd_agenda} <text>")
        return fit(head + "\n\n" + escape(hint.format(**names))), Keyboard(
            [agenda_row(delivery_id, tr)]
        )
    blocks = [
        (n, item, f"{n}. {escape(marked(item.text, tr.lang))} — <i>{_author(item, tr)}</i>")
        for n, item in enumerate(items, start=1)
    ]
    room = SCREEN_ROOM - screen_lines(head) - 1

    def height(block: tuple[int, AgendaItem, str]) -> int:
        return screen_lines(block[2])

    if focus is not None:  # the page that shows this item (one just moved, or beside one dropped)
        page = 0
        while True:
            found, _page, more = page_by_lines(blocks, height, room, page)
            if not more or any(item.id == focus for _n, item, _t in found):
                break
            page += 1
    shown, page, more = page_by_lines(blocks, height, room, page)
    rows: list[list[Button]] = []
    if arrange:
        labelled: list[tuple[str, CallbackData]] = []
        for n, item, _text in shown:
            if n > 1:
                labelled.append((f"⬆️ {n}", AgendaUp(item.id)))
            labelled.append((f"🗑 {n}", AgendaDrop(item.id)))
        rows += grid(labelled, ARRANGE_A_ROW)
    if nav := nav_row(lambda n: AgendaPage(n, int(arrange)), page, page + 1 + more):
        rows.append(nav)
    rows.append(agenda_row(delivery_id, tr))
    text = head + "\n\n" + "\n".join(b[2] for b in shown)
    return fit(text), Keyboard(rows)


def ask_item(tr: Translator, user_id: int, first_name: str) -> str:
    """The ForceReply prompt, naming the presser (so that only their reply box opens)."""
    mention = f'<a href="tg://user?id={user_id}">{escape(first_name)}</a>'
    said = tr.gettext(
        "{name}, please send the agenda item as a reply to this message "
        "(up to {limit} characters; /{cmd_cancel} to stop)."
    )
    cancel = escape(command_names(tr.lang)["cmd_cancel"])
    return fill(said, name=mention, limit=str(MAX_ITEM_CHARS), cmd_cancel=cancel)


def ask_placeholder(tr: Translator) -> str:
    return shorten(tr.gettext("Agenda item"), 64)


def added(tr: Translator, item: AgendaItem, count: int, title: str) -> str:
    said = tr.ngettext(
        "📝 On the agenda ({count} item) — {title}:",
        "📝 On the agenda ({count} items) — {title}:",
        count,
    )
    return escape(said.format(title=title, count=count)) + "\n" + escape(marked(item.text, tr.lang))


def too_long(tr: Translator, length: int) -> str:
    said = tr.gettext(
        "An agenda item may have at most {limit} characters; this one has {length}. "
        "Please shorten it."
    )
    return escape(said.format(limit=MAX_ITEM_CHARS, length=length))


def empty(tr: Translator) -> str:
    said = tr.gettext("Please write the item after the command: /{cmd_agenda} <text>")
    return escape(said.format(**command_names(tr.lang)))


def full(tr: Translator) -> str:
    said = tr.gettext("This agenda is full ({limit} items). A focal point may drop some.")
    return escape(said.format(limit=MAX_ITEMS))


def no_meeting(
    tr: Translator,
    started: bool,
    next_invite: datetime | None,
    zone: ZoneInfo,
    *,
    private: bool = False,
) -> str:
    """No invitation in this chat for a meeting still ahead. In a private chat that awaits
    none: where the agenda is made."""
    if private and not started and next_invite is None:
        said = tr.gettext(
            "The agenda is made in the partnership's group: send /{cmd_agenda} <text> there."
        )
        return escape(said.format(**command_names(tr.lang)))
    if started:
        text = escape(tr.gettext("The meeting has begun, so its agenda is closed."))
    else:
        text = escape(
            tr.gettext("Agenda items can be added once this chat has received an invitation.")
        )
    if next_invite is not None:
        text += "\n" + fill(
            tr.gettext("The next invitation comes on {when}."), when=when(tr, next_invite, zone)
        )
    return text


def not_yours(tr: Translator) -> str:
    """A press of ⬆️ or 🗑 by someone who may not arrange the agenda (a pop-up, plain)."""
    said = tr.gettext(
        "Only the partnership's focal points and the coordinators arrange the agenda."
    )
    return said + " " + ask_focal_points(tr, None, command_names(tr.lang)["cmd_contacts"])


def item_gone(tr: Translator) -> str:
    return tr.gettext("This item is no longer on the agenda.")


def dropped(tr: Translator, item: AgendaItem) -> str:
    """The pop-up after 🗑: what went (plain text, a pop-up shows no HTML)."""
    said = tr.gettext("🗑 Dropped: {item}").format(item=marked(item.text, tr.lang))
    return shorten(said, 190)


# -- minutes --------------------------------------------------------------------------------


def minutes_line(tr: Translator, minutes: Minutes) -> str:
    """Under a past meeting in /exchanges: the link, and the text marked by language."""
    said = ["📄 " + escape(tr.gettext("Minutes:"))]
    if minutes.url is not None:
        said.append(f'<a href="{escape(minutes.url)}">{escape(shorten(minutes.url, 50))}</a>')
    if minutes.text is not None:
        said.append(escape(marked(minutes.text, tr.lang)))
    return " ".join(said)


def minutes_saved(tr: Translator, title: str, start: datetime, zone: ZoneInfo) -> str:
    said = tr.gettext(
        "📄 Minutes attached to {title} of {when}. /{cmd_exchanges} {past} shows them."
    )
    return fill(
        said,
        title=escape(title),
        when=when(tr, start, zone),
        cmd_exchanges=escape(command_names(tr.lang)["cmd_exchanges"]),
        past=escape(TENSES.word(tr, Tense.PAST)),
    )


def minutes_usage(tr: Translator, *, private: bool) -> str:
    if private:
        said = tr.gettext("Name the partnership first: /{cmd_minutes} bonn https://…")
    else:
        said = tr.gettext("Send /{cmd_minutes} with a link or a short text.")
    return escape(said.format(**command_names(tr.lang)))


def minutes_bad_link(tr: Translator) -> str:
    return escape(tr.gettext("A link for the minutes must begin with http:// or https://."))


def minutes_too_long(tr: Translator, limit: int, length: int) -> str:
    said = tr.gettext("Minutes as text may have at most {limit} characters; these have {length}.")
    return escape(said.format(limit=limit, length=length))


def minutes_not_allowed(tr: Translator, town: str | None = None) -> str:
    said = tr.gettext("Only the partnership's focal points and the coordinators attach minutes.")
    ask = ask_focal_points(tr, town, command_names(tr.lang)["cmd_contacts"])
    return escape(said + "\n" + ask)


def no_held_meeting(tr: Translator) -> str:
    return escape(tr.gettext("I know of no meeting held here yet to attach minutes to."))


def unknown_partnership(tr: Translator, name: str) -> str:
    return no_such_partnership(tr, name)
