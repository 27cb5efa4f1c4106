"""Group features in plain functions: what a /subscribe text means, offsets, texts."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from telegram import InlineKeyboardMarkup

from bot.domain import PartnershipView, Phase, Programme
from bot.i18n import Translator
from bot.milestones import find_phase
from bot.render import button, fit
from bot.search import fold
from storage.subscriptions import ReminderSettings

SUBSCRIBE = "sub"  # sub:<a|h|g>:<id>  partnership, phase, programme
UNSUBSCRIBE = "unsub"  # unsub:<subscription id>
KIND_CODES = {"a": "partnership", "h": "phase", "g": "programme"}
CODES = {kind: code for code, kind in KIND_CODES.items()}
MAX_CHOICES = 6
MAX_OFFSETS = 5


@dataclass(frozen=True)
class Target:
    kind: str
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
) -> list[Target]:
    """What `text` names: a phase or programme when it names one exactly ("fase 8",
    "tandem"), else the partnerships the search found, best first."""
    found = []
    phase = find_phase(phases, text)
    if phase is not None:
        found.append(Target("phase", phase.id, phase.name.get(lang)))
    found += [
        Target("programme", p.id, p.name.get(lang)) for p in programme_matches(programmes, text)
    ]
    if not found:
        found = [Target("partnership", v.partnership.id, v.pair_name(lang)) for v in partnerships]
    return found[:MAX_CHOICES]


def describe(
    kind: str,
    target_id: str,
    phases: dict[str, Phase],
    programmes: dict[str, Programme],
    views: dict[str, PartnershipView],
    tr: Translator,
) -> str:
    """A followed target as the reader calls it: 'Bonn – La Paz', 'Fase 8'."""
    if kind == "phase" and target_id in phases:
        return phases[target_id].name.get(tr.lang)
    if kind == "programme" and target_id in programmes:
        return programmes[target_id].name.get(tr.lang)
    if kind == "partnership" and target_id in views:
        return views[target_id].pair_name(tr.lang)
    return target_id


def choice_keyboard(targets: Sequence[Target]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button(t.label[:60], f"{SUBSCRIBE}:{CODES[t.kind]}:{t.id}")] for t in targets]
    )


def unsubscribe_keyboard(labels: Sequence[tuple[int, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[button("✖ " + label[:60], f"{UNSUBSCRIBE}:{sub_id}")] for sub_id, label in labels]
    )


def subscription_list(labels: Sequence[str], tr: Translator) -> str:
    if not labels:
        return escape(
            tr.gettext(
                "This chat follows nothing yet. An administrator links it with /subscribe and a "
                "partnership, phase or programme, for example /subscribe Bonn."
            )
        )
    lines = [escape(tr.gettext("This chat follows:"))]
    lines += [f"• {escape(label)}" for label in labels]
    return fit("\n".join(lines))


_DURATION = re.compile(r"^(\d{1,3})\s*([dhm]?)$")


def parse_days(args: Sequence[str]) -> tuple[int, ...] | None:
    """'14 3 1' -> (14, 3, 1): whole days from 0 to 60, at most five, largest first."""
    try:
        days = sorted({int(a) for a in args}, reverse=True)
    except ValueError:
        return None
    if not days or len(days) > MAX_OFFSETS or not all(0 <= d <= 60 for d in days):
        return None
    return tuple(days)


def parse_durations(args: Sequence[str]) -> tuple[int, ...] | None:
    """'1d 1h 15m' -> minutes (1440, 60, 15); a bare number is hours."""
    minutes = set()
    for arg in args:
        match = _DURATION.match(arg.strip().lower())
        if not match:
            return None
        value, unit = int(match[1]), match[2] or "h"
        minutes.add(value * {"d": 1440, "h": 60, "m": 1}[unit])
    if not minutes or len(minutes) > MAX_OFFSETS or not all(5 <= m <= 14 * 1440 for m in minutes):
        return None
    return tuple(sorted(minutes, reverse=True))


SETTING_WORDS = {
    "meetings": "meetings",
    "meeting": "meetings",
    "events": "events",
    "event": "events",
    "invite": "invite",
    "invitations": "invite",
    "invitation": "invite",
}


def parse_reminders(args: Sequence[str]) -> tuple[str, tuple[int, ...] | int | None] | None:
    """'/reminders 14 3 1', '… meetings 1d 1h', '… events 7 1', '… invite 3', '… invite after'."""
    setting = SETTING_WORDS.get(args[0].lower(), "deadlines") if args else "deadlines"
    rest = list(args[1:] if setting != "deadlines" else args)
    if setting == "meetings":
        minutes = parse_durations(rest)
        return (setting, minutes) if minutes else None
    if setting == "invite":
        if [a.lower() for a in rest] == ["after"]:
            return setting, None
        days = parse_days(rest)
        return (setting, days[0]) if days and len(days) == 1 and days[0] >= 1 else None
    days = parse_days(rest)
    return (setting, days) if days else None


def offsets_text(settings: ReminderSettings, tr: Translator) -> str:
    def days(values: Sequence[int]) -> str:
        return ", ".join(tr.ngettext("{n} day", "{n} days", d).format(n=d) for d in values)

    lines = [
        tr.gettext("Before deadlines: {days}.").format(days=days(settings.deadline_days)),
        tr.gettext("Before meetings: {times}.").format(
            times=", ".join(_duration(m, tr) for m in settings.meeting_minutes)
        ),
        tr.gettext("Before events: {days}.").format(days=days(settings.event_days)),
        tr.gettext("Invitations: when the previous meeting is over.")
        if settings.invite_days is None
        else tr.gettext("Invitations: {days} before the meeting.").format(
            days=days([settings.invite_days])
        ),
        tr.gettext(
            "Change them with /reminders 14 3 1 (deadlines), /reminders meetings 1d 1h, "
            "/reminders events 7 or /reminders invite 3 (or: invite after)."
        ),
    ]
    return escape("\n".join(lines))


def _duration(minutes: int, tr: Translator) -> str:
    if minutes % 1440 == 0:
        return tr.ngettext("{n} day", "{n} days", minutes // 1440).format(n=minutes // 1440)
    if minutes % 60 == 0:
        return tr.ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return tr.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
