"""The dispatcher through the real Application and the offline Bot API, with Telegram's
failure answers injected and the clock moved, never waited for."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
from telegram.error import TimedOut

from bot.app import build_application, running
from bot.config import Settings
from bot.console.telegram import ApiError
from bot.model.chats import RsvpAnswer
from bot.model.clock import MovableClock
from bot.model.domain import ChangeStatus, Dataset, MeetingChange
from bot.model.posts import Invitation
from bot.schedule.jobs import scheduler_of
from bot.schedule.replan import replan
from bot.schedule.send import IN_FLIGHT
from bot.telegram.flood_gate import Limits
from bot.telegram.pacing import Pacer
from bot.text.i18n import I18n
from harness.fake_telegram import OfflineTelegram
from harness.fake_time import FakeTime
from harness.network_setup import group, pile_up
from tests.conftest import COORDINATOR, Driver, make_app, plan_and_send, sent_to

BERLIN_ZONE = "Europe/Berlin"
BERLIN_ZONE_INFO = ZoneInfo(BERLIN_ZONE)


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def follow(
    bot: Driver,
    chat_id: int,
    kind: str = "partnership",
    target: str = "bonn-la-paz",
    languages: tuple[str, ...] = ("de", "es"),
) -> None:
    bot.api.add_chat({"id": chat_id, "type": "supergroup", "title": f"group {chat_id}"})
    store, now = storage(bot), bot.app.bot_data.clock.now()
    # Linked by a coordinator: the group speaks for the partnership (agenda, action items).
    linker = COORDINATOR
    await store.subscriptions.add(
        chat_id, "supergroup", f"group {chat_id}", kind, target, linker, now
    )
    await store.preferences.set_chat_languages(chat_id, "supergroup", None, languages)


async def status_of(bot: Driver, key_start: str) -> list[tuple[str, str | None]]:
    async with storage(bot).db.conn.execute(
        "SELECT status, error FROM deliveries WHERE key LIKE ? ORDER BY id", (key_start + "%",)
    ) as cur:
        return [(r[0], r[1]) for r in await cur.fetchall()]


async def test_invitation_in_both_languages_with_rsvp_buttons(bot: Driver) -> None:
    await follow(bot, -500)
    assert await plan_and_send(bot) == 1  # the next meeting's invitation, right away
    [post] = sent_to(bot, -500)
    german, spanish = post["text"].split("\n— — —\n")
    assert german.startswith("📅 Einladung: Virtuelles Treffen Bonn – La Paz")
    assert "Di., 24. Nov. 2026, 15:00 Berlin\n15:00 Bonn · 10:00 La Paz" in german
    assert spanish.startswith("📅 Invitación: Reunión virtual Bonn – La Paz")
    assert "15:00 Bonn · 10:00 La Paz" not in spanish  # the same in both: said once
    assert "mar, 24 nov 2026, 15:00 Berlín" in spanish
    rows = post["reply_markup"]["inline_keyboard"]
    assert [k["text"] for k in rows[0]] == ["✅ 0", "❌ 0", "❔ 0", "👥"]
    assert rows[1][0]["callback_data"] == "ics:s:bonn-la-paz-virtual"
    assert rows[1][0]["text"] == "📎 In den Kalender"  # says what it does, not ".ics"
    assert await plan_and_send(bot) == 0  # nothing twice


async def test_rsvp_tally_updates_in_place(bot: Driver) -> None:
    await follow(bot, -501)
    await plan_and_send(bot)
    [post] = sent_to(bot, -501)
    yes, no, maybe = (k["callback_data"] for k in post["reply_markup"]["inline_keyboard"][0][:3])
    for user, answer in ((1, yes), (2, yes), (3, no), (1, maybe)):
        await bot.press(post, answer, user=bot.user(user))
    edits = [c for c in bot.api.calls if c.method == "editMessageReplyMarkup"]
    assert {int(c.params["message_id"]) for c in edits} == {post["message_id"]}
    final = bot.api.messages[(-501, post["message_id"])]["reply_markup"]["inline_keyboard"][0]
    assert [k["text"] for k in final] == ["✅ 1", "❌ 1", "❔ 1", "👥"]
    storage = bot.app.bot_data.storage
    assert storage is not None
    delivery = await storage.outbox.get(int(yes.rsplit(":", 1)[1]))
    assert delivery is not None and isinstance(delivery.payload, Invitation)
    answerers = await storage.rsvps.answerers(-501, delivery.payload)
    assert sorted(answerers) == [
        (1, "User1", RsvpAnswer.MAYBE),
        (2, "User2", RsvpAnswer.YES),
        (3, "User3", RsvpAnswer.NO),
    ]
    # What was recorded, not an icon alone; these users' Telegram speaks English, which
    # the group (German, Spanish) does not read: its first language.
    said = ["✅ Ihre Antwort: ja", "✅ Ihre Antwort: ja", "❌ Ihre Antwort: nein"]
    assert bot.alerts() == [*said, "❔ Ihre Antwort: vielleicht"]


async def test_the_rsvp_pop_up_is_in_the_pressers_language_when_the_group_reads_it(
    bot: Driver,
) -> None:
    await follow(bot, -503, languages=("de", "es"))
    await plan_and_send(bot)
    [post] = sent_to(bot, -503)
    yes = post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    for user, lang in ((1, "es"), (2, "de"), (3, "fr"), (4, None)):
        await bot.press(post, yes, user=bot.user(user, language_code=lang))
    assert bot.alerts() == [
        "✅ Su respuesta: sí",
        "✅ Ihre Antwort: ja",
        "✅ Ihre Antwort: ja",  # French: not a language of this group
        "✅ Ihre Antwort: ja",
    ]


async def test_clock_change_warning_on_the_first_invitation_after_it(
    bot: Driver, clock: MovableClock
) -> None:
    clock.set(datetime(2027, 2, 20, tzinfo=UTC))  # next: 30 March, after Berlin's DST change
    await follow(bot, -502, languages=("de", "es"))
    await plan_and_send(bot)
    [post] = sent_to(bot, -502)
    assert "15:00 Bonn · 09:00 La Paz" in post["text"]
    assert "Zeitumstellung: in La Paz jetzt um 09:00 (zuletzt 10:00)." in post["text"]
    assert "en La Paz ahora a las 9:00 (antes, 10:00)." in post["text"]


async def test_flood_control_waits_and_loses_nothing(bot: Driver, clock: MovableClock) -> None:
    await follow(bot, -503)
    bot.api.fail(-503, OfflineTelegram.flood(30))
    assert await plan_and_send(bot) == 0
    assert await status_of(bot, "invite:bonn-la-paz-virtual:2026-11-24") == [
        ("pending", "flood control")
    ]
    clock.advance(timedelta(seconds=29))
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 0  # not before retry_after
    clock.advance(timedelta(seconds=2))
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 1
    assert len(sent_to(bot, -503)) == 1


async def test_forbidden_pauses_and_readding_resumes(bot: Driver, clock: MovableClock) -> None:
    await follow(bot, -504)
    bot.api.blocked.add(-504)
    await plan_and_send(bot)
    assert await storage(bot).subscriptions.is_paused(-504)
    assert await status_of(bot, "invite:bonn-la-paz-virtual:2026-11-24") == [
        ("pending", "paused: Forbidden: bot was kicked from the supergroup chat")
    ]
    bot.api.blocked.discard(-504)
    group = {"id": -504, "type": "supergroup", "title": "group -504"}
    update = bot.api.member_change(group, bot.user(1), "kicked", "member")
    from harness.fake_telegram import as_update

    await bot.app.process_update(as_update(update, bot.app.bot))
    assert not await storage(bot).subscriptions.is_paused(-504)
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 1
    assert sent_to(bot, -504)[-1]["text"].startswith("📅 Einladung")


async def test_supergroup_migration_moves_subscription_and_pending_posts(bot: Driver) -> None:
    old = {"id": -505, "type": "group", "title": "group -505"}
    await follow(bot, -505)
    bot.api.fail(-505, bot.api.migration(old, -100505))
    assert await plan_and_send(bot) == 1
    assert sent_to(bot, -505) == [] and len(sent_to(bot, -100505)) == 1
    subs = storage(bot).subscriptions
    assert [s.target_id for s in await subs.of_chat(-100505)] == ["bonn-la-paz"]
    assert await subs.of_chat(-505) == []


@pytest.mark.parametrize(
    "error", [TimedOut(), ApiError(502, "Bad Gateway"), ApiError(500, "Internal Server Error")]
)
async def test_network_errors_retry_with_backoff(
    bot: Driver, clock: MovableClock, error: Exception
) -> None:
    await follow(bot, -506)
    bot.api.fail(-506, error)
    assert await plan_and_send(bot) == 0
    [(status, _reason)] = await status_of(bot, "invite:bonn-la-paz-virtual:2026-11-24")
    assert status == "pending"
    clock.advance(timedelta(seconds=6))  # the first backoff is 5 seconds
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 1


async def test_other_errors_fail_that_row_and_the_rest_go_on(bot: Driver) -> None:
    await follow(bot, -507)
    await follow(bot, -508)
    bot.api.fail(-507, ApiError(400, "Bad Request: not enough rights to send text messages"))
    assert await plan_and_send(bot) == 1
    assert len(sent_to(bot, -508)) == 1
    assert ("failed", "Not enough rights to send text messages") in await status_of(
        bot, "invite:bonn-la-paz-virtual:2026-11-24"
    )


class Crash(BaseException):
    """Stands in for kill -9: nothing after it runs, no handler catches it."""


async def test_crash_mid_batch_then_restart_loses_nothing_and_doubles_nothing(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    groups = [-7000 - n for n in range(200)]
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        bot = Driver(app, api)
        for chat_id in groups:
            await follow(bot, chat_id)
        api.fail(groups[120], Crash())
        with pytest.raises(Crash):
            await plan_and_send(bot)
    delivered = len([c for c in api.calls if c.method == "sendMessage" and c.result])
    assert 0 < delivered < 200  # the crash came mid-batch

    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:  # restart
        store = app.bot_data.storage
        assert store is not None
        released = await store.outbox.release_in_flight()  # those in flight at the crash
        assert 1 <= released <= IN_FLIGHT
        await scheduler_of(app).dispatcher.run(app.bot)
    counts = {chat_id: len(sent_to(Driver(app, api), chat_id)) for chat_id in groups}
    assert min(counts.values()) == 1  # every group got its invitation
    # the crashing send never reached Telegram; of the others in flight, each at most twice
    assert max(counts.values()) <= 2 and sum(n - 1 for n in counts.values()) <= released - 1


async def test_downtime_sends_late_while_useful_and_skips_the_rest(
    bot: Driver, clock: MovableClock, caplog: pytest.LogCaptureFixture
) -> None:
    await follow(bot, -509, kind="phase", target="example-phase", languages=("en",))
    await follow(bot, -510, languages=("en",))
    await replan(storage(bot), clock.now(), bot.app.bot_data.settings.timezone)  # type: ignore[union-attr]
    # Down from now until 25 Nov 10:00 Berlin: the 1-day reminder of the deadline on 26 Nov
    # (due 09:00) is still useful; the meeting of 24 Nov 15:00 is over.
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))
    with caplog.at_level(logging.INFO, logger="bot.schedule.send"):
        await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    deadline = [m for m in sent_to(bot, -509) if m["text"].startswith("⏰ Deadline tomorrow")]
    assert len(deadline) == 1
    assert deadline[0]["text"].endswith("🕓 Sent late")
    meeting_posts = sent_to(bot, -510)
    assert not [m for m in meeting_posts if "Tue, Nov 24, 2026" in m["text"]]
    assert ("skipped", "the meeting has already started") in await status_of(
        bot, "invite:bonn-la-paz-virtual:2026-11-24"
    )
    assert "the meeting has already started" in caplog.text
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 0  # and nothing a second time


async def test_restart_on_the_same_file_keeps_the_plan(
    settings: Settings, i18n: I18n, clock: MovableClock, tmp_path: Path
) -> None:
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        await follow(Driver(app, api), -600)
        await plan_and_send(Driver(app, api))
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        assert await plan_and_send(Driver(app, api)) == 0  # already sent before the restart
    assert len(sent_to(Driver(app, api), -600)) == 1


async def test_a_cancelled_meeting_gets_a_correction_and_no_invitation(bot: Driver) -> None:
    store = storage(bot)
    change = MeetingChange(
        "c-nov", "bonn-la-paz-virtual", datetime(2026, 11, 24, 15, 0), ChangeStatus.CANCELLED
    )
    await store.network.save(Dataset(meeting_changes=(change,)))
    await follow(bot, -520, languages=("es",))
    await plan_and_send(bot)
    texts = [m["text"] for m in sent_to(bot, -520)]
    assert "❌ Cancelada: Reunión virtual Bonn – La Paz del mar, 24 nov 2026, 15:00 Berlín" in texts
    assert any(t.startswith("📅 Invitación") and "5 ene 2027" in t for t in texts)
    assert not any(t.startswith("📅 Invitación") and "24 nov 2026" in t for t in texts)
    # the calendar file leaves the cancelled meeting out
    [reply] = await bot.send("/exchanges bonn")
    assert "24 nov" not in reply["text"] and "Nov 24" not in reply["text"]
    await bot.press(reply, "ics:s:bonn-la-paz-virtual")
    [call] = [c for c in bot.api.calls if c.method == "sendDocument"]
    [event] = icalendar.Calendar.from_ical(next(iter(call.files.values()))[1]).walk("VEVENT")
    assert b"EXDATE;TZID=Europe/Berlin:20261124T150000" in event.to_ical()


async def test_the_job_queue_wakes_at_the_next_due_post(
    settings: Settings, i18n: I18n, clock: MovableClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.app import build_application
    from bot.schedule.jobs import WAKE_JOB, scheduler_of

    api = OfflineTelegram(clock=clock)
    app = build_application(
        settings,
        request=api,
        i18n=i18n,
        clock=clock,
        schedule=True,
        rate_limiter=Pacer(None),
    )
    async with running(app):
        assert app.job_queue is not None
        assert app.job_queue.get_jobs_by_name("safety-tick")
        await follow(Driver(app, api), -530, languages=("en",))
        await scheduler_of(app).replan()
        await scheduler_of(app).dispatcher.run(app.bot)  # the invitation goes now
        # The JobQueue turns the wake-up's delay into an instant on its own clock (PTB's
        # JobQueue._tz_now, the machine's), not the bot's: that clock is injected here too,
        # far ahead, so the job waits while it is read and the instant is exact.
        armed_at = datetime(9000, 1, 1, tzinfo=UTC)
        monkeypatch.setattr(type(app.job_queue), "_tz_now", lambda _queue: armed_at)
        await scheduler_of(app).replan()
        [job] = app.job_queue.get_jobs_by_name(WAKE_JOB)
        # APScheduler must neither drop a late wake-up nor run a backlog of them
        assert job.job.misfire_grace_time is None and job.job.coalesce is True
        next_due = await app.bot_data.storage.outbox.next_due()  # type: ignore[union-attr]
        assert next_due is not None and next_due > clock.now()
        delay = next_due - clock.now()  # by the bot's (injected) clock
        assert job.next_t is not None
        assert job.next_t == armed_at + delay


async def test_flood_control_holds_every_post_not_just_the_refused_one(
    bot: Driver, clock: MovableClock
) -> None:
    groups = [-551 - n for n in range(12)]
    for chat_id in groups:
        await follow(bot, chat_id)
    await replan(storage(bot), clock.now(), BERLIN_ZONE_INFO)
    async with storage(bot).db.conn.execute(
        "SELECT chat_id FROM deliveries ORDER BY due_at, id LIMIT 1"
    ) as cur:
        [(first,)] = await cur.fetchall()  # the row claimed first
    bot.api.fail(first, OfflineTelegram.flood(30))
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    sends = [c for c in bot.api.calls if c.method == "sendMessage"]
    refused = next(i for i, c in enumerate(sends) if c.error is not None)
    assert refused == len(sends) - 1  # no post went after the 429
    assert refused <= IN_FLIGHT - 1  # only those already in flight went before it
    clock.advance(timedelta(seconds=10))
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 0
    clock.advance(timedelta(seconds=21))
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == len(groups)


async def test_a_re_plan_before_the_catch_up_keeps_the_late_mark(
    bot: Driver, clock: MovableClock
) -> None:
    """After downtime, an update queued meanwhile (a /subscribe) may re-plan before the
    catch-up job sends: the overdue reminder must keep its planned time."""
    await follow(bot, -548, kind="phase", target="example-phase", languages=("en",))
    await replan(storage(bot), clock.now(), BERLIN_ZONE_INFO)
    clock.set(datetime(2026, 11, 25, 9, 0, tzinfo=UTC))  # the 1-day reminder: due 08:00 UTC
    await replan(storage(bot), clock.now(), BERLIN_ZONE_INFO)  # the queued update's re-plan
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    [reminder] = [m for m in sent_to(bot, -548) if m["text"].startswith("⏰ Deadline tomorrow")]
    assert reminder["text"].endswith("🕓 Sent late")


async def test_a_stopping_app_ends_the_run_after_the_post_in_hand(bot: Driver) -> None:
    for chat_id in (-561, -562, -563):
        await follow(bot, chat_id)
    await replan(storage(bot), bot.app.bot_data.clock.now(), BERLIN_ZONE_INFO)
    asked: list[int] = []

    def keep_going() -> bool:  # the app is told to stop while the first post goes out
        asked.append(1)
        return len(asked) < 2

    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot, keep_going) == 1
    # the rest at the next start
    assert await scheduler_of(bot.app).dispatcher.run(bot.app.bot) == 2


async def test_retries_keep_the_planned_time_for_the_late_mark(
    bot: Driver, clock: MovableClock
) -> None:
    await follow(bot, -542, languages=("en",))
    bot.api.fail(-542, TimedOut(), TimedOut(), TimedOut())
    await plan_and_send(bot)
    for _ in range(3):
        clock.advance(timedelta(minutes=10))
        await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    [post] = sent_to(bot, -542)
    assert post["text"].endswith("🕓 Sent late")


async def test_a_crash_after_telegram_got_the_post_repeats_at_most_that_one(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    class CrashAfterSend(OfflineTelegram):
        crash_on: int | None = None

        def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
            message = super().api_sendMessage(params)
            if int(params["chat_id"]) == self.crash_on:
                raise Crash  # Telegram has the message; we never hear back
            return message

    groups = [-8000 - n for n in range(30)]
    api = CrashAfterSend(clock=clock)
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        for chat_id in groups:
            await follow(Driver(app, api), chat_id)
        api.crash_on = groups[10]
        with pytest.raises(Crash):
            await plan_and_send(Driver(app, api))
    api.crash_on = None
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        from bot.schedule.jobs import scheduler_of

        app.bot_data.schedule = True
        await scheduler_of(app).start()  # the real start path: release the row in flight
        await scheduler_of(app).dispatcher.run(app.bot)  # what its catch-up job then does first
    received = {c: len([m for m in api.messages if m[0] == c]) for c in groups}
    assert min(received.values()) == 1 and max(received.values()) == 2
    assert received[groups[10]] == 2  # Telegram had it, we never heard: it came twice
    assert sorted(received.values()).count(2) <= IN_FLIGHT  # and at most the rows in flight


async def test_rsvp_counts_belong_to_each_group(bot: Driver) -> None:
    await follow(bot, -543)
    await follow(bot, -544)
    await plan_and_send(bot)
    [post_a], [post_b] = sent_to(bot, -543), sent_to(bot, -544)
    yes_a = post_a["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    await bot.press(post_a, yes_a, user=bot.user(1))
    await bot.press(post_a, yes_a, user=bot.user(2))
    final_b = bot.api.messages[(-544, post_b["message_id"])]["reply_markup"]
    assert final_b["inline_keyboard"][0][0]["text"] == "✅ 0"
    forged = bot.api.button_press(bot.user(3), post_b, yes_a)  # group A's button data in B
    from harness.fake_telegram import as_update

    await bot.app.process_update(as_update(forged, bot.app.bot))
    assert bot.api.messages[(-544, post_b["message_id"])]["reply_markup"] == final_b


async def test_a_press_before_the_invitation_is_confirmed_counts(bot: Driver) -> None:
    """Over the network a member can press while the post is sent but not yet stored."""
    await follow(bot, -546)
    await plan_and_send(bot)
    [post] = sent_to(bot, -546)
    yes = post["reply_markup"]["inline_keyboard"][0][0]["callback_data"]
    async with storage(bot).db.transaction() as conn:  # back into the in-flight window
        await conn.execute(
            "UPDATE deliveries SET status = 'sending', message_id = NULL WHERE id = ?",
            (int(yes.rsplit(":", 1)[1]),),
        )
    await bot.press(post, yes, user=bot.user(1))
    counted = bot.api.messages[(-546, post["message_id"])]["reply_markup"]
    assert counted["inline_keyboard"][0][0]["text"] == "✅ 1"


async def test_a_correction_after_the_meeting_is_skipped(bot: Driver, clock: MovableClock) -> None:
    await follow(bot, -545, languages=("en",))
    await plan_and_send(bot)
    change = MeetingChange(
        "c-late",
        "bonn-la-paz-virtual",
        datetime(2026, 11, 24, 15, 0),
        ChangeStatus.MOVED,
        datetime(2026, 11, 25, 15, 0),
    )
    await storage(bot).network.save(Dataset(meeting_changes=(change,)))
    await replan(storage(bot), clock.now(), BERLIN_ZONE_INFO)
    clock.set(datetime(2026, 11, 28, tzinfo=UTC))  # down until after the new time
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    assert not [m for m in sent_to(bot, -545) if m["text"].startswith("🔁")]


async def test_a_row_this_version_cannot_read_costs_that_row_not_the_run(bot: Driver) -> None:
    """A kind or payload from a newer version (or a damaged row) is marked failed with the
    reason; the posts after it still go out."""
    await follow(bot, -520, languages=("en",))
    store = storage(bot)
    now = bot.app.bot_data.clock.now()
    early = (now - timedelta(minutes=5)).astimezone(UTC).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:
        for key, kind, payload in (
            ("poll:x", "poll", "{}"),  # a kind this version does not know
            ("invite:bonn-la-paz-virtual:x", "invite", '{"series_id": 7}'),  # wrong fields
            ("event:e:2026-12-01:7d", "event", '{"event_id": "e", "starts": 20261201}'),
        ):
            await conn.execute(
                "INSERT INTO deliveries (key, chat_id, kind, due_at, payload) "
                "VALUES (?, -520, ?, ?, ?)",
                (key, kind, early, payload),
            )
    assert await plan_and_send(bot) == 1  # the group's invitation, behind the unreadable rows
    assert sent_to(bot, -520)[0]["text"].startswith("📅 Invitation")
    async with store.db.conn.execute(
        "SELECT key, status, error FROM deliveries WHERE chat_id = -520 AND key IN "
        "('poll:x', 'invite:bonn-la-paz-virtual:x', 'event:e:2026-12-01:7d') ORDER BY id"
    ) as cur:
        rows = await cur.fetchall()
    assert [(r[0], r[1]) for r in rows] == [
        ("poll:x", "failed"),
        ("invite:bonn-la-paz-virtual:x", "failed"),
        ("event:e:2026-12-01:7d", "failed"),
    ]
    assert all(r[2].startswith("unreadable row") for r in rows)
    # A listing (partnerbot schedule) leaves such a row out instead of failing.
    later = (now + timedelta(days=1)).astimezone(UTC).isoformat(timespec="seconds")
    async with store.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO deliveries (key, chat_id, kind, due_at, payload) "
            "VALUES ('poll:later', -520, 'poll', ?, '{}')",
            (later,),
        )
    keys = [d.key for d in await store.outbox.pending_until(now + timedelta(days=90))]
    assert keys and "poll:later" not in keys


class GatedTelegram(OfflineTelegram):
    """Holds each post until IN_FLIGHT are held at once (or 5 s passed: the test then
    fails on `most`), to see what the dispatcher has in flight together."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.active: list[int] = []
        self.most = 0
        self.same_chat_twice = False
        self.full = asyncio.Event()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/sendMessage"):
            request_data = args[0] if args else kwargs["request_data"]
            chat_id = int(request_data.parameters["chat_id"])
            self.same_chat_twice |= chat_id in self.active
            self.active.append(chat_id)
            self.most = max(self.most, len(self.active))
            if len(self.active) >= IN_FLIGHT:
                self.full.set()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.full.wait(), 5)
            self.active.remove(chat_id)
        return await super().do_request(url, method, *args, **kwargs)


async def test_a_few_sends_are_in_flight_at_once_one_per_chat_in_its_order(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    api = GatedTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        bot = Driver(app, api)
        for chat_id in (-711, -712, -713, -714, -715):
            await follow(bot, chat_id)
        api.add_chat(group(-720))
        await pile_up(storage(bot), -720, 3, clock.now() - timedelta(hours=1))
        assert await plan_and_send(bot) == 8
        async with storage(bot).db.conn.execute(
            "SELECT message_id FROM deliveries WHERE chat_id = -720 ORDER BY id"
        ) as cur:
            ids = [r[0] for r in await cur.fetchall()]
    assert api.most == IN_FLIGHT and not api.same_chat_twice
    assert len(ids) == 3 and ids == sorted(ids)  # the group's posts went in their order


class StampedTelegram(OfflineTelegram):
    """Notes each post's chat and the pacer's time when it reached Telegram."""

    def __init__(self, time: FakeTime, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.time, self.posts = time, list[tuple[float, int]]()

    def api_sendMessage(self, params: dict[str, Any]) -> dict[str, Any]:  # noqa: N802
        self.posts.append((self.time.now, int(params["chat_id"])))
        return super().api_sendMessage(params)


async def test_groups_over_their_minute_do_not_hold_up_the_others(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    """Four groups with 25 posts each (as many as sends in flight) and 100 groups with one:
    a post waiting for its group's minute must not sit in a slot for that minute."""
    time = FakeTime()
    api = StampedTelegram(time, clock=clock)
    pacer = Pacer(Limits(), clock=time.monotonic, sleep=time.sleep)
    app = build_application(
        settings, request=api, i18n=i18n, clock=clock, rate_limiter=pacer, schedule=False
    )
    busy = [-731, -732, -733, -734]
    others = [-800 - n for n in range(100)]
    async with running(app):
        bot = Driver(app, api)
        for chat_id in busy:  # overdue: claimed before the others, 20 each at once
            api.add_chat(group(chat_id))
            await pile_up(storage(bot), chat_id, 25, clock.now() - timedelta(hours=1))
        for chat_id in others:
            await follow(bot, chat_id, languages=("en",))
        dispatcher = scheduler_of(app).dispatcher
        dispatcher.sleep = time.sleep
        assert await plan_and_send(bot) == 4 * 25 + 100
    start = api.posts[0][0]
    for chat_id in busy:
        times = [t for t, c in api.posts if c == chat_id]
        assert len(times) == 25
        assert all(times[n + 20] - times[n] >= 60.0 for n in range(5))  # 20 in any minute
    other_times = [t for t, c in api.posts if c in others]
    late = min(t for t, c in api.posts if c in busy and t - start >= 60.0)
    assert len(other_times) == 100 and max(other_times) < late
    # the others went on at the pacer's rate meanwhile: 80 + 100 sends, evenly spaced
    assert max(other_times) - start <= (4 * 20 + 100) * Limits().spacing + 1e-6


class HeldTelegram(OfflineTelegram):
    """Holds every post until `release` is set."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.release = asyncio.Event()

    async def do_request(self, url: str, method: str, *args: Any, **kwargs: Any) -> Any:
        if url.endswith("/sendMessage"):
            await asyncio.wait_for(self.release.wait(), 10)
        return await super().do_request(url, method, *args, **kwargs)


async def test_a_failed_claim_lets_the_sends_in_flight_finish_and_be_confirmed(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    api = HeldTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api, demo=False)) as app:
        bot = Driver(app, api)
        for chat_id in (-731, -732, -733):
            await follow(bot, chat_id)
        outbox = storage(bot).outbox
        claim, claims = outbox.claim_next, []

        async def claim_or_fail(now: datetime, **kwargs: Any) -> Any:
            claims.append(now)
            if len(claims) <= 2:
                return await claim(now, **kwargs)
            api.release.set()  # two posts are on their way to Telegram
            raise sqlite3.OperationalError("database is locked")

        outbox.claim_next = claim_or_fail  # type: ignore[method-assign]
        with pytest.raises(sqlite3.OperationalError):
            await plan_and_send(bot)
        rows = await status_of_all(bot)
    assert len([c for c in api.calls if c.method == "sendMessage" and c.result]) == 2
    assert rows.count("sent") == 2 and "sending" not in rows  # none stuck until a restart


async def status_of_all(bot: Driver) -> list[str]:
    async with storage(bot).db.conn.execute("SELECT status FROM deliveries") as cur:
        return [row[0] for row in await cur.fetchall()]
