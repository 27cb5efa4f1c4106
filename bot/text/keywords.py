"""Words people type after a command, in the five languages: one typed table per set.

Each set names, for every value, the word the bot shows (marked for translation, so the
word a reader sees in their language is the word accepted back) and the other spellings
people type: singular and plural, inflections, abbreviations. Words are compared folded
(`fold`: no case, no accents), and every language's words are accepted in every chat.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import Enum, IntEnum, StrEnum
from functools import cache
from typing import Generic, TypeVar

from bot.model.domain import LANGUAGES, Phase
from bot.model.reminders import (
    PersonalReminders,
    ReminderSetting,
    ReminderValue,
    parse_days,
    valid_durations,
)
from bot.text.i18n import N_, I18n, Translator
from bot.text.search import fold, terms

K = TypeVar("K", bound=Enum)


@dataclass(frozen=True, eq=False)
class Keywords(Generic[K]):
    shown: Mapping[K, str]
    """The word the bot shows for each value (a msgid, translated where shown)."""
    also: Mapping[K, tuple[str, ...]] = field(default_factory=dict)
    """More spellings, in any of the five languages."""

    def word(self, tr: Translator, key: K) -> str:
        """The word as a reader of `tr` is shown it."""
        return tr.gettext(self.shown[key])

    def table(self, i18n: I18n) -> Mapping[str, K]:
        """Every accepted word, folded, to its value."""
        return _table(self, i18n)

    def read(self, i18n: I18n, typed: str) -> K | None:
        return self.table(i18n).get(fold(typed).strip())


@cache
def _table(keywords: Keywords[K], i18n: I18n) -> Mapping[str, K]:
    """Built once per catalogs; two values sharing a word would make it mean either, so
    that is refused at once (tests build every table)."""
    found: dict[str, K] = {}
    for key, msgid in keywords.shown.items():
        words = {msgid, *(i18n.translator(lang).gettext(msgid) for lang in LANGUAGES)}
        for word in {fold(w).strip() for w in (*words, *keywords.also.get(key, ()))}:
            if found.setdefault(word, key) is not key:
                raise ValueError(f"{word!r} means both {found[word]} and {key}")
    return found


REMINDER_KINDS: Keywords[ReminderSetting] = Keywords(
    {
        ReminderSetting.DEADLINES: N_("deadlines"),
        ReminderSetting.MEETINGS: N_("meetings"),
        ReminderSetting.EVENTS: N_("events"),
        ReminderSetting.INVITE: N_("invitations"),
    },
    {
        ReminderSetting.DEADLINES: (
            "deadline",
            "plazo",
            "frist",
            "echeance",
            "prazo",
        ),
        ReminderSetting.MEETINGS: (
            "meeting",
            "reunion",
            "reuniones",
            "reunions",
            "reuniao",
            "reunioes",
            "treffen",
            "sitzung",
            "sitzungen",
        ),
        ReminderSetting.EVENTS: (
            "event",
            "evento",
            "eventos",
            "evenement",
            "evenements",
            "veranstaltung",
            "veranstaltungen",
        ),
        ReminderSetting.INVITE: (
            "invite",
            "invitation",
            "invitacion",
            "invitaciones",
            "convite",
            "convites",
            "einladung",
            "einladungen",
        ),
    },
)


class InviteWhen(Enum):
    AFTER = "after"
    """Invite when the previous meeting is over."""


INVITE_WHEN: Keywords[InviteWhen] = Keywords(
    {InviteWhen.AFTER: N_("after")},
    {InviteWhen.AFTER: ("despues", "apres", "depois", "danach", "nach")},
)


class TimeUnit(IntEnum):
    """A unit of a lead time, as its minutes."""

    DAY = 1440
    HOUR = 60
    MINUTE = 1


UNITS: Keywords[TimeUnit] = Keywords(
    # The short forms in "/reminders meetings 1d 1h"; the words the bot writes out
    # ("1 day", "2 hours") are added from its own texts (unit_words).
    {
        TimeUnit.DAY: N_("d"),
        TimeUnit.HOUR: N_("h"),
        TimeUnit.MINUTE: N_("min"),
    },
    {
        TimeUnit.DAY: ("d", "j", "t", "dia", "dias", "jour", "jours", "tag", "tage"),
        TimeUnit.HOUR: ("h", "hr", "std", "hora", "horas", "heure", "heures", "stunde", "stunden"),
        TimeUnit.MINUTE: ("m", "min", "mins", "minuto", "minutos", "minute", "minutes", "minuten"),
    },
)
UNIT_TEXTS = {
    TimeUnit.DAY: ("{n} day", "{n} days"),
    TimeUnit.HOUR: ("{n} hour", "{n} hours"),
    TimeUnit.MINUTE: ("{n} minute", "{n} minutes"),
}
"""The lead times as the bot writes them out (bot.views.subscriptions)."""


@cache
def unit_words(i18n: I18n) -> Mapping[str, TimeUnit]:
    """UNITS, and each unit's word in the bot's own "1 day", "2 hours" in every language."""
    found = dict(UNITS.table(i18n))
    for unit, (singular, plural) in UNIT_TEXTS.items():
        for lang in LANGUAGES:
            tr = i18n.translator(lang)
            for n in (1, 2, 5):
                for word in terms(tr.ngettext(singular, plural, n).format(n="")):
                    if found.setdefault(word, unit) is not unit:
                        raise ValueError(f"{word!r} is both {found[word]} and {unit}")
    return found


_AMOUNT = re.compile(r"([0-9]{1,3})\s*([^\W\d_]*)")


def read_durations(i18n: I18n, typed: str) -> list[int] | None:
    """'1d 1h', '1 día 1 hora', '2j', '15 min' -> minutes; a bare number is hours. None
    when anything else is there."""
    words = unit_words(i18n)
    text = fold(typed)
    minutes, at = [], 0
    for match in _AMOUNT.finditer(text):
        if text[at : match.start()].strip(" ,") or not (match[1]):
            return None
        unit = words.get(match[2]) if match[2] else TimeUnit.HOUR
        if unit is None:
            return None
        minutes.append(int(match[1]) * unit)
        at = match.end()
    if text[at:].strip(" ,") or not minutes:
        return None
    return minutes


def read_reminders(i18n: I18n, args: Sequence[str]) -> tuple[ReminderSetting, ReminderValue] | None:
    """'14 3 1', 'reuniones 1d 1h', 'Termine 1 Tag', 'évènements 7 1', 'convites 3',
    'invitations après': which lead times, and their value; None if not understood."""
    deadlines = ReminderSetting.DEADLINES
    setting = (REMINDER_KINDS.read(i18n, args[0]) if args else None) or deadlines
    rest = list(args[1:] if args and REMINDER_KINDS.read(i18n, args[0]) else args)
    if setting is ReminderSetting.MEETINGS:
        minutes = read_durations(i18n, " ".join(rest))
        valid = valid_durations(minutes) if minutes else None
        return (setting, valid) if valid else None
    if setting is ReminderSetting.INVITE:
        if len(rest) == 1 and INVITE_WHEN.read(i18n, rest[0]) is InviteWhen.AFTER:
            return setting, None
        days = parse_days(rest)
        return (setting, days[0]) if days and len(days) == 1 and days[0] >= 1 else None
    days = parse_days(rest)
    return (setting, days) if days else None


class Tense(StrEnum):
    UPCOMING = "upcoming"
    PAST = "past"


TENSES: Keywords[Tense] = Keywords(
    {Tense.UPCOMING: N_("upcoming"), Tense.PAST: N_("past")},
    {
        Tense.UPCOMING: (
            "next",
            "future",
            "proximo",
            "proximos",
            "proximas",
            "futuros",
            "prochains",
            "prochaines",
            "futurs",
            "kommende",
            "kommend",
            "kunftige",
            "nachste",
            "futuras",
        ),
        Tense.PAST: (
            "earlier",
            "pasado",
            "pasados",
            "pasadas",
            "anteriores",
            "passe",
            "passes",
            "passees",
            "vergangene",
            "vergangen",
            "fruhere",
            "passado",
            "passados",
            "passadas",
        ),
    },
)
"""/exchanges past: also the distinct word of the "Past exchanges" button (tense_words)."""

_TENSE_LABELS = {Tense.UPCOMING: "Upcoming exchanges", Tense.PAST: "Past exchanges"}


@cache
def tense_words(i18n: I18n) -> Mapping[str, Tense]:
    """TENSES, and the word that tells the two buttons apart in every language
    ("Vergangene" in "Vergangene Austauschtermine")."""
    found = dict(TENSES.table(i18n))
    for lang in LANGUAGES:
        tr = i18n.translator(lang)
        labels = {t: set(terms(tr.gettext(label))) for t, label in _TENSE_LABELS.items()}
        for tense, words in labels.items():
            others = set().union(*(w for t, w in labels.items() if t is not tense))
            for word in words - others:
                if found.setdefault(word, tense) is not tense:
                    raise ValueError(f"{word!r} is both {found[word]} and {tense}")
    return found


# Phases: "Fase piloto", "piloto", "Phase 4", "4", "p4". Phase names are data, not
# catalog texts; the generic word in them is "Phase" (de, en, fr) or "Fase" (es, pt).
_PHASE_WORDS = ("phase", "fase")
# "8", "phase 8", "fase 8" after folding ("⑧" is "8" then): ASCII digits, few of them, so
# int() never meets a Unicode digit or thousands of digits ("⑳" × 2,200).
_PHASE_NUMBER = re.compile(r"(?:\w+\s+)?([0-9]{1,4})")


def phase_names(phase: Phase) -> set[str]:
    """Every folded name a phase is accepted by: its id, each language's name, and each
    name without the word "phase" ("piloto", "pilote", "pilot" from "Pilotphase")."""
    names = {fold(phase.id)}
    for _lang, name in phase.name.variants:
        words = terms(name)
        names.add(" ".join(words))
        rest = [w for w in words if w not in _PHASE_WORDS]
        rest = [w.removesuffix("phase").removesuffix("fase") or w for w in rest]
        if rest:
            names.add(" ".join(rest))
    return names


def find_phase(phases: Iterable[Phase], typed: str) -> Phase | None:
    """'4', 'phase 4', 'Fase 4', 'p4', 'pilot', 'Pilotphase', 'fase piloto', 'piloto'."""
    wanted = " ".join(terms(typed))
    number = _PHASE_NUMBER.fullmatch(wanted)
    for phase in phases:
        if number and phase.number == int(number[1]):
            return phase
        if wanted in phase_names(phase):
            return phase
    return None


class PersonalSetting(StrEnum):
    """Which of a user's own lead times `/reminders` changes in the private chat (a word
    of its own, so it never reads as the chat's subscribed meeting reminders)."""

    MINE = "mine"
    """Before each meeting the user answered ✅ to."""
    ACTIONS = "actions"
    """Before each action item the user owns is due."""


PERSONAL_KINDS: Keywords[PersonalSetting] = Keywords(
    {PersonalSetting.MINE: N_("mine"), PersonalSetting.ACTIONS: N_("actions")},
    {
        PersonalSetting.MINE: (
            "my",
            "mine",
            "mis",
            "mias",
            "mios",
            "mio",
            "mia",
            "meine",
            "meins",
            "mes",
            "miennes",
            "miens",
            "minhas",
            "meus",
            "minha",
            "meu",
        ),
        PersonalSetting.ACTIONS: (
            "action",
            "task",
            "tasks",
            "accion",
            "acciones",
            "tarea",
            "tareas",
            "aufgabe",
            "aufgaben",
            "tache",
            "taches",
            "acao",
            "acoes",
            "tarefa",
            "tarefas",
        ),
    },
)


class Off(Enum):
    OFF = "off"


OFF: Keywords[Off] = Keywords(
    {Off.OFF: N_("off")},
    {
        Off.OFF: (
            "off",
            "none",
            "aus",
            "keine",
            "no",
            "ninguno",
            "ninguna",
            "non",
            "aucun",
            "aucune",
            "nao",
            "nenhum",
            "nenhuma",
        )
    },
)


def personal_setting(i18n: I18n, args: Sequence[str]) -> PersonalSetting | None:
    """`/reminders mine …` or `/reminders actions …`: which own lead times; None when the
    words are about the chat's reminders instead."""
    return PERSONAL_KINDS.read(i18n, args[0]) if args else None


def read_personal(
    i18n: I18n, args: Sequence[str], current: PersonalReminders
) -> PersonalReminders | None:
    """'mine 1h', 'mis 2 horas 15 min', 'meine aus', 'actions 3 1', 'tareas no': the user's
    lead times with that one changed; None if not understood."""
    setting = personal_setting(i18n, args)
    rest = list(args[1:])
    if setting is None or not rest:
        return None
    off = len(rest) == 1 and OFF.read(i18n, rest[0]) is Off.OFF
    if setting is PersonalSetting.MINE:
        minutes = () if off else valid_durations(read_durations(i18n, " ".join(rest)) or [])
        return None if minutes is None else replace(current, meeting_minutes=minutes)
    days = () if off else parse_days(rest)
    return None if days is None else replace(current, action_days=days)


class FeedAction(StrEnum):
    RESET = "reset"
    """Replace a calendar feed's address: the old one stops working."""


FEED_ACTIONS: Keywords[FeedAction] = Keywords(
    {FeedAction.RESET: N_("reset")},
    {
        FeedAction.RESET: (
            "zurucksetzen",
            "erneuern",
            "restablecer",
            "renovar",
            "reinitialiser",
            "renouveler",
            "redefinir",
        )
    },
)
