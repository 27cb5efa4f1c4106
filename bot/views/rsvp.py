"""The RSVP buttons under a meeting invitation: yes / no / maybe with this chat's tally."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardMarkup

from bot.model.chats import RsvpAnswer
from bot.model.posts import Invitation
from bot.telegram.callbacks import Answer, CalendarFile, CalendarOf, Rsvp, button
from bot.telegram.limits import Keyboard
from bot.text.i18n import Translator

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


def rsvp_keyboard(
    delivery_id: int, invitation: Invitation, tally: Mapping[RsvpAnswer, int]
) -> InlineKeyboardMarkup:
    """Yes / no / maybe with the tally on the buttons: readable in every language."""
    answers = [
        button(f"{ICONS[answer]} {tally.get(answer, 0)}", Rsvp(code, delivery_id))
        for code, answer in ANSWERS.items()
    ]
    ics = button("📎 .ics", CalendarFile(CalendarOf.SERIES, invitation.series_id))
    return Keyboard([answers, [ics]])


def closed(tr: Translator) -> str:
    """The answer to a press under an invitation the outbox no longer holds."""
    return tr.gettext("This meeting is over: answers are closed.")
