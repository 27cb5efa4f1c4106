"""PTB's persistence, keeping the states of guided conversations (ConversationHandlers with
`persistent=True, name=...`) in our SQLite, and nothing else: user, chat and bot data live
in the repositories already.

PTB reads every stored state once, in `Application.initialize()`, and hands changed ones
to `update_conversation` only from `Application.update_persistence()`. This class notes
them there and writes them all in one transaction in `flush()`;
bot/telegram/application.py runs both as soon as an update was handled, so a state is in
the database before the chat's next update is handled.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import BaseHandler, BasePersistence, ConversationHandler, PersistenceInput
from telegram.ext._utils.types import CDCData
from telegram.warnings import PTBUserWarning

from bot.telegram.context import BotContext, BotData
from storage.conversations import ConversationKey, ConversationsRepository, State, StateChange

log = logging.getLogger(__name__)

SAFETY_INTERVAL = 60.0
"""Seconds between PTB's own runs of update_persistence: it catches what was not written
after its update (a write that failed is tried again then)."""


@dataclass(frozen=True)
class KeyLayout:
    """What a conversation's key is made of (PTB's per_chat, per_user, per_message)."""

    per_chat: bool = True
    per_user: bool = True
    per_message: bool = False

    @classmethod
    def of(cls, handler: ConversationHandler[Any]) -> KeyLayout:
        return cls(handler.per_chat, handler.per_user, handler.per_message)

    def owner(self, key: ConversationKey) -> int | None:
        """The user whose conversation this is: the key's user; with the chat alone, the
        chat if it is a private one (its id is its user's, and positive); else None, a
        group's own conversation."""
        if self.per_user:
            user = key[1 if self.per_chat else 0]
        elif self.per_chat and isinstance(key[0], int) and key[0] > 0:
            user = key[0]
        else:
            return None
        return user if isinstance(user, int) else None


@dataclass(frozen=True)
class Conversation:
    """A persistent ConversationHandler as the persistence sees it."""

    layout: KeyLayout
    states: frozenset[State]


def persistent_conversations(
    handlers: Iterable[BaseHandler[Any, Any, Any]],
) -> dict[str, Conversation]:
    """Every persistent ConversationHandler among `handlers` and inside them, by name.
    Raises ValueError for one the database could not keep: a state that is neither a
    number nor a string, or a handler that does not block (its new state would come after
    the write)."""
    found: dict[str, Conversation] = {}
    todo = list(handlers)
    while todo:
        handler = todo.pop()
        if not isinstance(handler, ConversationHandler):
            continue
        inner = [
            *handler.entry_points,
            *handler.fallbacks,
            *(h for hs in handler.states.values() for h in hs),
        ]
        todo.extend(inner)
        if not (handler.persistent and handler.name):
            continue
        name = handler.name
        states: set[State] = set()
        for state in handler.states:
            if isinstance(state, bool) or not isinstance(state, int | str):
                raise ValueError(
                    f"conversation {name}: state {state!r} is neither a number nor a string"
                )
            states.add(state)
        if handler.block is False or any(h.block is False for h in inner):
            raise ValueError(
                f"conversation {name}: block=False, so its state would be written late"
            )
        found[name] = Conversation(KeyLayout.of(handler), frozenset(states))
    return found


StepHandler = BaseHandler[Update, BotContext, Any]


def guided_conversation(
    name: str,
    entry_points: Sequence[StepHandler],
    states: Mapping[State, Sequence[StepHandler]],
    fallbacks: Sequence[StepHandler],
    *,
    allow_reentry: bool = False,
) -> ConversationHandler[BotContext]:
    """A ConversationHandler kept in the database: named, persistent, one conversation per
    chat and user (PTB's default key), checked as initialize will check it.

    PTB warns at once that a button (CallbackQueryHandler) in such a conversation is
    "not tracked for every message": a press counts for its chat and user, whichever
    message it is under, which is what is meant here (one conversation of a user in a
    chat at a time). That warning alone is silenced; the callbacks decide what an old
    message's button does."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="If 'per_message=False'", category=PTBUserWarning)
        handler: ConversationHandler[BotContext] = ConversationHandler(
            entry_points=list(entry_points),
            states={state: list(steps) for state, steps in states.items()},
            fallbacks=list(fallbacks),
            allow_reentry=allow_reentry,
            name=name,
            persistent=True,
        )
    persistent_conversations([handler])  # a state or handler it cannot keep fails here
    for entry in handler.entry_points:
        entry.callback = _ending_the_others(name, entry.callback)
    return handler


def _ending_the_others(name: str, callback: Any) -> Any:
    """An entry point that first ends the user's other guided conversations: what they
    type next answers the question asked last, not one of a form left open before."""

    async def enter(update: Update, context: BotContext) -> object:
        ender = getattr(context.application, "end_others", None)  # PersistentApplication's
        if ender is not None and update.effective_user is not None:
            await ender(update.effective_user.id, name)
        return await callback(update, context)

    return enter


class ConversationPersistence(BasePersistence[dict[Any, Any], dict[Any, Any], BotData]):
    """Conversation states only; every other kind of data is not kept (PTB is told so by
    `store_data`, and the methods for it do nothing)."""

    def __init__(self) -> None:
        super().__init__(
            store_data=PersistenceInput(
                bot_data=False, chat_data=False, user_data=False, callback_data=False
            ),
            update_interval=SAFETY_INTERVAL,
        )
        self._data: BotData | None = None
        self._conversations: dict[str, Conversation] = {}
        # Noted by update_conversation, written by flush; kept when a write fails.
        self._pending: dict[tuple[str, ConversationKey], StateChange] = {}
        self._writing = asyncio.Lock()

    def prepare(self, data: BotData, conversations: Mapping[str, Conversation]) -> None:
        """Before PTB loads the states (Application.initialize): where the storage is, and
        the persistent conversations."""
        self._data = data
        self._conversations = dict(conversations)

    def layout(self, name: str) -> KeyLayout:
        conversation = self._conversations.get(name)
        if conversation is None:  # added after initialize, which PTB advises against
            log.warning("conversation %s: not known at start-up; read as PTB's default", name)
            return KeyLayout()
        return conversation.layout

    @property
    def has_pending(self) -> bool:
        return bool(self._pending)

    def _repository(self) -> ConversationsRepository:
        storage = self._data.storage if self._data is not None else None
        if storage is None:
            raise RuntimeError("the storage is not open: conversation states cannot be kept")
        return storage.conversations

    async def get_conversations(self, name: str) -> dict[ConversationKey, object]:
        stored = await self._repository().states(name)
        known = self._conversations.get(name)
        out: dict[ConversationKey, object] = dict(stored)
        if known is None:
            return out
        # A state the handler no longer has (the bot was updated meanwhile) would leave
        # its user stuck: that conversation ends.
        gone = [key for key, state in stored.items() if state not in known.states]
        for key in gone:
            log.warning("conversation %s: stored state %r is no more; ended", name, stored[key])
            self._note(name, key, None)
            del out[key]
        if gone:
            await self.flush()
        return out

    async def update_conversation(
        self, name: str, key: ConversationKey, new_state: object | None
    ) -> None:
        if new_state is not None and (
            isinstance(new_state, bool) or not isinstance(new_state, int | str)
        ):
            raise TypeError(f"conversation {name}: state {new_state!r} cannot be stored")
        self._note(name, key, new_state)

    def _note(self, name: str, key: ConversationKey, state: State | None) -> None:
        self._pending[(name, key)] = StateChange(name, key, self.layout(name).owner(key), state)

    def forget(self, user_id: int) -> None:
        """Drop what is still to be written about the user's conversations."""
        for entry, change in list(self._pending.items()):
            if change.owner == user_id:
                del self._pending[entry]

    async def flush(self) -> None:
        """Write every noted state in one transaction."""
        if not self._pending:
            return
        async with self._writing:
            writing = dict(self._pending)
            if not writing:
                return
            assert self._data is not None
            await self._repository().save(list(writing.values()), self._data.clock.now())
            for entry, change in writing.items():
                if self._pending.get(entry) is change:  # not noted anew meanwhile
                    del self._pending[entry]

    # Nothing else is kept: PTB never asks for it (store_data), but the methods must exist.

    async def get_user_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_chat_data(self) -> dict[int, dict[Any, Any]]:
        return {}

    async def get_bot_data(self) -> BotData:
        assert self._data is not None
        return self._data

    async def get_callback_data(self) -> CDCData | None:
        return None

    async def update_user_data(self, user_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_chat_data(self, chat_id: int, data: dict[Any, Any]) -> None:
        pass

    async def update_bot_data(self, data: BotData) -> None:
        pass

    async def update_callback_data(self, data: CDCData) -> None:
        pass

    async def drop_chat_data(self, chat_id: int) -> None:
        pass

    async def drop_user_data(self, user_id: int) -> None:
        pass

    async def refresh_user_data(self, user_id: int, user_data: dict[Any, Any]) -> None:
        pass

    async def refresh_chat_data(self, chat_id: int, chat_data: dict[Any, Any]) -> None:
        pass

    async def refresh_bot_data(self, bot_data: BotData) -> None:
        pass


def user_of(update: Update) -> int:
    """The user whose conversation an update continues (a message or a press: always one)."""
    assert update.effective_user is not None
    return update.effective_user.id


@dataclass(frozen=True)
class Drafts:
    """One guided conversation's drafts (what its user typed so far), kept in the database
    with its state: `Drafts("meeting").get(update, context)`."""

    name: str

    async def find(self, update: Update, context: BotContext) -> dict[str, Any] | None:
        return await context.storage.conversations.draft(user_of(update), self.name)

    async def get(self, update: Update, context: BotContext) -> dict[str, Any]:
        return await self.find(update, context) or {}

    async def put(self, update: Update, context: BotContext, draft: dict[str, Any]) -> None:
        conversations = context.storage.conversations
        await conversations.put_draft(user_of(update), self.name, draft, context.clock.now())

    async def drop(self, update: Update, context: BotContext) -> None:
        await context.storage.conversations.drop_draft(user_of(update), self.name)
