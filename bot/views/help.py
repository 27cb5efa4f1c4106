"""Welcome, help and the short answers every chat may get (unknown command, apology)."""

from __future__ import annotations

from html import escape

from bot.telegram.commands import COMMANDS, command
from bot.telegram.limits import fit
from bot.text.i18n import Translator
from bot.views.settings import language_in_text


def command_list(tr: Translator) -> str:
    return "\n".join(
        f"/{c.name_in(tr.lang)} – {escape(tr.gettext(c.description))}" for c in COMMANDS
    )


def welcome(tr: Translator) -> str:
    intro = tr.gettext(
        "Hello! I am <b>partnerbot</b>, the assistant of the network of municipal climate "
        "partnerships. Between meetings I keep the partner towns up to date: phase "
        "milestones and deadlines, upcoming exchanges, and who is partnered with whom."
    )
    heading = tr.gettext("Commands:")
    return fit(f"{intro}\n\n{heading}\n{command_list(tr)}")


def help_text(tr: Translator, languages: tuple[str, ...], zone: str, bot_name: str) -> str:
    parts = [
        tr.gettext("<b>How to use partnerbot</b>"),
        command_list(tr),
        tr.gettext("In any chat, type @{bot} and a town to share a partnership card there.").format(
            bot=escape(bot_name)
        ),
        tr.gettext("I reply in {language}. Change it with /{cmd_language}.").format(
            language=escape(", ".join(language_in_text(lang, tr) for lang in languages)),
            cmd_language=command("language").name_in(tr.lang),
        ),
        tr.gettext("Times are shown in the time zone {zone}.").format(zone=escape(zone)),
        tr.gettext("In a group chat, only the group's administrators can change its settings."),
    ]
    return fit("\n\n".join(parts))


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
