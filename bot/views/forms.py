"""The guided edit of an exchange or a milestone from the private chat: /new's choice, each
question with its buttons, the summary screen before ✅, and what is said on leaving.

Plain functions of values; handlers/edit_form.py asks, keeps the draft and saves."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model.domain import EventKind, PartialDate
from bot.model.roles import Roles
from bot.telegram.callbacks import CallbackData, button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import (
    Change,
    EditTarget,
    Fill,
    FormAction,
    FormDo,
    FormStep,
    ForWhom,
    History,
    New,
    Translate,
    WhomPage,
)
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, fit, screen_lines
from bot.telegram.paging import nav_row, page_of
from bot.text.dates import partial_date
from bot.text.i18n import N_, Translator
from bot.text.markup import escape, fill
from bot.text.typed_dates import TypedMoment
from bot.views.common import KIND_ICONS, KIND_LABELS
from bot.views.date_picker import Screen
from bot.views.typed_moments import confirmation

Reply = tuple[str, InlineKeyboardMarkup]

WHOM_PER_PAGE = 8  # partnerships a page, two a row
NOTE_SHOWN = 80  # characters of a note on the summary; the rest is saved, not shown
TITLE_MOST = 120
PLACE_MOST = 120
NOTE_MOST = 600

# -- /new ------------------------------------------------------------------------------------


def new_menu(tr: Translator, roles: Roles) -> Reply:
    """What the sender may add: an exchange and a meeting series (coordinators and focal
    points), a milestone (coordinators)."""
    labelled: list[tuple[str, CallbackData]] = [
        ("📅 " + tr.gettext("Exchange"), New(EditTarget.EVENT))
    ]
    if roles.coordinator:
        labelled.append(("🏁 " + tr.gettext("Milestone"), New(EditTarget.MILESTONE)))
    labelled.append(("🔁 " + tr.gettext("Meeting series"), New(EditTarget.SERIES)))
    text = escape(tr.gettext("What would you like to add?"))
    return text, Keyboard([*grid(labelled, 1)])


def no_role(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Only the network's coordinators and the partnerships' focal points add "
            "exchanges and meetings here. A coordinator gives these roles with "
            "/{cmd_appoint}."
        ).format(cmd_appoint=command_names(tr.lang).get("cmd_appoint", "appoint"))
    )


def only_coordinators(tr: Translator) -> str:
    return escape(
        tr.gettext("Only the network's coordinators add and change milestones. Nothing changed.")
    )


def only_in_private(tr: Translator) -> str:
    return escape(tr.gettext("Please send this to me in our private chat."))


# -- the questions ---------------------------------------------------------------------------


def _cancel(tr: Translator) -> Button:
    return button("✖ " + tr.gettext("Cancel"), FormDo(FormAction.CANCEL))


def _skip(tr: Translator, step: FormStep) -> Button:
    return button("⏭ " + tr.gettext("Skip"), Fill(step, ""))


def _back(tr: Translator) -> Button:
    return button("◀ " + tr.gettext("Back to the summary"), FormDo(FormAction.BACK))


def _last_rows(tr: Translator, back: bool, *more: Button) -> list[list[Button]]:
    """The rows under every question: its own buttons, and leave (or back to the summary)."""
    rows = [[b] for b in more]
    rows.append([_back(tr)] if back else [_cancel(tr)])
    return rows


def ask_kind(tr: Translator, back: bool = False) -> Reply:
    labelled: list[tuple[str, CallbackData]] = [
        (f"{KIND_ICONS[kind]} {tr.gettext(KIND_LABELS[kind])}", Fill(FormStep.KIND, kind.value))
        for kind in EventKind
    ]
    rows = [*grid(labelled, 2), *_last_rows(tr, back)]
    return escape(tr.gettext("What kind of exchange?")), Keyboard(rows)


@dataclass(frozen=True)
class Choice:
    label: str
    data: ForWhom


def ask_whom(
    tr: Translator,
    partnerships: Sequence[Choice],
    others: Sequence[Choice],
    page: int,
    back: bool = False,
) -> Reply:
    """The partnerships the author may choose, a page of them, and (for coordinators) the
    phases and the whole network."""
    shown, page, pages = page_of(partnerships, page, WHOM_PER_PAGE)
    rows = grid([(c.label, c.data) for c in shown], 2)
    if nav := nav_row(WhomPage, page, pages):
        rows.append(nav)
    rows.extend(grid([(c.label, c.data) for c in others], 3))
    rows.extend(_last_rows(tr, back))
    return escape(tr.gettext("For whom is it?")), Keyboard(rows)


def ask_text(tr: Translator, step: FormStep, back: bool = False, problem: str = "") -> Reply:
    """A typed answer: the title, the place, the link, the note."""
    questions = {
        FormStep.TITLE: N_("Type the title, in your language (translations can follow)."),
        FormStep.PLACE: N_("Where does it take place? Type the place, or choose online."),
        FormStep.LINK: N_("Type the link to join (https://…), or skip."),
        FormStep.NOTE: N_("A note for the groups? Type it, or skip."),
    }
    text = escape(tr.gettext(questions[step]))
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    extra: list[Button] = []
    if step is FormStep.PLACE:
        extra.append(button("💻 " + tr.gettext("Online"), Fill(FormStep.PLACE, "online")))
    elif step in (FormStep.LINK, FormStep.NOTE):
        extra.append(_skip(tr, step))
    return text, Keyboard(_last_rows(tr, back, *extra))


def too_long(tr: Translator, most: int) -> str:
    return escape(
        tr.gettext("That is too long: at most {count} characters, please.").format(count=most)
    )


def not_a_link(tr: Translator) -> str:
    return escape(tr.gettext("That is no web link: it starts with https:// and has no spaces."))


def ask_moment(
    tr: Translator,
    step: FormStep,
    screen: Screen,
    back: bool = False,
    problem: str = "",
    timed: bool = True,
) -> Reply:
    """When it starts (or ends, or is due): typed, or picked on the calendar below."""
    questions = {
        FormStep.WHEN: N_("When does it start? Type it, e.g. “15 March 3 pm”, or pick:"),
        FormStep.END: N_("Until when? Type a time or a day, or pick; or skip:")
        if timed
        else N_("Until which day? Type it or pick; or skip if it is one day:"),
        FormStep.DUE: N_("When is it due? Type a day or a month (“March 2027”), or pick:"),
    }
    text = escape(tr.gettext(questions[step]))
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    extra = [_skip(tr, step)] if step is FormStep.END else []
    rows = _last_rows(tr, back, *extra)
    return f"{text}\n{screen.heading}", screen.keyboard(*rows)


def ends_too_early(tr: Translator) -> str:
    return escape(tr.gettext("That is before the start. Please give a later end."))


def ask_zone(
    tr: Translator, towns: Sequence[tuple[str, str]], back: bool = False, problem: str = ""
) -> Reply:
    """Whose clock the times are: a button per town (name, zone), or a typed town or zone."""
    text = escape(tr.gettext("Whose clock are these times? Choose, or type a town or a zone."))
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    labelled: list[tuple[str, CallbackData]] = [
        ("🕒 " + name, Fill(FormStep.ZONE, zone)) for name, zone in towns
    ]
    return text, Keyboard([*grid(labelled, 2), *_last_rows(tr, back)])


def unknown_zone(tr: Translator) -> str:
    return escape(tr.gettext("I know no town or time zone by that name."))


def ask_phase(tr: Translator, phases: Sequence[tuple[str, str]], back: bool = False) -> Reply:
    labelled: list[tuple[str, CallbackData]] = [
        (name, Fill(FormStep.PHASE, pid)) for name, pid in phases
    ]
    rows = [*grid(labelled, 3), *_last_rows(tr, back)]
    return escape(tr.gettext("Which phase is the milestone of?")), Keyboard(rows)


def ask_position(tr: Translator, after: str | None, back: bool = False, problem: str = "") -> Reply:
    """Where it goes in the phase's list: after the last (the button), or a typed number."""
    text = escape(tr.gettext("Where in the phase's list? Type its number, or:"))
    if problem:
        text = f"⚠️ {problem}\n\n{text}"
    if after:
        text += "\n" + fill(tr.gettext("The last one now: “{title}”."), title=escape(after))
    label = "⬇ " + tr.gettext("At the end")
    return text, Keyboard(_last_rows(tr, back, button(label, Fill(FormStep.POSITION, ""))))


def not_a_position(tr: Translator) -> str:
    return escape(tr.gettext("Please type a whole number, such as 3."))


# -- the summary -----------------------------------------------------------------------------

EVENT_FIELDS: Sequence[tuple[FormStep, str]] = (
    (FormStep.KIND, N_("Kind")),
    (FormStep.FOR, N_("For whom")),
    (FormStep.TITLE, N_("Title")),
    (FormStep.WHEN, N_("Start")),
    (FormStep.END, N_("End")),
    (FormStep.PLACE, N_("Place")),
    (FormStep.ZONE, N_("Time zone")),
    (FormStep.LINK, N_("Link")),
    (FormStep.TRAVELLING, N_("Who travels")),
    (FormStep.NOTE, N_("Note")),
)
MILESTONE_FIELDS: Sequence[tuple[FormStep, str]] = (
    (FormStep.PHASE, N_("Phase")),
    (FormStep.TITLE, N_("Title")),
    (FormStep.DUE, N_("Due")),
    (FormStep.POSITION, N_("Position")),
)


@dataclass(frozen=True)
class Summary:
    """What the summary screen shows, already in the author's language (HTML lines)."""

    target: EditTarget
    record_id: str | None  # None: not saved yet
    lines: Sequence[str]
    steps: Sequence[FormStep]  # the fields offered for a change
    untranslated: bool = False  # some of the five languages lack its title


def summary(tr: Translator, shown: Summary) -> Reply:
    """One screen: the record as it will be saved, ✅, a button per field, ✖ (and, for a
    saved record, 📜, 🌐 and 🗑)."""
    if shown.record_id is None:
        head = (
            tr.gettext("New exchange")
            if shown.target is EditTarget.EVENT
            else tr.gettext("New milestone")
        )
    else:
        head = (
            tr.gettext("Change this exchange")
            if shown.target is EditTarget.EVENT
            else tr.gettext("Change this milestone")
        )
    tail = escape(tr.gettext("Save it, or change a part:"))
    room = SCREEN_ROOM - 2 - screen_lines(tail)
    lines: list[str] = []
    for line in shown.lines:
        if screen_lines(line) > room:
            break
        lines.append(line)
        room -= screen_lines(line)
    text = "\n".join([f"<b>✏️ {escape(head)}</b>", *lines, "", tail])
    fields = dict(EVENT_FIELDS if shown.target is EditTarget.EVENT else MILESTONE_FIELDS)
    labelled: list[tuple[str, CallbackData]] = [
        (tr.gettext(fields[step]), Change(step)) for step in shown.steps
    ]
    rows: list[list[Button]] = [
        [
            button("✅ " + tr.gettext("Save"), FormDo(FormAction.SAVE), 2),
            button("✖ " + tr.gettext("Cancel"), FormDo(FormAction.CANCEL), 2),
        ],
        *grid(labelled, 3),
    ]
    if shown.record_id is not None:
        rows.append([button("📜 " + tr.gettext("History"), History(shown.target, shown.record_id))])
        if shown.untranslated:
            label = "🌐 " + tr.gettext("Add a translation")
            rows.append([button(label, Translate(shown.target, shown.record_id))])
        remove = (
            tr.gettext("Cancel this exchange")
            if shown.target is EditTarget.EVENT
            else tr.gettext("Remove this milestone")
        )
        rows.append([button("🗑 " + remove, FormDo(FormAction.REMOVE))])
    return fit(text), Keyboard(rows)


@dataclass(frozen=True)
class EventShown:
    """An event as its summary shows it (from the draft: parts may still be missing)."""

    kind: EventKind
    who: str  # the partnership's towns, the phase, or the whole network, by name
    title: str
    start: TypedMoment | PartialDate | None
    end: TypedMoment | PartialDate | None
    zone: ZoneInfo  # of the times
    others: Sequence[ZoneInfo]  # the partnership's towns' and the author's
    online: bool
    link: str | None
    place: str | None
    note: str | None
    travelling: str | None = None
    """Whose town's people travel, by name; "" nobody (or not known); None: not asked."""


def event_lines(tr: Translator, event: EventShown) -> list[str]:
    """Kind and whom, title, start (the day in the author's language, the time in each
    town as tg-time), end, place or online, note."""
    kind = escape(tr.gettext(KIND_LABELS[event.kind]))
    lines = [
        f"{KIND_ICONS[event.kind]} <b>{kind}</b> · {escape(event.who)}",
        f"<b>{escape(event.title)}</b>",
    ]
    if event.start is not None:
        lines.append("📅 " + _moment(tr, event.start, event.zone, event.others))
    if event.end is not None:
        lines.append("⏹ " + _moment(tr, event.end, event.zone, ()))
    if event.online:
        link = f" · {escape(event.link)}" if event.link else ""
        lines.append("💻 " + escape(tr.gettext("online")) + link)
    elif event.place:
        lines.append("📍 " + escape(event.place))
    if event.travelling is not None:
        lines.append("🧳 " + escape(travellers(tr, event.travelling)))
    if event.note:
        lines.append("📝 " + escape(short(event.note)))
    return lines


def travellers(tr: Translator, town: str) -> str:
    if not town:
        return tr.gettext("Nobody travels, or not known yet")
    return tr.gettext("People from {town} travel").format(town=town)


def ask_travelling(tr: Translator, north: str, south: str, back: bool = False) -> Reply:
    """Whose town's people travel: it picks the exchange's checklist."""
    text = escape(tr.gettext("Who travels? It gives the exchange its checklist."))
    labelled: list[tuple[str, CallbackData]] = [
        ("🧳 " + tr.gettext("From {town}").format(town=north), Fill(FormStep.TRAVELLING, "north")),
        ("🧳 " + tr.gettext("From {town}").format(town=south), Fill(FormStep.TRAVELLING, "south")),
    ]
    nobody = button("— " + tr.gettext("Nobody, or not known"), Fill(FormStep.TRAVELLING, ""))
    return text, Keyboard([*grid(labelled, 2), *_last_rows(tr, back, nobody)])


def _moment(
    tr: Translator, moment: TypedMoment | PartialDate, zone: ZoneInfo, others: Sequence[ZoneInfo]
) -> str:
    if isinstance(moment, PartialDate):
        return escape(partial_date(tr, moment))
    return confirmation(tr, moment, zone, others)


@dataclass(frozen=True)
class MilestoneShown:
    phase: str
    title: str
    due: PartialDate | None
    position: int


def milestone_lines(tr: Translator, milestone: MilestoneShown) -> list[str]:
    lines = [f"🏁 {escape(milestone.phase)}", f"<b>{escape(milestone.title)}</b>"]
    if milestone.due is not None:
        lines.append("📅 " + escape(partial_date(tr, milestone.due)))
    number = tr.gettext("No. {number} in the phase").format(number=milestone.position)
    return [*lines, "🔢 " + escape(number)]


def short(text: str, most: int = NOTE_SHOWN) -> str:
    """A long text cut at a word for the summary (the whole of it is saved)."""
    if len(text) <= most:
        return text
    return text[:most].rsplit(" ", 1)[0] + "…"


def confirm_removal(tr: Translator, target: EditTarget, title: str) -> Reply:
    question = (
        tr.gettext(
            "Cancel the exchange “{title}”? It leaves the calendar and its reminders stop; "
            "groups are not told."
        )
        if target is EditTarget.EVENT
        else tr.gettext("Remove the milestone “{title}”?")
    )
    rows = [
        [button("🗑 " + tr.gettext("Yes, remove it"), FormDo(FormAction.REMOVE_SURE))],
        [_back(tr)],
    ]
    return fill(question, title=escape(title)), Keyboard(rows)


def left(tr: Translator) -> str:
    return escape(tr.gettext("Left without saving: nothing was changed."))


def nothing_to_cancel(tr: Translator) -> str:
    return escape(tr.gettext("There is nothing to cancel."))


def gone(tr: Translator) -> str:
    return escape(tr.gettext("This is no longer in the network: nothing was changed."))


def stale(tr: Translator) -> str:
    """A press of a form's button after the form was left or saved."""
    return tr.gettext("This form is closed. Send /{cmd_new} to start again.").format(
        **command_names(tr.lang)
    )
