"""One meeting of a series moved, cancelled or put back from the private chat, and
/meeting's list: what each step says and its buttons."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.model.domain import ChangeStatus, MeetingChange, MeetingSeries, PartnershipView
from bot.model.recurrence import MOVE_REACH
from bot.telegram.callbacks import button
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import EditMeeting, MeetingAct, MeetingDo
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, screen_lines
from bot.text import cldr, places
from bot.text.i18n import Translator
from bot.text.markup import escape, fill
from bot.text.moments import time_there, when

REASON_ROOM = 200
"""Characters of a reason: a line or two of the correction post."""


def start_code(local: datetime) -> int:
    """A meeting's original local start as the buttons carry it: YYYYMMDDHHMM."""
    return int(local.strftime("%Y%m%d%H%M"))


def start_of(code: int) -> datetime | None:
    try:
        return datetime.strptime(f"{code:012d}", "%Y%m%d%H%M")
    except ValueError:
        return None


@dataclass(frozen=True)
class Meeting:
    """One meeting as the conversation shows it: its series, its towns, its original local
    start and its change, if any."""

    series: MeetingSeries
    view: PartnershipView | None
    local: datetime
    change: MeetingChange | None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.series.timezone)

    def at(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone)

    @property
    def start(self) -> datetime:
        """When it begins now: moved, or as planned (also for a cancelled one)."""
        moved = self.change.moved_to if self.change is not None else None
        return self.at(moved or self.local)

    @property
    def cancelled(self) -> bool:
        return self.change is not None and self.change.status is ChangeStatus.CANCELLED

    def act(self, act: MeetingDo) -> MeetingAct:
        return MeetingAct(act, start_code(self.local), self.series.id)


def times(tr: Translator, start: datetime, meeting: Meeting, zone: ZoneInfo) -> str:
    """HTML: the reader's day and time, then each town's time."""
    text = when(tr, start, zone)
    if meeting.view is not None:
        towns = [
            time_there(tr, start, ZoneInfo(t.timezone), t.name.get(tr.lang))
            for t in (meeting.view.north, meeting.view.south)
        ]
        text += "\n" + " · ".join(towns)
    return text


def _title(tr: Translator, meeting: Meeting) -> str:
    return "🗓 <b>" + escape(meeting.series.title.get(tr.lang)) + "</b>"


def _reason(tr: Translator, change: MeetingChange | None) -> list[str]:
    if change is None or change.reason is None:
        return []
    return ["💬 " + escape(change.reason.get(tr.lang))]


def card(tr: Translator, meeting: Meeting, zone: ZoneInfo) -> tuple[str, Keyboard]:
    """The meeting and its state, with what may be done to it."""
    lines = [_title(tr, meeting)]
    if meeting.change is None:
        lines += [times(tr, meeting.start, meeting, zone), "✅ " + escape(tr.gettext("As planned"))]
    elif meeting.cancelled:
        lines += [
            times(tr, meeting.start, meeting, zone),
            "❌ <b>" + escape(tr.gettext("Cancelled")) + "</b>",
        ]
    else:
        lines += [
            "🔁 <b>" + escape(tr.gettext("Moved to:")) + "</b>",
            times(tr, meeting.start, meeting, zone),
            fill(tr.gettext("(instead of {when})"), when=when(tr, meeting.at(meeting.local), zone)),
        ]
    lines += _reason(tr, meeting.change)
    rows: list[list[Button]] = [
        [
            button(tr.gettext("🔁 Move"), meeting.act(MeetingDo.MOVE), 2),
            button(tr.gettext("❌ Cancel"), meeting.act(MeetingDo.CANCEL), 2),
        ]
    ]
    if meeting.cancelled:
        rows[0].pop()
    if meeting.change is not None:
        rows.append([button(tr.gettext("↩️ Back to the rule"), meeting.act(MeetingDo.RESTORE))])
    rows.append(close_row(tr, meeting))
    return "\n".join(lines), Keyboard(rows)


def ask_when(tr: Translator, meeting: Meeting, zone: ZoneInfo, heading: str = "") -> str:
    """The question for the new day and time, above the calendar's heading."""
    town = _home_town(tr, meeting)
    lines = [
        _title(tr, meeting),
        fill(tr.gettext("Now: {when}"), when=when(tr, meeting.start, zone)),
        escape(
            tr.gettext(
                "When instead? Type the day and time as the clocks show them in {town}, "
                "for example “Wed 16 3 pm”, or pick:"
            ).format(town=town)
        ),
    ]
    if heading:
        lines.append(heading)
    return "\n".join(lines)


def _home_town(tr: Translator, meeting: Meeting) -> str:
    """The town whose clocks the series keeps (its zone's), else the zone's city."""
    if meeting.view is not None:
        for town in (meeting.view.north, meeting.view.south):
            if town.timezone == meeting.series.timezone:
                return town.name.get(tr.lang)
    return places.city(meeting.zone, tr.lang)


def close_row(tr: Translator, meeting: Meeting) -> list[Button]:
    return [button(tr.gettext("✖ Close"), meeting.act(MeetingDo.CLOSE))]


def too_far(tr: Translator, meeting: Meeting) -> str:
    """A new time beyond MOVE_REACH of the planned one, said as the import says it."""
    days = MOVE_REACH.days
    earliest = meeting.local - timedelta(days=days)
    latest = meeting.local + timedelta(days=days)
    said = tr.ngettext(
        "A meeting may be moved by at most {days} day: from {first} to {last}.",
        "A meeting may be moved by at most {days} days: from {first} to {last}.",
        days,
    )
    return "⚠️ " + escape(
        said.format(
            days=days,
            first=cldr.skeleton("yMMMEd", earliest.date(), tr.lang),
            last=cldr.skeleton("yMMMEd", latest.date(), tr.lang),
        )
    )


def already_begun(tr: Translator) -> str:
    return tr.gettext("This meeting has begun or is over: it can no longer be changed.")


def already_begun_html(tr: Translator) -> str:
    return "⚠️ " + escape(already_begun(tr))


def gone(tr: Translator) -> str:
    return tr.gettext("This meeting is no longer in the schedule.")


def gone_html(tr: Translator) -> str:
    return escape(gone(tr))


def not_begun_yet(tr: Translator) -> str:
    """A new time that has passed."""
    return "⚠️ " + escape(tr.gettext("That time has passed. Please give a later one."))


def same_time(tr: Translator) -> str:
    return "⚠️ " + escape(
        tr.gettext("That is when it is planned already. Please give another time.")
    )


def confirm_move(
    tr: Translator, meeting: Meeting, start: datetime, zone: ZoneInfo, twice: bool
) -> tuple[str, Keyboard]:
    """The new time shown back in both towns' times, for ✅."""
    lines = [
        _title(tr, meeting),
        "🔁 <b>" + escape(tr.gettext("Move to:")) + "</b>",
        times(tr, start, meeting, zone),
        fill(tr.gettext("(instead of {when})"), when=when(tr, meeting.start, zone)),
    ]
    if twice:
        lines.append(
            escape(tr.gettext("That time comes twice that night (the clocks go back): the first."))
        )
    lines.append(escape(tr.gettext("Is this right?")))
    rows = [
        [
            button(tr.gettext("✅ Yes"), meeting.act(MeetingDo.YES), 2),
            button(tr.gettext("✏️ Other time"), meeting.act(MeetingDo.OTHER), 2),
        ],
        close_row(tr, meeting),
    ]
    return "\n".join(lines), Keyboard(rows)


def ask_reason(tr: Translator, meeting: Meeting, status: ChangeStatus) -> tuple[str, Keyboard]:
    question = (
        tr.gettext(
            "Why is it cancelled? Type the reason in a line; the groups read it as you write it."
        )
        if status is ChangeStatus.CANCELLED
        else tr.gettext(
            "Why is it moved? Type the reason in a line; the groups read it as you write it."
        )
    )
    lines = [_title(tr, meeting), escape(question)]
    rows = [
        [button(tr.gettext("⏭ No reason"), meeting.act(MeetingDo.SKIP))],
        close_row(tr, meeting),
    ]
    return "\n".join(lines), Keyboard(rows)


def reason_too_long(tr: Translator) -> str:
    return "⚠️ " + escape(
        tr.gettext("Please keep the reason within {count} characters.").format(count=REASON_ROOM)
    )


def confirm_change(
    tr: Translator, meeting: Meeting, change: MeetingChange, zone: ZoneInfo
) -> tuple[str, Keyboard]:
    """What will be saved and told to the groups, for ✅."""
    lines = [_title(tr, meeting)]
    was = when(tr, meeting.at(meeting.local), zone)
    if change.status is ChangeStatus.CANCELLED:
        lines.append(
            "❌ <b>" + fill(tr.gettext("Cancel the meeting of {when}?"), when=was) + "</b>"
        )
    else:
        assert change.moved_to is not None
        lines += [
            "🔁 <b>" + escape(tr.gettext("Move to:")) + "</b>",
            times(tr, meeting.at(change.moved_to), meeting, zone),
            fill(tr.gettext("(instead of {when})"), when=was),
        ]
    lines += _reason(tr, change)
    lines.append(escape(tr.gettext("The groups that follow it get a correction.")))
    rows = [
        [
            button(tr.gettext("✅ Save"), meeting.act(MeetingDo.YES), 2),
            button(tr.gettext("✖ Close"), meeting.act(MeetingDo.CLOSE), 2),
        ]
    ]
    return "\n".join(lines), Keyboard(rows)


def confirm_restore(tr: Translator, meeting: Meeting, zone: ZoneInfo) -> tuple[str, Keyboard]:
    lines = [
        _title(tr, meeting),
        "↩️ <b>" + escape(tr.gettext("Back to the rule:")) + "</b>",
        times(tr, meeting.at(meeting.local), meeting, zone),
        escape(tr.gettext("Is this right?")),
    ]
    rows = [
        [
            button(tr.gettext("✅ Yes"), meeting.act(MeetingDo.YES), 2),
            button(tr.gettext("✖ Close"), meeting.act(MeetingDo.CLOSE), 2),
        ]
    ]
    return "\n".join(lines), Keyboard(rows)


def closed(tr: Translator) -> str:
    return escape(tr.gettext("Closed. Nothing was changed."))


# -- /meeting ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Listed:
    """A meeting in /meeting's list."""

    meeting: Meeting
    pair: str


LISTED = 6
"""Meetings /meeting lists: the soonest, a screen's worth with their buttons."""


def listing(tr: Translator, found: Sequence[Listed], zone: ZoneInfo) -> tuple[str, Keyboard]:
    lines = ["🗓 <b>" + escape(tr.gettext("Next meetings you may change:")) + "</b>"]
    rows = []
    for item in found[:LISTED]:
        meeting = item.meeting
        mark = "❌ " if meeting.cancelled else ("🔁 " if meeting.change is not None else "")
        line = f"• {mark}{when(tr, meeting.start, zone)}\n  {escape(item.pair)}"
        if screen_lines("\n".join([*lines, line])) > SCREEN_ROOM:
            break  # the soonest that fit a screen: the others come as these pass
        lines.append(line)
        day = cldr.skeleton("MMMMd", meeting.start.astimezone(zone).date(), tr.lang)
        rows.append(
            [
                button(
                    f"✏️ {day} · {item.pair}",
                    EditMeeting(start_code(meeting.local), meeting.series.id),
                )
            ]
        )
    return "\n".join(lines), Keyboard(rows)


def none_to_change(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "You may change no meeting series: the network's coordinators and each "
            "partnership's focal points may."
        )
    )


def no_meetings_ahead(tr: Translator) -> str:
    return escape(tr.gettext("No meeting of your series is ahead."))


def only_in_private(tr: Translator) -> str:
    return escape(
        tr.gettext("Meetings are changed in a private chat with me: send /{cmd_meeting} there.")
    ).format(**command_names(tr.lang))
