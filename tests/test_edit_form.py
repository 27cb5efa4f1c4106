"""The guided edit of exchanges and milestones from the private chat (/new, ✏️): through
the real Application on the offline Telegram, real SQLite, the scheduler's own plan and
dispatcher; time moved by the MovableClock only."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.model.audit import RecordKind
from bot.model.chats import TargetKind
from bot.model.clock import MovableClock
from bot.model.domain import LANGUAGES
from bot.model.roles import Side
from bot.schedule.jobs import scheduler_of
from bot.telegram.edit_callbacks import Edit, EditTarget, New
from bot.text.i18n import I18n
from harness.screen import (
    SCREEN_LINES,
    LeakCheck,
    cut_labels,
    localized_texts,
    screen_lines,
    visible,
)
from harness.time_entities import unwrapped_times_in_html
from tests.conftest import COORDINATOR, ROOT, Driver
from tests.test_conversation_state import Lives

JSON = dict[str, Any]
MEMBER = 77
GROUP = -4242
PHASE = "p4"
NOW = datetime(2027, 1, 20, 10, 0, tzinfo=UTC)  # "15 de marzo" is then 54 days ahead


def keys(message: JSON) -> list[tuple[str, str]]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return [(key["text"], key["callback_data"]) for row in rows for key in row]


def data_of(message: JSON, starts: str) -> str:
    """The callback data of the first button whose data starts so."""
    return next(data for _text, data in keys(message) if data.startswith(starts))


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def fill_in_a_workshop(bot: Driver, me: JSON) -> JSON:
    """/nuevo → exchange → workshop → phase 4 → title → '15 de marzo 15h' → skip the end →
    'Bonn' → Berlin's clock → skip the note: the summary."""
    [menu] = await bot.send("/nuevo", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:workshop", me)
    [_title] = await bot.press(whom, f"whom:h:{PHASE}", me)
    [when] = await bot.send("Taller de energía solar", me)
    assert "¿Cuándo empieza?" in when["text"]
    [until] = await bot.send("15 de marzo 15h", me)
    assert "📅 marzo de 2027" in until["text"]  # the end's calendar opens at the start's month
    [_place] = await bot.press(until, "fill:e:", me)
    [zone] = await bot.send("Bonn", me)
    [note] = await bot.press(zone, "fill:z:Europe/Berlin", me)
    [summary] = await bot.press(note, "fill:n:", me)
    return summary


@pytest.fixture
def at_now(clock: MovableClock) -> MovableClock:
    clock.set(NOW)
    return clock


async def test_a_coordinator_adds_a_workshop_that_lists_and_reaches_a_phase_group(
    at_now: MovableClock, bot: Driver
) -> None:
    await storage(bot).subscriptions.add(
        GROUP, "supergroup", "Fase 4", TargetKind.PHASE, PHASE, COORDINATOR, NOW
    )
    me = bot.user(COORDINATOR, "es")
    events_before = (await bot.rows())["events"]
    summary = await fill_in_a_workshop(bot, me)
    assert (await bot.rows())["events"] == events_before  # nothing saved before ✅
    text = summary["text"]
    assert "Taller de energía solar" in text and "Fase 4" in text
    # The day in Spanish, the time as Telegram's date_time entity (15:00 in Berlin).
    start = int(datetime(2027, 3, 15, 14, 0, tzinfo=UTC).timestamp())
    [sent] = [c for c in bot.api.calls if c.result is summary]
    html = f'📅 lun, 15 mar 2027, <tg-time unix="{start}">15:00 Berlín</tg-time>'
    assert html in sent.params["text"]
    [saved] = await bot.press(summary, "form:s", me)
    assert saved["text"].startswith("✅")
    event = await storage(bot).network.event("taller-de-energia-solar-20270315")
    assert event is not None
    assert event.title.variants == (("es", "Taller de energía solar"),)
    assert event.phase_id == PHASE and event.timezone == "Europe/Berlin"
    assert str(event.start_time) == "15:00:00"
    [audit] = await storage(bot).edits.history(RecordKind.EVENT, event.id)
    assert audit.actor == COORDINATOR

    # A German-reading private chat lists it at once.
    reader = bot.user(MEMBER, "de")
    pages = await bot.pages((await bot.send("/austausch", reader))[0], reader)
    assert any("Taller de energía solar" in page["text"] for page in pages)
    assert not any(text.startswith("✏️") for page in pages for text, _ in keys(page))

    # The group following phase 4 gets the reminder seven days ahead, planned by the save.
    calls = len(bot.api.calls)
    at_now.set(datetime(2027, 3, 8, 9, 30, tzinfo=UTC))
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    posts = [
        c.params["text"]
        for c in bot.api.calls[calls:]
        if c.method == "sendMessage" and int(c.params["chat_id"]) == GROUP
    ]
    assert any("Taller de energía solar" in post for post in posts), posts


async def test_a_plain_member_is_refused_and_nothing_changes(bot: Driver) -> None:
    member = bot.user(MEMBER, "fr")
    before = await bot.rows()
    [refusal] = await bot.send("/nouveau", member)
    assert "/nommer" in refusal["text"] or "/appoint" in refusal["text"]
    assert not keys(refusal)
    [listing] = await bot.send("/echanges", member)
    for forged in (
        New(EditTarget.EVENT).pack(),
        New(EditTarget.MILESTONE).pack(),
        Edit(EditTarget.EVENT, "example-workshop").pack(),
        Edit(EditTarget.MILESTONE, "example-m1").pack(),
        "form:s",
        "form:y",
    ):
        calls = len(bot.api.calls)
        assert await bot.press(listing, forged, member) == []
        assert bot.alerts(calls), forged  # answered, politely
    assert await bot.send("Atelier", member) != []  # plain text: a search, not a form
    assert await bot.rows() == before


async def test_a_typed_answer_that_cannot_be_read_is_explained_and_asked_again(
    bot: Driver,
) -> None:
    me = bot.user(COORDINATOR, "en")
    [menu] = await bot.send("/new", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:kickoff", me)
    [_title] = await bot.press(whom, "whom:a:bonn-la-paz", me)
    [_when] = await bot.send("Kick-off", me)
    [again] = await bot.send("sometime soon", me)
    assert again["text"].startswith("⚠️ I could not read a date")
    assert "When does it start?" in again["text"]
    [left] = await bot.send("/cancel", me)
    assert left["text"] == "Left without saving: nothing was changed."
    assert await storage(bot).conversations.draft(COORDINATOR, "edit") is None
    assert not any(e.title.original == "Kick-off" for e in await storage(bot).network.events())
    [nothing] = await bot.send("/cancel", me)
    assert nothing["text"] == "There is nothing to cancel."


async def test_editing_an_event_from_its_pencil_changes_it_with_one_audit_row(
    bot: Driver,
) -> None:
    me = bot.user(COORDINATOR, "en")
    [listing] = await bot.send("/exchanges workshop", me)
    pencil = data_of(listing, "ed:e:")
    # The same page for a reader in the same language and zone, kept: without the ✏️.
    [theirs] = await bot.send("/exchanges workshop", bot.user(MEMBER, "en"))
    assert theirs["text"] == listing["text"]
    assert not any(text.startswith("✏️") for text, _ in keys(theirs))
    [summary] = await bot.press(listing, pencil, me)
    assert summary["text"].startswith("✏️")
    # The example has all five languages: 📜, no 🌐.
    assert "hist:e:" in str(keys(summary)) and "tr:e:" not in str(keys(summary))
    [_asked] = await bot.press(summary, "chg:t", me)
    [back] = await bot.send("Waste workshop, second round", me)
    assert "Waste workshop, second round" in back["text"]
    assert "tr:e:" in str(keys(back))  # the new title is in English only
    [saved] = await bot.press(back, "form:s", me)
    assert saved["text"].startswith("✅ Changed")
    record_id = pencil.split(":", 2)[2]
    [entry] = await storage(bot).edits.history(RecordKind.EVENT, record_id)
    assert entry.changed_fields() == ["title"]

    # 🗑 asks first, then removes (audited, ↩️ offered).
    [listing] = await bot.send("/exchanges workshop", me)
    [summary] = await bot.press(listing, pencil, me)
    [sure] = await bot.press(summary, "form:r", me)
    assert "?" in sure["text"]
    [removed] = await bot.press(sure, "form:y", me)
    assert removed["text"].startswith("✅ Removed")
    assert await storage(bot).network.event(record_id) is None


async def test_a_coordinator_adds_a_milestone_at_the_end_of_its_phase(bot: Driver) -> None:
    me = bot.user(COORDINATOR, "pt")
    [menu] = await bot.send("/novo", me)
    [phase] = await bot.press(menu, New(EditTarget.MILESTONE).pack(), me)
    [_title] = await bot.press(phase, f"fill:h:{PHASE}", me)
    [_due] = await bot.send("Relatório final", me)
    [position] = await bot.send("março 2027", me)
    [summary] = await bot.press(position, "fill:o:", me)
    assert "Relatório final" in summary["text"] and "março de 2027" in summary["text"]
    [saved] = await bot.press(summary, "form:s", me)
    assert saved["text"].startswith("✅")
    mine = [m for m in await storage(bot).network.milestones() if m.phase_id == PHASE]
    assert mine[-1].title.original == "Relatório final" and mine[-1].due.iso() == "2027-03"
    assert mine[-1].position == max(m.position for m in mine[:-1]) + 1

    # /milestones shows ✏️ to the coordinator in private, and to nobody else.
    [page] = await bot.send(f"/marcos {PHASE[1:]}", me)
    assert any(text.startswith("✏️") for text, _ in keys(page))
    [other] = await bot.send(f"/marcos {PHASE[1:]}", bot.user(MEMBER, "pt"))
    assert not any(text.startswith("✏️") for text, _ in keys(other))


@pytest.fixture
async def lives(settings: Any, i18n: I18n, clock: MovableClock) -> AsyncIterator[Lives]:
    lives = Lives(settings, i18n, clock)
    yield lives
    await lives.end()


async def test_a_restart_in_the_middle_resumes_at_the_same_step(lives: Lives) -> None:
    bot = await lives.start()
    me = bot.user(COORDINATOR, "de")
    [menu] = await bot.send("/neu", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:workshop", me)
    [_title] = await bot.press(whom, "whom:a:bonn-la-paz", me)
    [_when] = await bot.send("Solarwerkstatt", me)

    again = await lives.start()  # the first is abandoned mid-form
    [end] = await again.send("3.2. 10 Uhr", me)
    assert end["text"].startswith("Bis wann?")  # the question after the start
    [_place] = await again.press(end, "fill:e:", me)
    [travel] = await again.send("Rathaus La Paz", me)  # La Paz's clock, not asked
    [note] = await again.press(travel, "fill:v:", me)  # who travels: not known yet
    [summary] = await again.press(note, "fill:n:", me)
    assert "Solarwerkstatt" in summary["text"] and "Rathaus La Paz" in summary["text"]
    [saved] = await again.press(summary, "form:s", me)
    assert saved["text"].startswith("✅")
    [event] = [
        e for e in await storage(again).network.events() if e.title.original == "Solarwerkstatt"
    ]
    assert event.timezone == "America/La_Paz" and event.partnership_id == "bonn-la-paz"
    assert event.starts.iso().endswith("-02-03") and str(event.start_time) == "10:00:00"


TYPED = {  # a typical exchange, typed as an author of each language would
    "en": ("Solar workshop", "15 March 3 pm", "5 pm", "Town hall"),
    "de": ("Solarwerkstatt", "15. März 15 Uhr", "17 Uhr", "Rathaus"),
    "es": ("Taller solar", "15 de marzo 15h", "17h", "Alcaldía"),
    "fr": ("Atelier solaire", "15 mars 15h", "17h", "Mairie"),
    "pt": ("Oficina solar", "15 de março 15h", "17h", "Prefeitura"),
}


MONTHS = {"en": "March 2027", "de": "März 2027", "es": "marzo 2027", "fr": "mars 2027"}
MONTHS["pt"] = "março 2027"


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_screen_of_the_form_fits_a_phone_in_its_language(
    bot: Driver, lang: str
) -> None:
    """Each question, a refused answer, the calendar, the summary and the saved note: one
    screen, labels within their share, no English in another language, times in tg-time."""
    me = bot.user(COORDINATOR, lang)
    title, start, end, place = TYPED[lang]
    first = len(bot.api.calls)
    [menu] = await bot.send("/new", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:workshop", me)
    [_title] = await bot.press(whom, "whom:a:bonn-la-paz", me)
    [_when] = await bot.send(title, me)
    [refused] = await bot.send("not a date at all", me)  # explained, asked again
    [_hours] = await bot.press(refused, data_of(refused, "dpd:"), me)  # the calendar
    [_until] = await bot.send(start, me)
    [_place] = await bot.send(end, me)
    [zone] = await bot.send(place, me)  # no town's name: whose clock is asked
    [travel] = await bot.press(zone, "fill:z:America/La_Paz", me)
    [note] = await bot.press(travel, "fill:v:north", me)  # who travels
    [summary] = await bot.press(note, "fill:n:", me)
    [_saved] = await bot.press(summary, "form:s", me)
    # ✏️ on it: the summary with 📜, 🌐 and 🗑; the question before removing; ✖.
    [made] = [e for e in await storage(bot).network.events() if e.title.original == title]
    [mine] = await bot.press(summary, Edit(EditTarget.EVENT, made.id).pack(), me)
    [sure] = await bot.press(mine, "form:r", me)
    [again] = await bot.press(sure, "form:b", me)
    await bot.press(again, "form:c", me)
    # A milestone: phase, title, a month, the position, the summary.
    [menu] = await bot.send("/new", me)
    [phase] = await bot.press(menu, New(EditTarget.MILESTONE).pack(), me)
    [_title] = await bot.press(phase, f"fill:h:{PHASE}", me)
    [_due] = await bot.send(title, me)
    [position] = await bot.send(MONTHS[lang], me)
    [summary] = await bot.press(position, "fill:o:", me)
    await bot.press(summary, "form:c", me)
    await bot.send("/cancel", me)
    dataset = await storage(bot).network.load(examples=True)
    check = LeakCheck(ROOT / "locales", localized_texts(dataset))
    screens = [c for c in bot.api.calls[first:] if c.method in ("sendMessage", "editMessageText")]
    assert len(screens) >= 18
    assert any("<tg-time" in c.params["text"] for c in screens)  # the summary's times
    assert any(e.title.original == title for e in await storage(bot).network.events())
    typed = " ".join([title, start, end, place, "not a date at all"])
    for call in screens:
        html, markup = call.params["text"], call.result.get("reply_markup")
        assert screen_lines(visible(html)) <= SCREEN_LINES, html
        assert not cut_labels(markup), html
        buttons = [k for row in (markup or {}).get("inline_keyboard", []) for k in row]
        labels = [k["text"] for k in buttons]
        ours = ("chg:", "form:", "fill:", "new:", "hist:", "tr:")  # not a name from the data
        assert not [k for k in buttons if k["callback_data"].startswith(ours) and "…" in k["text"]]
        assert not check.leaked(" ".join([html, *labels]), lang, typed), html
        # Our own text; a refusal's example above it is typed_moments' (main's) own.
        own = "\n\n".join(part for part in html.split("\n\n") if not part.startswith("⚠️"))
        assert not unwrapped_times_in_html(own), html


async def test_a_focal_point_adds_for_their_partnership_only(bot: Driver) -> None:
    """No 'for whom' question (one partnership); no milestone; ✏️ on their items only; a
    forged choice of another partnership is refused."""
    now = bot.app.bot_data.clock.now()
    await storage(bot).roles.appoint_focal_point("bonn-la-paz", 55, Side.SOUTH, COORDINATOR, now)
    me = bot.user(55, "es")
    [menu] = await bot.send("/nuevo", me)
    assert "new:m" not in str(keys(menu)) and "new:s" in str(keys(menu))
    calls = len(bot.api.calls)
    assert await bot.press(menu, New(EditTarget.MILESTONE).pack(), me) == []
    assert bot.alerts(calls)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [title] = await bot.press(kind, "fill:k:delegation_visit", me)
    assert title["text"].startswith("Escriba el título")  # not asked for whom
    [_when] = await bot.send("Visita a La Paz", me)
    [until] = await bot.send("3/2 9h", me)
    [_place] = await bot.press(until, "fill:e:", me)
    [travel] = await bot.send("Alcaldía de La Paz", me)  # La Paz named: its clock
    [note] = await bot.press(travel, "fill:v:north", me)  # Bonn's people travel
    [summary] = await bot.press(note, "fill:n:", me)
    assert "For whom" not in str(keys(summary)) and "chg:f" not in str(keys(summary))
    assert "9:00 La Paz" in summary["text"] and "Bonn – La Paz" in summary["text"]
    # A field changed from the summary leads back to it; a press of another step's button
    # (here a forged 'for whom', never asked of them) is no answer.
    [_kind] = await bot.press(summary, "chg:k", me)
    calls = len(bot.api.calls)
    assert await bot.press(summary, "whom:a:koeln-yarinacocha", me) == []
    assert bot.alerts(calls)
    [back] = await bot.press(summary, "fill:k:delegation_visit", me)
    assert back["text"].startswith("✏️")
    [saved] = await bot.press(back, "form:s", me)
    assert saved["text"].startswith("✅")
    [event] = [
        e for e in await storage(bot).network.events() if e.title.original == "Visita a La Paz"
    ]
    assert event.partnership_id == "bonn-la-paz" and event.timezone == "America/La_Paz"

    # ✏️ on the partnership's own items only (its event and its series' meetings).
    pages = await bot.pages((await bot.send("/intercambios", me))[0], me)
    pencils = [data for page in pages for text, data in keys(page) if text.startswith("✏️")]
    assert Edit(EditTarget.EVENT, event.id).pack() in pencils
    assert any(data.startswith("eo:") and data.endswith(":bonn-la-paz-virtual") for data in pencils)
    listed = await storage(bot).network.calendar(now, past=False, zone=ZoneInfo("UTC"))
    others = {x.source_id for x in listed if x.partnership_id != "bonn-la-paz"}
    assert others and not any(data.split(":")[-1] in others for data in pencils)


async def test_a_focal_point_of_two_is_offered_those_two_and_nothing_else(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    for pid in ("bonn-la-paz", "koeln-yarinacocha"):
        await storage(bot).roles.appoint_focal_point(pid, 56, Side.NORTH, COORDINATOR, now)
    me = bot.user(56, "fr")
    [menu] = await bot.send("/nouveau", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:workshop", me)
    offered = [data for _text, data in keys(whom) if data.startswith("whom:")]
    assert sorted(offered) == ["whom:a:bonn-la-paz", "whom:a:koeln-yarinacocha"]
    for forged in ("whom:a:giessen-mubende", f"whom:h:{PHASE}", "whom:n:"):
        calls = len(bot.api.calls)
        assert await bot.press(whom, forged, me) == []
        assert bot.alerts(calls)
    draft = await storage(bot).conversations.draft(56, "edit")
    assert draft is not None and "partnership_id" not in draft["plain"]
    [title] = await bot.press(whom, "whom:a:koeln-yarinacocha", me)
    assert title["text"].startswith("Saisissez le titre")


async def test_an_online_exchange_checks_its_link_and_a_new_start_keeps_a_later_end(
    bot: Driver,
) -> None:
    me = bot.user(COORDINATOR, "en")
    [menu] = await bot.send("/new", me)
    [kind] = await bot.press(menu, New(EditTarget.EVENT).pack(), me)
    [whom] = await bot.press(kind, "fill:k:virtual_meeting", me)
    # Partnerships a page of eight at a time; the phases and the network on every page.
    first = [data for _text, data in keys(whom) if data.startswith("whom:a:")]
    [later] = await bot.press(whom, "whomp:1", me)
    second = [data for _text, data in keys(later) if data.startswith("whom:a:")]
    assert len(first) == 8 and second and not set(first) & set(second)
    assert "whom:n:" in str(keys(whom)) and "whom:n:" in str(keys(later))
    [_title] = await bot.press(later, "whom:n:", me)
    await bot.send("Network call", me)
    await bot.send("10 December 2026 14:00", me)
    [place] = await bot.send("10 December 2026 16:00", me)
    [link] = await bot.press(place, "fill:p:online", me)
    assert link["text"].startswith("Type the link to join")
    [again] = await bot.send("meet example org", me)
    assert again["text"].startswith("⚠️ That is no web link")
    assert "Type the link to join" in again["text"]
    [zone] = await bot.send("https://meet.example.org/call", me)
    assert zone["text"].startswith("Whose clock")  # online: no town to take it from
    [note] = await bot.send("Lima", me)  # a typed town: its zone
    [summary] = await bot.press(note, "fill:n:", me)
    assert "meet.example.org/call" in summary["text"] and "Whole network" in summary["text"]
    assert "2:00\u202fPM Lima" in summary["text"] and "4:00\u202fPM Lima" in summary["text"]
    # A later start on the same day keeps the end that still follows it...
    [_when] = await bot.press(summary, "chg:w", me)
    [summary] = await bot.send("10 December 2026 15:00", me)
    assert "3:00\u202fPM Lima" in summary["text"] and "4:00\u202fPM Lima" in summary["text"]
    # ...a same-day end stays one on another day...
    [_when] = await bot.press(summary, "chg:w", me)
    [summary] = await bot.send("11 December 2026 9:00", me)
    assert "Fri, Dec 11, 2026, 9:00\u202fAM Lima" in summary["text"]
    assert "Fri, Dec 11, 2026, 4:00\u202fPM Lima" in summary["text"]
    # ...and a start after the end drops it.
    [_when] = await bot.press(summary, "chg:w", me)
    [summary] = await bot.send("11 December 2026 17:00", me)
    assert "5:00\u202fPM Lima" in summary["text"] and "⏹" not in summary["text"]
    [saved] = await bot.press(summary, "form:s", me)
    assert saved["text"].startswith("✅ Saved")
    [event] = [e for e in await storage(bot).network.events() if e.id.startswith("network-call")]
    assert event.id == "network-call-20261211" and event.online and event.end_time is None
    assert event.join_url == "https://meet.example.org/call" and event.timezone == "America/Lima"
    assert event.partnership_id is None and event.phase_id is None and event.ends is None


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_the_pencils_keep_within_their_share_of_the_row(bot: Driver, lang: str) -> None:
    me = bot.user(COORDINATOR, lang)
    pages = await bot.pages((await bot.send("/exchanges", me))[0], me)
    pages += await bot.pages((await bot.send(f"/milestones {PHASE[1:]}", me))[0], me)
    pencils = [text for page in pages for text, _data in keys(page) if text.startswith("✏️")]
    assert len(pencils) > 5
    for page in pages:
        assert not cut_labels(page.get("reply_markup")), page["text"]
        assert screen_lines(page["text"]) <= SCREEN_LINES
