"""The bot's Application: PTB's, with the storage opened before PTB loads the conversation
states, and those states written before a chat's next update is handled."""

from __future__ import annotations

import itertools
import logging
from typing import Any

from telegram.ext import Application

from bot.telegram.context import BotContext, BotData
from bot.telegram.persistence import ConversationPersistence, persistent_conversations
from storage.store import Storage

log = logging.getLogger(__name__)

STOP_WAIT = 10.0
"""Seconds a stop waits for the post in flight (one request, and its retry after a 429)."""


class PersistentApplication(
    Application[Any, BotContext, dict[Any, Any], dict[Any, Any], BotData, Any]
):
    """Made by ApplicationBuilder.application_class (bot/app.py)."""

    async def initialize(self) -> None:
        """Open the storage (PTB loads the persistence here, before post_init) after the
        bot's check, then the rest of PTB's. The storage is closed again if that fails, and
        by shutdown."""
        persistence = self.persistence
        if isinstance(persistence, ConversationPersistence):
            handlers = itertools.chain.from_iterable(self.handlers.values())
            persistence.prepare(self.bot_data, persistent_conversations(handlers))
        # The token and the Bot API first, as PTB would (its initialize does this first,
        # and a second time does nothing): a start that fails there touches no database.
        await self.bot.initialize()
        data = self.bot_data
        opened = data.storage is None
        if opened:
            assert data.settings is not None
            data.storage = await Storage.open(data.settings.db_path)
        try:
            await super().initialize()
        except BaseException:
            if opened:
                await self._close_storage()
            raise

    async def stop(self) -> None:
        """The scheduler's running job (a send) ends first, then PTB's stop."""
        scheduler = self.bot_data.scheduler
        if scheduler is not None and self.running:
            await scheduler.wind_down(within=STOP_WAIT)
        await super().stop()

    async def shutdown(self) -> None:
        try:
            await super().shutdown()  # its last update_persistence and flush need the storage
        finally:
            if not self.running:
                await self._close_storage()

    async def _close_storage(self) -> None:
        storage, self.bot_data.storage = self.bot_data.storage, None
        if storage is not None:
            await storage.close()

    async def process_update(self, update: object) -> None:
        # A conversation's new state is known only once its callback returned (after its
        # reply went out): written now, before this returns, and so before the chat's next
        # update is handled (bot/telegram/ordering.py; tests call this directly).
        await super().process_update(update)
        await self.update_persistence()

    async def update_persistence(self) -> None:
        """PTB's (after each update, every SAFETY_INTERVAL and at shutdown), which hands the
        persistence the changed states, and then their write."""
        await super().update_persistence()
        if self.persistence is None:
            return
        # PTB notes every chat and user it saw for chat_data and user_data, and clears the
        # notes only where it keeps those: unkept, they would grow for good.
        if not self.persistence.store_data.chat_data:
            self._chat_ids_to_be_updated_in_persistence.clear()
        if not self.persistence.store_data.user_data:
            self._user_ids_to_be_updated_in_persistence.clear()
        try:
            await self.persistence.flush()
        except Exception:
            # Kept in memory and tried again after the next update: the bot answers on.
            log.exception("could not write the conversation states")

    async def forget_conversations(self, user_id: int) -> int:
        """/forgetme: end every conversation of the user, here and in the database, with
        their drafts; how many rows the database held."""
        persistence = self.persistence
        if isinstance(persistence, ConversationPersistence):
            await self.end_others(user_id)
            persistence.forget(user_id)
        storage = self.bot_data.storage
        if storage is None:
            raise RuntimeError("the storage is not open")
        erased = await storage.conversations.forget(user_id)
        await self.update_persistence()
        return erased

    async def end_others(self, user_id: int, keep: str | None = None) -> int:
        """The user begins the guided conversation `keep` (None: leaves them all, /cancel):
        their other ones end, so that what they type next answers the question asked
        last. How many ended."""
        persistence = self.persistence
        if not isinstance(persistence, ConversationPersistence):
            return 0
        ended = 0
        for name, conversations in self._conversation_handler_conversations.items():
            if name == keep:
                continue
            owner = persistence.layout(name).owner
            for key in [key for key in conversations if owner(key) == user_id]:
                del conversations[key]  # PTB hands the end to the persistence
                ended += 1
        return ended


async def forget_conversations(
    application: Application[Any, Any, Any, Any, Any, Any], user_id: int
) -> int:
    """For a handler: `await forget_conversations(context.application, user_id)`."""
    if not isinstance(application, PersistentApplication):
        raise TypeError("the application is not built by bot/app.py")
    return await application.forget_conversations(user_id)
