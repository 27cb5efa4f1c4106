"""The bot's commands, in one list: /help, /start and Telegram's command menu read it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class CommandSpec:
    name: str
    description: str
    """Marked for translation; translated where shown."""


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec("start", N_("Welcome and what I can do")),
    CommandSpec("help", N_("How to use the bot")),
    CommandSpec("language", N_("Choose the language of my replies")),
)
