"""What the contact directory and /forgetme say: the consent to be listed, /contacts, the
erasure and its account."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from telegram import InlineKeyboardMarkup

from bot.model.domain import Municipality, PartnershipView
from bot.model.people import Contact, Erased
from bot.model.roles import Side
from bot.telegram.callbacks import button
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import Choice, ContactsBy, ContactsPage, ForgetMe, ListMe
from bot.telegram.limits import SCREEN_ROOM, Keyboard, screen_lines
from bot.telegram.paging import page_by_lines
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.views.common import languages_in_text


@dataclass(frozen=True)
class Directory:
    """What /contacts needs to name towns and partnerships."""

    towns: Mapping[str, Municipality]
    partnerships: Mapping[str, PartnershipView]


def person_link(user_id: int, name: str, username: str | None) -> str:
    """The person's name as a link that opens their profile, and their @username."""
    link = f'<a href="tg://user?id={user_id}">{escape(name)}</a>'
    return f"{link} @{escape(username)}" if username else link


def side_town(view: PartnershipView, side: Side) -> Municipality:
    return view.north if side is Side.NORTH else view.south


def roles_text(tr: Translator, contact: Contact, directory: Directory) -> list[str]:
    """'coordinator', 'focal point of Bonn – La Paz (Bonn)'."""
    found = [tr.gettext("coordinator")] if contact.coordinator else []
    for role in contact.focal:
        view = directory.partnerships.get(role.partnership_id)
        if view is None:
            continue
        found.append(
            tr.gettext("focal point of {partnership} ({town})").format(
                partnership=view.pair_name(tr.lang),
                town=side_town(view, role.side).name.get(tr.lang),
            )
        )
    return found


def contact_text(tr: Translator, contact: Contact, directory: Directory) -> str:
    """Two lines or so: the link, then town, roles and languages."""
    listing = contact.listing
    town = directory.towns.get(contact.town_id or "")
    details = [town.name.get(tr.lang)] if town else []
    details += roles_text(tr, contact, directory)
    if listing.languages:
        details.append(
            tr.gettext("reads {languages}").format(
                languages=languages_in_text(listing.languages, tr)
            )
        )
    first = person_link(listing.user_id, listing.name, listing.username)
    return first + ("\n" + escape(" · ".join(details)) if details else "")


def contacts_page(
    tr: Translator,
    what: str,
    contacts: Sequence[Contact],
    directory: Directory,
    by: ContactsBy,
    value: str,
    page: int,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """One screen of /contacts: a heading and as many people as fit, ◀ ▶ for the rest."""
    heading = "<b>" + escape(tr.gettext("Contacts for {what}:").format(what=what)) + "</b>"
    if not contacts:
        text = tr.gettext(
            "Nobody there is listed yet. Whoever wants to be found sends /{cmd_listme}."
        ).format(**command_names(tr.lang))
        return heading + "\n" + escape(text), None
    texts = [contact_text(tr, c, directory) for c in contacts]
    room = SCREEN_ROOM - screen_lines(heading) - 1  # the page's blank lines count too
    shown, page, more = page_by_lines(texts, lambda t: screen_lines(t) + 1, room, page)
    rows = []
    nav = []
    if page > 0:
        nav.append(button("◀", ContactsPage(page - 1, by, value), 2))
    if more:
        nav.append(button("▶", ContactsPage(page + 1, by, value), 2))
    if nav:
        rows.append(nav)
    return "\n\n".join([heading, *shown]), Keyboard(rows) if rows else None


def contacts_usage(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Send /{cmd_contacts} and a town, partnership or phase, for example "
            "/{cmd_contacts} bonn or /{cmd_contacts} phase 8. Only people who chose to be "
            "listed are shown."
        ).format(**command_names(tr.lang))
    )


def contacts_not_found(tr: Translator, typed: str) -> str:
    return escape(
        tr.gettext("I found no town, partnership or phase called “{what}”.").format(what=typed[:40])
    )


def contacts_in_private(tr: Translator, sent: bool) -> str:
    """The answer in a group: the list goes to the asker's private chat, so that people's
    names stay out of the group's history."""
    if sent:
        return escape(tr.gettext("I sent you the contacts in our private chat."))
    return escape(
        tr.gettext(
            "Contacts are given in a private chat: open one with me, press Start and send "
            "/{cmd_contacts} there."
        ).format(**command_names(tr.lang))
    )


# -- /listme -------------------------------------------------------------------------------


def listme_offer(
    tr: Translator, preview: str, has_username: bool
) -> tuple[str, InlineKeyboardMarkup]:
    """What becomes visible, exactly, before the user agrees."""
    lines = [
        escape(tr.gettext("You are not listed in the contact directory.")),
        escape(
            tr.gettext(
                "If you agree, anyone in the network who sends /{cmd_contacts} for your "
                "town or partnership sees:"
            ).format(**command_names(tr.lang))
        ),
        "",
        preview,
        "",
        escape(
            tr.gettext("Your name and @username as Telegram shows them")
            if has_username
            else tr.gettext("Your name as Telegram shows it, and a link to your profile")
        )
        + escape(tr.gettext(", your town, your roles, the languages you read.")),
    ]
    keyboard = Keyboard(
        [
            [
                button(tr.gettext("✅ List me"), ListMe(Choice.YES), 2),
                button(tr.gettext("✖ No"), ListMe(Choice.NO), 2),
            ]
        ]
    )
    return "\n".join(lines), keyboard


def listme_state(tr: Translator, preview: str) -> tuple[str, InlineKeyboardMarkup]:
    """A listed user: what others see, and the way out."""
    lines = [
        escape(tr.gettext("You are listed in the contact directory. Others see:")),
        "",
        preview,
    ]
    keyboard = Keyboard([[button(tr.gettext("✖ Unlist me"), ListMe(Choice.NO))]])
    return "\n".join(lines), keyboard


def listed(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Done: you are listed. /{cmd_listme} shows it or takes you off the list."
        ).format(**command_names(tr.lang))
    )


def not_listed(tr: Translator, was: bool) -> str:
    text = (
        tr.gettext("Done: you are no longer listed.")
        if was
        else tr.gettext("All right: you are not listed.")
    )
    return escape(text)


def town_first(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "The directory lists people by town: tell me yours first with /{cmd_iam}."
        ).format(**command_names(tr.lang))
    )


def only_in_private(tr: Translator) -> str:
    return escape(tr.gettext("Send this to me in a private chat: it is about you alone."))


# -- /forgetme -------------------------------------------------------------------------------


def forget_offer(tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    lines = [
        tr.gettext("I will erase everything I hold about you:"),
        tr.gettext("• your language, time zone and town"),
        tr.gettext("• your listing in the contact directory"),
        tr.gettext("• your answers to meeting invitations"),
        tr.gettext("• your roles, and unfinished conversations with me"),
        tr.gettext("• what this chat follows, and its reminders"),
        tr.gettext("Changes you made stay, by “a former member”. This cannot be undone."),
    ]
    keyboard = Keyboard(
        [
            [
                button(tr.gettext("✅ Erase"), ForgetMe(Choice.YES), 2),
                button(tr.gettext("✖ Keep"), ForgetMe(Choice.NO), 2),
            ]
        ]
    )
    return escape("\n".join(lines)), keyboard


def forgotten(tr: Translator, erased: Erased, configured: bool) -> str:
    """The account: what was erased, by kind."""
    counts = [
        (erased.settings, tr.gettext("your language, time zone and town")),
        (erased.listing, tr.gettext("your listing in the directory")),
        (erased.rsvps, tr.ngettext("{n} answer", "{n} answers", erased.rsvps)),
        (
            erased.conversations,
            tr.gettext("your unfinished conversations with me"),
        ),
        (erased.roles, tr.ngettext("{n} role", "{n} roles", erased.roles)),
        (
            erased.changes,
            tr.ngettext(
                "{n} change now by “a former member”",
                "{n} changes now by “a former member”",
                erased.changes,
            ),
        ),
        (
            erased.subscriptions,
            tr.ngettext(
                "your name on {n} subscription",
                "your name on {n} subscriptions",
                erased.subscriptions,
            ),
        ),
        (
            erased.private_chat,
            tr.ngettext(
                "this chat's {n} row (follows, reminders)",
                "this chat's {n} rows (follows, reminders)",
                erased.private_chat,
            ),
        ),
    ]
    shown = ["• " + text.format(n=n) for n, text in counts if n]
    if shown:
        lines = [tr.gettext("Done. I erased:"), *shown]
    else:
        lines = [tr.gettext("Done. I held nothing about you.")]
    if configured:
        lines.append(
            tr.gettext(
                "The server's settings (PARTNERBOT_ADMINS) still make you a coordinator: "
                "ask whoever runs the bot to remove you there."
            )
        )
    return escape("\n".join(lines))


def kept(tr: Translator) -> str:
    return escape(tr.gettext("All right: nothing was erased."))
