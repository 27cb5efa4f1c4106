"""The bot's commands, in one list: /help, /start and Telegram's command menu read it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.text.i18n import N_


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str
    """Marked for translation; translated where shown."""


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("milestones", N_("Milestones and deadlines of the phases")),
    CommandSpec("phases", N_("The phases of the network")),
    CommandSpec("exchanges", N_("Upcoming visits, workshops and meetings")),
    CommandSpec("partner", N_("Find partnerships by town, country or topic")),
    CommandSpec("timezone", N_("Set the time zone for times I show")),
    CommandSpec("iam", N_("Tell me which town you belong to")),
    CommandSpec("subscribe", N_("Link this chat to a partnership, phase or programme")),
    CommandSpec("subscriptions", N_("What this chat follows")),
    CommandSpec("unsubscribe", N_("Stop following something")),
    CommandSpec("reminders", N_("When reminders come before deadlines and meetings")),
    CommandSpec("language", N_("Choose the language of my replies")),
    CommandSpec("help", N_("How to use the bot")),
    CommandSpec("start", N_("Welcome and what I can do")),
)
