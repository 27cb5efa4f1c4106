"""What /subscribe text names, the subscription keyboards, and the texts about what a
chat follows and when its reminders come."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardMarkup

from bot.model.chats import TargetKind
from bot.model.domain import PartnershipView, Phase, Programme
from bot.model.reminders import ReminderSetting, ReminderSettings
from bot.telegram.callbacks import Subscribe, TargetCode, Unsubscribe, button
from bot.telegram.commands import command, command_names
from bot.telegram.limits import Keyboard, fit
from bot.text.i18n import Translator
from bot.text.keywords import INVITE_WHEN, REMINDER_KINDS, UNITS, InviteWhen, TimeUnit, find_phase
from bot.text.places import group_languages
from bot.text.search import fold
from bot.views.common import days_list, duration, languages_in_text

CODES = {
    TargetKind.PARTNERSHIP: TargetCode.PARTNERSHIP,
    TargetKind.PHASE: TargetCode.PHASE,
    TargetKind.PROGRAMME: TargetCode.PROGRAMME,
}
KINDS = {code: kind for kind, code in CODES.items()}
MAX_CHOICES = 6


@dataclass(frozen=True)
class Choice:
    kind: TargetKind
    id: str
    label: str


def programme_matches(programmes: Sequence[Programme], text: str) -> list[Programme]:
    wanted = fold(text).strip()
    return [
        p
        for p in programmes
        if wanted and (wanted == p.id or any(fold(v) == wanted for _l, v in p.name.variants))
    ]


def targets_for(
    text: str,
    phases: Sequence[Phase],
    programmes: Sequence[Programme],
    partnerships: Sequence[PartnershipView],
    lang: str,
) -> list[Choice]:
    """What `text` names: a phase or programme when it names one exactly ("fase 8",
    "tandem"), else the partnerships the search found, best first."""
    found = []
    phase = find_phase(phases, text)
    if phase is not None:
        found.append(Choice(TargetKind.PHASE, phase.id, phase.name.get(lang)))
    found += [
        Choice(TargetKind.PROGRAMME, p.id, p.name.get(lang))
        for p in programme_matches(programmes, text)
    ]
    if not found:
        found = [
            Choice(TargetKind.PARTNERSHIP, v.partnership.id, v.pair_name(lang))
            for v in partnerships
        ]
    return found[:MAX_CHOICES]


def describe(
    kind: TargetKind,
    target_id: str,
    phases: Mapping[str, Phase],
    programmes: Mapping[str, Programme],
    views: Mapping[str, PartnershipView],
    tr: Translator,
) -> str:
    """A followed target as the reader calls it: 'Bonn – La Paz', 'Fase 8'."""
    if kind == TargetKind.PHASE and target_id in phases:
        return phases[target_id].name.get(tr.lang)
    if kind == TargetKind.PROGRAMME and target_id in programmes:
        return programmes[target_id].name.get(tr.lang)
    if kind == TargetKind.PARTNERSHIP and target_id in views:
        return views[target_id].pair_name(tr.lang)
    return target_id


def default_languages(views: Sequence[PartnershipView], admins: str) -> tuple[str, ...]:
    """A partnership's two towns' languages (Bonn – La Paz: de, es), else the admin's. The
    admin's first when it is one of them: a group's replies come in its first language."""
    return group_languages([town.country for v in views for town in (v.north, v.south)], admins)


def default_languages_note(languages: Sequence[str], tr: Translator) -> str:
    """Said once, at /subscribe: which languages the chat's posts come in, and how to change."""
    return escape(
        tr.gettext(
            "My posts here will be in {languages}. Change that with /{cmd_language}."
        ).format(languages=languages_in_text(languages, tr), **command_names(tr.lang))
    )


def not_in_network(tr: Translator) -> str:
    """The answer to a subscribe button whose target the network does not have."""
    return tr.gettext("That is no longer in the network: nothing changed.")


def choice_keyboard(targets: Sequence[Choice]) -> InlineKeyboardMarkup:
    return Keyboard([[button(t.label, Subscribe(CODES[t.kind], t.id))] for t in targets])


def unsubscribe_keyboard(labels: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    return Keyboard([[button("✖ " + label, Unsubscribe(sub_id))] for sub_id, label in labels])


def subscription_list(labels: Sequence[str], tr: Translator) -> str:
    if not labels:
        return escape(
            tr.gettext(
                "This chat follows nothing yet. An administrator links it with /{cmd_subscribe} "
                "and a partnership, phase or programme, for example /{cmd_subscribe} Bonn."
            ).format(**command_names(tr.lang))
        )
    lines = [escape(tr.gettext("This chat follows:"))]
    lines += [f"• {escape(label)}" for label in labels]
    return fit("\n".join(lines))


def offsets_text(settings: ReminderSettings, tr: Translator) -> str:
    lines = [
        tr.gettext("Before deadlines: {days}.").format(days=days_list(tr, settings.deadline_days)),
        tr.gettext("Before meetings: {times}.").format(
            times=tr.format_list([duration(tr, m) for m in settings.meeting_minutes])
        ),
        tr.gettext("Before events: {days}.").format(days=days_list(tr, settings.event_days)),
        tr.gettext("Invitations: when the previous meeting is over.")
        if settings.invite_days is None
        else tr.gettext("Invitations: {days} before the meeting.").format(
            days=days_list(tr, [settings.invite_days])
        ),
        reminders_usage(tr),
    ]
    return escape("\n".join(lines))


def reminders_usage(tr: Translator) -> str:
    """How to change them, with the command and its words as this reader is shown them
    (bot.text.keywords accepts each back)."""
    kinds = {k: REMINDER_KINDS.word(tr, k) for k in ReminderSetting}
    return tr.gettext(
        "Change them with /{reminders} 14 3 1, /{reminders} {meetings} 1{d} 1{h}, "
        "/{reminders} {events} 7 or /{reminders} {invitations} 3 (or: {invitations} {after})."
    ).format(
        reminders=command("reminders").name_in(tr.lang),
        meetings=kinds[ReminderSetting.MEETINGS],
        events=kinds[ReminderSetting.EVENTS],
        invitations=kinds[ReminderSetting.INVITE],
        after=INVITE_WHEN.word(tr, InviteWhen.AFTER),
        d=UNITS.word(tr, TimeUnit.DAY),
        h=UNITS.word(tr, TimeUnit.HOUR),
    )
