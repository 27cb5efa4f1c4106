"""Forum supergroups (topics on): answers stay in the topic a command came from; /topic
(or /subscribe inside a topic) chooses where the group's posts go; a topic closed or
deleted sends them to General, the post refused first, and the admins are told once.
In-process against the fake Telegram, which refuses a gone topic as Telegram does."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from itertools import combinations
from typing import Any

import pytest
from telegram.ext import CommandHandler

from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.model.domain import LANGUAGES
from bot.telegram.flood_gate import Limits
from bot.telegram.pacing import Pacer
from bot.text.i18n import I18n
from bot.views.topics import topic_lost
from harness.fake_telegram import OfflineTelegram, as_update
from harness.fake_time import FakeTime
from tests.conftest import Driver, sent_to
from tests.test_dispatch import storage
from tests.test_overdue import send_due

ADMIN, MEMBER = 11, 12
FORUM = -1003
TOLD = "The topic for my posts was closed or deleted"


async def in_topic(
    bot: Driver, text: str, thread: int | None, user: int = ADMIN, chat_id: int = FORUM
) -> list[dict[str, Any]]:
    """`text` sent in the forum's topic `thread` (None: General); what the bot answered."""
    before = len(bot.api.calls)
    chat = bot.api.chats[chat_id]
    update = bot.api.user_message(bot.user(user), chat, text, thread=thread)
    await bot.app.process_update(as_update(update, bot.app.bot))
    return bot.replies(before)


def forum(bot: Driver) -> int:
    """The forum group with one topic; the topic's thread id."""
    bot.api.forum(FORUM, {ADMIN: "administrator"})
    return bot.api.open_topic(FORUM)


async def test_answers_stay_in_the_topic_of_the_command(bot: Driver) -> None:
    thread = forum(bot)
    for command in ("/help", "/exchanges bonn", "/partner bonn", "/topic"):
        replies = await in_topic(bot, command, thread, user=MEMBER)
        assert replies and all(r.get("message_thread_id") == thread for r in replies), command
    [general] = await in_topic(bot, "/help", None)
    assert "message_thread_id" not in general  # General: no thread, as Telegram wants


async def test_documents_errors_and_answers_anew_stay_in_the_topic(bot: Driver) -> None:
    thread = forum(bot)
    [listing] = await in_topic(bot, "/exchanges bonn", thread)
    keys = [k["callback_data"] for row in listing["reply_markup"]["inline_keyboard"] for k in row]
    # the .ics file
    await bot.press(listing, next(k for k in keys if k.startswith("ics:")))
    [document] = [c for c in bot.api.calls if c.method == "sendDocument"]
    assert document.result["message_thread_id"] == thread
    # a message too old to edit is answered anew, in its topic
    gone = {**listing, "message_id": 99_999}
    before = len(bot.api.calls)
    await bot.press(gone, keys[-1])
    anew = [c for c in bot.api.calls[before:] if c.method == "sendMessage" and c.result]
    assert anew and all(c.result["message_thread_id"] == thread for c in anew)

    # the apology for an error
    async def broken(update: object, context: object) -> None:
        raise RuntimeError("boom")

    bot.app.handlers[0].insert(0, CommandHandler("broken", broken))
    [apology] = await in_topic(bot, "/broken", thread)
    assert apology["message_thread_id"] == thread and "went wrong" in apology["text"]


async def test_topic_is_chosen_by_admins_only(bot: Driver) -> None:
    thread = forum(bot)
    subs = storage(bot).subscriptions
    [refused] = await in_topic(bot, "/topic", thread, user=MEMBER)
    assert "Only the group's administrators" in refused["text"]
    assert refused["message_thread_id"] == thread and await subs.post_thread(FORUM) is None
    [done] = await in_topic(bot, "/topic", thread)
    assert done["text"] == "Done: my posts for this group will come to this topic."
    assert await subs.post_thread(FORUM) == thread
    [back] = await in_topic(bot, "/topic", None)  # in General: back to General
    assert back["text"].startswith("Done: my posts will come to General again.")
    assert await subs.post_thread(FORUM) is None
    [told] = await in_topic(bot, "/topic", None, user=MEMBER)  # nothing to change: anyone
    assert told["text"].startswith("My posts come to General. To have them in a topic")


async def test_topic_outside_a_forum_says_there_are_none(bot: Driver) -> None:
    group = bot.group(-1004, {ADMIN: "administrator"})
    [in_group] = await bot.send("/topic", user=bot.user(ADMIN), chat=group)
    [in_private] = await bot.send("/topic", user=bot.user(ADMIN, "es"))
    assert in_group["text"] == "This chat has no topics: my posts come to the chat itself."
    assert (
        in_private["text"] == "Este chat no tiene temas: mis publicaciones llegan al propio chat."
    )
    assert await storage(bot).subscriptions.post_thread(-1004) is None


def posts(bot: Driver, chat_id: int) -> list[dict[str, Any]]:
    """What the dispatcher sent the chat (the posts and the notice), not the replies."""
    return [m for m in sent_to(bot, chat_id) if m["text"].startswith(("⏰", "📅", "⚠️"))]


@pytest.mark.parametrize("gone", ["deleted", "closed"])
async def test_posts_go_to_the_chosen_topic_then_to_general_when_it_is_gone(
    bot: Driver, clock: MovableClock, gone: str
) -> None:
    thread = forum(bot)
    await in_topic(bot, "/language en", None)
    [done] = await in_topic(bot, "/subscribe bonn", thread)  # inside the topic: posts go there
    assert done["message_thread_id"] == thread and "Reminders will come here" in done["text"]
    await send_due(bot)
    first = posts(bot, FORUM)
    assert first and all(p.get("message_thread_id") == thread for p in first)

    if gone == "deleted":
        bot.api.delete_topic(FORUM, thread)
    else:
        bot.api.close_topic(FORUM, thread)
    clock.set(datetime(2026, 11, 24, 13, 0, tzinfo=UTC))  # the meeting's 1-hour reminder
    await send_due(bot)
    refused = [c for c in bot.api.calls if c.method == "sendMessage" and c.error]
    assert [c.params["message_thread_id"] for c in refused] == [thread]
    told, reminder = posts(bot, FORUM)[len(first) :]
    assert TOLD in told["text"] and "/topic" in told["text"]
    assert (
        reminder["text"].startswith("⏰ Virtual meeting") and "begins in 1 hour" in reminder["text"]
    )
    assert "message_thread_id" not in told and "message_thread_id" not in reminder
    assert await storage(bot).subscriptions.post_thread(FORUM) is None

    clock.set(datetime(2026, 11, 24, 15, 0, tzinfo=UTC))  # the next meeting's invitation
    await send_due(bot)
    later = posts(bot, FORUM)[len(first) + 2 :]
    assert later and all("message_thread_id" not in p for p in later)
    assert sum(TOLD in p["text"] for p in posts(bot, FORUM)) == 1  # told once


async def test_a_reply_refused_by_flood_control_goes_again_into_its_topic(
    settings: Settings, i18n: I18n, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The pacer sends the refused request again as it was: in its topic. Its clock is
    fake: the wait Telegram asks for passes without waiting."""
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as bot.app sets it
    time = FakeTime()
    api = OfflineTelegram(clock=clock)
    pacer = Pacer(Limits(), clock=time.monotonic, sleep=time.sleep)
    app = build_application(
        settings, request=api, i18n=i18n, clock=clock, rate_limiter=pacer, schedule=False
    )
    async with running(app):
        bot = Driver(app, api)
        thread = forum(bot)
        api.fail(FORUM, api.flood(3))
        [reply] = await in_topic(bot, "/help", thread)
    tries = [c for c in api.calls if c.method == "sendMessage"]
    assert [c.error is None for c in tries] == [False, True]
    assert [c.params["message_thread_id"] for c in tries] == [thread, thread]
    assert reply["message_thread_id"] == thread


@pytest.mark.parametrize("pair", list(combinations(LANGUAGES, 2)))
def test_the_topic_notice_in_two_languages_fits_one_phone_screen(
    i18n: I18n, pair: tuple[str, str]
) -> None:
    """At most 15 lines of 38 characters (the issue's screen), wrapped on word boundaries."""
    notice = topic_lost(i18n.translator(lang) for lang in pair)
    lines = sum(len(textwrap.wrap(part, 38)) or 1 for part in notice.split("\n"))
    assert lines <= 15, (pair, lines)
    for lang, part in zip(pair, notice.split("\n\n"), strict=True):  # each translated
        assert (TOLD in part) == (lang == "en"), (lang, part)


async def test_a_subscribe_button_pressed_in_a_topic_chooses_that_topic(bot: Driver) -> None:
    thread = forum(bot)
    await in_topic(bot, "/topic", None)  # General, nothing chosen yet
    [choice] = await in_topic(bot, "/subscribe tanzania", thread)
    first = choice["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    [done] = await bot.press(choice, first, user=bot.user(ADMIN))
    assert done["text"].startswith("Done: this chat now follows Pforzheim – Mtwara.")
    assert done["message_thread_id"] == thread  # the choice, edited in its topic
    assert await storage(bot).subscriptions.post_thread(FORUM) == thread
    # subscribing from General later leaves the posts in their topic, and says so
    [done] = await in_topic(bot, "/subscribe bonn", None)
    assert "Reminders go to the topic chosen with /topic" in done["text"]
    assert "message_thread_id" not in done
    assert await storage(bot).subscriptions.post_thread(FORUM) == thread
    # subscribing again inside another topic moves them there, though nothing was added
    other = bot.api.open_topic(FORUM)
    [again] = await in_topic(bot, "/subscribe bonn", other)
    assert (
        again["text"].startswith("This chat already follows")
        and again["message_thread_id"] == other
    )
    assert await storage(bot).subscriptions.post_thread(FORUM) == other


async def test_a_closed_general_pauses_the_posts_until_an_admin_picks_a_topic(
    bot: Driver, clock: MovableClock
) -> None:
    """With General closed and no topic chosen, a post has nowhere to go: the chat is paused
    and the post kept (not failed), until an admin's /topic inside a topic takes them there."""
    forum(bot)
    await in_topic(bot, "/language en", None)
    await in_topic(bot, "/subscribe bonn", None)  # in General: no topic chosen
    bot.api.close_general(FORUM)
    before = len(posts(bot, FORUM))
    await send_due(bot)  # the invitation, refused: "TOPIC_CLOSED"
    assert len(posts(bot, FORUM)) == before
    async with storage(bot).db.conn.execute(
        "SELECT status FROM deliveries WHERE chat_id = ?", (FORUM,)
    ) as cur:
        statuses = {row[0] for row in await cur.fetchall()}
    assert "failed" not in statuses and "pending" in statuses
    assert FORUM not in await storage(bot).subscriptions.active_chat_ids([FORUM])

    thread = bot.api.open_topic(FORUM)
    [chosen] = await in_topic(bot, "/topic", thread)
    assert chosen["message_thread_id"] == thread
    await send_due(bot)
    arrived = posts(bot, FORUM)[before:]
    assert arrived and all(p["message_thread_id"] == thread for p in arrived)
