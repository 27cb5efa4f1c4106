"""The README's newcomer walk-through, replayed at instants that stress the calendar.

`partnerbot console` runs as a process, as the README has a newcomer run it, with
PARTNERBOT_CLOCK_START at each instant. What it should answer is worked out here from
that instant alone: the seeded six-weekly series, the example phase's offsets from "today"
and the default reminder leads, restated as a reader would state them. So every
expectation holds whatever day the suite runs.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice, pairwise
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import yaml
from babel.dates import format_interval, format_skeleton

from harness.bot_process import partnerbot
from storage.store import seed_yaml

BERLIN, LA_PAZ = ZoneInfo("Europe/Berlin"), ZoneInfo("America/La_Paz")

INSTANTS = {
    "meeting-day-before-it-starts": datetime(2027, 1, 5, 10, 0, tzinfo=BERLIN),
    "meeting-day-while-it-runs": datetime(2027, 1, 5, 15, 30, tzinfo=BERLIN),
    "eve-of-a-meeting": datetime(2027, 1, 4, 20, 0, tzinfo=BERLIN),
    # 01:30 CET, half an hour before Europe moves to summer time; a meeting on the Tuesday
    "last-sunday-of-march": datetime(2027, 3, 28, 0, 30, tzinfo=UTC),
    # 02:30 CEST, half an hour before Europe goes back to winter time
    "last-sunday-of-october": datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
    "new-years-eve": datetime(2026, 12, 31, 23, 30, tzinfo=BERLIN),
    "29-february": datetime(2028, 2, 29, 12, 0, tzinfo=BERLIN),  # a meeting day, too
    # the very minute the day-before reminder falls due
    "as-a-reminder-falls-due": datetime(2027, 1, 4, 15, 0, tzinfo=BERLIN),
    # the example workshop (today + 8 days, 15:00) falls at the minute of a meeting
    "workshop-and-meeting-at-once": datetime(2027, 2, 8, 10, 0, tzinfo=BERLIN),
}
PRIVATE_WALK = "/partner kedougou\n/language es\n/milestones 4\n/exchanges\n1\n"
GROUP_WALK = (
    ":group\n/language de es\n/subscribe bonn\n/subscribe example phase\n"
    ":user 2\n1\n:user 1001\n:clock +2d\n"
)

# The seeded series (storage/seed/network.yaml): every six weeks on Tuesday, 15:00 on
# Berlin's wall clock, one hour long.
FIRST_MEETING = datetime(2024, 1, 9, 15, 0)
MEETING_LENGTH = timedelta(hours=1)
# The example phase (bot/model/example.py), in days from "today" in the network's zone (Berlin)
MILESTONE_DAYS = (3, 10, 24)
WORKSHOP_DAY, SECONDMENT_DAYS = 8, (20, 27)
# Reminder leads a new group starts with (storage/subscriptions.py), at 09:00 its time
DEADLINE_LEADS, EVENT_LEADS, MEETING_LEADS = (14, 3, 1), (7,), (timedelta(days=1), MEETING_LENGTH)


def meetings(after: datetime) -> Iterator[datetime]:
    """Starts of the seeded meetings not over by `after`, soonest first (wall-clock steps)."""
    step = (after.astimezone(BERLIN).replace(tzinfo=None) - FIRST_MEETING).days // 42 - 1
    while True:
        start = (FIRST_MEETING + timedelta(weeks=6 * step)).replace(tzinfo=BERLIN)
        if start + MEETING_LENGTH > after:
            yield start
        step += 1


def at_nine(day: date) -> datetime:
    return datetime.combine(day, time(9), BERLIN)


def today(instant: datetime) -> date:
    return instant.astimezone(BERLIN).date()


def la_paz(start: datetime, lang: str) -> str:
    """'15:00 Bonn · 09:00 La Paz': German pads the hour, Spanish does not."""
    local = start.astimezone(LA_PAZ)
    hour = f"{local.hour:02d}" if lang == "de" else str(local.hour)
    return f"15:00 Bonn · {hour}:{local.minute:02d} La Paz"


def test_no_seeded_event_or_milestone_is_ahead_at_any_instant() -> None:
    """The lists below hold only the series and the example phase: the documented events
    must all be over before the earliest instant."""
    earliest = min(INSTANTS.values()).date()
    seed = yaml.safe_load(seed_yaml())
    for event in seed["events"]:
        assert last_day(str(event.get("ends") or event["starts"])) < earliest, event["id"]
    for milestone in seed["milestones"]:
        assert last_day(str(milestone["due"])) < earliest, milestone["id"]


def last_day(text: str) -> date:
    """The last day a seeded date covers: '2014-08-15', '2015-03' (all March), '2013' (all
    year); one without a year ('--11-24') is never ahead, nor reminded of."""
    if text.startswith("--"):
        return date.min
    year, month, day = (int(part) for part in [*text.split("-"), "0", "0"][:3])
    if day:
        return date(year, month, day)
    if month:
        return date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)
    return date(year, 12, 31)


# -- a private chat: /partner, /language, /milestones 4, /exchanges, the first .ics ---------


@dataclass(frozen=True)
class Listed:
    """One exchange as /exchanges should show it to a Spanish reader in Berlin time."""

    start: datetime
    heading: str
    when: str
    """A pattern for what follows 📅."""
    ics: str


def upcoming(instant: datetime) -> list[Listed]:
    instant = instant.astimezone(UTC)
    day = today(instant)
    series = meetings(instant)
    shown = []
    for start in (next(series), next(series)):  # the next two meetings of the series
        distance = (start.date() - day).days
        relative = {0: r"\(hoy\)", 1: r"\(mañana\)"}.get(distance, r"\(dentro de \d+ \w+\)")
        when = re.escape(f"{format_skeleton('yMMMEd', start, locale='es')}, 15:00 Berlín ")
        shown.append(
            Listed(
                start,
                "💻 Reunión virtual · Bonn – La Paz",
                f"{when}{relative}\n +{re.escape(la_paz(start, 'es'))}",
                "bonn-la-paz-virtual.ics",
            )
        )
    workshop = datetime.combine(day + timedelta(days=WORKSHOP_DAY), time(15), BERLIN)
    shown.append(
        Listed(
            workshop,
            "🛠 Fase de ejemplo · 🧪 ejemplo",  # "Taller": the title says it
            re.escape(f"{format_skeleton('yMMMEd', workshop, locale='es')}, 15:00 Berlín")
            + re.escape(" (dentro de 8 días)"),
            "example-workshop.ics",
        )
    )
    first, last = (day + timedelta(days=n) for n in SECONDMENT_DAYS)
    shown.append(
        Listed(
            datetime.combine(first, time(0), LA_PAZ),  # all day, where it happens
            "🧭 Fase de ejemplo · 🧪 ejemplo",  # "Envío de expertos": the title says it
            re.escape(
                f"{format_interval(first, last, 'yMMMMd', locale='es')} (dentro de 3 semanas)"
            ),
            "example-secondment.ics",
        )
    )
    # at the same minute, dated events come before a series' meetings
    return sorted(shown, key=lambda item: (item.start, item.ics == "bonn-la-paz-virtual.ics"))


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
def test_a_newcomer_in_a_private_chat(instant: datetime, tmp_path: Path) -> None:
    result = partnerbot(
        "console", db=tmp_path / "p.sqlite3", stdin=PRIVATE_WALK, clock_start=instant
    )
    assert result.returncode == 0 and result.stderr == "", result.stderr
    out = result.stdout
    assert "🤝 Landkreis Passau – Département Kédougou\n  🇩🇪 Germany · 🇸🇳 Senegal" in out
    assert "Listo: responderé en español." in out
    assert "✅ 15 de agosto de 2014 — Manifestación de interés" in out

    listing = out.split("you> /exchanges\n")[1].split("you> 1\n")[0]
    expected = upcoming(instant)
    assert f"  {len(expected)} próximos intercambios\n" in listing
    # The first page: as many as fit on a phone's screen, soonest first.
    items = re.split(r"^  \d+\. ", listing, flags=re.M)[1:]
    assert items and [item.splitlines()[0] for item in items] == [
        x.heading for x in expected[: len(items)]
    ]
    for item, shown in zip(items, expected, strict=False):
        assert re.search(f"\n  📅 {shown.when}\n", item), (shown.when, item)

    # "1" presses the first 📎 button: the calendar file of the first exchange listed
    sent = re.search(r"bot sent a file: (\S+) \(\d+ bytes\), saved as (.+)", out)
    assert sent is not None and sent[1] == expected[0].ics
    ics = Path(sent[2]).read_text("utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    if expected[0].ics == "bonn-la-paz-virtual.ics":
        assert "RRULE:FREQ=WEEKLY;INTERVAL=6;BYDAY=TU" in ics
    else:
        assert f"DTSTART;TZID=Europe/Berlin:{expected[0].start:%Y%m%dT%H%M%S}" in ics


# -- a group: languages, two subscriptions, an RSVP, two days lived through ---------------


@dataclass(frozen=True, order=True)
class Post:
    """A post in the group: when (Berlin time; "now" for one sent at once; "" until the
    oracle knows), the first lines of its German part and the first line of its Spanish
    part."""

    at: str
    german: tuple[str, ...]
    spanish: str


def in_days(n: int) -> tuple[str, str]:
    if n == 1:
        return "⏰ Frist morgen", "⏰ Plazo: mañana"
    return f"⏰ Frist in {n} Tagen", f"⏰ Plazo: dentro de {n} días"


def begins_in(start: datetime, now: datetime) -> tuple[str, str]:
    hours, rest = divmod(start.astimezone(UTC) - now.astimezone(UTC), timedelta(hours=1))
    assert not rest and 0 < hours <= 24, "pick instants whole hours before a meeting"
    next_day = (start.astimezone(BERLIN).date() - now.astimezone(BERLIN).date()).days == 1
    if next_day and hours >= 6:  # the next day where the group is, as people say it
        de, es = "morgen", "mañana"
    else:
        de = "in 1 Stunde" if hours == 1 else f"in {hours} Stunden"
        es = "dentro de 1 hora" if hours == 1 else f"dentro de {hours} horas"
    return (
        f"⏰ Virtuelles Treffen Bonn – La Paz beginnt {de}.",
        f"⏰ Reunión virtual Bonn – La Paz comienza {es}.",
    )


def invitation(start: datetime, previous: datetime) -> Post:
    """Date, time in both towns, and a warning when La Paz's hour moved since the last one
    (Bolivia keeps its clocks; Europe changes twice a year)."""
    german = [
        "📅 Einladung: Virtuelles Treffen Bonn – La Paz",
        f"{format_skeleton('yMMMEd', start, locale='de')}, 15:00 Berlin",
        la_paz(start, "de"),
    ]
    now_hour, then_hour = start.astimezone(LA_PAZ), previous.astimezone(LA_PAZ)
    if now_hour.time() != then_hour.time():
        german.append(
            f"⚠️ Zeitumstellung: in La Paz jetzt um {now_hour:%H:%M} (zuletzt {then_hour:%H:%M})."
        )
    german.append("Nehmen Sie teil? Antworten Sie unten.")
    return Post("", tuple(german), "📅 Invitación: Reunión virtual Bonn – La Paz")


ACTIONS_ASK = Post(
    "",
    (
        "📋 Das Treffen ist vorbei: Virtuelles Treffen Bonn – La Paz",
        "Was haben Sie vereinbart? Tragen Sie jede Aufgabe unten mit ➕ ein.",
    ),
    "📋 La reunión terminó: Reunión virtual Bonn – La Paz",
)


def meeting_reminder(start: datetime, now: datetime) -> Post:
    german, spanish = begins_in(start, now)
    date_line = f"{format_skeleton('yMMMEd', start, locale='de')}, 15:00 Berlin"
    return Post("", (german, date_line), spanish)


def reminders(leads: list[datetime], instant: datetime) -> list[datetime]:
    """When reminders at `leads` are sent to a group subscribing at `instant`: those ahead
    at their time (one due at that very minute at once); of those passed, the latest at
    once, unless another comes later the same day in the group's zone (Berlin)."""
    ahead = [t for t in leads if t >= instant]
    later_today = any(t.astimezone(BERLIN).date() == today(instant) for t in ahead)
    if any(t < instant for t in leads) and not later_today:
        ahead.append(instant)
    return ahead


def group_posts(instant: datetime) -> tuple[list[Post], list[Post], list[Post]]:
    """What the group gets at /subscribe bonn, at /subscribe example phase, and while
    the clock moves on two days (each at its time in Berlin)."""
    instant = instant.astimezone(UTC)  # aware arithmetic in one zone is wall-clock time
    until = instant + timedelta(days=2)
    day = today(instant)
    at_once: dict[str, list[Post]] = {"bonn": [], "phase": []}
    later: list[Post] = []

    def post(subscription: str, moment: datetime, made: Post) -> None:
        if moment == instant:
            at_once[subscription].append(replace(made, at="now"))
        elif moment <= until:
            later.append(replace(made, at=f"{moment.astimezone(BERLIN):%Y-%m-%d %H:%M}"))

    # The series: an invitation when the previous meeting is over (at once for a new
    # subscriber, unless a meeting is running), reminders a day and an hour before.
    starts = list(islice(meetings(instant - timedelta(weeks=7)), 4))
    for start in starts:  # when one is over, the group is asked for its action items
        if start + MEETING_LENGTH > instant:
            post("bonn", start + MEETING_LENGTH, ACTIONS_ASK)
    for previous, start in pairwise(starts):
        if start <= instant:
            continue  # over, or running: too late to invite or remind
        over = max(previous + MEETING_LENGTH, instant)
        post("bonn", over, invitation(start, previous))
        for t in reminders([start - lead for lead in MEETING_LEADS], instant):
            post("bonn", t, meeting_reminder(start, t))

    # The example phase: deadline reminders 14, 3 and 1 days before at 09:00, and one
    # for the workshop 7 days before.
    for offset in MILESTONE_DAYS:
        due = day + timedelta(days=offset)
        for t in reminders([at_nine(due - timedelta(days=n)) for n in DEADLINE_LEADS], instant):
            german, spanish = in_days((due - t.astimezone(BERLIN).date()).days)
            post("phase", t, Post("", (german,), spanish))
    workshop_day = day + timedelta(days=WORKSHOP_DAY)
    for t in reminders([at_nine(workshop_day - timedelta(days=n)) for n in EVENT_LEADS], instant):
        n = (workshop_day - t.astimezone(BERLIN).date()).days
        post(
            "phase", t, Post("", (f"🛠 Workshop · in {n} Tagen",), f"🛠 Taller · dentro de {n} días")
        )
    return at_once["bonn"], at_once["phase"], later


def posts_after(out: str, typed: str) -> list[Post]:
    """The group posts the console printed after the line `typed`, until the next one, in
    order, each stamped with the clock line that came before it ("now" if none)."""
    section = out.split(f"you> {typed}\n")[1].split("\nyou> ")[0]
    posts, at = [], "now"
    for block in re.split(r"^(?=bot|\(the clock says )", section, flags=re.M):
        if clock := re.match(r"\(the clock says (\S+ \S+) Europe/Berlin\)", block):
            at = clock[1]
        elif block.startswith("bot in "):
            text = [line[2:] for line in block.splitlines()[1:] if not line.startswith("  [")]
            german, _, spanish = "\n".join(text).partition("\n— — —\n")
            lines = german.splitlines()
            posts.append(Post(at, tuple(lines), (spanish.splitlines() or [""])[0]))
        elif block.strip():  # an edit, a pop-up, a file: none is expected here
            posts.append(Post(at, tuple(block.splitlines()), ""))
    return posts


def matches(shown: list[Post], expected: list[Post]) -> bool:
    """Same posts at the same times (in any order within one time): each expected German
    line opens the one shown."""
    return len(shown) == len(expected) and all(
        s.at == e.at and s.spanish == e.spanish and s.german[: len(e.german)] == e.german
        for s, e in zip(sorted(shown), sorted(expected), strict=True)
    )


@pytest.mark.parametrize("instant", INSTANTS.values(), ids=INSTANTS.keys())
def test_a_group_in_german_and_spanish(instant: datetime, tmp_path: Path) -> None:
    result = partnerbot("console", db=tmp_path / "g.sqlite3", stdin=GROUP_WALK, clock_start=instant)
    assert result.returncode == 0 and result.stderr == "", result.stderr
    out = result.stdout
    assert "Erledigt: Ich antworte auf Deutsch und Spanisch." in out
    at_bonn, at_phase, on_the_way = group_posts(instant)

    shown = posts_after(out, "/subscribe bonn")
    assert shown[0].german[0].startswith("Erledigt: Dieser Chat verfolgt jetzt Bonn – La Paz.")
    assert matches(shown[1:], at_bonn), (shown[1:], at_bonn)
    shown = posts_after(out, "/subscribe example phase")
    assert shown[0].german[0].startswith("Erledigt: Dieser Chat verfolgt jetzt Beispielphase.")
    assert matches(shown[1:], at_phase), (shown[1:], at_phase)

    # User 2 presses "1": yes to the invitation, if one came with the subscription
    pressed = out.split("you> :user 2\n")[1].split("you> :user 1001\n")[0]
    if any(post.german[0].startswith("📅 Einladung") for post in at_bonn):
        assert "bot (pop-up): ✅" in pressed and "[1] ✅ 1   [2] ❌ 0   [3] ❔ 0" in pressed
    else:  # a meeting is running: the next one's invitation comes when it is over
        assert "(there is no button 1 on the last keyboard)" in pressed

    # Two days lived through: every post at its time, once, none marked late
    assert matches(posts_after(out, ":clock +2d"), on_the_way), (
        posts_after(out, ":clock +2d"),
        on_the_way,
    )
    end = (instant.astimezone(UTC) + timedelta(days=2)).astimezone(BERLIN)
    said = re.findall(r"^\(the clock says (.+)\)$", out, flags=re.M)
    assert said[-1] == f"{end:%Y-%m-%d %H:%M} Europe/Berlin"
    assert "Verspätet" not in out and "Enviado con retraso" not in out
