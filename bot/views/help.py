"""Welcome, help and the short answers every chat may get (unknown command, apology)."""

from __future__ import annotations

from html import escape

from telegram import InlineKeyboardMarkup

from bot.telegram.callbacks import (
    Browse,
    BrowseBy,
    ExchangePage,
    HelpPage,
    Period,
    PhaseMilestones,
    grid,
)
from bot.telegram.commands import CommandSpec, command, offered
from bot.telegram.limits import SCREEN_ROOM, Keyboard, fit, screen_lines
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.i18n import Translator
from bot.views.common import languages_in_text


def command_line(spec: CommandSpec, tr: Translator) -> str:
    return f"/{spec.name_in(tr.lang)} – {escape(tr.gettext(spec.description))}"


def welcome(tr: Translator) -> tuple[str, InlineKeyboardMarkup]:
    """Who the bot is, in a few lines; what it does is behind the buttons and /help."""
    intro = tr.gettext(
        "Hello! I am <b>partnerbot</b>. I keep the towns of the municipal climate "
        "partnerships up to date: milestones, exchanges, and who is partnered with whom."
    )
    hint = tr.gettext("Send /{help} for all commands, or pick:").format(
        help=command("help").name_in(tr.lang)
    )
    keyboard = Keyboard(
        grid(
            [
                ("📌 " + tr.gettext("Milestones"), PhaseMilestones("")),
                ("📅 " + tr.gettext("Exchanges"), ExchangePage(0, Period.UPCOMING, "")),
                ("🤝 " + tr.gettext("Partnerships"), Browse(BrowseBy.COUNTRY)),
                ("❔ " + tr.gettext("Help"), HelpPage(0)),
            ],
            2,
        )
    )
    return fit(f"{intro}\n\n{escape(hint)}"), keyboard


def help_page(
    tr: Translator,
    languages: tuple[str, ...],
    zone: str,
    bot_name: str,
    page: int = 0,
    private: bool = False,
) -> tuple[str, InlineKeyboardMarkup | None]:
    """/help a screen at a time: the commands, then how languages, zones and groups work."""
    title = tr.gettext("<b>How to use partnerbot</b>")
    notes = [
        tr.gettext("In any chat, type @{bot} and a town to share a partnership card there.").format(
            bot=escape(bot_name)
        ),
        tr.gettext("I reply in {language}. Change it with /{cmd_language}.").format(
            language=escape(languages_in_text(languages, tr)),
            cmd_language=command("language").name_in(tr.lang),
        ),
        tr.gettext("Times are shown in the time zone {zone}.").format(zone=escape(zone)),
        tr.gettext("In a group chat, only the group's administrators can change its settings."),
    ]
    # Commands one to a line; each note after an empty line.
    blocks = [command_line(c, tr) for c in offered(private)] + ["\n" + note for note in notes]
    room = SCREEN_ROOM - screen_lines(title) - 1
    shown, page, more = page_by_lines(blocks, screen_lines, room, page)
    shown[0] = shown[0].removeprefix("\n")
    text = title + "\n\n" + "\n".join(shown)
    nav = nav_row(HelpPage, page, page + 1 + more)
    return fit(text), Keyboard([nav]) if nav else None


def unknown_command(tr: Translator, typed: str) -> str:
    return tr.gettext(
        "I do not know the command {command}. Send /{help} to see what I can do."
    ).format(command=escape(typed[:40]), help=command("help").name_in(tr.lang))


def plain_text_hint(tr: Translator) -> str:
    """A private message that is no command and finds no partnership: what to send."""
    return tr.gettext(
        "Send a town or country to find its partnership, or a command: /{milestones}, "
        "/{exchanges}, /{partner}, /{help}."
    ).format(
        **{n: command(n).name_in(tr.lang) for n in ("milestones", "exchanges", "partner", "help")}
    )


def apology(tr: Translator) -> str:
    return tr.gettext("Sorry, something went wrong on my side. Please try again in a moment.")
