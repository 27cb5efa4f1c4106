"""/calendar: a group's or partnership's calendar address, and how to subscribe to it."""

from __future__ import annotations

from collections.abc import Sequence

from bot.telegram.commands import command_names
from bot.text.i18n import Translator
from bot.text.keywords import FEED_ACTIONS, FeedAction
from bot.text.markup import escape
from bot.views.common import ask_focal_points, no_such_partnership

MAX_SHOWN = 2
"""Partnerships whose addresses one reply gives (each takes three lines on a phone)."""


def feed_url(base: str, token: str) -> str:
    return f"{base}/calendar/{token}.ics"


def _how_to(tr: Translator, reset: bool) -> list[str]:
    """How to subscribe; who sees it and how to replace it (not after replacing it)."""
    names = command_names(tr.lang)
    lines = [
        escape(tr.gettext("Subscribe to this address (do not download the file):")),
        escape(tr.gettext("Outlook: Add calendar → From internet")),
        escape(tr.gettext("Google Calendar: Other calendars → From URL")),
    ]
    if reset:
        return lines
    return [
        *lines,
        escape(
            tr.gettext(
                "Anyone with the address sees these meetings; /{cmd_calendar} {reset} gives "
                "a new one."
            ).format(reset=FEED_ACTIONS.word(tr, FeedAction.RESET), **names)
        ),
    ]


def feeds(
    tr: Translator, shown: Sequence[tuple[str, str]], *, reset: bool = False, empty: bool = False
) -> str:
    """The addresses (name, url) and how to subscribe. `reset`: the address is new and the
    old one works no more; `empty`: the group follows nothing yet."""
    lines = []
    if reset:
        lines.append(escape(tr.gettext("🔄 A new address; the old one no longer works.")))
    for name, url in shown[:MAX_SHOWN]:
        lines.append(
            escape(tr.gettext("📅 The calendar of {name}:")).format(name=f"<b>{escape(name)}</b>")
        )
        lines.append(f"<code>{escape(url)}</code>")
    if empty:
        lines.append(
            escape(
                tr.gettext("It stays empty until this group follows something: /{cmd_subscribe}")
            ).format(**command_names(tr.lang))
        )
    return "\n".join([*lines, *_how_to(tr, reset)])


def not_served(tr: Translator) -> str:
    return escape(tr.gettext("Sorry, this bot does not serve calendar addresses."))


def private_usage(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Send /{cmd_calendar} and a town or partnership, for example "
            "/{cmd_calendar} bonn, to get its calendar address."
        ).format(**command_names(tr.lang))
    )


def group_usage(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "In a group, /{cmd_calendar} gives the group's own calendar and "
            "/{cmd_calendar} {reset} replaces its address. For a partnership's, ask me in "
            "our private chat."
        ).format(reset=FEED_ACTIONS.word(tr, FeedAction.RESET), **command_names(tr.lang))
    )


def not_found(tr: Translator, typed: str) -> str:
    return no_such_partnership(tr, typed)


def several(tr: Translator, typed: str, names: Sequence[str]) -> str:
    head = escape(
        tr.gettext("Several partnerships match “{what}”; name both towns:").format(what=typed[:40])
    )
    return "\n".join([head, *(f"• {escape(n)}" for n in names[: MAX_SHOWN + 2])])


def may_not_reset(tr: Translator, town: str | None = None) -> str:
    said = tr.gettext(
        "Only the partnership's focal points and the coordinators can replace its calendar address."
    )
    return escape(said + "\n" + ask_focal_points(tr, town, command_names(tr.lang)["cmd_contacts"]))


def reset_usage(tr: Translator) -> str:
    """`/calendar reset` alone in private: which partnership's address to replace."""
    said = tr.gettext("Name the partnership whose address to replace: /{cmd_calendar} {reset} bonn")
    return escape(
        said.format(reset=FEED_ACTIONS.word(tr, FeedAction.RESET), **command_names(tr.lang))
    )
