"""Shared fixtures: fresh catalogs, a temp database, the real Application on the offline API."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.app import BotApplication, build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.schedule.jobs import scheduler_of
from bot.schedule.replan import replan
from bot.telegram.pacing import Pacer
from bot.text.i18n import I18n
from harness.bot_process import CLOCK_START
from harness.fake_telegram import OfflineTelegram, as_update

ROOT = Path(__file__).resolve().parent.parent
COORDINATOR = 9000


@pytest.fixture(scope="session")
def catalogs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The .po sources compiled afresh, so tests never read stale .mo files."""
    out = tmp_path_factory.mktemp("locales")
    for po_path in (ROOT / "locales").glob("*/LC_MESSAGES/messages.po"):
        lang = po_path.parent.parent.name
        with po_path.open("rb") as f:
            catalog = read_po(f, locale=lang)
        target = out / lang / "LC_MESSAGES" / "messages.mo"
        target.parent.mkdir(parents=True)
        with target.open("wb") as f:
            write_mo(f, catalog)
    return out


@pytest.fixture(scope="session")
def i18n(catalogs_dir: Path) -> I18n:
    return I18n.load(catalogs_dir)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "bot.sqlite3", admins=frozenset({COORDINATOR}))


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(CLOCK_START)


class Driver:
    """Plays users and chats against the real Application, reads what the bot sent."""

    def __init__(self, app: BotApplication, api: OfflineTelegram) -> None:
        self.app, self.api = app, api

    @staticmethod
    def user(user_id: int = 1, language_code: str | None = "en") -> dict[str, Any]:
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
        if language_code:
            user["language_code"] = language_code
        return user

    @staticmethod
    def private(user: dict[str, Any]) -> dict[str, Any]:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}

    def group(self, chat_id: int = -100, admins: dict[int, str] | None = None) -> dict[str, Any]:
        chat = {"id": chat_id, "type": "supergroup", "title": "Bonn – La Paz"}
        self.api.add_chat(chat, admins or {})
        return chat

    async def send(
        self, text: str, user: dict[str, Any] | None = None, chat: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """Send `text`; return the messages the bot sent or edited in answer."""
        user = user or self.user()
        chat = chat or self.private(user)
        before = len(self.api.calls)
        await self.app.process_update(
            as_update(self.api.user_message(user, chat, text), self.app.bot)
        )
        return self.replies(before)

    async def press(
        self, message: dict[str, Any], data: str, user: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        before = len(self.api.calls)
        update = self.api.button_press(user or self.user(), message, data)
        await self.app.process_update(as_update(update, self.app.bot))
        await self.app.bot_data.redraws.settled()  # a checklist redrawn after its tick
        return self.replies(before)

    async def pages(
        self, first: dict[str, Any], user: dict[str, Any] | None = None
    ) -> list[dict[str, Any]]:
        """A paged reply: the first page and each one ▶ leads to, in turn."""
        pages = [first]
        while nav := [
            key
            for row in pages[-1].get("reply_markup", {}).get("inline_keyboard", [])
            for key in row
            if key["text"] == "▶"
        ]:
            [page] = await self.press(pages[-1], nav[0]["callback_data"], user)
            pages.append(page)
        return pages

    def replies(self, since: int) -> list[dict[str, Any]]:
        return [
            call.result
            for call in self.api.calls[since:]
            if call.method in ("sendMessage", "editMessageText") and call.error is None
        ]

    async def rows(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to compare before and after (the search index's own
        tables are made from the others)."""
        assert self.app.bot_data.storage is not None
        conn = self.app.bot_data.storage.db.conn
        async with conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' "
            "AND name NOT LIKE 'sqlite_%' AND name NOT LIKE 'partnership_search%'"
        ) as cursor:
            tables = [row[0] for row in await cursor.fetchall()]
        rows = {}
        for table in tables:
            async with conn.execute(f'SELECT * FROM "{table}"') as cursor:
                rows[table] = sorted((tuple(r) for r in await cursor.fetchall()), key=repr)
        return rows

    def alerts(self, since: int = 0) -> list[str]:
        return [
            c.params.get("text", "")
            for c in self.api.calls[since:]
            if c.method == "answerCallbackQuery" and c.params.get("text")
        ]


@pytest.fixture
async def bot(settings: Settings, i18n: I18n, clock: MovableClock) -> AsyncIterator[Driver]:
    async with running(make_app(settings, i18n, clock, api := OfflineTelegram(clock=clock))) as app:
        yield Driver(app, api)


def make_app(
    settings: Settings, i18n: I18n, clock: MovableClock, api: OfflineTelegram, demo: bool = True
) -> BotApplication:
    """The real Application on the offline API; tests drive the dispatcher themselves
    (schedule=False keeps the JobQueue from racing them) and no pacing slows them down."""
    limiter = Pacer(None)  # the bot's own limiter, pacing nothing
    return build_application(
        settings,
        request=api,
        i18n=i18n,
        clock=clock,
        demo=demo,
        rate_limiter=limiter,
        schedule=False,
    )


async def plan_and_send(bot: Driver) -> int:
    """Plan every chat's posts at the clock's now and send what is due: how many were sent."""
    settings, store = bot.app.bot_data.settings, bot.app.bot_data.storage
    assert settings is not None and store is not None
    await replan(store, bot.app.bot_data.clock.now(), settings.timezone)
    return await scheduler_of(bot.app).dispatcher.run(bot.app.bot)


def sent_to(bot: Driver, chat_id: int) -> list[dict[str, Any]]:
    """The messages the bot sent to one chat, as Telegram returned them."""
    return [
        c.result
        for c in bot.api.calls
        if c.method == "sendMessage"
        and c.result is not None
        and int(c.params["chat_id"]) == chat_id
    ]
