"""Phases and their milestones: which are open, which phase is meant, how they read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.model.domain import Milestone, PartialDate, Phase, Programme
from bot.telegram.callbacks import PhaseMilestones, button
from bot.telegram.commands import command
from bot.telegram.limits import Keyboard, fit
from bot.text.dates import days_until, partial_date
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.common import example_label

PHASES_PER_ROW = 3
OPEN_SHOWN = 2  # in the overview, the next two open milestones of each phase


def is_open(due: PartialDate, today: date) -> bool:
    """Not yet past: a month-precision deadline stays open until the month is over."""
    latest = due.latest()  # None: the year is unknown, neither done nor open
    return latest is not None and latest >= (today.year, today.month, today.day)


def is_done(due: PartialDate, today: date) -> bool:
    return due.year is not None and not is_open(due, today)


def phase_by_id(phases: Iterable[Phase], phase_id: str) -> Phase | None:
    return next((p for p in phases if p.id == phase_id), None)


def open_phases(
    phases: Sequence[Phase], milestones: Sequence[Milestone], today: date
) -> list[tuple[Phase, list[Milestone]]]:
    """Phases with open milestones, the one with the nearest deadline first."""
    found = []
    for phase in phases:
        pending = [m for m in milestones if m.phase_id == phase.id and is_open(m.due, today)]
        if pending:
            pending.sort(key=lambda m: m.position)
            found.append((phase, pending))
    found.sort(key=lambda item: min(m.due.latest() or (9999, 12, 31) for m in item[1]))
    return found


def milestone_line(m: Milestone, tr: Translator, today: date) -> str:
    when = escape(partial_date(tr, m.due))
    title = escape(m.title.get(tr.lang))
    if is_done(m.due, today):
        return f"✅ {when} — {title}"
    if m.due.year is None:
        unknown_year = escape(tr.gettext("year not given"))
        return f"❔ {when} ({unknown_year}) — {title}"
    due_day = m.due.as_date()
    hint = f" · <b>{escape(days_until(tr, due_day, today))}</b>" if due_day else ""
    return f"⏳ {when}{hint} — {title}"


def phase_heading(phase: Phase, programme: Programme | None, tr: Translator) -> str:
    head = f"<b>{escape(phase.name.get(tr.lang))}</b>"
    if programme is not None:
        head += f" · {escape(programme.name.get(tr.lang))}"
    if phase.example:
        head += " · " + example_label(tr)
    details = []
    if phase.region is not None:
        details.append(escape(phase.region.get(tr.lang)))
    if phase.starts is not None:
        span = partial_date(tr, phase.starts)
        if phase.ends is not None:
            span += " – " + partial_date(tr, phase.ends)
        details.append(escape(span))
    return head + ("\n" + " · ".join(details) if details else "")


def render_phase(
    phase: Phase,
    programme: Programme | None,
    milestones: Sequence[Milestone],
    tr: Translator,
    today: date,
) -> str:
    lines = [phase_heading(phase, programme, tr), ""]
    mine = sorted((m for m in milestones if m.phase_id == phase.id), key=lambda m: m.position)
    lines += [milestone_line(m, tr, today) for m in mine] or [
        escape(tr.gettext("The documents name no milestones for this phase."))
    ]
    if phase.example:
        lines += [
            "",
            "<i>"
            + escape(
                tr.gettext(
                    "Example data, dated from today so there is something upcoming to see; "
                    "it is not part of the documented network."
                )
            )
            + "</i>",
        ]
    return fit("\n".join(lines))


def render_overview(
    pending: Sequence[tuple[Phase, Sequence[Milestone]]],
    programmes: dict[str, Programme],
    tr: Translator,
    today: date,
) -> str:
    if not pending:
        return fit(
            escape(
                tr.gettext(
                    "No phase has open milestones right now. Pick a phase to see its milestones:"
                )
            )
        )
    parts = [escape(tr.gettext("Open milestones:"))]
    for phase, open_ones in pending:
        lines = [phase_heading(phase, programmes.get(phase.programme_id), tr)]
        lines += [milestone_line(m, tr, today) for m in open_ones[:OPEN_SHOWN]]
        parts.append("\n".join(lines))
    parts.append(
        escape(
            tr.gettext("All milestones of a phase: /{cmd_milestones} 4, or pick one:").format(
                cmd_milestones=command("milestones").name_in(tr.lang)
            )
        )
    )
    return fit("\n\n".join(parts))


def unknown_phase(text: str, phases: Sequence[Phase], tr: Translator) -> str:
    names = ", ".join(escape(p.name.get(tr.lang)) for p in phases)
    return fit(
        tr.gettext(
            "I know no phase “{given}”. Type a number such as /{cmd_milestones} 4, or pick one: "
            "{phases}"
        ).format(
            given=escape(text[:40]),
            phases=names,
            cmd_milestones=command("milestones").name_in(tr.lang),
        )
    )


def phase_keyboard(phases: Sequence[Phase], tr: Translator) -> InlineKeyboardMarkup:
    buttons = [button(p.name.get(tr.lang), PhaseMilestones(p.id)) for p in phases]
    rows = [buttons[i : i + PHASES_PER_ROW] for i in range(0, len(buttons), PHASES_PER_ROW)]
    return Keyboard(rows)
