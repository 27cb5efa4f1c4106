"""End to end over HTTP: `partnerbot run` as a process against the fake Bot API server.

Time is injected, not waited for: PARTNERBOT_CLOCK_START starts the bot's clock a few
seconds before a reminder is due, or hours later for a restart after downtime.
"""

from __future__ import annotations

import re
import signal
import sqlite3
import time
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.console.telegram import ApiError
from bot.schedule.send import IN_FLIGHT
from harness.bot_process import CLOCK_START, BotProcess, accepts, free_port
from harness.botapi_server import BotApiServer, FloodLimits, FloodModel
from harness.network_setup import SERIES, follow, group, next_meeting

JSON = dict[str, Any]
ADMIN, MEMBER = 11, 12
pytestmark = pytest.mark.timeout(180)  # a hang fails the test instead of stalling CI


@pytest.fixture
async def meeting(bot: BotProcess) -> datetime:
    """The seeded series' next meeting after the tests' "now"; the bot's DB is seeded."""
    return await next_meeting(bot.db, CLOCK_START)


def user(user_id: int, lang: str = "en") -> JSON:
    return {"id": user_id, "is_bot": False, "first_name": f"user {user_id}", "language_code": lang}


def private(who: JSON) -> JSON:
    return {"id": who["id"], "type": "private", "first_name": who["first_name"]}


async def say(
    server: BotApiServer, who: JSON, chat: JSON, text: str, replies: int = 1
) -> list[JSON]:
    """Send `text` as `who` in `chat` and wait for the bot's `replies` messages there."""
    before = len(server.sent(chat["id"]))
    await server.deliver(server.api.user_message(who, chat, text))
    await server.wait_for(lambda: len(server.sent(chat["id"])) >= before + replies)
    return server.sent(chat["id"])[before:]


async def press(server: BotApiServer, who: JSON, message: JSON, data: str, method: str) -> JSON:
    """Press a button and wait for the bot's answer by `method` (an edit, a document)."""
    before = len(server.api.calls)
    await server.deliver(server.api.button_press(who, message, data))
    done = await server.wait_for(
        lambda: [c for c in server.api.calls[before:] if c.method == method and c.result]
    )
    return dict(done[0].result)


def reminders(server: BotApiServer, chat_id: int) -> list[str]:
    """The meeting reminders a chat got (German first, then Spanish)."""
    return [m["text"] for m in server.sent(chat_id) if m["text"].startswith("⏰ Virtuelles")]


def outbox(db: Path) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        return Counter(s for (s,) in conn.execute("SELECT status FROM deliveries"))


# -- users and groups ----------------------------------------------------------------------


async def test_private_chats_in_each_language(server: BotApiServer, bot: BotProcess) -> None:
    await bot.start()
    greetings = {"de": "Hallo", "es": "¡Hola", "fr": "Bonjour", "pt": "Olá", "en": "Hello"}
    for n, (lang, hello) in enumerate(greetings.items()):
        who = user(100 + n, lang)
        reply, _town_question = await say(server, who, private(who), "/start", replies=2)
        assert reply["text"].startswith(hello), reply["text"]
    who = user(200, "es")
    [card] = await say(server, who, private(who), "/partner mtwara")
    assert "Pforzheim" in card["text"] and "Tanzania" in card["text"]
    [overview] = await say(server, who, private(who), "/milestones")
    assert "fase" in overview["text"]

    [first] = await say(server, who, private(who), "/exchanges past")
    nav = first["reply_markup"]["inline_keyboard"][-2]
    assert [k["text"] for k in nav] == ["▶"]
    second = await press(server, who, first, nav[0]["callback_data"], "editMessageText")
    assert second["message_id"] == first["message_id"] and "Delegación" not in second["text"]

    [reply] = await say(server, who, private(who), "/exchanges bonn")
    ics = next(
        k["callback_data"]
        for row in reply["reply_markup"]["inline_keyboard"]
        for k in row
        if k["callback_data"].startswith("ics:s:")
    )
    await press(server, who, reply, ics, "sendDocument")
    [upload] = server.calls("sendDocument")
    [(name, content)] = upload.files.values()
    assert name == f"{SERIES}.ics" and b"RRULE:FREQ=WEEKLY;INTERVAL=6;BYDAY=TU" in content


async def test_a_group_subscribes_answers_an_invitation_and_gets_its_reminder(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    due = meeting - timedelta(minutes=60)
    lead = 8.0  # seconds between the bot's start and the reminder falling due
    chat = group(-1001)
    server.api.add_chat(chat, {ADMIN: "administrator"})
    admin, member = user(ADMIN, "de"), user(MEMBER, "es")
    started = time.monotonic()
    await bot.start(clock_start=due - timedelta(seconds=lead))

    added = server.api.member_change(chat, admin, "left", "member")
    await server.deliver(added)
    await server.wait_for(lambda: server.sent(chat["id"]))
    [refused] = await say(server, member, chat, "/subscribe bonn")
    assert refused["text"].startswith("Solo los administradores")
    await say(server, admin, chat, "/language de es")
    await say(server, admin, chat, "/reminders meetings 1h")
    done, invitation = await say(server, admin, chat, "/subscribe bonn", replies=2)
    assert done["text"].startswith("Erledigt: Dieser Chat verfolgt jetzt Bonn – La Paz.")
    assert "Einladung" in invitation["text"] and "Invitación" in invitation["text"]

    yes = invitation["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    counted = await press(server, member, invitation, yes, "editMessageReplyMarkup")
    assert counted["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ 1"
    set_up = time.monotonic() - started
    assert set_up < lead, f"set-up took {set_up:.1f} s: the reminder was due before it"
    assert reminders(server, chat["id"]) == []

    await server.wait_for(lambda: reminders(server, chat["id"]), within=lead + 20)
    arrived = time.monotonic() - started
    assert arrived >= lead, f"the reminder came {arrived:.1f} s after start, before it was due"
    [reminder] = reminders(server, chat["id"])
    assert "beginnt in 1 Stunde" in reminder
    assert "comienza dentro de 1 hora" in reminder  # the second language, same post


# -- Telegram's failure modes --------------------------------------------------------------


async def test_flood_control_makes_the_bot_wait_and_loses_nothing(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    # stricter than the bot's own pacing (30/s)
    server.flood = FloodLimits(per_second=5, model=FloodModel.SLIDING_WINDOW)
    chats = [-2000 - n for n in range(20)]
    now = meeting - timedelta(hours=2)
    await follow(bot.db, server, chats, now)
    await bot.start(clock_start=now)  # an invitation for every group, all due at once
    await server.wait_for(lambda: all(server.sent(c) for c in chats), within=60)
    assert server.refused_429 > 0
    assert await bot.stop() == 0
    assert all(len(server.sent(c)) == 1 for c in chats)
    assert outbox(bot.db)["sent"] == len(chats)
    assert "flood control: waiting" in bot.output()


async def burst(server: BotApiServer, privates: int, groups: int, per_group: int) -> dict[int, int]:
    """`/start` from `privates` users and `/phases` `per_group` times in each of `groups`
    groups, all at once; the replies each chat is owed."""
    owed: dict[int, int] = {}
    for n in range(privates):
        who = user(5000 + n)
        await server.deliver(server.api.user_message(who, private(who), "/start"))
        owed[who["id"]] = 2  # the welcome, then the town question
    for n in range(groups):
        chat = group(-5000 - n)
        for _ in range(per_group):
            await server.deliver(server.api.user_message(user(6000 + n), chat, "/phases"))
        owed[chat["id"]] = per_group
    return owed


def answered(server: BotApiServer, owed: dict[int, int]) -> bool:
    return all(len(server.sent(chat)) >= count for chat, count in owed.items())


async def test_a_burst_of_commands_under_telegrams_limits_is_answered_in_full(
    server: BotApiServer, bot: BotProcess
) -> None:
    server.flood = FloodLimits(model=FloodModel.SLIDING_WINDOW)  # 30 in any s, 20/min a group
    await bot.start()
    owed = await burst(server, privates=90, groups=10, per_group=6)
    await server.wait_for(lambda: answered(server, owed), within=90)
    # Whatever Telegram refused (the server counts arrivals, which a busy machine spreads
    # out; see the next test) was sent again: each chat got what it asked for, once.
    assert {chat: len(server.sent(chat)) for chat in owed} == owed  # each once, none lost
    assert not [m for m in server.sent() if "went wrong" in m["text"]]


async def test_replies_refused_by_flood_control_are_sent_again_not_lost(
    server: BotApiServer, bot: BotProcess
) -> None:
    # Telegram counting stricter than the bot paces (10/s against 30/s): 429s must come,
    # and every reply must still arrive, once.
    server.flood = FloodLimits(per_second=10, model=FloodModel.SLIDING_WINDOW)
    await bot.start()
    owed = await burst(server, privates=30, groups=5, per_group=3)
    await server.wait_for(lambda: answered(server, owed), within=90)
    assert server.refused_429 > 0
    assert {chat: len(server.sent(chat)) for chat in owed} == owed
    assert not [m for m in server.sent() if "went wrong" in m["text"]]
    assert "flood control: a reply to chat" in bot.output()
    assert "Traceback" not in bot.output()


async def test_a_group_that_removed_the_bot_is_paused_and_resumed_when_re_added(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    gone, other = -3001, -3002
    now = meeting - timedelta(hours=2)
    await follow(bot.db, server, [gone, other], now)
    server.api.blocked.add(gone)
    await bot.start(clock_start=now)
    await server.wait_for(lambda: server.sent(other))
    await server.wait_for(lambda: "subscriptions are paused" in bot.output())
    assert server.sent(gone) == []

    server.api.blocked.discard(gone)
    admin = user(ADMIN, "de")
    server.api.add_chat(group(gone), {ADMIN: "administrator"})
    await server.deliver(server.api.member_change(group(gone), admin, "left", "member"))
    # Re-added: the bot says hello, and the invitation it could not deliver comes now.
    await server.wait_for(lambda: any("Einladung" in m["text"] for m in server.sent(gone)))
    assert await bot.stop() == 0
    with sqlite3.connect(bot.db) as conn:
        assert conn.execute("SELECT paused_reason FROM chats WHERE id = ?", (gone,)).fetchone() == (
            None,
        )


async def test_a_group_upgraded_to_a_supergroup_keeps_its_subscription_and_reminders(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    old, new = -4001, -1004001
    lead = 5.0
    now = meeting - timedelta(minutes=60, seconds=lead)
    await follow(bot.db, server, [old], now)
    server.api.fail(old, server.api.migration(group(old, "group"), new))
    await bot.start(clock_start=now)
    # The invitation meets the migration and follows the group; the reminder due a few
    # seconds later goes to the new id directly.
    await server.wait_for(lambda: reminders(server, new), within=lead + 20)
    assert await bot.stop() == 0
    assert server.sent(old) == []
    assert len(server.sent(new)) == 2
    with sqlite3.connect(bot.db) as conn:
        rows = conn.execute("SELECT chat_id FROM subscriptions").fetchall()
    assert rows == [(new,)]


async def test_server_errors_and_timeouts_are_retried_with_backoff(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    broken, hanging = -5001, -5002
    now = meeting - timedelta(hours=2)
    await follow(bot.db, server, [broken, hanging], now)
    server.api.fail(broken, ApiError(502, "Bad Gateway"))
    server.hang.add(hanging)
    await bot.start(clock_start=now)
    # PTB's read timeout (5 s) ends the hang; backoff starts at 5 s: bounded well below 60.
    await server.wait_for(lambda: server.sent(broken) and server.sent(hanging), within=60)
    assert await bot.stop() == 0
    assert len(server.sent(broken)) == 1 and len(server.sent(hanging)) == 1
    log = bot.output()
    assert "Bad Gateway" in log and "retrying from" in log
    assert "Timed out" in log or "timed out" in log


async def test_killed_mid_fan_out_every_group_gets_its_post_once(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    chats = [-6000 - n for n in range(200)]
    now = meeting - timedelta(hours=2)
    await follow(bot.db, server, chats, now)
    started = time.monotonic()
    await bot.start(clock_start=now)
    await server.wait_for(lambda: len(server.sent()) >= 60, within=60)
    assert await bot.stop(signal.SIGKILL) == -signal.SIGKILL
    delivered_before_kill = len(server.sent())
    assert delivered_before_kill < len(chats), "the kill came after the fan-out ended"

    await bot.start(clock_start=now + timedelta(seconds=time.monotonic() - started))
    await server.wait_for(lambda: all(server.sent(c) for c in chats), within=60)
    assert await bot.stop() == 0  # a clean stop lets the running send finish
    received = Counter(m["chat"]["id"] for m in server.sent())
    assert set(received) == set(chats)
    # the documented bound: each row in flight at the kill may come twice, nothing more
    released = sum(int(n) for n in re.findall(r"(\d+) post\(s\) were in flight", bot.output()))
    assert released <= IN_FLIGHT
    assert sum(1 for n in received.values() if n > 1) <= released and max(received.values()) <= 2
    assert outbox(bot.db)["sent"] == len(chats)


async def test_down_for_two_hours_over_a_reminder_it_comes_late_once(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    chat = -7001
    start = meeting - timedelta(hours=3)
    await follow(bot.db, server, [chat], start)
    await bot.start(clock_start=start)
    await server.wait_for(lambda: server.sent(chat))  # the invitation
    assert await bot.stop() == 0
    assert reminders(server, chat) == []

    # Down from 3 h before to 40 min before: the hour-before reminder fell due meanwhile.
    await bot.start(clock_start=start + timedelta(hours=2, minutes=20))
    await server.wait_for(lambda: reminders(server, chat), within=20)
    assert await bot.stop() == 0
    plans = bot.output().count("bot.schedule.replan: planned")
    await bot.start(clock_start=start + timedelta(hours=2, minutes=21))  # and once more
    await server.wait_for(lambda: bot.output().count("bot.schedule.replan: planned") > plans)
    assert await bot.stop() == 0  # its catch-up has run: nothing was sent twice
    [late] = reminders(server, chat)
    assert "beginnt in 40 Minuten" in late
    assert late.endswith("🕓 Verspätet gesendet · Enviado con retraso")


# -- webhook mode --------------------------------------------------------------------------


async def test_webhook_mode_answers_telegram_and_refuses_forged_updates(
    server: BotApiServer, bot: BotProcess
) -> None:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram"
    await bot.start(PARTNERBOT_WEBHOOK_URL=url, PARTNERBOT_WEBHOOK_LISTEN=f"127.0.0.1:{port}")
    await server.wait_for(lambda: server.api.webhook.get("url") == url)
    await server.wait_for(lambda: accepts(port))  # PTB listens just after setWebhook
    secret = server.api.webhook["secret_token"]
    assert secret and secret not in bot.output()

    who = user(300, "fr")
    update = server.api.user_message(who, private(who), "/start")
    async with httpx.AsyncClient(timeout=10) as client:
        forged = await client.post(url, json=update)
        wrong = await client.post(
            url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "guess"}
        )
    assert (forged.status_code, wrong.status_code) == (403, 403)
    assert server.sent(who["id"]) == []

    before = len(server.sent(who["id"]))
    assert await server.deliver(server.api.user_message(who, private(who), "/start")) == 200
    await server.wait_for(lambda: len(server.sent(who["id"])) > before + 1)
    reply, _town_question = server.sent(who["id"])
    assert reply["text"].startswith("Bonjour")
    assert server.calls("getUpdates") == []


async def test_polling_confirms_updates_only_by_a_later_offset(
    server: BotApiServer, bot: BotProcess
) -> None:
    who = user(400, "pt")
    # Queued before the bot starts: it must fetch them, answer, then confirm them.
    for text in ("/start", "/help"):
        await server.deliver(server.api.user_message(who, private(who), text))
    await bot.start()
    await server.wait_for(lambda: len(server.sent(who["id"])) >= 3)  # welcome, town, help
    await server.wait_for(lambda: not server.api.pending)
    assert await bot.stop() == 0
    offsets = [int(c.params.get("offset") or 0) for c in server.calls("getUpdates")]
    assert max(offsets) == 3  # the update after the last one it got


# -- forum topics ---------------------------------------------------------------------------


async def test_a_forum_group_gets_its_posts_in_its_topic_then_in_general_when_it_is_gone(
    server: BotApiServer, bot: BotProcess, meeting: datetime
) -> None:
    chat = server.api.forum(-1009001, {ADMIN: "administrator"})
    topic = server.api.open_topic(chat["id"])
    admin = user(ADMIN, "de")
    due = meeting - timedelta(minutes=60)
    await bot.start(clock_start=due - timedelta(hours=1))  # the reminder is an hour away

    await say(server, admin, chat, "/language de es")  # in General
    await say(server, admin, chat, "/reminders meetings 1h")
    before = len(server.sent(chat["id"]))  # /subscribe inside the topic: posts go there
    await server.deliver(server.api.user_message(admin, chat, "/subscribe bonn", thread=topic))
    await server.wait_for(lambda: len(server.sent(chat["id"])) >= before + 2)
    done, invitation = server.sent(chat["id"])[before:]
    assert done["text"].startswith("Erledigt: Dieser Chat verfolgt jetzt Bonn – La Paz.")
    assert "Einladung" in invitation["text"]
    assert done["message_thread_id"] == invitation["message_thread_id"] == topic
    assert await bot.stop() == 0

    server.api.delete_topic(chat["id"], topic)  # the reminder, now due, finds it gone
    await bot.start(clock_start=due)
    await server.wait_for(lambda: reminders(server, chat["id"]), within=20)
    refused = [c for c in server.calls("sendMessage") if c.error]
    assert [(c.params.get("message_thread_id"), c.error) for c in refused] == [
        (topic, "Bad Request: message thread not found")
    ]
    told, reminder = server.sent(chat["id"])[before + 2 :]
    assert "Das Thema für meine Beiträge wurde geschlossen oder gelöscht" in told["text"]
    assert "El tema de mis publicaciones" in told["text"] and "/tema" in told["text"]
    assert "beginnt in 1 Stunde" in reminder["text"]
    assert "message_thread_id" not in told and "message_thread_id" not in reminder
    assert await bot.stop() == 0

    # After the meeting: the next one's invitation goes to General, and nobody is told again.
    await bot.start(clock_start=meeting + timedelta(minutes=61))

    def after() -> list[dict[str, Any]]:  # the invitation, and the ask for action items
        return server.sent(chat["id"])[before + 4 :]

    await server.wait_for(lambda: any("Einladung" in m["text"] for m in after()), within=20)
    assert await bot.stop() == 0
    assert len([m for m in after() if "Einladung" in m["text"]]) == 1
    assert all("message_thread_id" not in m for m in after())
    assert sum("Das Thema für meine Beiträge" in m["text"] for m in server.sent(chat["id"])) == 1
    assert outbox(bot.db)["failed"] == 0
