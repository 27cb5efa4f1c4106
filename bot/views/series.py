"""A meeting series made or changed from the private chat: each step's question and
buttons, the summary with a button per field, and the end of a series."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import LANGUAGES, LocalizedText, MeetingSeries, PartnershipView
from bot.telegram.callbacks import CallbackData, button, grid
from bot.telegram.edit_callbacks import EditTarget, History, SeriesAct, SeriesDo
from bot.telegram.limits import Button, Keyboard
from bot.text import cldr
from bot.text.i18n import N_, I18n, Translator
from bot.text.markup import escape, fill
from bot.text.moments import time_there, when

WEEKS = (1, 2, 3, 4, 6, 8)
"""The rhythms offered as buttons: every N weeks."""
WEEKDAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
PARTNERSHIP_BUTTONS = 8
"""Partnerships offered as buttons; with more, the author types a town's name."""
_SIMPLE = re.compile(r"^FREQ=WEEKLY;INTERVAL=([0-9]{1,2});BYDAY=(MO|TU|WE|TH|FR|SA|SU)$")

DEFAULT_TITLE = N_("Virtual meeting {north} – {south}")


def rule(every: int, weekday: str) -> str:
    return f"FREQ=WEEKLY;INTERVAL={every};BYDAY={weekday}"


def simple_rule(text: str) -> tuple[int, str] | None:
    """(weeks, weekday) of a rule this conversation makes; None for any other rule."""
    found = _SIMPLE.match(text.upper().replace(" ", ""))
    return (int(found[1]), found[2]) if found else None


def weekday_name(tr: Translator, weekday: str) -> str:
    """'Tuesday', 'martes': CLDR's wide name (1 January 2024 was a Monday)."""
    return cldr.apply((("E", 4),), date(2024, 1, 1 + WEEKDAYS.index(weekday)), tr.lang)


def next_weekday(today: date, weekday: str) -> date:
    """The next such weekday from today on (today included)."""
    return today + timedelta(days=(WEEKDAYS.index(weekday) - today.weekday()) % 7)


def default_title(i18n: I18n, lang: str, view: PartnershipView) -> LocalizedText:
    """'Virtual meeting Bonn – La Paz' in every language, the author's first (the original)."""
    order = [lang, *(other for other in LANGUAGES if other != lang)]
    return LocalizedText(
        tuple(
            (
                code,
                i18n.translator(code)
                .gettext(DEFAULT_TITLE)
                .format(north=view.north.name.get(code), south=view.south.name.get(code)),
            )
            for code in order
        )
    )


@dataclass(frozen=True)
class Draft:
    """What the author chose so far, as the summary shows it."""

    partnership: PartnershipView | None
    title: LocalizedText | None
    every: int | None
    weekday: str | None
    at: time | None
    zone: str | None
    first: datetime | None  # naive local, in `zone`
    link: str | None
    editing: str | None  # the id of the series changed; None for a new one
    rule: str | None = None  # a stored rule this conversation does not make (kept)


def _act(act: SeriesDo, value: str = "") -> SeriesAct:
    return SeriesAct(act, value)


def close_row(tr: Translator) -> list[Button]:
    return [button(tr.gettext("✖ Close"), _act(SeriesDo.CLOSE))]


def _heading(tr: Translator, draft: Draft) -> str:
    if draft.editing is not None and draft.title is not None:
        return "🗓 <b>" + escape(draft.title.get(tr.lang)) + "</b>"
    return "🗓 <b>" + escape(tr.gettext("New meeting series")) + "</b>"


def ask_partnership(
    tr: Translator, draft: Draft, found: Sequence[PartnershipView], more: bool
) -> tuple[str, Keyboard]:
    lines = [_heading(tr, draft), escape(tr.gettext("For which partnership?"))]
    if more:
        lines.append(escape(tr.gettext("Or type a town's name to find it.")))
    if not found:
        lines.append(escape(tr.gettext("No partnership of yours has that name.")))
    labelled: list[tuple[str, CallbackData]] = [
        (v.pair_name(tr.lang), _act(SeriesDo.PARTNERSHIP, v.partnership.id))
        for v in found[:PARTNERSHIP_BUTTONS]
    ]
    return "\n".join(lines), Keyboard([*grid(labelled, 2), close_row(tr)])


def ask_title(tr: Translator, draft: Draft, default: str) -> tuple[str, Keyboard]:
    lines = [
        _heading(tr, draft),
        escape(tr.gettext("Its title? Type it, or take this one:")),
        "<i>" + escape(default) + "</i>",
    ]
    rows = [[button(tr.gettext("✅ Take this title"), _act(SeriesDo.TITLE))], close_row(tr)]
    return "\n".join(lines), Keyboard(rows)


def every_label(tr: Translator, weeks: int) -> str:
    if weeks == 1:
        return tr.gettext("every week")
    return tr.ngettext("every {n} week", "every {n} weeks", weeks).format(n=weeks)


def ask_every(tr: Translator, draft: Draft) -> tuple[str, Keyboard]:
    lines = [_heading(tr, draft), escape(tr.gettext("How often does it meet?"))]
    labelled: list[tuple[str, CallbackData]] = [
        (every_label(tr, weeks), _act(SeriesDo.EVERY, str(weeks))) for weeks in WEEKS
    ]
    return "\n".join(lines), Keyboard([*grid(labelled, 2), close_row(tr)])


def ask_weekday(tr: Translator, draft: Draft) -> tuple[str, Keyboard]:
    lines = [_heading(tr, draft), escape(tr.gettext("On which day of the week?"))]
    labelled: list[tuple[str, CallbackData]] = [
        (weekday_name(tr, day), _act(SeriesDo.WEEKDAY, day)) for day in WEEKDAYS
    ]
    return "\n".join(lines), Keyboard([*grid(labelled, 2), close_row(tr)])


def ask_time(
    tr: Translator, draft: Draft, rows: Sequence[Sequence[Button]]
) -> tuple[str, Keyboard]:
    lines = [
        _heading(tr, draft),
        escape(tr.gettext("At what time? Pick it, or type it (for example “3 pm”).")),
    ]
    return "\n".join(lines), Keyboard([*rows, close_row(tr)])


def ask_zone(tr: Translator, draft: Draft) -> tuple[str, Keyboard]:
    assert draft.partnership is not None and draft.at is not None
    lines = [
        _heading(tr, draft),
        escape(tr.gettext("That time as the clocks show it in which town?")),
    ]
    towns = (draft.partnership.north, draft.partnership.south)
    labelled: list[tuple[str, CallbackData]] = [
        (town.name.get(tr.lang), _act(SeriesDo.ZONE, side))
        for town, side in zip(towns, ("north", "south"), strict=True)
    ]
    if towns[0].timezone == towns[1].timezone:
        labelled = labelled[:1]
    return "\n".join(lines), Keyboard([*grid(labelled, 2), close_row(tr)])


def _times(tr: Translator, start: datetime, draft: Draft, zone: ZoneInfo) -> str:
    text = when(tr, start, zone)
    if draft.partnership is not None:
        towns = [
            time_there(tr, start, ZoneInfo(t.timezone), t.name.get(tr.lang))
            for t in (draft.partnership.north, draft.partnership.south)
        ]
        text += "\n" + " · ".join(towns)
    return text


def ask_first(
    tr: Translator, draft: Draft, suggested: datetime, zone: ZoneInfo, problem: str = ""
) -> tuple[str, Keyboard]:
    assert draft.zone is not None
    lines = [problem] if problem else []
    lines += [
        _heading(tr, draft),
        escape(tr.gettext("The first meeting? Take this one, or type another day:")),
        _times(tr, suggested.replace(tzinfo=ZoneInfo(draft.zone)), draft, zone),
    ]
    rows = [[button(tr.gettext("✅ Take this day"), _act(SeriesDo.FIRST))], close_row(tr)]
    return "\n".join(lines), Keyboard(rows)


def not_that_weekday(tr: Translator, weekday: str) -> str:
    said = tr.gettext("The series meets on {weekday}: please give such a day.")
    return "⚠️ " + escape(said.format(weekday=weekday_name(tr, weekday)))


def ask_link(tr: Translator, draft: Draft, problem: str = "") -> tuple[str, Keyboard]:
    lines = [problem] if problem else []
    lines += [
        _heading(tr, draft),
        escape(tr.gettext("The link to join (https://…)? Type it, or go on without one.")),
    ]
    rows = [[button(tr.gettext("⏭ No link"), _act(SeriesDo.NO_LINK))], close_row(tr)]
    return "\n".join(lines), Keyboard(rows)


def not_a_link(tr: Translator) -> str:
    return "⚠️ " + escape(tr.gettext("Please give a web link starting with https://"))


FIELDS = ("title", "every", "weekday", "time", "zone", "first", "link")
FIELD_BUTTONS = {
    "title": N_("Title"),
    "every": N_("Rhythm"),
    "weekday": N_("Day"),
    "time": N_("Time"),
    "zone": N_("Town's clock"),
    "first": N_("First meeting"),
    "link": N_("Link"),
}


def summary(tr: Translator, draft: Draft, zone: ZoneInfo) -> tuple[str, Keyboard]:
    """Everything the series will be, with a button per field, ✅ and (for a stored one)
    📜 and 🗑."""
    assert draft.partnership is not None and draft.title is not None
    assert draft.at is not None and draft.zone is not None and draft.first is not None
    series_zone = ZoneInfo(draft.zone)
    first = draft.first.replace(tzinfo=series_zone)
    town = next(
        (
            t.name.get(tr.lang)
            for t in (draft.partnership.north, draft.partnership.south)
            if t.timezone == draft.zone
        ),
        None,
    )
    at = time_there(tr, first, series_zone, town)
    if draft.every is not None and draft.weekday is not None:
        rhythm = fill(
            tr.gettext("{every}, {weekday}, {time}"),
            every=escape(every_label(tr, draft.every)),
            weekday=escape(weekday_name(tr, draft.weekday)),
            time=at,
        )
    else:  # a rule from an import: shown as it is until the rhythm is chosen anew
        rhythm = f"<code>{escape(draft.rule or '')}</code>, {at}"
    lines = [
        "🗓 <b>" + escape(draft.title.get(tr.lang)) + "</b>",
        "🤝 " + escape(draft.partnership.pair_name(tr.lang)),
        "🔁 " + rhythm,
        "📅 " + fill(tr.gettext("First: {when}"), when=_times(tr, first, draft, zone)),
        "🔗 " + escape(draft.link or tr.gettext("no link")),
    ]
    labelled: list[tuple[str, CallbackData]] = [
        ("✏️ " + tr.gettext(FIELD_BUTTONS[name]), _act(SeriesDo.FIELD, name)) for name in FIELDS
    ]
    rows = grid(labelled, 3)
    last = [button(tr.gettext("✅ Save"), _act(SeriesDo.SAVE), 2)]
    if draft.editing is not None:
        rows.append(
            [
                button(tr.gettext("📜 History"), History(EditTarget.SERIES, draft.editing), 2),
                button(tr.gettext("🗑 End the series"), _act(SeriesDo.END), 2),
            ]
        )
    last.append(button(tr.gettext("✖ Close"), _act(SeriesDo.CLOSE), 2))
    rows.append(last)
    return "\n".join(lines), Keyboard(rows)


def confirm_end(tr: Translator, series: MeetingSeries) -> tuple[str, Keyboard]:
    lines = [
        "🗑 <b>" + escape(series.title.get(tr.lang)) + "</b>",
        escape(
            tr.gettext(
                "End this series? Its meetings leave the calendar and no more invitations go out."
            )
        ),
    ]
    rows = [
        [
            button(tr.gettext("🗑 End it"), _act(SeriesDo.END_YES), 2),
            button(tr.gettext("◀ Back"), _act(SeriesDo.SUMMARY), 2),
        ]
    ]
    return "\n".join(lines), Keyboard(rows)


def closed(tr: Translator) -> str:
    return escape(tr.gettext("Closed. Nothing was changed."))


def gone(tr: Translator) -> str:
    return tr.gettext("This meeting series is no longer in the network.")
