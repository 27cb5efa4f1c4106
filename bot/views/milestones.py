"""Phases and their milestones: which are open, which phase is meant, how they read."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from telegram import InlineKeyboardMarkup

from bot.model.domain import Milestone, PartialDate, Phase, Programme
from bot.telegram.callbacks import CallbackData, MilestonePage, PhaseMilestones, button, grid
from bot.telegram.commands import command
from bot.telegram.edit_callbacks import Edit, EditTarget
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, fit, screen_lines
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.dates import days_until, partial_date
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.common import example_label, marked

PHASES_PER_ROW = 3  # at most: longer names take fewer neighbours
EDITS_A_ROW = 5
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
    title = escape(marked(m.title, tr.lang))
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


def phase_list(phases: Sequence[Phase], programmes: Sequence[Programme], tr: Translator) -> str:
    """/phases: each programme's name once, then its phases a line each (their regions and
    milestones are behind the buttons)."""
    parts = []
    known = {p.id for p in programmes}
    for programme in [*programmes, None]:
        mine = [
            p
            for p in phases
            if (p.programme_id == programme.id if programme else p.programme_id not in known)
        ]
        if not mine:
            continue
        lines = [f"<b>{escape(programme.name.get(tr.lang))}</b>"] if programme else []
        if programme is not None and programme.example:
            lines[0] += " · " + example_label(tr)
        lines += [_phase_line(p, tr) for p in mine]
        parts.append("\n".join(lines))
    parts.append(escape(tr.gettext("Pick a phase for its milestones:")))
    return fit("\n\n".join(parts))


def _phase_line(phase: Phase, tr: Translator) -> str:
    """'Phase 2 · 2012 – 2014': the years only, one line on a phone."""
    years = [d.year for d in (phase.starts, phase.ends) if d is not None and d.year is not None]
    span = " – ".join(str(y) for y in dict.fromkeys(years))
    return escape(phase.name.get(tr.lang)) + (f" · {span}" if span else "")


def render_phase(
    phase: Phase,
    programme: Programme | None,
    milestones: Sequence[Milestone],
    tr: Translator,
    today: date,
    page: int = 0,
    editable: bool = False,
) -> tuple[str, list[Button]]:
    """A phase and a screen of its milestones, and the ◀ ▶ row to the others; for a
    coordinator in private (`editable`), a numbered ✏️ for each milestone shown."""
    head = phase_heading(phase, programme, tr)
    mine = sorted((m for m in milestones if m.phase_id == phase.id), key=lambda m: m.position)
    lines = [
        (f"{n}. " if editable else "") + milestone_line(m, tr, today)
        for n, m in enumerate(mine, start=1)
    ] or [escape(tr.gettext("The documents name no milestones for this phase."))]
    tail = []
    if phase.example:
        note = tr.gettext(
            "Example data, dated from today so there is something upcoming to see; "
            "it is not part of the documented network."
        )
        tail = ["<i>" + escape(note) + "</i>"]
    room = SCREEN_ROOM - screen_lines(head) - 1 - sum(screen_lines(t) + 1 for t in tail)
    shown, page, more = page_by_lines(lines, screen_lines, room, page)
    text = "\n\n".join([head, "\n".join(shown), *tail])
    nav = nav_row(lambda n: MilestonePage(phase.id, n), page, page + 1 + more)
    if editable and mine:
        first = lines.index(shown[0])
        pencils = [
            button(f"✏️ {first + i + 1}", Edit(EditTarget.MILESTONE, m.id), EDITS_A_ROW)
            for i, m in enumerate(mine[first : first + len(shown)])
        ]
        nav = [*nav, *pencils]
    return fit(text), nav


def render_overview(
    pending: Sequence[tuple[Phase, Sequence[Milestone]]],
    tr: Translator,
    today: date,
) -> str:
    """The next open milestones of the phases whose deadlines come first: as many phases
    as fit on the screen (the buttons lead to every phase)."""
    if not pending:
        return fit(
            escape(
                tr.gettext(
                    "No phase has open milestones right now. Pick a phase to see its milestones:"
                )
            )
        )
    first = escape(tr.gettext("Open milestones:"))
    last = escape(tr.gettext("Pick a phase for its milestones:"))
    # Each phase's next milestone first, then its second where room is left; a phase's
    # heading goes with its first, after an empty line.
    room = SCREEN_ROOM - screen_lines(first) - screen_lines(last) - 1
    headings = [_short_heading(phase, tr) for phase, _ in pending]  # the rest is a press away
    chosen: set[tuple[int, int]] = set()
    for rank in range(OPEN_SHOWN):
        for index, (_phase, open_ones) in enumerate(pending):
            if rank >= len(open_ones):
                continue
            line = milestone_line(open_ones[rank], tr, today)
            height = screen_lines(line) + (screen_lines(headings[index]) + 1 if rank == 0 else 0)
            if height > room and chosen:
                continue
            if rank == 0 or (index, 0) in chosen:
                chosen.add((index, rank))
                room -= height
    shown = [
        (f"\n{headings[index]}\n" if rank == 0 else "") + milestone_line(m, tr, today)
        for index, (_phase, open_ones) in enumerate(pending)
        for rank, m in enumerate(open_ones[:OPEN_SHOWN])
        if (index, rank) in chosen
    ]
    return fit("\n".join([first, *shown, "", last]))


def _short_heading(phase: Phase, tr: Translator) -> str:
    head = f"<b>{escape(phase.name.get(tr.lang))}</b>"
    return head + (" · " + example_label(tr) if phase.example else "")


def unknown_phase(text: str, phases: Sequence[Phase], tr: Translator) -> str:
    names = tr.format_list([escape(p.name.get(tr.lang)) for p in phases], "or")
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


def phase_keyboard(
    phases: Sequence[Phase], tr: Translator, nav: Sequence[Button] = ()
) -> InlineKeyboardMarkup:
    """A button per phase (and ◀ ▶ above them when a phase's milestones take pages)."""
    labelled: list[tuple[str, CallbackData]] = [
        (p.name.get(tr.lang), PhaseMilestones(p.id)) for p in phases
    ]
    rows = grid(labelled, PHASES_PER_ROW)
    # ◀ ▶ and the ✏️ (when a coordinator reads) in rows of up to five, above the phases.
    above = [list(nav[i : i + EDITS_A_ROW]) for i in range(0, len(nav), EDITS_A_ROW)]
    return Keyboard([*above, *rows])
