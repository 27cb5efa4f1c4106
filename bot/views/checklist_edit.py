"""Changing an exchange's checklist from its ✏️ (handlers/checklist_edit.py): the items to
pick, one item's fields, each question, and lead times and sides as a reader reads them
(also in the audit's lines). Plain functions of values."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.model.domain import ChecklistItem, ChecklistSide, LeadTime, LocalizedText
from bot.telegram.callbacks import CallbackData, button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import ChecklistDo, ChecklistStep
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, fit, screen_lines
from bot.text.i18n import N_, Translator
from bot.text.markup import escape, fill
from bot.views.common import marked

Reply = tuple[str, InlineKeyboardMarkup]

LEAD_CHOICES = (70, 56, 42, 28, 14, 7, 3)
"""The lead times offered as buttons, in days: 10, 8, 6, 4, 2, 1 weeks, 3 days."""
TITLE_MOST = 120
NOTE_MOST = 400
ITEMS_LISTED = 20
"""Items with a button on the list (a checklist longer than that: the first ones)."""

SIDE_ICONS: Mapping[ChecklistSide, str] = {
    ChecklistSide.HOST: "🏠",
    ChecklistSide.TRAVELLING: "🧳",
    ChecklistSide.BOTH: "👥",
}


def lead_text(tr: Translator, lead: LeadTime) -> str:
    """ "8 weeks", "3 days", in the reader's language."""
    if lead.days and lead.days % 7 == 0:
        weeks = lead.days // 7
        return tr.ngettext("{count} week", "{count} weeks", weeks).format(count=weeks)
    return tr.ngettext("{count} day", "{count} days", lead.days).format(count=lead.days)


@dataclass(frozen=True)
class Towns:
    """The exchange's towns by role, by name in the reader's language (None: who travels
    is not known)."""

    host: str | None
    travelling: str | None


def side_text(tr: Translator, side: ChecklistSide, towns: Towns) -> str:
    """Whose task an item is, by the towns' names when known."""
    if side is ChecklistSide.BOTH:
        return tr.gettext("both towns")
    name = towns.host if side is ChecklistSide.HOST else towns.travelling
    if name:
        return name
    return (
        tr.gettext("the host town")
        if side is ChecklistSide.HOST
        else tr.gettext("the travelling town")
    )


_SIDE_WORDS: Mapping[str, str] = {
    ChecklistSide.HOST.value: N_("the host town"),
    ChecklistSide.TRAVELLING.value: N_("the travelling town"),
    ChecklistSide.BOTH.value: N_("both towns"),
}


def checklist_value(tr: Translator, field: str, value: str) -> str:
    """A checklist item's lead or side as the audit's lines quote it (the file's form in,
    the reader's language out)."""
    if field == "lead":
        try:
            return lead_text(tr, LeadTime.parse(value))
        except ValueError:
            return value
    word = _SIDE_WORDS.get(value)
    return tr.gettext(word) if word else value


def _step(act: ChecklistDo, value: str = "") -> ChecklistStep:
    return ChecklistStep(act, value)


def _to_list(tr: Translator) -> Button:
    return button("◀ " + tr.gettext("Back to the items"), _step(ChecklistDo.LIST))


def _with_problem(text: str, problem: str) -> str:
    return f"⚠️ {problem}\n\n{text}" if problem else text


def item_list(tr: Translator, exchange: str, items: Sequence[ChecklistItem]) -> Reply:
    """The exchange's items, a button each, ➕ to add one, ✖."""
    head = "✏️ <b>" + escape(tr.gettext("Change the checklist")) + "</b>\n" + escape(exchange)
    ask = escape(tr.gettext("Choose an item to change, or add one:"))
    if not items:
        ask = escape(tr.gettext("This checklist has no items yet. Add one:"))
    labelled: list[tuple[str, CallbackData]] = [
        (f"{SIDE_ICONS[i.side]} {marked(i.title, tr.lang)}", _step(ChecklistDo.ITEM, i.id))
        for i in items[:ITEMS_LISTED]
    ]
    tools: list[tuple[str, CallbackData]] = [
        ("➕ " + tr.gettext("Add an item"), _step(ChecklistDo.ADD)),
        ("✖ " + tr.gettext("Close"), _step(ChecklistDo.CLOSE)),
    ]
    rows = [*grid(labelled, 1), *grid(tools, 2)]  # a long "➕" label takes a row alone
    return fit(f"{head}\n\n{ask}"), Keyboard(rows)


def item_screen(tr: Translator, item: ChecklistItem, towns: Towns) -> Reply:
    """One item: its title, lead time, whose task, note; a button per field, 🗑, back."""
    lines = [
        "☑️ <b>" + escape(marked(item.title, tr.lang)) + "</b>",
        "⏳ " + escape(fill_lead(tr, item.lead)),
        f"{SIDE_ICONS[item.side]} " + escape(side_text(tr, item.side, towns)),
    ]
    if item.note is not None:
        lines.append("📝 " + escape(_short(marked(item.note, tr.lang))))
    if item.done:
        lines.append("✅ " + escape(tr.gettext("ticked")))
    tail = escape(tr.gettext("What would you like to change?"))
    room = SCREEN_ROOM - 1 - screen_lines(tail)
    kept: list[str] = []
    for line in lines:
        if screen_lines(line) > room:
            break
        kept.append(line)
        room -= screen_lines(line)
    labelled: list[tuple[str, CallbackData]] = [
        ("✏️ " + tr.gettext("Title"), _step(ChecklistDo.TITLE)),
        ("⏳ " + tr.gettext("Lead time"), _step(ChecklistDo.LEAD)),
        ("👤 " + tr.gettext("Whose task"), _step(ChecklistDo.SIDE)),
        ("📝 " + tr.gettext("Note"), _step(ChecklistDo.NOTE)),
    ]
    rows = grid(labelled, 2)
    rows.append([button("🗑 " + tr.gettext("Remove this item"), _step(ChecklistDo.REMOVE))])
    rows.append([_to_list(tr)])
    return fit("\n".join([*kept, "", tail])), Keyboard(rows)


def fill_lead(tr: Translator, lead: LeadTime) -> str:
    return tr.gettext("due {lead} before the start").format(lead=lead_text(tr, lead))


def _short(text: str, most: int = 80) -> str:
    return text if len(text) <= most else text[:most].rsplit(" ", 1)[0] + "…"


def ask_title(tr: Translator, adding: bool, problem: str = "") -> Reply:
    text = escape(
        tr.gettext("Type the new item, in your language.")
        if adding
        else tr.gettext("Type the item's new title, in your language.")
    )
    rows = [[_to_list(tr)]]
    return _with_problem(text, problem), Keyboard(rows)


def ask_lead(tr: Translator, problem: str = "") -> Reply:
    """How long before the start it is due: a button each, or typed ("5 weeks")."""
    text = escape(
        tr.gettext("How long before the start is it due? Choose, or type e.g. “5 weeks”.")
    )
    labelled: list[tuple[str, CallbackData]] = [
        (lead_text(tr, LeadTime(days)), _step(ChecklistDo.LEAD, str(days))) for days in LEAD_CHOICES
    ]
    rows = [*grid(labelled, 4), [_to_list(tr)]]
    return _with_problem(text, problem), Keyboard(rows)


def not_a_lead(tr: Translator) -> str:
    return escape(
        tr.gettext("That is no lead time: type a number of weeks or days, e.g. “5 weeks”.")
    )


def ask_side(tr: Translator, towns: Towns) -> Reply:
    text = escape(tr.gettext("Whose task is it?"))
    labelled: list[tuple[str, CallbackData]] = [
        (f"{SIDE_ICONS[side]} {side_text(tr, side, towns)}", _step(ChecklistDo.SIDE, side.value))
        for side in ChecklistSide
    ]
    rows = [*grid(labelled, 1), [_to_list(tr)]]
    return text, Keyboard(rows)


def ask_note(tr: Translator, problem: str = "") -> Reply:
    text = escape(tr.gettext("Type a note for the item (what it takes, where), or leave none."))
    rows = [
        [button("⏭ " + tr.gettext("No note"), _step(ChecklistDo.NOTE, "-"))],
        [_to_list(tr)],
    ]
    return _with_problem(text, problem), Keyboard(rows)


def too_long(tr: Translator, most: int) -> str:
    return escape(
        tr.gettext("That is too long: at most {count} characters, please.").format(count=most)
    )


def confirm_removal(tr: Translator, title: LocalizedText) -> Reply:
    question = fill(
        tr.gettext("Remove “{title}” from the checklist?"), title=escape(marked(title, tr.lang))
    )
    rows = [
        [button("🗑 " + tr.gettext("Yes, remove it"), _step(ChecklistDo.REMOVE_SURE))],
        [_to_list(tr)],
    ]
    return question, Keyboard(rows)


def closed(tr: Translator) -> str:
    return escape(tr.gettext("Checklist editing closed."))


def gone(tr: Translator) -> str:
    return tr.gettext("This is no longer in the network: nothing was changed.")


def stale(tr: Translator) -> str:
    """A press of this conversation's button after it was closed."""
    return tr.gettext("This editor is closed. Press ✏️ under the checklist to open it again.")


def in_private(tr: Translator) -> str:
    command = command_names(tr.lang).get("cmd_checklist", "checklist")
    return tr.gettext(
        "Checklists are changed in our private chat: open it, send /{cmd} there and press ✏️."
    ).format(cmd=command)


def answer_with_buttons(tr: Translator) -> str:
    return escape(tr.gettext("Please answer with the buttons."))


def made(tr: Translator, count: int, command: str) -> str:
    """Under ✅ of a new exchange (or one now travelling): its checklist was made."""
    return "☑️ " + escape(
        tr.ngettext(
            "Checklist made: {count} item, /{cmd}.", "Checklist made: {count} items, /{cmd}.", count
        ).format(count=count, cmd=command)
    )
