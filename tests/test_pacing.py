"""The pacer: Telegram's limits as sliding windows, replies first. Time is injected: the
pacer's clock only moves when it sleeps, so nothing here waits for real."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from telegram.error import RetryAfter

from bot.telegram.flood_gate import RECOVER_EVERY, Gate, Limits, group_of
from bot.telegram.pacing import REPLY_PATIENCE, Pacer, Priority, counted
from harness.fake_time import FakeTime

LIMITS = Limits()


@dataclass
class Sent:
    """What reached 'Telegram': (instant, chat, label), in order."""

    time: FakeTime
    log: list[tuple[float, int, str]] = field(default_factory=list)

    async def send(
        self,
        pacer: Pacer,
        chat_id: int,
        label: str,
        priority: Priority | None = None,
        endpoint: str = "sendMessage",
        then: Callable[[], None] | None = None,
    ) -> None:
        async def callback() -> bool:
            self.log.append((self.time.now, chat_id, label))
            if then is not None:
                then()
            return True

        await pacer.process_request(callback, (), {}, endpoint, {"chat_id": chat_id}, priority)

    def times(self, label: str | None = None) -> list[float]:
        return [t for t, _, lab in self.log if label is None or lab == label]


@pytest.fixture
def clock() -> FakeTime:
    return FakeTime()


@pytest.fixture
def pacer(clock: FakeTime) -> Pacer:
    return Pacer(LIMITS, clock=clock.monotonic, sleep=clock.sleep)


def most_in_any_window(times: list[float], span: float) -> int:
    ordered = sorted(times)
    return max(sum(1 for t in ordered[i:] if t < start + span) for i, start in enumerate(ordered))


def test_the_gate_counts_sliding_windows_and_spaces_sends() -> None:
    gate = Gate(Limits(burst=30))  # the window alone: nothing spaced within it
    for _ in range(30):
        assert gate.ready_at(0.0, None) == pytest.approx(0.0)
        gate.record(0.0, None)
    assert gate.ready_at(0.5, None) == pytest.approx(LIMITS.second)
    assert gate.ready_at(LIMITS.second, None) == LIMITS.second
    gate = Gate(LIMITS)
    for _ in range(LIMITS.burst):  # after a lull, a few may go at once
        assert gate.ready_at(5.0, -2) == 5.0
        gate.record(5.0, -1)
    assert gate.ready_at(5.0, None) == pytest.approx(5.0 + LIMITS.spacing)  # then spaced
    for n in range(20 - LIMITS.burst):
        gate.record(6.0 + n, -1)
    assert gate.held(30.0) == {-1: pytest.approx(5.0 + LIMITS.minute - 30.0)}
    assert gate.ready_at(30.0, -1) == pytest.approx(5.0 + LIMITS.minute)
    assert gate.held(5.0 + LIMITS.minute) == {}


def test_a_send_counts_from_when_it_is_made_not_when_it_was_let_through() -> None:
    """Between the two the event loop may be busy (a re-plan, a collection): counted from
    the earlier instant, its window would free too soon and Telegram would count 31."""
    gate = Gate(LIMITS)
    for _ in range(30):
        gate.admit(0.0, -1)
    assert gate.ready_at(0.3, None) == pytest.approx(0.3 + LIMITS.second)
    for _ in range(30):
        gate.made(0.5, -1)  # the loop was busy for half a second
    assert gate.ready_at(1.2, None) == pytest.approx(0.5 + LIMITS.second)
    gate.admit(2.0, -2)
    gate.withdraw(-2)  # let through, then given up: it holds no place
    assert gate.ready_at(2.0, -2) == 2.0


async def test_posts_are_spaced_and_no_second_holds_more_than_the_limit(
    pacer: Pacer, clock: FakeTime
) -> None:
    sent = Sent(clock)
    await asyncio.gather(*(sent.send(pacer, -n, "post", Priority.POST) for n in range(1, 101)))
    times = sent.times()
    assert len(times) == 100
    assert most_in_any_window(times, 1.0) <= 30
    burst = LIMITS.burst
    assert times[:burst] == [1000.0] * burst  # a few at once after the lull, then spaced
    assert times[burst] == pytest.approx(1000.0 + LIMITS.spacing)
    assert most_in_any_window(times, LIMITS.spacing - 1e-9) <= burst  # never more at once
    assert times[-1] - times[0] == pytest.approx((100 - burst) * LIMITS.spacing)  # no slower


async def test_replies_are_spaced_too_a_lull_lets_a_few_go_at_once(
    pacer: Pacer, clock: FakeTime
) -> None:
    # Thirty at once would reach Telegram spread over tens of milliseconds, and the next
    # second's first would make 31 in its count: evenly spaced, they never do.
    sent = Sent(clock)
    await asyncio.gather(*(sent.send(pacer, n, "reply") for n in range(1, 76)))
    times = sent.times()
    assert times[: LIMITS.burst] == [1000.0] * LIMITS.burst
    assert most_in_any_window(times, LIMITS.spacing - 1e-9) <= LIMITS.burst
    assert most_in_any_window(times, 1.0) <= 30
    assert times[-1] - times[0] == pytest.approx((75 - LIMITS.burst) * LIMITS.spacing)


async def test_a_reply_goes_before_the_waiting_posts(pacer: Pacer, clock: FakeTime) -> None:
    sent = Sent(clock)
    replies: list[asyncio.Task[None]] = []
    asked: list[float] = []

    def user_asks() -> None:  # while the 50th post goes out: the window is full by now
        asked.append(clock.now)
        replies.append(asyncio.create_task(sent.send(pacer, 7, "reply")))

    posts = [
        sent.send(pacer, -n, f"post {n}", Priority.POST, then=user_asks if n == 50 else None)
        for n in range(1, 101)
    ]
    await asyncio.gather(*posts)
    await asyncio.gather(*replies)
    labels = [label for _, _, label in sent.log]
    assert labels.index("reply") == labels.index("post 50") + 1  # before post 51
    [answered] = sent.times("reply")
    assert answered - asked[0] <= LIMITS.spacing + 1e-9
    assert most_in_any_window(sent.times(), 1.0) <= 30
    # the post the reply took the place of comes one slot later; the rest stay spaced
    assert sent.times("post 51")[0] - answered >= LIMITS.spacing - 1e-9


async def test_a_group_over_its_minute_waits_without_holding_up_the_others(
    pacer: Pacer, clock: FakeTime
) -> None:
    sent = Sent(clock)
    busy = [sent.send(pacer, -1, f"busy {n}", Priority.POST) for n in range(25)]
    others = [sent.send(pacer, -100 - n, "other", Priority.POST) for n in range(60)]
    await asyncio.gather(*busy, *others)
    busy_times = [t for t, chat, _ in sent.log if chat == -1]
    assert [lab for _, chat, lab in sent.log if chat == -1] == [f"busy {n}" for n in range(25)]
    assert most_in_any_window(busy_times, 60.0) <= 20
    first = busy_times[0]
    assert busy_times[20] >= first + 60.0  # the 21st only after the first has left the minute
    assert busy_times[20] - (first + LIMITS.minute) <= LIMITS.spacing + 1e-9  # and no later
    # the other groups went on at the full rate meanwhile: all 60 within (80 slots) of start
    assert max(sent.times("other")) - first <= 80 * LIMITS.spacing + 1e-9


async def test_held_groups_names_a_group_whose_minute_is_used_up(
    pacer: Pacer, clock: FakeTime
) -> None:
    sent = Sent(clock)
    for n in range(20):
        await sent.send(pacer, -5, f"reply {n}")
        clock.now += 1.0
    held = pacer.held_groups()
    assert set(held) == {-5}
    assert held[-5] == pytest.approx(1000.0 + LIMITS.minute - clock.now)
    clock.now = 1000.0 + LIMITS.minute
    assert pacer.held_groups() == {}


async def test_what_telegram_does_not_count_is_not_paced(pacer: Pacer, clock: FakeTime) -> None:
    sent = Sent(clock)
    await asyncio.gather(*(sent.send(pacer, n, "reply") for n in range(1, 31)))
    full = clock.now  # the window holds 30 sends now
    await sent.send(pacer, 1, "answer", endpoint="answerCallbackQuery")
    await sent.send(pacer, 1, "chat", endpoint="getChat")
    assert sent.times("answer") == sent.times("chat") == [full]
    await sent.send(pacer, 1, "edit", endpoint="editMessageText")  # an edit is counted
    assert sent.times("edit") == [pytest.approx(1000.0 + LIMITS.second)]


async def test_unpaced_lets_everything_through(clock: FakeTime) -> None:
    pacer = Pacer(None, clock=clock.monotonic, sleep=clock.sleep)
    sent = Sent(clock)
    await asyncio.gather(*(sent.send(pacer, -1, "post", Priority.POST) for n in range(100)))
    assert sent.times() == [1000.0] * 100
    assert pacer.held_groups() == {}


def refusing(clock: FakeTime, seconds: float, times: int, log: list[float]) -> Callable[[], Any]:
    """A send Telegram refuses `times` times with a wait of `seconds`, then takes."""

    async def send() -> bool:
        log.append(clock.now)
        if len(log) <= times:
            raise RetryAfter(timedelta(seconds=seconds))
        return True

    return send


async def test_a_refused_reply_goes_again_when_telegram_said_and_is_not_lost(
    pacer: Pacer, clock: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")  # as bot.app sets it
    tries: list[float] = []
    send = refusing(clock, 35, 2, tries)
    assert await pacer.process_request(send, (), {}, "sendMessage", {"chat_id": -7}, None)
    assert tries == [1000.0, 1035.0, 1070.0]  # each wait as Telegram said, no earlier


async def test_a_long_wait_is_waited_out_in_its_chat_only(
    pacer: Pacer, clock: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tries: list[float] = []
    sent = Sent(clock)
    refused = asyncio.create_task(
        pacer.process_request(
            refusing(clock, 300, 1, tries), (), {}, "sendMessage", {"chat_id": "-7"}, None
        )
    )
    await asyncio.sleep(0)
    assert tries == [1000.0]
    await sent.send(pacer, 5, "elsewhere")  # another chat waits one second at most
    await sent.send(pacer, -7, "same chat")  # the closed chat: nothing before it reopens
    assert await refused
    assert tries == [1000.0, 1300.0]
    assert sent.log == [(1000.0 + LIMITS.second, 5, "elsewhere"), (1300.0, -7, "same chat")]
    assert pacer.held_groups() == {}  # reopened


async def test_a_refused_post_reaches_the_dispatcher_and_closes_its_group(
    pacer: Pacer, clock: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tries: list[float] = []
    with pytest.raises(RetryAfter):
        await pacer.process_request(
            refusing(clock, 40, 1, tries), (), {}, "sendMessage", {"chat_id": -7}, Priority.POST
        )
    assert tries == [1000.0]  # the outbox keeps it for later; the pacer does not retry
    assert pacer.held_groups() == {-7: 40.0}  # the dispatcher leaves the group's posts


async def test_a_reply_refused_again_and_again_is_given_up_at_last(
    pacer: Pacer, clock: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tries: list[float] = []
    with pytest.raises(RetryAfter):
        await pacer.process_request(
            refusing(clock, 100, 1000, tries), (), {}, "sendMessage", {"chat_id": 3}, None
        )
    # tried again after each wait, until the next wait would end past the patience
    assert tries == [1000.0 + 100 * n for n in range(len(tries))]
    assert tries[-2] + 100 - tries[0] <= REPLY_PATIENCE < tries[-1] + 100 - tries[0]


async def test_a_reply_to_a_chat_closed_for_an_hour_is_not_waited_for(
    pacer: Pacer, clock: FakeTime, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "true")
    tries: list[float] = []
    with pytest.raises(RetryAfter):  # told to wait an hour: past the patience at once
        await pacer.process_request(
            refusing(clock, 3600, 1, tries), (), {}, "sendMessage", {"chat_id": 3}, None
        )
    assert tries == [1000.0]
    sent = Sent(clock)
    with pytest.raises(RetryAfter) as later:  # the next reply there: not waited for either
        await sent.send(pacer, 3, "next")
    assert sent.log == [] and clock.now == 1000.0
    assert later.value.retry_after == timedelta(seconds=3600)
    await sent.send(pacer, 4, "elsewhere")  # other chats go on
    assert [label for _, _, label in sent.log] == ["elsewhere"]


def test_telegram_counting_fewer_slows_the_bot_down_then_it_recovers() -> None:
    gate = Gate(LIMITS)
    gate.close(97.0, 4, 1.0)  # a lone refusal: the network's jitter, not a lower limit
    assert gate.overall.size == 30
    gate.close(100.0, 5, 1.0)
    gate.close(100.0, 6, 1.0)  # two in a row, with a short wait: the bot's rate
    assert gate.overall.size == 20
    for chat in (7, 8, 9):  # the rest of the same burst's refusals: one signal
        gate.close(100.1, chat, 1.0)
    assert gate.overall.size == 20
    gate.close(101.5, 10, 1.0)  # refused again a window later: slower still
    assert gate.overall.size == 13
    gate.close(101.6, -4, 45.0)  # a group's minute says nothing about the bot's rate
    assert gate.overall.size == 13
    for n in range(1, 6):  # without a 429, one more a second every RECOVER_EVERY seconds
        gate.record(101.5 + n * RECOVER_EVERY, None)
        assert gate.overall.size == 13 + n
    for n in range(60):
        gate.record(112.0 + n, None)
    assert gate.overall.size == LIMITS.per_second  # and never above the limit


async def test_a_cancelled_send_gives_its_slot_away(pacer: Pacer, clock: FakeTime) -> None:
    sent = Sent(clock)
    await asyncio.gather(*(sent.send(pacer, n, "reply") for n in range(1, 31)))  # window full
    gone = asyncio.create_task(sent.send(pacer, 99, "gone"))
    await asyncio.sleep(0)
    gone.cancel()
    await sent.send(pacer, 98, "kept")
    assert gone.cancelled() and sent.times("gone") == []
    assert sent.times("kept") == [pytest.approx(1000.0 + LIMITS.second)]


def test_messages_sent_edited_copied_or_forwarded_are_counted() -> None:
    for method in ("sendMessage", "sendDocument", "editMessageText", "editMessageReplyMarkup"):
        assert counted(method), method
    for method in ("copyMessage", "forwardMessages"):
        assert counted(method), method
    for method in ("answerCallbackQuery", "getChat", "setMyCommands", "sendChatAction"):
        assert not counted(method), method


def test_groups_are_negative_ids_and_usernames() -> None:
    assert group_of(-100123) == -100123
    assert group_of("-5") == -5
    assert group_of("@channel") == "@channel"
    assert group_of(42) is None and group_of("42") is None and group_of(None) is None
