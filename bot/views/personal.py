"""A user's own reminders, in their private chat: switched on from a group's invitation,
and their lead times as `/reminders` shows and changes them."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from html import escape
from zoneinfo import ZoneInfo

from bot.model.reminders import PersonalReminders
from bot.telegram.commands import command, command_names
from bot.text import places
from bot.text.i18n import Translator
from bot.text.keywords import OFF, PERSONAL_KINDS, UNITS, Off, PersonalSetting, TimeUnit
from bot.text.markup import fill
from bot.text.moments import when
from bot.views.common import days_list, duration, languages_in_text


def durations(tr: Translator, minutes: Sequence[int]) -> str:
    """'1 hour', '1 day and 2 hours' … as a list in the reader's language."""
    return tr.format_list([duration(tr, m) for m in minutes])


def switched_on(
    tr: Translator,
    reminders: PersonalReminders,
    zone: ZoneInfo,
    meeting: tuple[str, datetime] | None,
    join_link: bool = False,
) -> str:
    """The answer to the Start button of the invitation's link: what the user will get,
    in which language and at which time, and how to change it. `meeting`: the one they
    answered ✅ to (title, start), when the link named it; `join_link`: its series has a
    link to join (the reminder brings it)."""
    names = command_names(tr.lang)
    if reminders.meeting_minutes:
        said = (
            tr.gettext(
                "🔔 Done: I will remind you {lead} before each meeting you answer ✅ to, "
                "in {language}, at your time ({zone}), with the link to join."
            )
            if join_link
            else tr.gettext(
                "🔔 Done: I will remind you {lead} before each meeting you answer ✅ to, "
                "in {language}, at your time ({zone})."
            )
        ).format(
            lead=durations(tr, reminders.meeting_minutes),
            language=languages_in_text([tr.lang], tr),
            zone=places.city(zone, tr.lang),
        )
    else:
        said = tr.gettext("🔕 Your meeting reminders are off.")
    lines = [escape(said)]
    if meeting is not None:
        title, start = meeting
        lines.append(
            fill(
                tr.gettext("Next: {title}, {when}"), title=escape(title), when=when(tr, start, zone)
            )
        )
    lines.append(
        escape(
            tr.gettext(
                "Change the lead time: /{cmd_reminders}; language: /{cmd_language}; "
                "time zone: /{cmd_timezone}."
            ).format(**names)
        )
    )
    return "\n".join(lines)


def personal_block(tr: Translator, reminders: PersonalReminders) -> str:
    """HTML: the user's own lead times and how to change them (the private /reminders)."""
    off = OFF.word(tr, Off.OFF)
    meetings = durations(tr, reminders.meeting_minutes) if reminders.meeting_minutes else off
    actions = days_list(tr, reminders.action_days) if reminders.action_days else off
    lines = [
        "<b>" + escape(tr.gettext("Your own reminders")) + "</b>",
        escape(tr.gettext("Before meetings you answered ✅ to: {times}.").format(times=meetings)),
        escape(tr.gettext("Before your action items are due: {days}.").format(days=actions)),
        escape(personal_usage(tr)),
    ]
    return "\n".join(lines)


def personal_usage(tr: Translator) -> str:
    """How to change them, with the words as this reader is shown them."""
    return tr.gettext(
        "Change: /{reminders} {mine} 2{h}, /{reminders} {actions} 3 1 (or: {off})."
    ).format(
        reminders=command("reminders").name_in(tr.lang),
        mine=PERSONAL_KINDS.word(tr, PersonalSetting.MINE),
        actions=PERSONAL_KINDS.word(tr, PersonalSetting.ACTIONS),
        off=OFF.word(tr, Off.OFF),
        h=UNITS.word(tr, TimeUnit.HOUR),
    )


def personal_in_private(tr: Translator) -> str:
    """Own reminders asked for in a group: they are set in the private chat."""
    return tr.gettext(
        "Your own reminders are set in our private chat: send me /{cmd_reminders} there."
    ).format(**command_names(tr.lang))


def personal_not_understood(tr: Translator) -> str:
    return tr.gettext("I did not understand that.") + "\n" + personal_usage(tr)
