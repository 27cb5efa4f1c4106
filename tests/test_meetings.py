"""One meeting moved or cancelled from the private chat, end to end in process: the focal
point's conversation, the refusals that change nothing, the groups' correction and
invitation, the .ics with its SEQUENCE up, and a restart in the middle of the move."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events

from bot.config import Settings
from bot.model.clock import MovableClock
from bot.model.roles import Side
from bot.schedule.compose import SEPARATOR
from bot.schedule.jobs import scheduler_of
from bot.schedule.replan import replan
from bot.telegram.edit_callbacks import (
    EditMeeting,
    EditTarget,
    MeetingAct,
    MeetingDo,
    New,
    SeriesDo,
)
from bot.text.i18n import I18n
from harness.fake_telegram import OfflineTelegram
from harness.screen import (
    SCREEN_LINES,
    LeakCheck,
    cut_labels,
    localized_texts,
    screen_lines,
    visible,
)
from harness.time_entities import unwrapped_times_in_html
from storage.store import Storage
from tests.conftest import COORDINATOR, ROOT, Driver, make_app
from tests.test_series import act as series_act
from tests.test_series import some_message

SERIES = "bonn-la-paz-virtual"
NEXT = 202611241500  # Tue 24 Nov 2026, 15:00 in Bonn: the next meeting at CLOCK_START
FOCAL, OTHER_FOCAL, MEMBER, ADMIN = 41, 42, 43, 44
GROUP = -4001
JSON = dict[str, Any]
BERLIN = ZoneInfo("Europe/Berlin")


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def appoint(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    roles = storage(bot).roles
    await roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.SOUTH, COORDINATOR, now)
    await roles.appoint_focal_point("passau-kedougou", OTHER_FOCAL, Side.NORTH, COORDINATOR, now)


def labelled(message: JSON) -> dict[str, str]:
    """Button label -> callback data."""
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {key["text"]: key.get("callback_data", "") for row in rows for key in row}


def data_of(message: JSON, act: MeetingDo) -> str:
    wanted = MeetingAct(act, NEXT, SERIES).pack()
    assert wanted in labelled(message).values(), labelled(message)
    return wanted


async def follow(bot: Driver) -> None:
    group = bot.group(GROUP, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN, "de"), chat=group)  # de + es


async def plan_and_send(bot: Driver) -> list[JSON]:
    settings = bot.app.bot_data.settings
    assert settings is not None
    before = len(bot.api.calls)
    await replan(storage(bot), bot.app.bot_data.clock.now(), settings.timezone)
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    return [
        c.params
        for c in bot.api.calls[before:]
        if c.method == "sendMessage" and c.error is None and int(c.params["chat_id"]) == GROUP
    ]


async def move(bot: Driver, user: JSON) -> JSON:
    """The focal point moves the next meeting to Wednesday 16:00 with a Spanish reason, up
    to the ✅ Save; returns the message with it."""
    [listing] = await bot.send("/reunion", user=user)
    assert "Bonn – La Paz" in listing["text"]
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    assert "Como estaba previsto" in card["text"]
    [asked] = await bot.press(card, data_of(card, MeetingDo.MOVE), user)
    assert "¿Cuándo, en su lugar?" in asked["text"] and "Bonn" in asked["text"]
    [shown] = await bot.send("miércoles 25 16h", user=user)
    assert "16:00 Bonn · 11:00 La Paz" in shown["text"]
    [reason] = await bot.press(shown, data_of(shown, MeetingDo.YES), user)
    assert "¿Por qué se cambia?" in reason["text"]
    [summary] = await bot.send("Feriado <nacional> en La Paz", user=user)
    assert "💬 Feriado <nacional> en La Paz" in summary["text"]
    return summary


async def test_a_focal_point_moves_the_next_meeting_and_the_group_hears_of_it(
    bot: Driver,
) -> None:
    await appoint(bot)
    await follow(bot)
    user = bot.user(FOCAL, "es")
    [before_file] = await ics_files(bot)
    summary = await move(bot, user)
    [saved] = await bot.press(summary, data_of(summary, MeetingDo.YES), user)
    assert saved["text"].startswith("✅")
    [change] = await storage(bot).network.meeting_changes()
    assert change.moved_to == datetime(2026, 11, 25, 16, 0)
    assert change.reason is not None and change.reason.variants == (
        ("es", "Feriado <nacional> en La Paz"),
    )

    posts = await plan_and_send(bot)
    [correction] = [p["text"] for p in posts if "🔁" in p["text"]]
    german, spanish = correction.split(SEPARATOR)  # the group's languages: de, es
    assert german.startswith("🔁 <b>Verschoben: Virtuelles Treffen Bonn – La Paz</b>")
    assert spanish.startswith("🔁 <b>Cambio de fecha: Reunión virtual Bonn – La Paz</b>")
    assert "Mi., 25. Nov. 2026, 16:00 Berlin" in german
    assert "(en lugar de" in spanish and "mar, 24 nov 2026, 15:00" in spanish
    # The reason as typed, HTML-escaped; the group reads Spanish too, so it is neither
    # marked (es) nor said twice.
    assert german.count("💬 Feriado &lt;nacional&gt; en La Paz") == 1
    assert "💬" not in spanish and "(es)" not in correction
    [invitation] = [p["text"] for p in posts if p["text"].startswith("📅")]
    assert "Mi., 25. Nov. 2026, 16:00 Berlin" in invitation
    assert "16:00 Bonn" in invitation and "09:00 La Paz" not in invitation

    # The correction carries the series' calendar file: it shows the meeting moved.
    [message] = [
        c.result
        for c in bot.api.calls
        if c.result
        and "🔁" in str(c.params)
        and c.method == "sendMessage"
        and int(c.params["chat_id"]) == GROUP
    ]
    [after_file] = await ics_files(bot, message)
    assert sequence(after_file) > sequence(before_file)
    starts = meetings_in(after_file)
    assert datetime(2026, 11, 25, 16, 0, tzinfo=BERLIN) in starts
    assert datetime(2026, 11, 24, 15, 0, tzinfo=BERLIN) not in starts


async def test_a_cancelled_meeting_is_said_so_with_the_reason(bot: Driver) -> None:
    await appoint(bot)
    await follow(bot)
    user = bot.user(FOCAL, "es")
    [listing] = await bot.send("/reunion", user=user)
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    [asked] = await bot.press(card, data_of(card, MeetingDo.CANCEL), user)
    assert "¿Por qué se cancela?" in asked["text"]
    [summary] = await bot.send("Elecciones", user=user)
    [saved] = await bot.press(summary, data_of(summary, MeetingDo.YES), user)
    assert saved["text"].startswith("✅")
    posts = await plan_and_send(bot)
    [correction] = [p["text"] for p in posts if p["text"].startswith("❌")]
    german, spanish = correction.split(SEPARATOR)
    assert german.startswith("❌ <b>Abgesagt: Virtuelles Treffen Bonn – La Paz am")
    assert spanish.startswith("❌ <b>Cancelada: Reunión virtual Bonn – La Paz del")
    assert german.endswith("\n💬 Elecciones")
    invitations = [p["text"] for p in posts if p["text"].startswith("📅")]
    assert not [i for i in invitations if "24. Nov. 2026" in i]  # none to the cancelled one


@pytest.mark.parametrize("who", [MEMBER, OTHER_FOCAL])
async def test_others_are_refused_and_nothing_changes(bot: Driver, who: int) -> None:
    await appoint(bot)
    user = bot.user(who, "es")
    [listing] = await bot.send("/reunion", user=user)  # the user is known from here on
    before = await bot.rows()
    since = len(bot.api.calls)
    replies = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    assert replies == []
    [alert] = bot.alerts(since)
    assert alert.startswith("Solo la coordinación de la red y los puntos focales")
    # A button of the conversation pressed without it: no use, and nothing changes.
    await bot.press(listing, MeetingAct(MeetingDo.CANCEL, NEXT, SERIES).pack(), user)
    assert await bot.rows() == before


async def test_a_plain_member_is_told_there_is_nothing_to_change(bot: Driver) -> None:
    [reply] = await bot.send("/meeting", user=bot.user(MEMBER, "en"))
    assert "coordinators" in reply["text"]
    group = bot.group(GROUP, {ADMIN: "administrator"})
    [there] = await bot.send("/meeting", user=bot.user(ADMIN, "en"), chat=group)
    assert "/meeting" in there["text"] and "private" in there["text"]


async def test_a_meeting_that_has_begun_cannot_be_moved(bot: Driver, clock: MovableClock) -> None:
    await appoint(bot)
    user = bot.user(FOCAL, "en")
    [listing] = await bot.send("/meeting", user=user)
    clock.set(datetime(2026, 11, 24, 14, 30, tzinfo=UTC))  # 15:30 in Bonn
    since = len(bot.api.calls)
    assert await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user) == []
    [alert] = bot.alerts(since)
    assert "begun" in alert


async def test_a_move_beyond_the_reach_is_refused_in_the_authors_words(bot: Driver) -> None:
    await appoint(bot)
    user = bot.user(FOCAL, "de")
    [listing] = await bot.send("/meeting", user=user)
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    await bot.press(card, data_of(card, MeetingDo.MOVE), user)
    [refused] = await bot.send("15.01.2027 15:00", user=user)
    assert "31 Tage" in refused["text"]
    [shown] = await bot.send("17.12. 16:00", user=user)
    assert "16:00 Bonn" in shown["text"]


# -- a restart in the middle -------------------------------------------------------------------


@pytest.fixture
async def lives(settings: Settings, i18n: I18n, clock: MovableClock) -> AsyncIterator[list[Driver]]:
    """Applications on one database file and one fake Telegram; each but the last is
    abandoned (a crash: never stopped, so PTB writes nothing at shutdown)."""
    api = OfflineTelegram(clock=clock)
    started: list[Driver] = []

    async def start() -> Driver:
        app = make_app(settings, i18n, clock, api)
        await app.initialize()
        assert app.post_init is not None
        await app.post_init(app)
        started.append(Driver(app, api))
        return started[-1]

    started.append(await start())
    yield started
    *abandoned, last = started
    for driver in abandoned:
        if driver.app.bot_data.storage is not None:
            await driver.app.bot_data.storage.close()
    await last.app.shutdown()
    assert last.app.post_shutdown is not None
    await last.app.post_shutdown(last.app)


async def test_a_restart_in_the_middle_of_the_move_resumes_it(
    lives: list[Driver], settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    first = lives[0]
    await appoint(first)
    user = first.user(FOCAL, "es")
    [listing] = await first.send("/reunion", user=user)
    [card] = await first.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    await first.press(card, data_of(card, MeetingDo.MOVE), user)
    [shown] = await first.send("miércoles 25 16h", user=user)

    app = make_app(settings, i18n, clock, first.api)
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    again = Driver(app, first.api)
    lives.append(again)
    [reason] = await again.press(shown, data_of(shown, MeetingDo.YES), user)
    assert "¿Por qué" in reason["text"]
    [summary] = await again.send("Feriado", user=user)
    [saved] = await again.press(summary, data_of(summary, MeetingDo.YES), user)
    assert saved["text"].startswith("✅")
    [change] = await storage(again).network.meeting_changes()
    assert change.moved_to == datetime(2026, 11, 25, 16, 0)


# -- the .ics ----------------------------------------------------------------------------------


async def ics_files(bot: Driver, reply: JSON | None = None) -> list[bytes]:
    """The series' file as 📎 sends it (under `reply`, else under /exchanges)."""
    if reply is None:
        [reply] = await bot.send("/exchanges bonn", user=bot.user(ADMIN, "en"))
    assert f"ics:s:{SERIES}" in labelled(reply).values()
    before = len(bot.api.calls)
    await bot.press(reply, f"ics:s:{SERIES}", bot.user(ADMIN, "en"))
    sent = [c for c in bot.api.calls[before:] if c.method == "sendDocument"]
    return [content for c in sent for (_name, content) in c.files.values()]


def sequence(ics: bytes) -> int:
    [vevent] = icalendar.Calendar.from_ical(ics).walk("VEVENT")
    return int(vevent.decoded("SEQUENCE"))


def meetings_in(ics: bytes) -> list[datetime]:
    calendar = icalendar.Calendar.from_ical(ics)
    after = datetime(2026, 11, 23, tzinfo=UTC)
    found = recurring_ical_events.of(calendar).between(after, after + timedelta(days=60))
    return [e.decoded("DTSTART") for e in found]


# -- every screen of the conversation, in every language ---------------------------------------

TYPED = {
    "en": ("Wednesday 25 16:00", "Public holiday"),
    "de": ("Mittwoch 25. 16 Uhr", "Feiertag"),
    "es": ("miércoles 25 16h", "Feriado"),
    "fr": ("mercredi 25 16h", "Jour férié"),
    "pt": ("quarta 25 16h", "Feriado"),
}


@pytest.mark.parametrize("lang", sorted(TYPED))
async def test_every_screen_of_a_move_fits_a_phone_in_its_language(bot: Driver, lang: str) -> None:
    await appoint(bot)
    user = bot.user(FOCAL, lang)
    await bot.send(f"/language {lang}", user=user)
    typed_day, typed_reason = TYPED[lang]
    since = len(bot.api.calls)
    [listing] = await bot.send("/meeting", user=user)
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    [asked] = await bot.press(card, data_of(card, MeetingDo.MOVE), user)
    day = next(d for label, d in labelled(asked).items() if label == "25")
    [hours] = await bot.press(asked, day, user)
    [quarters] = await bot.press(hours, labelled(hours)[cldr_time(16, lang)], user)
    assert len(labelled(quarters)) >= 4
    [refused] = await bot.send("15.01.2027 15:00", user=user)  # beyond the reach
    assert "31" in refused["text"]
    [shown] = await bot.send(typed_day, user=user)
    assert f"{cldr_time(16, lang)} Bonn" in shown["text"], shown["text"]
    [reason] = await bot.press(shown, data_of(shown, MeetingDo.YES), user)
    assert MeetingAct(MeetingDo.SKIP, NEXT, SERIES).pack() in labelled(reason).values()
    [summary] = await bot.send(typed_reason, user=user)
    [saved] = await bot.press(summary, data_of(summary, MeetingDo.YES), user)
    assert saved["text"].startswith("✅")
    [again] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    [restore] = await bot.press(again, data_of(again, MeetingDo.RESTORE), user)
    [restored] = await bot.press(restore, data_of(restore, MeetingDo.YES), user)
    assert restored["text"].startswith("✅")
    assert await storage(bot).network.meeting_changes() == []
    [card] = await bot.press(listing, EditMeeting(NEXT, SERIES).pack(), user)
    [cancel] = await bot.press(card, data_of(card, MeetingDo.CANCEL), user)
    [summary] = await bot.press(cancel, data_of(cancel, MeetingDo.SKIP), user)
    [closed] = await bot.press(summary, data_of(summary, MeetingDo.CLOSE), user)
    assert not closed.get("reply_markup")
    assert await storage(bot).network.meeting_changes() == []  # closed: nothing saved
    said = [
        c.params
        for c in bot.api.calls[since:]
        if c.method in ("sendMessage", "editMessageText") and c.error is None
    ]
    assert len(said) >= 15
    check = LeakCheck(ROOT / "locales", localized_texts(await storage(bot).network.load()))
    for params in said:
        html = params["text"]
        markup = params.get("reply_markup")
        markup = markup if isinstance(markup, dict) else None
        assert screen_lines(visible(html)) <= SCREEN_LINES, html
        assert not cut_labels(markup), html
        assert not unwrapped_times_in_html(html), html
        rows = (markup or {}).get("inline_keyboard", [])
        shown_labels = [key["text"] for row in rows for key in row]
        typed = " ".join([typed_day, typed_reason])
        assert not check.leaked(" ".join([html, *shown_labels]), lang, typed), html


def cldr_time(hour: int, lang: str) -> str:
    from datetime import time

    from bot.text import cldr

    return cldr.short_time(time(hour), lang)


@pytest.mark.parametrize("lang", sorted(TYPED))
def test_a_long_list_of_meetings_keeps_to_a_screen(i18n: I18n, lang: str) -> None:
    """A coordinator's /meeting: as many of the soonest as fit, each with its ✏️."""
    from bot.model.dataset import dataset_from_yaml
    from bot.views import meetings as view
    from storage.store import seed_yaml

    seed = dataset_from_yaml(seed_yaml())
    [series] = [s for s in seed.meeting_series if s.id == SERIES]
    long_name = "Landeshauptstadt Düsseldorf – Municipalidad de San Pedro de Atacama"
    found = [
        view.Listed(
            view.Meeting(series, None, datetime(2026, 11, 24, 15) + timedelta(weeks=n), None),
            long_name,
        )
        for n in range(10)
    ]
    text, keyboard = view.listing(i18n.translator(lang), found, ZoneInfo("America/La_Paz"))
    shown = text.count("•")
    assert 1 <= shown < len(found)
    assert screen_lines(visible(text)) <= 13
    assert len(keyboard.inline_keyboard) == shown


async def test_a_restart_in_the_middle_resumes_the_series(
    lives: list[Driver], settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    first = lives[0]
    user = first.user(COORDINATOR, "pt")
    message = await some_message(first, user)
    [asked] = await first.press(message, New(EditTarget.SERIES).pack(), user)
    assert "Para qual parceria?" in asked["text"]
    [found] = await first.send("bonn", user=user)
    [title] = await first.press(found, series_act(SeriesDo.PARTNERSHIP, "bonn-la-paz"), user)
    [every] = await first.press(title, series_act(SeriesDo.TITLE), user)

    app = make_app(settings, i18n, clock, first.api)  # the first is abandoned: a crash
    await app.initialize()
    assert app.post_init is not None
    await app.post_init(app)
    again = Driver(app, first.api)
    lives.append(again)
    [weekday] = await again.press(every, series_act(SeriesDo.EVERY, "6"), user)
    assert "Em que dia da semana?" in weekday["text"]
    [at] = await again.press(weekday, series_act(SeriesDo.WEEKDAY, "TU"), user)
    assert "A que horas?" in at["text"]
    [zone] = await again.send("15h", user=user)
    assert "Esse horário segundo os relógios de qual município?" in zone["text"]
