"""A typed or picked moment shown back to its author before it is saved, and why one was
refused.

The confirmation gives the day in the author's language and the time in each town that
matters (the place's first, then the partnership's towns and the reader's), every clock
time inside Telegram's date_time entity without a format, so each stays that town's:
"Mon, Mar 15, 2027, 15:00 La Paz · 20:00 Berlin". A town where it is already another
day says which.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from zoneinfo import ZoneInfo

from bot.text import cldr, places
from bot.text.i18n import N_, Translator
from bot.text.markup import escape, fill
from bot.text.moments import clock_there, time_there
from bot.text.typed_dates import MAX_YEARS_AHEAD, Problem, TypedMoment

PROBLEMS: Mapping[Problem, str] = {
    Problem.NOT_A_DATE: N_(
        "I could not read a date in that. Try, for example, “15 March 2027 15:00”."
    ),
    Problem.NO_DAY: N_("Which day? Add the day, for example “15 March 15:00”."),
    Problem.NOT_A_TIME: N_("I could not read a time in that. Try, for example, “15:00”."),
    Problem.IN_THE_PAST: N_("That day has passed. Please give a day from today on."),
    Problem.NO_SUCH_TIME: N_(
        "That time does not exist that day in {town}: the clocks go forward. "
        "Please give another time."
    ),
    Problem.ZONE_TYPED: N_(
        "Please give the time as the clocks show it in {town}, without a time zone."
    ),
}


def problem_text(tr: Translator, problem: Problem, zone: ZoneInfo | None = None) -> str:
    """Why the typed or picked moment is refused, politely, in the author's language (HTML).
    `zone` names the town whose clocks count."""
    if problem is Problem.TOO_FAR:
        template = tr.ngettext(
            "That is more than {years} year ahead. Please give an earlier day.",
            "That is more than {years} years ahead. Please give an earlier day.",
            MAX_YEARS_AHEAD,
        )
        return escape(template.format(years=MAX_YEARS_AHEAD))
    town = escape(places.city(zone, tr.lang)) if zone is not None else ""
    return fill(tr.gettext(PROBLEMS[problem]), town=town)


def confirmation(
    tr: Translator, moment: TypedMoment, zone: ZoneInfo, others: Sequence[ZoneInfo] = ()
) -> str:
    """The moment as its author will confirm it (HTML): the day, and the time in `zone`
    (the place's) and in each of `others` that keeps another clock."""
    if moment.month_only:
        return escape(tr.format_month(moment.day))
    day = escape(cldr.skeleton("yMMMEd", moment.day, tr.lang))
    start = moment.start(zone)
    if start is None:
        return day
    towns = [time_there(tr, start, zone)]
    shown = {places.city(zone, tr.lang)}
    for other in others:
        name = places.city(other, tr.lang)
        if name in shown:
            continue
        shown.add(name)
        there = time_there(tr, start, other)
        local_day = start.astimezone(other).date()
        if local_day != moment.day:
            there += f" ({escape(_weekday(tr, local_day))})"
        towns.append(there)
    line = f"{day}, {' · '.join(towns)}"
    if moment.ambiguous:
        note = tr.gettext(
            "{time} comes twice that night in {town} (the clocks go back): the first one is meant."
        )
        town = escape(places.city(zone, tr.lang))
        line += "\n" + fill(note, time=clock_there(tr, start, zone), town=town)
    return line


def _weekday(tr: Translator, day: date) -> str:
    return cldr.apply((("E", 3),), day, tr.lang)
