"""The six-weekly meeting as a cycle, end to end over HTTP: `partnerbot run` as a process
against the fake Bot API server, its calendar feed fetched over HTTP, as people would use
it from their phones.

A group following Bonn – La Paz (German and Spanish) gets the invitation; three members add
agenda items in two languages and the invitation shows them; two answer ✅ and one ❌, and
👥 shows who; the ✅ answerer who started the bot gets her private reminder in Spanish at
La Paz time with the join link, the one who did not gets nothing (and no error is
logged). After the meeting two action items are added from the group's ask; the owner is
reminded privately, ticks hers, and the next invitation shows only what is still open.
The calendar feed parses and expands, answers 304 to an unchanged ETag and 404 to a wrong
or reset token. The bot is restarted between the steps, at each step's instant
(PARTNERBOT_CLOCK_START), never waited for; nothing is sent twice.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import urlsplit

import httpx
import icalendar
import pytest
import recurring_ical_events

from harness.bot_process import BotProcess, free_port, partnerbot, restart
from harness.botapi_server import BotApiServer
from harness.network_setup import group
from harness.phone import JSON, Phone, buttons, person

ADMIN, ANA, BEN, CARLOS = 41, 42, 43, 44
GROUP = -4101
# The seeded Bonn – La Paz meeting: Tuesdays 15:00 in Bonn, every six weeks, an hour long.
INVITED = datetime(2026, 12, 30, 10, 0, tzinfo=UTC)  # its invitation to 5 January is out
HOUR_BEFORE = datetime(2027, 1, 5, 13, 0, tzinfo=UTC)  # 14:00 in Bonn, 09:00 in La Paz
OVER = datetime(2027, 1, 5, 15, 0, 30, tzinfo=UTC)  # the meeting ended 30 s ago
THREE_DAYS_BEFORE = datetime(2027, 2, 2, 13, 0, tzinfo=UTC)  # 09:00 in La Paz; due 5 Feb
JOIN = "https://meet.example.org/bonn-la-paz"
FEED = re.compile(r"https?://\S+/calendar/[A-Za-z0-9_-]+\.ics")
pytestmark = pytest.mark.timeout(240)


@pytest.fixture
def flood() -> None:
    """Weeks pass in seconds here, so the group's messages of several days fall in one real
    minute: Telegram's per-minute limit is left out (tests/e2e/test_e2e.py covers it; the
    bot's own pacer still keeps each run within it)."""


def shown(server: BotApiServer, message: JSON) -> str:
    """The message's text as the group sees it now (after every edit in place)."""
    return str(server.api.messages[(GROUP, message["message_id"])]["text"])


async def reply(phone: Phone, text: str, to: JSON, answers: int = 1) -> list[JSON]:
    """`text` sent as a reply to the bot's prompt `to` (what a ForceReply makes the app do)."""
    since = len(phone.server.api.calls)
    await phone.server.deliver(phone.server.api.reply_message(phone.who, phone.chat, text, to))
    return await phone._wait(since, answers)


async def pop_up(server: BotApiServer, phone: Phone, message: JSON, data: str) -> JSON:
    """Press, and give what the bot answered the press with (its text or its link)."""
    since = len(server.api.calls)
    await server.deliver(server.api.button_press(phone.who, message, data))
    [call] = await server.wait_for(
        lambda: [c for c in server.api.calls[since:] if c.method == "answerCallbackQuery"]
    )
    return dict(call.params)


async def test_the_meeting_cycle_over_http(server: BotApiServer, bot: BotProcess) -> None:
    feeds = free_port()
    env = {
        "PARTNERBOT_ADMINS": str(ADMIN),  # the coordinator links the partnership's group
        "PARTNERBOT_HTTP_LISTEN": f"127.0.0.1:{feeds}",
        "PARTNERBOT_HTTP_URL": f"http://127.0.0.1:{feeds}",
    }
    # The meeting's join link, set as a coordinator's data file would.
    dataset = bot.db.parent / "network.yaml"
    assert partnerbot("export", str(dataset), db=bot.db).returncode == 0
    series = "- id: bonn-la-paz-virtual\n"
    dataset.write_text(dataset.read_text().replace(series, f"{series}  join_url: {JOIN}\n"))
    assert partnerbot("import", str(dataset), db=bot.db).returncode == 0
    await restart(bot, server, INVITED, env)
    chat = group(GROUP)
    server.api.add_chat(chat, {ADMIN: "administrator"})
    admin = Phone(server, person(ADMIN, "de", "Greta"), chat)
    ana = Phone(server, person(ANA, "es", "Ana"), chat)
    ben = Phone(server, person(BEN, "de", "Ben"), chat)
    carlos = Phone(server, person(CARLOS, "es", "Carlos"), chat)
    ana_private = Phone(server, person(ANA, "es", "Ana"))
    await ana_private.send("/start", answers=2)  # the welcome and the town question
    await ana_private.send("/zonahoraria La Paz")

    # -- the invitation, and the agenda in two languages ----------------------------------
    await admin.send("/sprache de es")
    await admin.send("/abonnieren bonn")
    [invitation] = await server.wait_for(
        lambda: [m for m in server.sent(GROUP) if "Einladung" in m["text"]]
    )
    assert "5. Jan. 2027" in invitation["text"]
    # Each: the invitation edited in place, and a confirmation.
    await ana.send("/agenda Presupuesto 2027", answers=2)
    await ben.send("/tagesordnung Jugendaustausch im Sommer", answers=2)
    [prompt] = await carlos.press(invitation, next(d for d in buttons(invitation) if "ag:" in d))
    await reply(carlos, "Visita de la delegación en mayo", prompt, answers=2)
    text = shown(server, invitation)
    for item in ("Presupuesto 2027", "Jugendaustausch im Sommer", "Visita de la delegación"):
        assert item in text, text
    assert "Ana" in text and "Ben" in text and "Carlos" in text  # who added each

    # -- who is coming --------------------------------------------------------------------
    yes, no, _maybe, names = (
        row["callback_data"] for row in invitation["reply_markup"]["inline_keyboard"][0]
    )
    answered = await pop_up(server, ana, invitation, yes)
    assert answered.get("text", "").startswith("✅") and "url" not in answered
    link = await pop_up(server, ben, invitation, yes)  # never started the bot
    assert urlsplit(link["url"]).netloc == "t.me" and "start=r-" in link["url"]
    await pop_up(server, carlos, invitation, no)
    await admin.press(invitation, names)
    who = shown(server, invitation)
    assert re.search(r"✅[^\n]*Ana[^\n]*Ben", who) and re.search(r"❌[^\n]*Carlos", who), who

    # -- the calendar feed ----------------------------------------------------------------
    [address] = await admin.send("/kalender")
    found = FEED.search(address["text"])
    assert found, address["text"]
    feed_url = found.group(0)
    async with httpx.AsyncClient() as client:
        first = await client.get(feed_url)
        assert first.status_code == 200
        assert first.headers["content-type"].startswith("text/calendar")
        calendar = icalendar.Calendar.from_ical(first.content)
        between = recurring_ical_events.of(calendar).between(
            datetime(2027, 1, 1, tzinfo=UTC), datetime(2027, 3, 31, tzinfo=UTC)
        )
        starts = {e.decoded("DTSTART").astimezone(UTC) for e in between}
        assert {
            datetime(2027, 1, 5, 14, 0, tzinfo=UTC),
            datetime(2027, 2, 16, 14, 0, tzinfo=UTC),
        } <= starts
        [meeting] = [e for e in between if e.decoded("DTSTART").month == 1]
        assert "Presupuesto 2027" in str(meeting.get("DESCRIPTION"))
        etag = first.headers["etag"]
        again = await client.get(feed_url, headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""
        wrong = feed_url.rsplit("/", 1)[0] + "/" + "A" * 32 + ".ics"
        assert (await client.get(wrong)).status_code == 404

    # -- an hour before: Ana's private reminder, nothing for Ben ---------------------------
    await restart(bot, server, HOUR_BEFORE, env)
    [personal] = await server.wait_for(lambda: server.sent(ANA)[3:])  # after her 3 replies
    assert "1 hora" in personal["text"] and "Reunión virtual Bonn – La Paz" in personal["text"]
    assert "5 ene 2027, 10:00 La Paz" in personal["text"]  # her zone
    assert JOIN in personal["text"]
    await server.wait_for(
        lambda: [m for m in server.sent(GROUP) if "beginnt in 1 Stunde" in m["text"]]
    )
    assert server.sent(BEN) == []

    # -- after the meeting: two action items from the group's ask --------------------------
    await restart(bot, server, OVER, env)
    [ask] = await server.wait_for(
        lambda: [m for m in server.sent(GROUP) if "Treffen ist vorbei" in m["text"]]
    )
    [following] = await server.wait_for(
        lambda: [m for m in server.sent(GROUP) if "16. Feb. 2027" in m["text"]]
    )
    add = next(d for d in buttons(ask) if d.startswith("ai:"))
    [prompt] = await ana.press(ask, add)
    [owner_step] = await reply(ana, "Enviar el presupuesto a Bonn", prompt)
    [due_step] = await ana.press(
        owner_step, next(d for d, t in buttons(owner_step).items() if "Ana" in t)
    )
    # Saved, and the next invitation (already out) edited to show it.
    saved, _edited = await reply(ana, "5 de febrero", due_step, answers=2)
    assert "Enviar el presupuesto a Bonn" in saved["text"]
    [prompt] = await admin.press(ask, add)
    [owner_step] = await reply(admin, "Saal für den Besuch buchen", prompt)
    bonn_side = next(d for d, t in buttons(owner_step).items() if "Bonn" in t)
    [due_step] = await admin.press(owner_step, bonn_side)
    await reply(admin, "20. Februar", due_step, answers=2)
    text = shown(server, following)
    assert "Enviar el presupuesto a Bonn" in text and "Saal für den Besuch buchen" in text, text

    # -- three days before hers is due: the owner reminded privately, she ticks it ---------
    await restart(bot, server, THREE_DAYS_BEFORE, env)
    reminded = await server.wait_for(
        lambda: [m for m in server.sent(ANA) if "Enviar el presupuesto" in m["text"]]
    )
    [reminder] = reminded
    assert "5 de febrero" in reminder["text"]
    tick = next(d for d in buttons(reminder) if d.startswith("aid:"))
    await ana_private.press(reminder, tick)
    await server.wait_for(lambda: "Enviar el presupuesto" not in shown(server, following))
    assert "Saal für den Besuch buchen" in shown(server, following)

    # -- a restart at the same instant sends nothing again ----------------------------------
    await restart(bot, server, THREE_DAYS_BEFORE, env)
    [feed_reply] = await admin.send("/kalender zurücksetzen")
    renewed = FEED.search(feed_reply["text"])
    assert renewed and renewed.group(0) != feed_url
    async with httpx.AsyncClient() as client:
        assert (await client.get(feed_url)).status_code == 404
        assert (await client.get(renewed.group(0))).status_code == 200
    assert len([m for m in server.sent(ANA) if "Enviar el presupuesto" in m["text"]]) == 1
    assert len([m for m in server.sent(ANA) if "1 hora" in m["text"]]) == 1
    for day in ("5. Jan. 2027", "16. Feb. 2027"):
        invitations = [
            m for m in server.sent(GROUP) if "Einladung" in m["text"] and day in m["text"]
        ]
        assert len(invitations) == 1, day
    assert server.sent(BEN) == []
    assert " ERROR " not in bot.output() and "Traceback" not in bot.output()
