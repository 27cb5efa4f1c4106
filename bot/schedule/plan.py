"""Which posts each chat should get, and when: pure planning over the network's data.

bot/schedule/replan.py writes the plan into the outbox (storage/outbox.py); the dispatcher
(bot/schedule/send.py) only sends what is due.
Deadlines are due at the end of their day (or month) in the network's home zone;
reminders for them go out at a civil hour in the chat's zone. Meeting times come from the
series' RFC 5545 rule on wall-clock time, so they stay put across DST changes.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property, partial
from zoneinfo import ZoneInfo

from bot.model.actions import ActionItem, OwnerChat
from bot.model.chats import FollowingChat, TargetKind
from bot.model.checklist_reminders import FocalChat, overdue_items, reminder_days
from bot.model.domain import (
    ChecklistItem,
    Event,
    MeetingChange,
    MeetingSeries,
    Milestone,
    PartialDate,
    Partnership,
    Phase,
)
from bot.model.posts import (
    ActionReminder,
    ActionsAsk,
    ChecklistReminder,
    ChecklistStage,
    DeadlineReminder,
    EventReminder,
    Invitation,
    MeetingCorrection,
    MeetingReminder,
    OverdueDigest,
    Payload,
    PersonalReminder,
    Planned,
)
from bot.model.recurrence import MOVE_REACH, Occurrence, occurrence_of, occurrences, parsed_rule
from bot.schedule.overdue import LATE_AFTER, Redundant, redundant

_UTC = ZoneInfo("UTC")
HORIZON = timedelta(days=90)
CIVIL_HOUR = time(9, 0)  # reminders about days go out at 09:00 in the chat's zone
FIRST_INVITATION_LEAD = timedelta(days=14)  # a series' first meeting has no previous one


@dataclass(frozen=True)
class Network:
    """The data the planner reads, loaded once per planning run."""

    phases: Mapping[str, Phase]
    milestones: Sequence[Milestone]
    partnerships: Mapping[str, Partnership]
    """At least the partnerships the chats' subscriptions reach (see followed())."""
    series: Sequence[MeetingSeries]
    events: Sequence[Event]
    changes: Sequence[MeetingChange] = ()
    actions: Sequence[ActionItem] = ()
    """Open action items (of the partnerships planned for, or all of them for posts)."""
    checklist_items: Sequence[ChecklistItem] = ()
    """Open checklist items of the exchanges not started yet."""

    @cached_property
    def by_phase(self) -> Mapping[str, list[str]]:
        """Partnership ids per phase: a chat's reach is looked up, not a scan of them all."""
        return _group(self.partnerships.values(), lambda p: p.phase_id)

    @cached_property
    def by_programme(self) -> Mapping[str, list[str]]:
        return _group(self.partnerships.values(), lambda p: p.programme_id)

    # By id, for composing posts: each post looks its subject up, not a scan of them all.
    @cached_property
    def milestone_by_id(self) -> Mapping[str, Milestone]:
        return {m.id: m for m in self.milestones}

    @cached_property
    def series_by_id(self) -> Mapping[str, MeetingSeries]:
        return {s.id: s for s in self.series}

    @cached_property
    def change_by_id(self) -> Mapping[str, MeetingChange]:
        return {c.id: c for c in self.changes}

    @cached_property
    def event_by_id(self) -> Mapping[str, Event]:
        return {e.id: e for e in self.events}

    @cached_property
    def action_by_id(self) -> Mapping[int, ActionItem]:
        return {a.id: a for a in self.actions}

    @cached_property
    def checklist_item_by_id(self) -> Mapping[str, ChecklistItem]:
        return {i.id: i for i in self.checklist_items}

    @cached_property
    def checklists_by_event(self) -> Mapping[str, list[ChecklistItem]]:
        found: dict[str, list[ChecklistItem]] = defaultdict(list)
        for item in self.checklist_items:
            found[item.event_id].append(item)
        return found

    @cached_property
    def checklist_events(self) -> Sequence[Event]:
        """The exchanges with open checklist items: planning looks at these, not every event."""
        return [e for e in self.events if e.id in self.checklists_by_event]

    @cached_property
    def checklist_events_by_partnership(self) -> Mapping[str, list[Event]]:
        found: dict[str, list[Event]] = defaultdict(list)
        for event in self.checklist_events:
            if event.partnership_id is not None:
                found[event.partnership_id].append(event)
        return found

    @cached_property
    def checklist_events_by_frame(self) -> Mapping[tuple[str, str], list[Event]]:
        """The exchanges with open items by ("phase" | "programme", id): a chat's are
        looked up by what it follows, not found by a scan of them all."""
        found: dict[tuple[str, str], list[Event]] = defaultdict(list)
        for event in self.checklist_events:
            if event.phase_id is not None:
                found[("phase", event.phase_id)].append(event)
            if event.programme_id is not None:
                found[("programme", event.programme_id)].append(event)
        return found

    def checklist_events_reached(self, reach: Followed) -> list[Event]:
        """The exchanges with open items a chat's subscriptions reach (follows_event), in
        the network's order."""
        found: dict[str, Event] = {}
        for pid in reach.partnerships:
            found.update((e.id, e) for e in self.checklist_events_by_partnership.get(pid, ()))
        frames = [("phase", p) for p in reach.phases] + [("programme", p) for p in reach.programmes]
        for frame in frames:
            found.update((e.id, e) for e in self.checklist_events_by_frame.get(frame, ()))
        order = self.checklist_event_order
        return sorted(found.values(), key=lambda e: order[e.id])

    @cached_property
    def checklist_event_order(self) -> Mapping[str, int]:
        return {e.id: n for n, e in enumerate(self.checklist_events)}

    @cached_property
    def actions_by_partnership(self) -> Mapping[str, list[ActionItem]]:
        found: dict[str, list[ActionItem]] = defaultdict(list)
        for item in self.actions:
            found[item.partnership_id].append(item)
        return found


def partnership_ids(net: Network) -> Sequence[str]:
    """The partnerships the meetings, events and action items name: what their posts show."""
    return sorted(
        {s.partnership_id for s in net.series}
        | {e.partnership_id for e in net.events if e.partnership_id}
        | {a.partnership_id for a in net.actions}
    )


def _group(
    partnerships: Iterable[Partnership], frame: Callable[[Partnership], str | None]
) -> Mapping[str, list[str]]:
    found: dict[str, list[str]] = defaultdict(list)
    for p in partnerships:
        if (key := frame(p)) is not None:
            found[key].append(p.id)
    return found


@dataclass(frozen=True)
class Followed:
    partnerships: frozenset[str]
    phases: frozenset[str]
    programmes: frozenset[str]


def followed(chat: FollowingChat, net: Network) -> Followed:
    """What a chat's subscriptions reach: a programme reaches its phases and partnerships."""
    programmes = {t for k, t in chat.targets if k == TargetKind.PROGRAMME}
    phases = {t for k, t in chat.targets if k == TargetKind.PHASE}
    phases |= {p.id for p in net.phases.values() if p.programme_id in programmes}
    partnerships = {t for k, t in chat.targets if k == TargetKind.PARTNERSHIP}
    for phase in phases:
        partnerships.update(net.by_phase.get(phase, ()))
    for programme in programmes:
        partnerships.update(net.by_programme.get(programme, ()))
    for pid in partnerships:  # a partnership's phase brings the phase's deadlines
        phase_id = net.partnerships[pid].phase_id if pid in net.partnerships else None
        if phase_id:
            phases.add(phase_id)
    return Followed(frozenset(partnerships), frozenset(phases), frozenset(programmes))


def deadline_end(due: PartialDate, home: ZoneInfo) -> datetime | None:
    """The instant a deadline passes: the end of its day, month or year in the home zone."""
    if due.year is None:
        return None
    if due.day is not None and due.month is not None:
        last = date(due.year, due.month, due.day)
    elif due.month is not None:
        last = date(due.year + due.month // 12, due.month % 12 + 1, 1) - timedelta(days=1)
    else:
        last = date(due.year, 12, 31)
    return datetime.combine(last + timedelta(days=1), time(0), home)


def last_day(due: PartialDate, home: ZoneInfo) -> date | None:
    end = deadline_end(due, home)
    return (end - timedelta(days=1)).date() if end else None


def at_civil_hour(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, CIVIL_HOUR, zone)


@dataclass(frozen=True)
class _Run:
    """One chat's planning: what it follows, where it is, and the window planned."""

    chat: FollowingChat
    reach: Followed
    net: Network
    zone: ZoneInfo
    """The chat's zone: reminders about days go out at CIVIL_HOUR there."""
    home: ZoneInfo
    now: datetime
    until: datetime

    def reminders(
        self, leads: Mapping[int, datetime], deadline: datetime, payload: Callable[[int], Payload]
    ) -> Iterable[Planned]:
        """The reminders ahead within the window, each at its time (`leads`: lead -> due),
        plus the latest one already passed: sent now, or dropped (stored with the reason)
        when the next one makes it redundant (bot/schedule/overdue.py).

        The passed one matters when a plan changes under a reminder (a new subscription, a
        new zone, a moved date): without it, that reminder would be lost. Its unique key
        means one that was already sent is not sent again. But when the next one comes
        within the hour, or later the same day where the chat is, that one is enough: a
        group subscribing at 01:30 would otherwise read "in 3 days" twice by 09:00, or 20 s
        before a meeting's 1-hour reminder "begins in 1 hour" twice.
        """
        now, chat_id = self.now, self.chat.chat_id
        ahead = sorted((t, k) for k, t in leads.items() if now <= t <= self.until and t < deadline)
        for due_at, k in ahead:
            yield Planned(chat_id, due_at, payload(k))
        passed = [(t, k) for k, t in leads.items() if t < now]
        if not passed or now >= deadline:
            return
        due_at, k = max(passed)
        overdue = now - due_at > LATE_AFTER  # not one held back a few minutes (pacing)
        if overdue and ahead and redundant(ahead[0][0], now, self.zone):
            why = Redundant(payload(ahead[0][1]).key, ahead[0][0])
            yield Planned(chat_id, due_at, payload(k), dropped=str(why))
        else:
            yield Planned(chat_id, now, payload(k))


def plan_chats(
    chats: Iterable[FollowingChat], net: Network, now: datetime, home: ZoneInfo
) -> list[Planned]:
    return [planned for chat in chats for planned in plan_chat(chat, net, now, home)]


def plan_chat(
    chat: FollowingChat, net: Network, now: datetime, home: ZoneInfo, horizon: timedelta = HORIZON
) -> list[Planned]:
    """Every post for `chat` due between now and now + horizon."""
    zone = ZoneInfo(chat.timezone) if chat.timezone else home
    run = _Run(chat, followed(chat, net), net, zone, home, now, now + horizon)
    plan = [*_deadlines(run), *_meetings(run), *_changes(run), *_events(run), *_personal(run)]
    plan += [*_actions_asks(run), *_overdue_digests(run), *_checklists(run)]
    return sorted(plan, key=lambda p: (p.due_at, p.key))


def _deadlines(run: _Run) -> Iterable[Planned]:
    chat, reach, net, zone, home, now = run.chat, run.reach, run.net, run.zone, run.home, run.now
    for milestone in net.milestones:
        if milestone.phase_id not in reach.phases:
            continue
        end, day = deadline_end(milestone.due, home), last_day(milestone.due, home)
        if end is None or day is None or end <= now:
            continue
        leads = {
            days: at_civil_hour(day - timedelta(days=days), zone) for days in chat.deadline_days
        }
        due = milestone.due.iso()
        yield from run.reminders(leads, end, partial(DeadlineReminder, milestone.id, due))


def previous_start(
    series: MeetingSeries, occurrence: Occurrence, changes: Sequence[MeetingChange] = ()
) -> datetime | None:
    """The start of the last meeting held before this one (cancelled ones do not count;
    a moved one counts at its new time), on wall-clock time in the series' zone."""
    rule = parsed_rule(series)
    mine = {c.occurrence: c for c in changes if c.series_id == series.id}
    local = rule.before(occurrence.local_start)
    while local is not None and local in mine and mine[local].moved_to is None:
        local = rule.before(local)
    if local is None:
        return None
    moved = mine[local].moved_to if local in mine else None
    return (moved or local).replace(tzinfo=ZoneInfo(series.timezone))


def _meetings(run: _Run) -> Iterable[Planned]:
    chat, reach, net, now, until = run.chat, run.reach, run.net, run.now, run.until
    for series in net.series:
        if series.partnership_id not in reach.partnerships:
            continue
        for occ in occurrences(series, now, until, net.changes):
            if occ.start <= now:
                continue  # already running: too late to invite or remind
            local = occ.local_start.isoformat(timespec="minutes")
            before = previous_start(series, occ, net.changes)
            # The invitation goes out when the previous meeting is over; a new subscriber
            # gets the next meeting's invitation right away.
            invite_at = (
                before + timedelta(minutes=series.duration_minutes)
                if before
                else occ.start - FIRST_INVITATION_LEAD
            )
            if chat.invite_days is not None:  # the chat wants it a fixed number of days before
                invite_at = occ.start - timedelta(days=chat.invite_days)
            yield Planned(chat.chat_id, max(invite_at, now), Invitation(series.id, local))
            leads = {m: occ.start - timedelta(minutes=m) for m in chat.meeting_minutes}
            yield from run.reminders(leads, occ.start, partial(MeetingReminder, series.id, local))


def _personal(run: _Run) -> Iterable[Planned]:
    """A private chat's reminders before the meetings its user answered ✅ to: at the
    meeting's time now (a move gives new keys, a cancellation none)."""
    chat, net, now, until = run.chat, run.net, run.now, run.until
    # A meeting named more than a move's reach (and a day for the zones) ago is over: its
    # answers stay, but need no expansion of the rule.
    over = (now - MOVE_REACH - timedelta(days=1)).date().isoformat()
    for series_id, local in sorted(chat.going):
        if local < over:
            continue
        series = net.series_by_id.get(series_id)
        occ = occurrence_of(series, local, net.changes) if series is not None else None
        if occ is None or not now < occ.start <= until:
            continue
        starts = occ.start.replace(tzinfo=None).isoformat(timespec="minutes")
        leads = {m: occ.start - timedelta(minutes=m) for m in chat.personal_minutes}
        yield from run.reminders(
            leads, occ.start, partial(PersonalReminder, series_id, local, starts)
        )


def event_start(event: Event, zone: ZoneInfo) -> datetime:
    """When an event begins: its time, or the start of its first day where the reader is."""
    day = event.starts.as_date()
    assert day is not None
    return event.start_instant() or datetime.combine(day, time(0), zone)


def _changes(run: _Run) -> Iterable[Planned]:
    """A short correction for each cancelled or moved meeting still ahead."""
    chat, reach, net, now, until = run.chat, run.reach, run.net, run.now, run.until
    series = {s.id: s for s in net.series if s.partnership_id in reach.partnerships}
    for change in net.changes:
        if change.series_id not in series:
            continue
        zone = ZoneInfo(series[change.series_id].timezone)
        effective = (change.moved_to or change.occurrence).replace(tzinfo=zone)
        if not now < effective <= until:
            continue  # the meeting (at its new time) is over: a correction is no use now
        local = change.occurrence.isoformat(timespec="minutes")
        moved_to = change.moved_to.isoformat(timespec="minutes") if change.moved_to else ""
        correction = MeetingCorrection(change.id, change.series_id, local, change.status, moved_to)
        yield Planned(chat.chat_id, now, correction)


def follows_event(reach: Followed, event: Event) -> bool:
    """Whether a chat's subscriptions reach an event: its partnership, phase or programme."""
    return (
        event.partnership_id in reach.partnerships
        or event.phase_id in reach.phases
        or event.programme_id in reach.programmes
    )


def _events(run: _Run) -> Iterable[Planned]:
    chat, reach, net, zone = run.chat, run.reach, run.net, run.zone
    for event in net.events:
        mine = follows_event(reach, event)
        day = event.starts.as_date()
        if not mine or day is None:
            continue
        start = event_start(event, zone)
        leads = {days: at_civil_hour(day - timedelta(days=days), zone) for days in chat.event_days}
        starts = event.starts.iso()
        yield from run.reminders(leads, start, partial(EventReminder, event.id, starts))


# -- action items after the call -----------------------------------------------------------

DIGEST_WEEKDAY = 0  # the weekly overdue digest: Mondays, at CIVIL_HOUR in the group's zone


def _is_group(chat_id: int) -> bool:
    """Groups have negative ids; a private chat's is its user's."""
    return chat_id < 0


def _actions_asks(run: _Run) -> Iterable[Planned]:
    """When a meeting is over (at its new time if moved; not a cancelled one), each group
    that gets its invitations is asked what was agreed."""
    chat, reach, net, now, until = run.chat, run.reach, run.net, run.now, run.until
    if not _is_group(chat.chat_id):
        return
    for series in net.series:
        if series.partnership_id not in reach.partnerships:
            continue
        for occ in occurrences(series, now, until, net.changes):
            if now < occ.end <= until:
                local = occ.local_start.isoformat(timespec="minutes")
                yield Planned(chat.chat_id, occ.end, ActionsAsk(series.id, local))


def next_digest(now: datetime, zone: ZoneInfo) -> datetime:
    """The next weekly digest's instant from `now` on: DIGEST_WEEKDAY at CIVIL_HOUR."""
    today = now.astimezone(zone).date()
    day = today + timedelta(days=(DIGEST_WEEKDAY - today.weekday()) % 7)
    at = at_civil_hour(day, zone)
    return at if at >= now else at_civil_hour(day + timedelta(days=7), zone)


def iso_week(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def _overdue_digests(run: _Run) -> Iterable[Planned]:
    """Once a week, to groups following a partnership that will have overdue items then."""
    chat, reach, net, zone = run.chat, run.reach, run.net, run.zone
    if not _is_group(chat.chat_id) or not (net.actions or net.checklist_items):
        return
    at = next_digest(run.now, zone)
    day = at.astimezone(zone).date()
    for pid in sorted(reach.partnerships):
        if any(item.due < day for item in net.actions_by_partnership.get(pid, ())) or any(
            overdue_checklists(net, pid, day, at, zone)
        ):
            yield Planned(chat.chat_id, at, OverdueDigest(pid, iso_week(day)))


def plan_action_reminders(
    owner: OwnerChat, now: datetime, home: ZoneInfo, horizon: timedelta = HORIZON
) -> list[Planned]:
    """An owner's private reminders before each open item is due: at their lead times in
    days, at CIVIL_HOUR in their zone (a side's items: each focal point of that side)."""
    zone = ZoneInfo(owner.timezone) if owner.timezone else home
    chat = FollowingChat(owner.chat_id, None, (), owner.timezone)
    empty = Network({}, (), {}, (), ())
    nothing = Followed(frozenset(), frozenset(), frozenset())
    run = _Run(chat, nothing, empty, zone, home, now, now + horizon)
    planned: list[Planned] = []
    for item in owner.items:
        if item.done:
            continue
        end = datetime.combine(item.due + timedelta(days=1), time(0), zone)
        leads = {d: at_civil_hour(item.due - timedelta(days=d), zone) for d in owner.action_days}
        due = item.due.isoformat()
        planned += run.reminders(leads, end, partial(ActionReminder, item.id, due))
    return planned


# -- checklists of exchanges ----------------------------------------------------------------

CATCH_UP = timedelta(days=1)
"""A checklist reminder whose time passed longer ago than this is not sent late when a plan
changes under it (a new subscription, a moved exchange): the weekly digest lists it."""


def _checklists(run: _Run) -> Iterable[Planned]:
    """A group's reminders of the open checklist items of the exchanges it follows (the
    audience of their event reminders). Private chats get those of their sides only
    (plan_checklist_reminders)."""
    if not _is_group(run.chat.chat_id) or not run.net.checklist_items:
        return
    for event in run.net.checklist_events_reached(run.reach):
        yield from _item_reminders(run, event, run.net.checklists_by_event[event.id])


def _item_reminders(run: _Run, event: Event, items: Iterable[ChecklistItem]) -> Iterable[Planned]:
    """Each open item on its due day at CIVIL_HOUR in the reader's zone, and once more as
    overdue, never once the exchange has begun."""
    if event.starts.as_date() is None:
        return
    start, starts = event_start(event, run.zone), event.starts.iso()
    for item in items:
        if item.done:
            continue
        days = reminder_days(item, event)
        leads = {
            stage.offset: at
            for stage, day in days.items()
            if (at := at_civil_hour(day, run.zone)) >= run.now - CATCH_UP
        }
        yield from run.reminders(leads, start, partial(_checklist_post, item.id, starts))


def _checklist_post(item_id: str, starts: str, offset: int) -> ChecklistReminder:
    stage = next(s for s in ChecklistStage if s.offset == offset)
    return ChecklistReminder(item_id, stage, starts)


def plan_checklist_reminders(
    focal: FocalChat, net: Network, now: datetime, home: ZoneInfo, horizon: timedelta = HORIZON
) -> list[Planned]:
    """A focal point's private reminders of the open items their side owns, in the
    exchanges of their partnerships, at CIVIL_HOUR in their zone."""
    zone = ZoneInfo(focal.timezone) if focal.timezone else home
    chat = FollowingChat(focal.chat_id, None, (), focal.timezone)
    nothing = Followed(frozenset(), frozenset(), frozenset())
    run = _Run(chat, nothing, net, zone, home, now, now + horizon)
    planned: list[Planned] = []
    for pid in sorted({pid for pid, _side in focal.sides}):
        for event in net.checklist_events_by_partnership.get(pid, ()):
            items = net.checklists_by_event[event.id]
            planned += _item_reminders(run, event, [i for i in items if focal.owns(i, event)])
    return planned


def overdue_checklists(
    net: Network, partnership_id: str, today: date, at: datetime, zone: ZoneInfo
) -> list[tuple[Event, list[tuple[ChecklistItem, date]]]]:
    """The partnership's exchanges not begun by `at`, each with its open items past their
    due day on `today`: what the weekly digest lists."""
    found = []
    for event in net.checklist_events_by_partnership.get(partnership_id, ()):
        if event.starts.as_date() is None or event_start(event, zone) <= at:
            continue
        if late := overdue_items(net.checklists_by_event[event.id], event, today):
            found.append((event, late))
    return found


def subject_last_day(payload: Payload) -> date | None:
    """The last calendar day the post's subject falls on, as its key names it (the end
    of a deadline's day, month or year; a correction's later day; an invitation's or a
    meeting reminder's day plus MOVE_REACH, as a move keeps those alive; an event's first
    day). None when the key names no such day.

    The planner makes a post only while its subject is ahead: a deadline's end, a
    meeting's start, a moved meeting's new start, an event's start (see _deadlines,
    _meetings, _changes, _events). In any zone that instant is before this day + 2 in
    UTC, so from then on no re-plan can make this post again: pruning relies on it.
    """
    if isinstance(payload, ActionReminder | OverdueDigest):
        return _action_last_day(payload)
    if isinstance(payload, ChecklistReminder):
        # Its key names no day: the exchange may move months after it was sent, and a row
        # pruned by its planned day would be made (and sent) again. The stored exchange
        # decides instead (storage.checklists.prune_reminders).
        return None
    if isinstance(payload, DeadlineReminder | EventReminder):
        text = payload.due if isinstance(payload, DeadlineReminder) else payload.starts
        try:
            return last_day(PartialDate.parse(text), _UTC)
        except ValueError:
            return None
    try:
        day = date.fromisoformat(payload.occurrence[:10])
        if not isinstance(payload, MeetingCorrection):
            # An invitation or reminder names the meeting's first date, but is planned
            # while a move keeps the meeting ahead, up to MOVE_REACH later.
            return day + MOVE_REACH
        moved = date.fromisoformat(payload.moved_to[:10]) if payload.moved_to else day
        return max(day, moved)
    except ValueError:
        return None


def _action_last_day(payload: ActionReminder | OverdueDigest) -> date | None:
    """An action item's reminder: the item's due day; a digest: the last day of its week."""
    try:
        if isinstance(payload, ActionReminder):
            return date.fromisoformat(payload.due)
        year, week = payload.week.split("-W")
        return date.fromisocalendar(int(year), int(week), 7)
    except ValueError:
        return None
