"""The RSVP buttons under a meeting invitation: yes / no / maybe with this chat's tally."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from telegram import InlineKeyboardMarkup

from bot.model.chats import RsvpAnswer
from bot.model.posts import Invitation
from bot.telegram.callbacks import Answer, CalendarFile, CalendarOf, Rsvp, button
from bot.telegram.edit_callbacks import NamesShown, RsvpNames
from bot.telegram.limits import LINE_WIDTH, SCREEN_LINES, Button, Keyboard, screen_lines, shorten
from bot.text.i18n import N_, Translator
from bot.views.agenda import agenda_row

ANSWERS: Mapping[Answer, RsvpAnswer] = {
    Answer.YES: RsvpAnswer.YES,
    Answer.NO: RsvpAnswer.NO,
    Answer.MAYBE: RsvpAnswer.MAYBE,
}
ICONS: Mapping[RsvpAnswer, str] = {
    RsvpAnswer.YES: "✅",
    RsvpAnswer.NO: "❌",
    RsvpAnswer.MAYBE: "❔",
}
WORDS: Mapping[RsvpAnswer, str] = {
    RsvpAnswer.YES: N_("yes"),
    RsvpAnswer.NO: N_("no"),
    RsvpAnswer.MAYBE: N_("maybe"),
}


def rsvp_keyboard(
    delivery_id: int,
    invitation: Invitation,
    tally: Mapping[RsvpAnswer, int],
    tr: Translator,
    names_shown: bool = False,
) -> InlineKeyboardMarkup:
    """Yes / no / maybe with the tally on the buttons (readable in every language), 👥 to
    show who answered what (🔢 back to the counts alone), and the calendar file and 📝
    (add to the agenda) in the chat's first language."""
    per_row = len(ANSWERS) + 1
    answers = [
        button(f"{ICONS[answer]} {tally.get(answer, 0)}", Rsvp(code, delivery_id), per_row)
        for code, answer in ANSWERS.items()
    ]
    toggle = (
        button("🔢", RsvpNames(NamesShown.COUNTS, delivery_id), per_row)
        if names_shown
        else button("👥", RsvpNames(NamesShown.NAMES, delivery_id), per_row)
    )
    calendar = [_calendar_button(invitation.series_id, tr)]
    return Keyboard([[*answers, toggle], calendar, agenda_row(delivery_id, tr)])


MAX_NAMES = 5
"""Names on one answer's line at most; the others are counted ("+3")."""
NAME_ROOM = 16
"""Characters of one name at most (a long one ends with "…")."""

Answerer = tuple[int, str | None, RsvpAnswer]


def with_names(text: str, answerers: Sequence[Answerer], tr: Translator) -> str:
    """The invitation's text (composed without its question, `names_room` lines kept free)
    and, below it, who answered what: a line per answer (✅, ❌, ❔), each within one
    phone line, so the whole stays on one screen; an answer whose line finds no room is
    still counted on its button."""
    lines = names_lines(answerers) or ["👥 " + escape(tr.gettext("No answers yet."))]
    room = SCREEN_LINES - screen_lines(text)
    return "\n".join([text, *lines[: max(room, 0)]])


def names_room(answerers: Sequence[Answerer]) -> int:
    """The screen lines `with_names` adds: one per answer given (one when none yet)."""
    return max(len({answer for _user_id, _name, answer in answerers}), 1)


def names_lines(answerers: Sequence[Answerer]) -> list[str]:
    """HTML: '✅ Ana, Bruno López, Carla +3' per answer given, first answers first."""
    by_answer: dict[RsvpAnswer, list[str]] = {answer: [] for answer in ICONS}
    for _user_id, name, answer in answerers:
        by_answer[answer].append(" ".join((name or "").split()) or "?")
    lines = []
    for answer, names in by_answer.items():
        if not names:
            continue
        head, shown = ICONS[answer] + " ", list[str]()
        for name in names[:MAX_NAMES]:
            short = shorten(name, NAME_ROOM)
            rest = len(names) - len(shown) - 1
            line = head + ", ".join([*shown, short]) + (f" +{rest}" if rest else "")
            if shown and len(line) > LINE_WIDTH - 2:  # an emoji is wider than a letter
                break
            shown.append(short)
        rest = len(names) - len(shown)
        lines.append(head + escape(", ".join(shown)) + (f" +{rest}" if rest else ""))
    return lines


def calendar_keyboard(series_id: str, tr: Translator) -> InlineKeyboardMarkup:
    """Under a meeting's correction: the series' calendar file, which shows the change (its
    SEQUENCE up, so a calendar that imported it takes the new one as an update)."""
    return Keyboard([[_calendar_button(series_id, tr)]])


def _calendar_button(series_id: str, tr: Translator) -> Button:
    return button("📎 " + tr.gettext("Add to calendar"), CalendarFile(CalendarOf.SERIES, series_id))


def recorded(tr: Translator, answer: RsvpAnswer) -> str:
    """The pop-up after a press: what was recorded, in words (the icon alone said little)."""
    said = tr.gettext(WORDS[answer])
    return f"{ICONS[answer]} " + tr.gettext("You answered: {answer}").format(answer=said)


def closed(tr: Translator) -> str:
    """The answer to a press under an invitation the outbox no longer holds."""
    return tr.gettext("This meeting is over: answers are closed.")
