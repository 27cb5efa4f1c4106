"""The services every handler reaches through its context: settings, clock, i18n, storage,
the reader of the update, and the scheduler's re-plan after a change."""

from __future__ import annotations

import socket
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from telegram import Chat, Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.model.chats import ChatPrefs, UserPrefs
from bot.model.clock import Clock, SystemClock
from bot.model.roles import Roles
from bot.telegram.redraws import Redraws
from bot.text.i18n import I18n, choose_languages
from bot.text.reader import Reader
from storage.store import Storage


class Replanner(Protocol):
    """What handlers need of the scheduler (bot/schedule/jobs.py): re-plan after a change,
    of one chat or (None) of all; and the application, to let its job end before it stops."""

    async def replan(self, chat_id: int | None = None) -> None: ...

    async def wind_down(self, within: float) -> None: ...


class Stoppable(Protocol):
    async def stop(self) -> None: ...


class BotData:
    """`application.bot_data`: filled by build_application and post_init, nowhere else."""

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.clock: Clock = SystemClock()
        self.i18n: I18n | None = None
        self.storage: Storage | None = None
        self.demo: bool = False
        self.schedule: bool = True  # run the scheduler's jobs (off in handler-only tests)
        self.scheduler: Replanner | None = None  # made in post_init
        self.last_plan: datetime | None = None
        self.data_version: int | None = None
        self.feed_sockets: list[socket.socket] = []
        """Bound by `partnerbot run` for PARTNERBOT_HTTP_LISTEN: the calendar feeds."""
        self.feed_server: Stoppable | None = None  # serving on them, from post_init on
        self.redraws = Redraws()
        """Pressed messages redrawn after their press was answered (checklist ticks)."""


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """A typed context: `context.storage` instead of dict lookups."""

    def __init__(
        self,
        application: Application[Any, Any, Any, Any, Any, Any],
        chat_id: int | None = None,
        user_id: int | None = None,
    ) -> None:
        super().__init__(application=application, chat_id=chat_id, user_id=user_id)
        self._reader: Reader | None = None
        self._roles: dict[int, Roles] = {}

    @property
    def storage(self) -> Storage:
        storage = self.bot_data.storage
        if storage is None:
            raise RuntimeError(
                "the storage is opened by initialize; the application is not running"
            )
        return storage

    @property
    def settings(self) -> Settings:
        assert self.bot_data.settings is not None
        return self.bot_data.settings

    @property
    def i18n(self) -> I18n:
        assert self.bot_data.i18n is not None
        return self.bot_data.i18n

    @property
    def clock(self) -> Clock:
        return self.bot_data.clock

    async def reader(self, update: object) -> Reader:
        """The reader of this update, resolved once per update."""
        if self._reader is None:
            self._reader = await resolve_reader(self, update)
        return self._reader

    async def roles(self, user_id: int) -> Roles:
        """What this user may change (bot/model/roles.py), read once per update."""
        if user_id not in self._roles:
            self._roles[user_id] = await self.storage.roles.of(user_id, self.settings.admins)
        return self._roles[user_id]

    async def replan_everyone(self) -> None:
        """The network's data changed (an edit from the chat): every chat's posts are
        planned anew, so a new, moved or cancelled item reaches them at once."""
        if self.bot_data.scheduler is not None:
            await self.bot_data.scheduler.replan(None)

    async def replan(self, chat_id: int) -> None:
        """This chat's subscriptions, lead times or zone changed: plan its posts anew (that
        chat alone: a few ms, not every chat's plan)."""
        if self.bot_data.scheduler is not None:
            await self.bot_data.scheduler.replan(chat_id)


BotApplication = Application[Any, BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
"""The application as built by bot/app.py, with our context and bot_data types."""


async def resolve_reader(context: BotContext, update: object) -> Reader:
    chat = update.effective_chat if isinstance(update, Update) else None
    user = update.effective_user if isinstance(update, Update) else None
    in_group = chat is not None and chat.type != Chat.PRIVATE
    chat_prefs = (
        await context.storage.preferences.chat(chat.id) if in_group and chat else ChatPrefs()
    )
    user_prefs = await context.storage.preferences.user(user.id) if user else UserPrefs()
    languages = choose_languages(
        chat_prefs.languages, user_prefs.language, user.language_code if user else None
    )
    # In a group: its zone, else the network's. In private: the user's choice, else the
    # zone of their partner town (users.municipality_id: /start asks, /iam), else the
    # network's.
    zone_name = (
        chat_prefs.timezone if in_group else (user_prefs.timezone or user_prefs.home_timezone)
    )
    zone = ZoneInfo(zone_name) if zone_name else context.settings.timezone
    return Reader.of(languages, zone, context.i18n)
