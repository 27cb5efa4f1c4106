"""The RSVP buttons under a meeting invitation: yes / no / maybe with this chat's tally."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardMarkup

from bot.model.chats import RsvpAnswer
from bot.model.posts import Invitation
from bot.telegram.callbacks import Answer, CalendarFile, CalendarOf, Rsvp, button
from bot.telegram.limits import Button, Keyboard
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
    delivery_id: int, invitation: Invitation, tally: Mapping[RsvpAnswer, int], tr: Translator
) -> InlineKeyboardMarkup:
    """Yes / no / maybe with the tally on the buttons (readable in every language), and the
    calendar file and 📝 (add to the agenda) in the chat's first language."""
    answers = [
        button(f"{ICONS[answer]} {tally.get(answer, 0)}", Rsvp(code, delivery_id), len(ANSWERS))
        for code, answer in ANSWERS.items()
    ]
    rows = [answers, [_calendar_button(invitation.series_id, tr)], agenda_row(delivery_id, tr)]
    return Keyboard(rows)


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
