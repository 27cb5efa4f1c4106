"""The bot's commands, in one table: /help, /start, the handlers and Telegram's command
menu read it. A command is one row: its English name, what it does (translated where
shown), and its name in the other languages (ASCII, lower case, no accents: Telegram
takes [a-z0-9_] only). Every name of every language is accepted in every chat; each
language's menu and help show its own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType

from bot.text.i18n import N_


@dataclass(frozen=True)
class CommandSpec:
    name: str
    """The English name, also the command's identity."""
    description: str
    """Marked for translation; translated where shown."""
    de: str | None = None
    es: str | None = None
    fr: str | None = None
    pt: str | None = None
    in_private: bool = True
    """Offered in private chats too (/help, the menu); /topic is for forum groups only."""
    in_groups: bool = True
    """Offered in groups (/help, the menu); what is about the user alone, or done in the
    private chat with the bot (/new, /cancel), is not."""

    def name_in(self, lang: str) -> str:
        """The name a reader of `lang` is shown (English where none is given)."""
        localized: str | None = getattr(self, lang) if lang in ("de", "es", "fr", "pt") else None
        return localized or self.name

    @property
    def names(self) -> tuple[str, ...]:
        """Every name it is accepted by, English first."""
        return tuple(dict.fromkeys(n for n in (self.name, self.de, self.es, self.fr, self.pt) if n))


COMMANDS: tuple[CommandSpec, ...] = (
    CommandSpec(
        "milestones",
        N_("Milestones and deadlines of the phases"),
        de="meilensteine",
        es="hitos",
        fr="jalons",
        pt="marcos",
    ),
    CommandSpec("phases", N_("The phases of the network"), de="phasen", es="fases", pt="fases"),
    CommandSpec(
        "exchanges",
        N_("Upcoming visits, workshops and meetings"),
        de="austausch",
        es="intercambios",
        fr="echanges",
        pt="intercambios",
    ),
    CommandSpec(
        "partner",
        N_("Find partnerships by town, country or topic"),
        es="socio",
        fr="partenaire",
        pt="parceiro",
    ),
    CommandSpec(
        "timezone",
        N_("Set the time zone for times I show"),
        de="zeitzone",
        es="zonahoraria",
        fr="fuseau",
        pt="fusohorario",
    ),
    CommandSpec(
        "iam",
        N_("Tell me which town you belong to"),
        de="meinestadt",
        es="miciudad",
        fr="maville",
        pt="minhacidade",
    ),
    CommandSpec(
        "subscribe",
        N_("Link this chat to a partnership, phase or programme"),
        de="abonnieren",
        es="suscribir",
        fr="abonner",
        pt="assinar",
    ),
    CommandSpec(
        "subscriptions",
        N_("What this chat follows"),
        de="abos",
        es="suscripciones",
        fr="abonnements",
        pt="assinaturas",
    ),
    CommandSpec(
        "unsubscribe",
        N_("Stop following something"),
        de="abbestellen",
        es="desuscribir",
        fr="desabonner",
        pt="desassinar",
    ),
    CommandSpec(
        "topic",
        N_("Choose the topic for my posts (send it inside that topic)"),
        in_private=False,
        de="thema",
        es="tema",
        fr="sujet",
        pt="topico",
    ),
    CommandSpec(
        "meeting",
        N_("Move or cancel a meeting of your partnership (focal points)"),
        in_groups=False,
        de="treffen",
        es="reunion",
        fr="reunion",
        pt="reuniao",
    ),
    CommandSpec(
        "agenda",
        N_("The next meeting's agenda, or add an item to it (focal points arrange it)"),
        de="tagesordnung",
        fr="ordredujour",
        pt="pauta",
    ),
    CommandSpec(
        "minutes",
        N_("Attach the minutes of the last meeting (focal points)"),
        de="protokoll",
        es="acta",
        fr="compterendu",
        pt="ata",
    ),
    CommandSpec(
        "action",
        N_(
            "Add an action item agreed in a meeting (in the partnership's group; focal points "
            "also here)"
        ),
        de="aufgabe",
        es="tarea",
        fr="tache",
        pt="tarefa",
    ),
    CommandSpec(
        "actions",
        N_("Open action items of a partnership; tick them done"),
        de="aufgaben",
        es="tareas",
        fr="taches",
        pt="tarefas",
    ),
    CommandSpec(
        "checklist",
        N_("An exchange's checklist (visa, invitation, insurance…); tick what is done"),
        de="checkliste",
        es="lista",
        fr="liste",
    ),
    CommandSpec(
        "reminders",
        N_("When reminders come before deadlines and meetings — in private, also your own"),
        de="erinnerungen",
        es="recordatorios",
        fr="rappels",
        pt="lembretes",
    ),
    CommandSpec(
        "language",
        N_("Choose the language of my replies"),
        de="sprache",
        es="idioma",
        fr="langue",
        pt="idioma",
    ),
    CommandSpec(
        "new",
        N_("Add an exchange, a milestone or a meeting series (coordinators, focal points)"),
        in_groups=False,
        de="neu",
        es="nuevo",
        fr="nouveau",
        pt="novo",
    ),
    CommandSpec(
        "cancel",
        N_("Leave what you are adding or changing, unsaved"),
        in_groups=False,
        de="abbrechen",
        es="cancelar",
        fr="annuler",
        pt="cancelar",
    ),
    CommandSpec(
        "contacts",
        N_("Who to contact in a town, partnership or phase"),
        de="kontakte",
        es="contactos",
        pt="contatos",
    ),
    CommandSpec(
        "listme",
        N_("Be listed in the contact directory, or not"),
        in_groups=False,
        de="eintragen",
        es="listarme",
        fr="annuaire",
        pt="listarme",
    ),
    CommandSpec(
        "appoint",
        N_("Give someone a role (coordinators)"),
        in_groups=False,
        de="ernennen",
        es="nombrar",
        fr="nommer",
        pt="nomear",
    ),
    CommandSpec(
        "dismiss",
        N_("Take a role away (coordinators)"),
        in_groups=False,
        de="abberufen",
        es="revocar",
        fr="revoquer",
        pt="revogar",
    ),
    CommandSpec(
        "forgetme",
        N_("Erase everything I hold about you"),
        in_groups=False,
        de="vergissmich",
        es="olvidame",
        fr="oubliemoi",
        pt="esquecame",
    ),
    CommandSpec(
        "history",
        N_("The latest changes to the calendar (coordinators, focal points)"),
        in_groups=False,
        de="verlauf",
        es="historial",
        fr="historique",
        pt="historico",
    ),
    CommandSpec(
        "undo",
        N_("Take back your last change (15 minutes)"),
        in_groups=False,
        de="rueckgaengig",
        es="deshacer",
        fr="defaire",
        pt="desfazer",
    ),
    CommandSpec(
        "calendar",
        N_(
            "The calendar address to subscribe to in Outlook or Google (reset: admins, focal "
            "points)"
        ),
        de="kalender",
        es="calendario",
        fr="calendrier",
        pt="calendario",
    ),
    CommandSpec("help", N_("How to use the bot"), de="hilfe", es="ayuda", fr="aide", pt="ajuda"),
    CommandSpec("start", N_("Welcome and what I can do"), es="inicio", fr="demarrer", pt="iniciar"),
)

VALID_NAME = re.compile(r"[a-z0-9_]{1,32}")
_BY_NAME = {spec.name: spec for spec in COMMANDS}


def command(name: str) -> CommandSpec:
    """The row of a command, by its English name."""
    return _BY_NAME[name]


@cache
def command_names(lang: str) -> Mapping[str, str]:
    """Each command's name for a reader of `lang`, keyed `cmd_` and its English name: what
    a text's placeholders such as /{cmd_iam} are filled with (a text never names a command
    in one language for every reader)."""
    return MappingProxyType({f"cmd_{spec.name}": spec.name_in(lang) for spec in COMMANDS})


def names(name: str) -> tuple[str, ...]:
    """Every name of a command, for its CommandHandler."""
    return command(name).names


def offered(private: bool) -> tuple[CommandSpec, ...]:
    """The commands /help and the menu offer in a private chat, or in a group."""
    return tuple(spec for spec in COMMANDS if (spec.in_private if private else spec.in_groups))
