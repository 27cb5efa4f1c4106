"""What /appoint and /dismiss say: who, which role, which partnership and side, ✅."""

from __future__ import annotations

from collections.abc import Sequence

from telegram import (
    InlineKeyboardMarkup,
    KeyboardButton,
    KeyboardButtonRequestUsers,
    ReplyKeyboardMarkup,
)

from bot.model.domain import PartnershipView
from bot.model.people import Candidate
from bot.model.roles import Roles, Side
from bot.telegram.callbacks import button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import (
    AppointPage,
    AppointPartnership,
    AppointRole,
    AppointSide,
    Choice,
    Dismissal,
    RoleChoice,
    RoleConfirm,
    SideCode,
)
from bot.telegram.limits import Keyboard, shorten
from bot.telegram.paging import nav_row
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.people import person_link

PICK_REQUEST = 1
"""The request_id of the button that picks a person (the users_shared answer carries it)."""
PAGE_SIZE = 8
COORDINATOR = "*"
"""Dismissal's role for the coordinator's (a partnership id never is '*')."""


def who(candidate: Candidate) -> str:
    return person_link(candidate.user_id, candidate.name, candidate.username)


def refusal(tr: Translator) -> str:
    return escape(tr.gettext("Only coordinators may appoint or dismiss."))


def not_yours(tr: Translator) -> str:
    return tr.gettext("Only the coordinator who began this may choose here.")


def cancel_label(tr: Translator) -> str:
    return tr.gettext("✖ Cancel")


def ask_person(tr: Translator, dismiss: bool) -> tuple[str, ReplyKeyboardMarkup]:
    """The private chat's first question, with a reply keyboard to pick a contact."""
    text = (
        tr.gettext("Whose role do you take away?")
        if dismiss
        else tr.gettext("Whom do you appoint?")
    )
    text += "\n" + tr.gettext("Forward me a message of theirs, or press the button to pick them.")
    pick = KeyboardButton(
        shorten(tr.gettext("👤 Pick the person")),
        request_users=KeyboardButtonRequestUsers(
            PICK_REQUEST,
            user_is_bot=False,
            max_quantity=1,
            request_name=True,
            request_username=True,
        ),
    )
    keyboard = ReplyKeyboardMarkup(
        [[pick], [KeyboardButton(cancel_label(tr))]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )
    return escape(text), keyboard


def hidden_sender(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Their privacy settings hide who sent that message, so I cannot tell who it is. "
            "Press the button to pick them instead."
        )
    )


def not_a_person(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "That is not a person's message. Forward one of theirs, press the button, or ✖ Cancel."
        )
    )


def in_group_reply_needed(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "In a group, send /{cmd_appoint} or /{cmd_dismiss} as a reply to a message of "
            "the person. Or send it to me in a private chat."
        ).format(**command_names(tr.lang))
    )


def picked(tr: Translator, candidate: Candidate) -> str:
    return tr.gettext("Picked: {person}").format(person=who(candidate))


def ask_role(tr: Translator, candidate: Candidate) -> tuple[str, InlineKeyboardMarkup]:
    text = escape(tr.gettext("What role do you give {person}?")).format(person=who(candidate))
    keyboard = Keyboard(
        [
            [button(tr.gettext("Coordinator"), AppointRole(RoleChoice.COORDINATOR))],
            [button(tr.gettext("Focal point of a partnership"), AppointRole(RoleChoice.FOCAL))],
        ]
    )
    return text, keyboard


def ask_partnership(
    tr: Translator,
    views: Sequence[PartnershipView],
    page: int,
    pages: int,
    typed: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    if typed is not None and not views:
        text = tr.gettext("No partnership matches “{what}”. Type another town.").format(
            what=typed[:40]
        )
    else:
        text = tr.gettext("Focal point of which partnership? Pick it, or type a town.")
    rows = grid([(v.pair_name(tr.lang), AppointPartnership(v.partnership.id)) for v in views], 2)
    if typed is None and (nav := nav_row(AppointPage, page, pages)):
        rows.append(nav)
    return escape(text), Keyboard(rows)


def ask_side(tr: Translator, view: PartnershipView) -> tuple[str, InlineKeyboardMarkup]:
    text = tr.gettext("{partnership}: for which town?").format(partnership=view.pair_name(tr.lang))
    keyboard = Keyboard(
        [
            [
                button(view.north.name.get(tr.lang), AppointSide(SideCode.NORTH), 2),
                button(view.south.name.get(tr.lang), AppointSide(SideCode.SOUTH), 2),
            ]
        ]
    )
    return escape(text), keyboard


def role_name(tr: Translator, view: PartnershipView | None, side: Side | None) -> str:
    """'coordinator', or 'focal point of Bonn – La Paz (Bonn)'."""
    if view is None:
        return tr.gettext("coordinator")
    if side is None:
        return tr.gettext("focal point of {partnership}").format(
            partnership=view.pair_name(tr.lang)
        )
    town = view.north if side is Side.NORTH else view.south
    return tr.gettext("focal point of {partnership} ({town})").format(
        partnership=view.pair_name(tr.lang), town=town.name.get(tr.lang)
    )


def confirm_keyboard(tr: Translator) -> InlineKeyboardMarkup:
    return Keyboard(
        [
            [
                button(tr.gettext("✅ Confirm"), RoleConfirm(Choice.YES), 2),
                button(cancel_label(tr), RoleConfirm(Choice.NO), 2),
            ]
        ]
    )


def confirm_appoint(
    tr: Translator, candidate: Candidate, role: str
) -> tuple[str, InlineKeyboardMarkup]:
    text = escape(tr.gettext("Appoint {person} as {role}?")).format(
        person=who(candidate), role=escape(role)
    )
    return text, confirm_keyboard(tr)


def confirm_dismiss(
    tr: Translator, candidate: Candidate, role: str
) -> tuple[str, InlineKeyboardMarkup]:
    text = escape(tr.gettext("Take away {person}'s role: {role}?")).format(
        person=who(candidate), role=escape(role)
    )
    return text, confirm_keyboard(tr)


def ask_dismissal(
    tr: Translator,
    candidate: Candidate,
    roles: Roles,
    views: dict[str, PartnershipView],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """The roles that can be taken away, as buttons; a configured coordinator is told
    that the server's settings keep them one."""
    lines = []
    if roles.configured:
        lines.append(
            escape(
                tr.gettext(
                    "{person} is a coordinator by the server's settings (PARTNERBOT_ADMINS): "
                    "that cannot be changed from the chat."
                )
            ).format(person=who(candidate))
        )
    labelled = []
    if roles.appointed:
        labelled.append((tr.gettext("Coordinator"), Dismissal(COORDINATOR)))
    for pid, _side in sorted(roles.focal):
        view = views.get(pid)
        label = view.pair_name(tr.lang) if view else pid
        labelled.append((label, Dismissal(pid)))
    if not labelled:
        if not roles.configured:
            lines.append(
                escape(tr.gettext("{person} has no role to take away.")).format(
                    person=who(candidate)
                )
            )
        return "\n".join(lines), None
    lines.append(
        escape(tr.gettext("Which role of {person} do you take away?")).format(person=who(candidate))
    )
    return "\n".join(lines), Keyboard([[button(label, data)] for label, data in labelled])


def appointed(tr: Translator, candidate: Candidate, role: str, new: bool) -> str:
    text = (
        tr.gettext("Done: {person} is now {role}.")
        if new
        else tr.gettext("{person} was {role} already: nothing changed.")
    )
    return escape(text).format(person=who(candidate), role=escape(role))


def dismissed(tr: Translator, candidate: Candidate, role: str, gone: bool) -> str:
    text = (
        tr.gettext("Done: {person} is no longer {role}.")
        if gone
        else tr.gettext("{person} was not {role}: nothing changed.")
    )
    return escape(text).format(person=who(candidate), role=escape(role))


def not_told(tr: Translator) -> str:
    return escape(tr.gettext("I could not tell them: they have not started a chat with me."))


def told(tr: Translator) -> str:
    return escape(tr.gettext("I told them in a private message."))


def nothing_changed(tr: Translator) -> str:
    return escape(tr.gettext("All right: nothing changed."))


def you_were_appointed(tr: Translator, by: str, role: str, coordinator: bool) -> str:
    text = tr.gettext("{by} made you {role}.").format(by=by, role=role)
    text += " " + (
        tr.gettext("You may now change the network's events, milestones and meetings.")
        if coordinator
        else tr.gettext("You may now change its events and meetings.")
    )
    return escape(text)


def you_were_dismissed(tr: Translator, by: str, role: str) -> str:
    return escape(tr.gettext("{by} took away your role: {role}.").format(by=by, role=role))
