"""What a planned post says when it is sent: rendered from today's data in each language.

A post whose subject changed or passed (a moved deadline, a meeting already started) is
`ObsoletePostError` and skipped with its reason; one sent well after its due time says so.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta
from functools import partial
from html import escape
from zoneinfo import ZoneInfo

from bot.model.actions import ActionItem
from bot.model.agenda import AgendaItem
from bot.model.checklist_reminders import reminder_days
from bot.model.domain import LocalizedText, MeetingChange, MeetingSeries, PartnershipView
from bot.model.posts import (
    ActionReminder,
    ActionsAsk,
    ChecklistReminder,
    ChecklistStage,
    DeadlineReminder,
    EventReminder,
    Invitation,
    MeetingCorrection,
    MeetingPost,
    MeetingReminder,
    OverdueDigest,
    Payload,
    PersonalReminder,
)
from bot.model.recurrence import Occurrence, occurrence_of
from bot.schedule import checklist_posts
from bot.schedule.overdue import LATE_AFTER
from bot.schedule.plan import (
    Network,
    deadline_end,
    event_start,
    last_day,
    overdue_checklists,
    previous_start,
)
from bot.telegram.commands import command_names
from bot.telegram.limits import SCREEN_LINES, fit, screen_lines
from bot.text.dates import date_range, days_until, partial_date, starts_in
from bot.text.i18n import I18n, Translator
from bot.text.markup import fill
from bot.text.moments import clock_there, time_there, when
from bot.text.reader import Reader
from bot.views import actions as action_views
from bot.views import agenda as agenda_view
from bot.views.common import KIND_ICONS, KIND_LABELS, marked

SEPARATOR = "\n— — —\n"
"""Between the languages of one post: one line, so that two languages fit a phone screen."""


class ObsoletePostError(Exception):
    """The post no longer makes sense; the message says why (for the log and the row)."""


def compose(
    payload: Payload,
    due_at: datetime,
    net: Network,
    views: Mapping[str, PartnershipView],
    reader: Reader,
    i18n: I18n,
    now: datetime,
    home: ZoneInfo,
    agenda: Sequence[AgendaItem] = (),
    detail: int = 2,
    asking: bool = True,
    below: int = 0,
) -> str:
    """The post in each of the reader's languages in turn, or ObsoletePostError.
    `agenda`: the meeting's items, listed below an invitation or a meeting reminder.
    `detail`: how much of an invitation's "open from last time" it holds (2: the items, 1:
    their count, 0: nothing); less when the whole would not fit a phone screen.
    `asking`: an invitation ends with its question (not while 👥 shows who answered).
    `below`: screen lines kept free under the post (👥's names), fewer agenda items."""
    late = now - due_at > LATE_AFTER
    parts: list[str] = []
    said: set[str] = set()
    for lang in reader.languages:
        tr = i18n.translator(lang)
        body = _body(
            payload, net, views, tr, reader.zone, now, home, reader.languages, detail, asking
        )
        # A line the same in every language (both towns' times, a join link) is said once.
        lines = _lines(body)
        kept = [line for line, whole in lines if not (whole and line in said)]
        said.update(line for line, whole in lines if whole)
        if kept:
            parts.append("\n".join(kept))
    late_note = ""
    if late:  # one line for every language: "🕓 Verspätet · Con retraso"
        notes = (escape(i18n.translator(lang).gettext("Sent late")) for lang in reader.languages)
        late_note = "\n<i>🕓 " + " · ".join(notes) + "</i>"
    room = SCREEN_LINES - below
    if agenda and isinstance(payload, Invitation | MeetingReminder):
        # The agenda takes the room the rest leaves (down to one line saying how many);
        # an invitation's question gives its lines first (its buttons ask it anyway).
        text, listed = _with_agenda(parts, late_note, agenda, reader, i18n, room)
        wanted = min(len(agenda), agenda_view.SHOWN_ON_POSTS)
        if listed < wanted and asking and isinstance(payload, Invitation):
            return compose(
                payload, due_at, net, views, reader, i18n, now, home, agenda, detail, False, below
            )
    else:
        text = SEPARATOR.join(parts) + late_note
        if screen_lines(text) > room:  # each part's bold title marks its start anyway
            text = "\n".join(parts) + late_note
    checklist = isinstance(payload, ChecklistReminder | OverdueDigest)
    if screen_lines(text) > room and checklist and detail > 0:
        # A checklist's lines give way, down to a count (checklist_posts).
        return compose(payload, due_at, net, views, reader, i18n, now, home, agenda, detail - 1)
    if screen_lines(text) > room and isinstance(payload, Invitation) and (asking or detail):
        # The question gives its lines first (the buttons ask it anyway), then the items
        # open from last time shrink to a count, then go.
        less = detail if asking else detail - 1
        return compose(
            payload, due_at, net, views, reader, i18n, now, home, agenda, less, False, below
        )
    return fit(text)


# -- the agenda on an invitation or a meeting reminder (bot/views/agenda.py) ---------------


def _with_agenda(
    parts: Sequence[str],
    late_note: str,
    agenda: Sequence[AgendaItem],
    reader: Reader,
    i18n: I18n,
    screen: int = SCREEN_LINES,
) -> tuple[str, int]:
    """The post's parts, then its agenda once for every language (a heading in each, the
    items in their authors' words), as many items as keep the post on one screen: with the
    languages' separator unless leaving it out shows more. The text, and how many items it
    lists."""
    translators = [i18n.translator(lang) for lang in reader.languages]
    shown = partial(_shown, lang=reader.languages[0], readable=reader.languages)
    # Fits, then items shown, then (if nothing fits) fewer lines; the separator on a tie.
    best: tuple[bool, int, int, str] | None = None
    for joiner in (SEPARATOR, "\n"):
        body = joiner.join(parts)
        room = screen - screen_lines(body + late_note)
        block, count = agenda_view.posted_block(agenda, translators, shown, room)
        text = body + block + late_note
        lines = screen_lines(text)
        fits = lines <= screen
        found = (fits, count, 0 if fits else -lines, text)
        if best is None or found[:3] > best[:3]:
            best = found
    assert best is not None
    return best[3], best[1]


_TAG = re.compile(r"<(/?)([a-z-]+)[^>]*>")


def _lines(body: str) -> list[tuple[str, bool]]:
    """Each line, and whether it stands alone: not blank, and no element open across it (a
    title from the data may hold a line break inside its <b>). Only such a line may be left
    out as said already: the HTML stays whole."""
    found, depth = [], 0
    for line in body.split("\n"):
        before = depth
        for closing, _name in _TAG.findall(line):
            depth += -1 if closing else 1
        found.append((line, before == 0 and depth == 0 and bool(line.strip())))
    return found


def _body(
    payload: Payload,
    net: Network,
    views: Mapping[str, PartnershipView],
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    home: ZoneInfo,
    readable: Sequence[str] = (),
    detail: int = 2,
    asking: bool = True,
) -> str:
    """One language's part; `readable`: every language of the post, whose texts are shown
    unmarked in each part (a reader of the post reads them)."""
    shown = partial(_shown, lang=tr.lang, readable=readable)
    if isinstance(payload, DeadlineReminder):
        return _deadline(payload, net, tr, zone, now, home, shown)
    if isinstance(payload, Invitation | MeetingReminder | PersonalReminder):
        series, occ = _occurrence(payload, net, now)
        view = views.get(series.partnership_id)
        if isinstance(payload, Invitation):
            still_open = open_before(net, series.partnership_id, occ.start)
            today = now.astimezone(zone).date()
            opened = action_views.open_from_last_time(tr, still_open, shown, today, detail)
            return _invitation(series, occ, view, tr, zone, net.changes, shown, opened, asking)
        if isinstance(payload, PersonalReminder):
            return _personal_reminder(payload, series, occ, view, tr, zone, now, shown)
        return _meeting_reminder(series, occ, view, tr, zone, now, shown)
    if isinstance(payload, MeetingCorrection):
        return _change(payload, net, views, tr, zone, now, shown)
    if isinstance(payload, ActionsAsk | ActionReminder | OverdueDigest):
        return _action_post(payload, net, views, tr, zone, now, shown, detail)
    if isinstance(payload, ChecklistReminder):
        return _checklist(payload, net, views, tr, zone, now, shown, detail)
    return _event(payload, net, views, tr, zone, now, shown)


Shown = Callable[[LocalizedText], str]
"""A data text as this part of the post shows it (marked with its language, or not)."""


def _shown(text: LocalizedText, *, lang: str, readable: Sequence[str]) -> str:
    """Marked "(es)" unless the post is also in the original's language: its readers
    read it there, and the line is then the same in each part, so said once."""
    variant, original = text.shown(lang)
    return variant if original is None or original in readable else marked(text, lang)


def _deadline(
    post: DeadlineReminder,
    net: Network,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    home: ZoneInfo,
    shown: Shown,
) -> str:
    milestone = net.milestone_by_id.get(post.milestone_id)
    if milestone is None:
        raise ObsoletePostError("the milestone was removed")
    if milestone.due.iso() != post.due:
        raise ObsoletePostError("the milestone's date changed; its new reminders are planned")
    end, day = deadline_end(milestone.due, home), last_day(milestone.due, home)
    if end is None or day is None or now >= end:
        raise ObsoletePostError("the deadline has passed")
    phase = net.phases.get(milestone.phase_id)
    left = days_until(tr, day, now.astimezone(zone).date())
    lines = [
        "⏰ <b>" + escape(tr.gettext("Deadline {left}").format(left=left)) + "</b>",
        escape(shown(milestone.title)),
        escape(tr.gettext("Due: {date}").format(date=partial_date(tr, milestone.due))),
    ]
    if phase is not None:
        lines.append("📌 " + escape(phase.name.get(tr.lang)))
    return "\n".join(lines)


def _occurrence(post: MeetingPost, net: Network, now: datetime) -> tuple[MeetingSeries, Occurrence]:
    series = net.series_by_id.get(post.series_id)
    if series is None:
        raise ObsoletePostError("the meeting series was removed")
    found = occurrence_of(series, post.occurrence, net.changes)
    if found is None:
        raise ObsoletePostError("the meeting was cancelled or is no longer in the schedule")
    if found.start <= now:
        raise ObsoletePostError("the meeting has already started")
    return series, found


def _change(
    post: MeetingCorrection,
    net: Network,
    views: Mapping[str, PartnershipView],
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
) -> str:
    """The short correction after a meeting was cancelled or moved."""
    series = net.series_by_id.get(post.series_id)
    change = net.change_by_id.get(post.change_id)
    moved_to = change.moved_to.isoformat(timespec="minutes") if change and change.moved_to else ""
    if (
        series is None
        or change is None
        or change.status != post.status
        or moved_to != post.moved_to
    ):
        raise ObsoletePostError("the change was itself changed; the current one is planned")
    zone_of_series = ZoneInfo(series.timezone)
    if (change.moved_to or change.occurrence).replace(tzinfo=zone_of_series) <= now:
        raise ObsoletePostError("the meeting is over; a correction is no use now")
    view = views.get(series.partnership_id)
    was = change.occurrence.replace(tzinfo=zone_of_series)
    title = shown(series.title)
    old = when(tr, was, zone)
    reason = [] if change.reason is None else ["💬 " + escape(shown(change.reason))]
    if change.moved_to is None:
        cancelled = tr.gettext("Cancelled: {title} on {when}")
        return "\n".join(
            ["❌ <b>" + fill(cancelled, title=escape(title), when=old) + "</b>", *reason]
        )
    start = change.moved_to.replace(tzinfo=zone_of_series)
    occ = Occurrence(series, change.occurrence, start, start, moved=True)
    return "\n".join(
        [
            "🔁 <b>" + escape(tr.gettext("Moved: {title}").format(title=title)) + "</b>",
            _when(occ, view, tr, zone),
            fill(tr.gettext("(instead of {when})"), when=old),
            *reason,
        ]
    )


def _when(occ: Occurrence, view: PartnershipView | None, tr: Translator, zone: ZoneInfo) -> str:
    """HTML: the reader's day and time, then each town's time (both stay on the post)."""
    text = when(tr, occ.start, zone)
    if view is not None:
        towns = [
            time_there(tr, occ.start, ZoneInfo(t.timezone), t.name.get(tr.lang))
            for t in (view.north, view.south)
        ]
        text += "\n" + " · ".join(towns)
    return text


def _invitation(
    series: MeetingSeries,
    occ: Occurrence,
    view: PartnershipView | None,
    tr: Translator,
    zone: ZoneInfo,
    changes: Sequence[MeetingChange],
    shown: Shown,
    opened: Sequence[str] = (),
    asking: bool = True,
) -> str:
    """`opened`: the action items still open from before (action_views.open_from_last_time)."""
    lines = [
        "📅 <b>"
        + escape(tr.gettext("Invitation: {title}").format(title=shown(series.title)))
        + "</b>",
        _when(occ, view, tr, zone),
    ]
    if series.join_url:
        lines.append("🔗 " + escape(series.join_url))  # the same in every language: said once
    lines += _clock_change(series, occ, view, tr, changes)
    lines += opened
    if asking:
        lines.append(escape(tr.gettext("Will you take part? Answer below.")))
    return "\n".join(lines)


def _gap(moment: datetime, there: ZoneInfo, home: ZoneInfo) -> timedelta:
    """How far a town's clocks are ahead of the series' zone at that moment."""
    return (moment.astimezone(there).utcoffset() or timedelta()) - (
        moment.astimezone(home).utcoffset() or timedelta()
    )


def _clock_change(
    series: MeetingSeries,
    occ: Occurrence,
    view: PartnershipView | None,
    tr: Translator,
    changes: Sequence[MeetingChange],
) -> list[str]:
    """Say so when a DST change in one town moved the call's time in another.

    Only a change in the offset between a town and the series' zone counts: a meeting
    moved on purpose to another hour is not a clock change.
    """
    before = previous_start(series, occ, changes)
    if before is None or view is None:
        return []
    home = ZoneInfo(series.timezone)
    notes = []
    for town in (view.north, view.south):
        there = ZoneInfo(town.timezone)
        if _gap(occ.start, there, home) != _gap(before, there, home):
            said = tr.gettext("Clock change: in {town} now at {time} (last time {before}).")
            notes.append(
                "⚠️ "
                + fill(
                    said,
                    town=escape(town.name.get(tr.lang)),
                    time=clock_there(tr, occ.start, there),
                    before=clock_there(tr, before, there),
                )
            )
    return notes


def _meeting_reminder(
    series: MeetingSeries,
    occ: Occurrence,
    view: PartnershipView | None,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
) -> str:
    left = starts_in(tr, occ.start, now, zone)
    lines = [
        "⏰ <b>"
        + escape(tr.gettext("{title} begins {left}.").format(title=shown(series.title), left=left))
        + "</b>",
        _when(occ, view, tr, zone),
    ]
    if series.join_url:
        lines.append("🔗 " + escape(series.join_url))  # the same in every language: said once
    return "\n".join(lines)


def _personal_reminder(
    post: PersonalReminder,
    series: MeetingSeries,
    occ: Occurrence,
    view: PartnershipView | None,
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
) -> str:
    """The meeting reminder in a user's private chat, with what they answered and how to
    change when it comes."""
    if occ.start.replace(tzinfo=None).isoformat(timespec="minutes") != post.starts:
        raise ObsoletePostError("the meeting moved; its new reminder is planned")
    said = tr.gettext("You said you'd take part. Change when I remind you: /{cmd_reminders}")
    return "\n".join(
        [
            _meeting_reminder(series, occ, view, tr, zone, now, shown),
            "✅ " + escape(said.format(**command_names(tr.lang))),
        ]
    )


def _event(
    post: EventReminder,
    net: Network,
    views: Mapping[str, PartnershipView],
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
) -> str:
    event = net.event_by_id.get(post.event_id)
    if event is None:
        raise ObsoletePostError("the event was removed")
    if event.starts.iso() != post.starts:
        raise ObsoletePostError("the event's date changed; its new reminder is planned")
    day = event.starts.as_date()
    start = event.start_instant()
    if day is None or event_start(event, zone) <= now:
        raise ObsoletePostError("the event has begun")
    kind = tr.gettext(KIND_LABELS[event.kind])
    left = days_until(tr, day, now.astimezone(zone).date())
    lines = [
        f"{KIND_ICONS[event.kind]} <b>"
        + escape(tr.gettext("{kind} · {left}").format(kind=kind, left=left))
        + "</b>",
        escape(shown(event.title)),
    ]
    dated = escape(date_range(tr, event.starts, event.ends))
    lines.append("📅 " + (when(tr, start, zone) if start is not None else dated))
    if event.online:
        lines.append("📍 " + escape(tr.gettext("online")))
    elif event.place is not None:
        lines.append("📍 " + escape(shown(event.place)))
    if event.partnership_id and (view := views.get(event.partnership_id)):
        lines.append("🤝 " + escape(view.pair_name(tr.lang)))
    if event.join_url:
        lines.append("🔗 " + escape(event.join_url))
    return "\n".join(lines)


# -- action items after the call ----------------------------------------------------------------

ASK_USEFUL = timedelta(days=2)
"""An ask sent later than this after its meeting (the bot was down) is skipped."""


def open_before(net: Network, partnership_id: str, start: datetime) -> list[ActionItem]:
    """The partnership's items still open that were added before this meeting."""
    return [i for i in net.actions_by_partnership.get(partnership_id, ()) if i.created_at < start]


def _action_post(
    post: ActionsAsk | ActionReminder | OverdueDigest,
    net: Network,
    views: Mapping[str, PartnershipView],
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
    detail: int = 2,
) -> str:
    """`detail`: how much of the digest's overdue checklist items it lists
    (checklist_posts.digest_part)."""
    today = now.astimezone(zone).date()
    if isinstance(post, ActionsAsk):
        series = net.series_by_id.get(post.series_id)
        if series is None:
            raise ObsoletePostError("the meeting series was removed")
        held = occurrence_of(series, post.occurrence, net.changes)
        if held is None:
            raise ObsoletePostError("the meeting was cancelled or is no longer in the schedule")
        if now - held.end > ASK_USEFUL:
            raise ObsoletePostError("the meeting was over too long ago to ask")
        return action_views.ask_post(tr, shown(series.title))
    if isinstance(post, ActionReminder):
        item = net.action_by_id.get(post.item_id)
        if item is None:
            raise ObsoletePostError("the action item was ticked done or removed")
        if item.due.isoformat() != post.due:
            raise ObsoletePostError("the action item's due day changed; its reminders are planned")
        if today > item.due:
            raise ObsoletePostError("the action item's due day has passed")
        view = views.get(item.partnership_id)
        return action_views.reminder_post(tr, item, view, shown, today)
    overdue = [i for i in net.actions_by_partnership.get(post.partnership_id, ()) if i.due < today]
    listed = overdue_checklists(net, post.partnership_id, today, now, zone)
    if not overdue and not listed:
        raise ObsoletePostError("no action item or checklist item is overdue")
    view = views.get(post.partnership_id)
    parts = [action_views.digest_post(tr, overdue, view, shown, today)] if overdue else []
    if listed and (detail > 0 or not overdue):  # at the least, ☑️ below says it alone
        part = checklist_posts.digest_part(tr, listed, view, shown, today, not overdue, detail)
        parts.append(part)
    return "\n".join(parts)


# -- checklists of exchanges --------------------------------------------------------------------


def _checklist(
    post: ChecklistReminder,
    net: Network,
    views: Mapping[str, PartnershipView],
    tr: Translator,
    zone: ZoneInfo,
    now: datetime,
    shown: Shown,
    detail: int = 2,
) -> str:
    """An open item on its due day or overdue; skipped once ticked, removed, moved or begun.
    `detail`: fewer lines when two languages would not fit (checklist_posts.reminder_post)."""
    item = net.checklist_item_by_id.get(post.item_id)
    if item is None:
        raise ObsoletePostError("the checklist item was ticked or removed")
    event = net.event_by_id.get(item.event_id)
    if event is None or event.starts.as_date() is None:
        raise ObsoletePostError("the exchange was removed or has no day")
    if event_start(event, zone) <= now:
        raise ObsoletePostError("the exchange has begun")
    day = reminder_days(item, event).get(post.stage)
    if day is None or now.astimezone(zone).date() < day:
        raise ObsoletePostError("the exchange moved; the item's reminder is planned anew")
    due = reminder_days(item, event)[ChecklistStage.DUE]
    view = views.get(event.partnership_id) if event.partnership_id else None
    return checklist_posts.reminder_post(tr, item, event, due, view, shown, zone, now, detail)
