"""The subscribable calendar feed: /calendar in a group and in private, `reset`, and the
feed over HTTP on loopback (ETag, 304, 404), its content checked with icalendar and
recurring-ical-events."""

from __future__ import annotations

import dataclasses
import logging
import re
import signal
import socket
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import icalendar
import pytest
import recurring_ical_events

from bot.app import running
from bot.config import ConfigError, Settings, load_settings
from bot.logs import RedactToken
from bot.model.clock import MovableClock
from bot.model.domain import ChangeStatus, Dataset, MeetingChange
from bot.model.feeds import FeedTarget
from bot.model.recurrence import occurrences
from bot.text.i18n import I18n
from handlers.feed_server import bind
from harness.bot_process import TOKEN, BotProcess, accepts, free_port
from harness.botapi_server import BotApiServer
from harness.fake_telegram import OfflineTelegram
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver, make_app
from tests.test_dispatch import follow

SERIES = "bonn-la-paz-virtual"
BERLIN = ZoneInfo("Europe/Berlin")
URL = re.compile(r"https?://\S+/calendar/([A-Za-z0-9_-]+)\.ics")
GROUP_ADMIN, MEMBER, FOCAL = 11, 12, 13


@pytest.fixture
async def served(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> AsyncIterator[tuple[Driver, httpx.AsyncClient]]:
    """The bot with its feed server on a loopback port, and an HTTP client for it."""
    sockets = bind("127.0.0.1", 0)
    port = sockets[0].getsockname()[1]
    base = f"http://127.0.0.1:{port}"
    settings = dataclasses.replace(settings, http_listen=("127.0.0.1", port), http_url=base)
    app = make_app(settings, i18n, clock, api := OfflineTelegram(clock=clock))
    app.bot_data.feed_sockets = sockets
    async with running(app), httpx.AsyncClient(base_url=base) as client:
        yield Driver(app, api), client


def store(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def token_in(reply: dict[str, Any]) -> str:
    found = URL.search(reply["text"])
    assert found, reply["text"]
    return found.group(1)


async def test_a_group_gets_its_feed_and_an_admin_replaces_it(
    served: tuple[Driver, httpx.AsyncClient], caplog: pytest.LogCaptureFixture
) -> None:
    bot, client = served
    caplog.set_level(logging.INFO)  # the bot's default level; its own modules at DEBUG
    for ours in ("bot", "handlers", "storage", "tornado"):
        caplog.set_level(logging.DEBUG, logger=ours)
    await follow(bot, -700, languages=("en", "es"))
    chat = {"id": -700, "type": "supergroup", "title": "group -700"}
    bot.api.add_chat(chat, {GROUP_ADMIN: "administrator"})
    [reply] = await bot.send("/calendar", bot.user(MEMBER), chat)
    token = token_in(reply)
    assert "Outlook" in reply["text"] and "Google Calendar" in reply["text"]
    assert await store(bot).feeds.target_of(token) == FeedTarget.of_chat(-700)
    [again] = await bot.send("/kalender", bot.user(MEMBER, "de"), chat)
    assert token_in(again) == token  # asked again: the same address

    first = await client.get(f"/calendar/{token}.ics")
    assert first.status_code == 200
    assert first.headers["content-type"] == "text/calendar; charset=utf-8"
    calendar = icalendar.Calendar.from_ical(first.content)
    assert str(calendar["X-WR-CALNAME"]) == "group -700"
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\nX-PUBLISHED-TTL:PT1H\r\n" in first.content
    assert f"series-{SERIES}@partnerbot" in {str(e["UID"]) for e in calendar.walk("VEVENT")}

    # a member may not replace it: nothing changes
    before = await bot.rows()
    [refused] = await bot.send("/calendar reset", bot.user(MEMBER), chat)
    assert "administrators" in refused["text"] and URL.search(refused["text"]) is None
    assert await bot.rows() == before
    # an admin may (in Spanish too): the old address answers 404 from then on
    [renewed] = await bot.send("/calendar restablecer", bot.user(GROUP_ADMIN, "es"), chat)
    new = token_in(renewed)
    assert new != token and "🔄" in renewed["text"]
    gone = await client.get(f"/calendar/{token}.ics")
    assert gone.status_code == 404 and gone.content == b"Not found\n"
    assert (await client.get(f"/calendar/{new}.ics")).content == first.content

    # the tokens were never logged, the server's lines included (but for this test's own
    # HTTP client's)
    logged = "\n".join(r.getMessage() for r in caplog.records if r.name != "httpx")
    assert "/calendar/#" in logged  # the server did log its requests
    assert token not in logged and new not in logged


async def test_a_feed_answers_304_while_nothing_changed_and_sequence_rises_after(
    served: tuple[Driver, httpx.AsyncClient], clock: MovableClock
) -> None:
    bot, client = served
    [reply] = await bot.send("/calendar bonn", bot.user(FOCAL))
    path = f"/calendar/{token_in(reply)}.ics"
    first = await client.get(path)
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    clock.advance(timedelta(hours=3))  # polled later: the same bytes, so the same ETag
    second = await client.get(path)
    assert second.content == first.content and second.headers["etag"] == etag
    unchanged = await client.get(path, headers={"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.content == b""
    since = await client.get(path, headers={"If-Modified-Since": modified})
    assert since.status_code == 304
    other = await client.get(path, headers={"If-None-Match": '"0123"'})
    assert other.status_code == 200 and other.content == first.content
    head = await client.head(path)
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag

    def sequence(body: bytes) -> int:
        [master] = [
            e
            for e in icalendar.Calendar.from_ical(body).walk("VEVENT")
            if str(e["UID"]).startswith("series-") and "RECURRENCE-ID" not in e
        ]
        return int(master["SEQUENCE"])

    # an agenda item added: the feed changes at once (a new ETag), the rule's SEQUENCE not
    async with store(bot).db.transaction() as conn:
        await conn.execute(
            "INSERT INTO agenda_items (series_id, occurrence, position, text, language, "
            "added_at) VALUES (?, '2026-11-24T15:00', 1, 'Haushalt', 'de', ?)",
            (SERIES, clock.now().isoformat()),
        )
    with_agenda = await client.get(path, headers={"If-None-Match": etag})
    assert with_agenda.status_code == 200 and b"Haushalt" in with_agenda.content
    assert sequence(with_agenda.content) == sequence(first.content)
    etag = with_agenda.headers["etag"]

    cancel = MeetingChange("c1", SERIES, datetime(2027, 1, 5, 15, 0), ChangeStatus.CANCELLED)
    await store(bot).network.save(Dataset(meeting_changes=(cancel,)))
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag
    assert sequence(changed.content) == sequence(first.content) + 1
    assert changed.headers["last-modified"] != modified  # stamped when it changed
    assert (await client.get(path, headers={"If-Modified-Since": modified})).status_code == 200


async def test_the_feed_expands_to_the_meetings_with_changes_and_agenda(
    served: tuple[Driver, httpx.AsyncClient], clock: MovableClock
) -> None:
    bot, client = served
    storage = store(bot)
    moved_from, moved_to = datetime(2027, 1, 5, 15, 0), datetime(2027, 1, 7, 16, 30)
    cancelled = datetime(2027, 2, 16, 15, 0)
    changes = (
        MeetingChange("m1", SERIES, moved_from, ChangeStatus.MOVED, moved_to),
        MeetingChange("c1", SERIES, cancelled, ChangeStatus.CANCELLED),
    )
    await storage.network.save(Dataset(meeting_changes=changes))
    async with storage.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO agenda_items (series_id, occurrence, position, text, language, "
            "added_at) VALUES (?, ?, ?, ?, ?, '2026-11-20T10:00:00+00:00')",
            [
                (SERIES, "2027-01-05T15:00", 1, "Solaranlagen auf Schulen", "de"),
                (SERIES, "2027-01-05T15:00", 2, "Presupuesto 2027", "es"),
                (SERIES, "2026-11-24T15:00", 1, "Kick-off", "en"),
            ],
        )
    [reply] = await bot.send("/calendar la paz", bot.user(MEMBER, "es"))
    body = (await client.get(f"/calendar/{token_in(reply)}.ics")).content
    calendar = icalendar.Calendar.from_ical(body)
    assert {str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")} >= {"Europe/Berlin"}

    now = clock.now()
    horizon = now + timedelta(days=120)
    series = await storage.network.series(SERIES)
    assert series is not None
    expected = [o.start for o in occurrences(series, now, horizon, changes)]
    found = sorted(
        (
            e
            for e in recurring_ical_events.of(calendar).between(now, horizon)
            if str(e["UID"]) == f"series-{SERIES}@partnerbot"
        ),
        key=lambda e: e["DTSTART"].dt,
    )
    assert [e["DTSTART"].dt for e in found] == expected
    starts = [e["DTSTART"].dt.astimezone(BERLIN).replace(tzinfo=None) for e in found]
    assert moved_to in starts and moved_from not in starts and cancelled not in starts
    # the agenda of the moved meeting is in the description of the moved meeting
    [moved] = [
        e for e in found if e["DTSTART"].dt.astimezone(BERLIN).replace(tzinfo=None) == moved_to
    ]
    description = str(moved["DESCRIPTION"])
    # in the feed's language (German), a Spanish item marked as such
    assert "Tagesordnung:\n1. Solaranlagen auf Schulen\n2. Presupuesto 2027 (es)" in description
    [kickoff] = [e for e in found if "Kick-off" in str(e.get("DESCRIPTION", ""))]
    assert kickoff["DTSTART"].dt.astimezone(BERLIN).replace(tzinfo=None) == datetime(
        2026, 11, 24, 15, 0
    )
    # the language: a partnership's towns' first (Bonn – La Paz: German)
    assert str(found[0]["SUMMARY"]) == "Virtuelles Treffen Bonn – La Paz"
    # the /exchanges listing shows the same next meetings
    [listing] = await bot.send("/exchanges bonn", bot.user(MEMBER))
    assert "Jan 7, 2027" in listing["text"] and "Jan 5, 2027" not in listing["text"]


async def test_unknown_and_malformed_paths_answer_404_alike(
    served: tuple[Driver, httpx.AsyncClient],
) -> None:
    _, client = served
    for path in (
        "/calendar/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.ics",
        "/calendar/short.ics",
        "/calendar/",
        "/calendar/../../etc/passwd",
        "/",
    ):
        answer = await client.get(path)
        assert (answer.status_code, answer.content) == (404, b"Not found\n"), path


async def test_calendar_in_private_own_partnerships_usage_and_bad_input(
    served: tuple[Driver, httpx.AsyncClient],
) -> None:
    bot, _ = served
    [usage] = await bot.send("/calendar", bot.user(MEMBER))
    assert "/calendar bonn" in usage["text"] and URL.search(usage["text"]) is None
    before = await bot.rows()
    [nothing] = await bot.send("/calendar atlantis", bot.user(MEMBER))
    assert "atlantis" in nothing["text"] and URL.search(nothing["text"]) is None
    assert await bot.rows() == before
    # a member of a town gets their own partnership's without a word
    [towns] = await bot.send("/iam bonn", bot.user(MEMBER))
    await bot.press(towns, "iam:bonn", bot.user(MEMBER))
    [own] = await bot.send("/calendar", bot.user(MEMBER))
    assert "Bonn – La Paz" in own["text"]
    token = token_in(own)
    assert await store(bot).feeds.target_of(token) == FeedTarget.of_partnership("bonn-la-paz")
    # a member may not replace a partnership's address; a coordinator may
    [refused] = await bot.send("/calendar reset bonn", bot.user(MEMBER))
    assert "focal points" in refused["text"]
    assert "Ask one of them: /contacts bonn" in refused["text"]  # whom to ask, and how
    [alone] = await bot.send("/calendar reset", bot.user(MEMBER))
    assert alone["text"] == "Name the partnership whose address to replace: /calendar reset bonn"
    assert await store(bot).feeds.target_of(token) is not None
    [renewed] = await bot.send("/calendar reset bonn", bot.user(COORDINATOR))
    assert token_in(renewed) != token and await store(bot).feeds.target_of(token) is None


async def test_without_a_public_url_the_feed_is_not_offered(bot: Driver) -> None:
    [reply] = await bot.send("/calendar bonn")
    assert "does not serve" in reply["text"] and URL.search(reply["text"]) is None


# -- `partnerbot run` as a process ----------------------------------------------------------


async def test_run_in_webhook_mode_serves_the_feed_the_same_across_a_restart(
    tmp_path: Path,
) -> None:
    """The webhook and the feeds: two listeners of one process, one public origin (the
    reverse proxy's). The feed's bytes, and so its ETag, survive a restart."""
    server = BotApiServer(token=TOKEN)
    await server.start()
    bot = BotProcess(server.url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    hook, feeds = free_port(), free_port()
    env = {
        "PARTNERBOT_WEBHOOK_URL": f"http://127.0.0.1:{hook}/telegram",
        "PARTNERBOT_WEBHOOK_LISTEN": f"127.0.0.1:{hook}",
        "PARTNERBOT_HTTP_LISTEN": f"127.0.0.1:{feeds}",
    }
    who = {"id": 301, "is_bot": False, "first_name": "Ana", "language_code": "es"}
    chat = {"id": 301, "type": "private", "first_name": "Ana"}
    try:
        await bot.start(**env)
        await server.wait_for(lambda: accepts(hook) and accepts(feeds))
        await server.deliver(server.api.user_message(who, chat, "/calendario bonn"))
        await server.wait_for(lambda: server.sent(301))
        [reply] = server.sent(301)
        found = URL.search(reply["text"])
        assert found and found.group(0).startswith(f"http://127.0.0.1:{hook}/calendar/")
        path = f"/calendar/{found.group(1)}.ics"
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{feeds}") as client:
            first = await client.get(path)
            assert first.status_code == 200
            assert icalendar.Calendar.from_ical(first.content).walk("VEVENT")
            etag = first.headers["etag"]
            assert (await client.get(path, headers={"If-None-Match": etag})).status_code == 304
            assert await bot.stop(signal.SIGINT) == 0, bot.output()[-3000:]
            await bot.start(**env)
            await server.wait_for(lambda: accepts(feeds))
            again = await client.get(path)
            assert again.content == first.content and again.headers["etag"] == etag
            assert (await client.get("/calendar/" + "x" * 32 + ".ics")).status_code == 404
        assert await bot.stop(signal.SIGINT) == 0, bot.output()[-3000:]
    finally:
        if bot.process is not None:
            await bot.stop(signal.SIGKILL)
        await server.stop()
    output = bot.output()
    assert TOKEN not in output and found.group(1) not in output
    assert "serving calendar feeds on 127.0.0.1" in output


async def test_a_feed_port_taken_ends_run_in_one_line(tmp_path: Path) -> None:
    server = BotApiServer(token=TOKEN)
    await server.start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
        bot = BotProcess(server.url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
        try:
            await bot.start(PARTNERBOT_HTTP_LISTEN=listen)
            status = await bot.exited(within=30)
        finally:
            await server.stop()
    output = bot.output()
    assert status == 2, output
    assert "Traceback" not in output
    assert output.splitlines()[-1] == (
        f"partnerbot: PARTNERBOT_HTTP_LISTEN: cannot listen on {listen}: Address already in use"
    )


# -- settings -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("PARTNERBOT_HTTP_LISTEN", "localhost:http"),
        ("PARTNERBOT_HTTP_LISTEN", "127.0.0.1:0"),
        ("PARTNERBOT_HTTP_URL", "bot.example.org"),
        ("PARTNERBOT_HTTP_URL", "https://bot.example.org/?a=b"),
    ],
)
def test_bad_feed_settings_name_the_variable(name: str, value: str) -> None:
    with pytest.raises(ConfigError, match=f"^{name}: "):
        load_settings({name: value})


def test_the_feeds_address_comes_from_its_setting_else_the_webhooks_origin() -> None:
    listen = {"PARTNERBOT_HTTP_LISTEN": "127.0.0.1:8081"}
    assert load_settings(listen).http_listen == ("127.0.0.1", 8081)
    assert load_settings(listen).feed_base_url is None  # served, but at no known address
    hook = {**listen, "PARTNERBOT_WEBHOOK_URL": "https://bot.example.org:8443/telegram"}
    assert load_settings(hook).feed_base_url == "https://bot.example.org:8443"
    own = {**hook, "PARTNERBOT_HTTP_URL": "https://cal.example.org/partnerbot/"}
    assert load_settings(own).feed_base_url == "https://cal.example.org/partnerbot"
    # not served at all without a listener, whatever the URLs
    assert load_settings({"PARTNERBOT_HTTP_URL": "https://cal.example.org"}).feed_base_url is None


def test_the_log_filter_hides_a_feed_address_at_any_level() -> None:
    record = logging.LogRecord(
        "telegram.ext.ExtBot",
        logging.DEBUG,
        __file__,
        1,
        "sendMessage with %s",
        ("text: https://bot.example.org/calendar/" + "Ab_-" * 8 + ".ics",),
        None,
    )
    assert RedactToken("123456:AAH-not-a-real-token").filter(record)
    assert (
        record.getMessage() == "sendMessage with text: https://bot.example.org/calendar/<feed>.ics"
    )


async def test_reused_blocks_give_the_bytes_a_fresh_build_gives(bot: Driver) -> None:
    """BlockMemo keeps serialized series by what they are made of: a feed built from kept
    blocks is byte for byte the one built afresh, in each language."""
    from bot.views.ics import BlockMemo, feed_ics
    from handlers.feed import content_of

    memo, i18n = BlockMemo(), bot.app.bot_data.i18n
    assert i18n is not None
    target = FeedTarget.of_partnership("bonn-la-paz")
    cancel = MeetingChange("c1", SERIES, datetime(2027, 1, 5, 15, 0), ChangeStatus.CANCELLED)
    for step in range(2):
        if step:
            await store(bot).network.save(Dataset(meeting_changes=(cancel,)))
        for lang in ("de", "es"):
            tr = i18n.translator(lang)
            content = await content_of(store(bot), target, tr)
            assert feed_ics(content, tr, memo) == feed_ics(content, tr, BlockMemo())
    assert b"EXDATE" in feed_ics(content, tr, memo)
