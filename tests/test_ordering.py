"""Updates run concurrently, each chat's in order: a flooded group delays nobody else.

The pacer's clock here moves only when the test moves it, so "answered before the group's
minute is over" is a fact about order, not a race against the machine's speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from telegram import Update

from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.telegram.flood_gate import Limits
from bot.telegram.ordering import BACKLOG, ChatOrder, order_key
from bot.telegram.pacing import Pacer
from bot.text.i18n import I18n
from harness.fake_telegram import OfflineTelegram, as_update

pytestmark = pytest.mark.timeout(60)


@dataclass
class HeldTime:
    """A monotonic clock that moves only when someone sleeps on it, and never past what
    the test allows: a sleep that would end later waits until the test allows more."""

    now: float = 1000.0
    allowed: float = 1000.0
    _moved: asyncio.Condition = field(default_factory=asyncio.Condition)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        end = self.now + seconds
        async with self._moved:
            await self._moved.wait_for(lambda: end <= max(self.now, self.allowed))
            self.now = max(self.now, end)

    async def allow(self, until: float) -> None:
        async with self._moved:
            self.allowed = until
            self._moved.notify_all()


class WatchedTelegram(OfflineTelegram):
    """The in-process Telegram, telling waiters whenever the bot called it."""

    called: asyncio.Event

    def handle(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return super().handle(*args, **kwargs)
        finally:
            self.called.set()

    async def until(self, ready: Callable[[], Any], within: float = 20.0) -> Any:
        """What `ready` gives once it is true; at most `within` seconds of waiting."""
        async with asyncio.timeout(within):
            while not (found := ready()):
                self.called.clear()
                await self.called.wait()
            return found


# -- the processor alone ------------------------------------------------------------------


def message_update(update_id: int, chat_id: int, user_id: int = 1) -> Update:
    chat_type = "private" if chat_id > 0 else "supergroup"
    return Update.de_json(
        {
            "update_id": update_id,
            "message": {
                "message_id": update_id,
                "date": 0,
                "chat": {"id": chat_id, "type": chat_type},
                "from": {"id": user_id, "is_bot": False, "first_name": "u"},
                "text": "hi",
            },
        },
        None,
    )


async def test_one_chat_in_order_others_meanwhile() -> None:
    order = ChatOrder()
    log: list[str] = []
    release = asyncio.Event()

    async def handle(name: str, wait: Awaitable[Any] | None = None) -> None:
        log.append(f"{name} began")
        if wait is not None:
            await wait
        log.append(f"{name} done")

    group_first = asyncio.create_task(
        order.process_update(message_update(1, -5), handle("group 1", release.wait()))
    )
    group_second = asyncio.create_task(
        order.process_update(message_update(2, -5), handle("group 2"))
    )
    private = asyncio.create_task(order.process_update(message_update(3, 7, 7), handle("dm")))
    await private  # not held up by the group's first update, which is still running
    assert log == ["group 1 began", "dm began", "dm done"]
    assert order.chats_in_hand() == 1  # the group's; the private chat's line is forgotten
    release.set()
    await asyncio.gather(group_first, group_second)
    assert log[3:] == ["group 1 done", "group 2 began", "group 2 done"]
    assert order.chats_in_hand() == 0


async def test_a_chat_flooding_the_bot_cannot_take_every_slot(
    caplog: pytest.LogCaptureFixture,
) -> None:
    order = ChatOrder(max_concurrent_updates=BACKLOG + 10)
    release = asyncio.Event()
    ran: list[int] = []

    async def handle(n: int) -> None:
        await release.wait()
        ran.append(n)

    flood = [
        asyncio.create_task(order.process_update(message_update(n, -5), handle(n)))
        for n in range(BACKLOG + 5)
    ]
    await asyncio.sleep(0)  # each has asked for the group's turn, or been dropped
    other = asyncio.create_task(order.process_update(message_update(999, 7, 7), handle(999)))
    await asyncio.sleep(0)
    release.set()
    await asyncio.gather(*flood, other)
    assert 999 in ran  # the private chat got a slot
    assert [n for n in ran if n != 999] == list(range(BACKLOG))  # the rest of the flood: dropped
    assert "update dropped" in caplog.text


def test_a_press_on_an_inline_message_keeps_its_users_order() -> None:
    press = Update.de_json(
        {
            "update_id": 9,
            "callback_query": {
                "id": "q",
                "chat_instance": "c",
                "from": {"id": 42, "is_bot": False, "first_name": "u"},
                "inline_message_id": "abc",
                "data": "lang:es",
            },
        },
        None,
    )
    assert order_key(press) == 42
    assert order_key(message_update(1, -5)) == -5
    assert order_key(object()) is None


# -- the bot -------------------------------------------------------------------------------


async def test_a_private_start_is_answered_while_a_flooded_group_waits_for_its_minute(
    tmp_path: Path, i18n: I18n, clock: MovableClock
) -> None:
    time = HeldTime()
    api = WatchedTelegram(clock=clock)
    api.called = asyncio.Event()
    app = build_application(
        Settings(db_path=tmp_path / "bot.sqlite3"),
        request=api,
        i18n=i18n,
        clock=clock,
        rate_limiter=Pacer(Limits(), clock=time.monotonic, sleep=time.sleep),
        schedule=False,
    )
    group = {"id": -1001, "type": "supergroup", "title": "Bonn – La Paz"}
    member = {"id": 5, "is_bot": False, "first_name": "Ana", "language_code": "es"}
    newcomer = {"id": 6, "is_bot": False, "first_name": "Kofi", "language_code": "en"}
    dm = {"id": 6, "type": "private", "first_name": "Kofi"}

    def sent_to(chat_id: int) -> list[dict[str, Any]]:
        return [
            c.params
            for c in api.calls
            if c.method == "sendMessage" and c.error is None and c.params["chat_id"] == chat_id
        ]

    async with running(app):
        asked = []
        for _ in range(40):
            update = api.user_message(member, group, "/phases")
            asked.append(update["message"]["message_id"])
            await app.update_queue.put(as_update(update, app.bot))
        await app.update_queue.put(as_update(api.user_message(newcomer, dm, "/start"), app.bot))

        # The pacer's clock may move one second and no more: were the private /start to
        # wait behind the group's 21st reply (due a minute on), it would never come.
        await time.allow(1001.0)
        await api.until(lambda: sent_to(dm["id"]))
        assert len(sent_to(group["id"])) <= 20  # the group may receive 20 in its minute

        await api.until(lambda: len(sent_to(group["id"])) == 20)
        await time.allow(1062.0)  # the group's minute is over: the other 20 go, in order
        replies = await api.until(lambda: len(got := sent_to(group["id"])) == 40 and got)
    quoted = [r["reply_parameters"]["message_id"] for r in replies]
    assert quoted == asked
