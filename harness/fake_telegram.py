"""The fake Telegram of the tests and benchmarks: the console's FakeBotApi plus what only
they need — fault injection (blocked chats, one-off errors, flood control, a group that
became a supergroup), webhooks, and getUpdates with Telegram's confirm-by-offset rule.

`FakeTelegram` is served over HTTP by harness/botapi_server.py; `OfflineTelegram` is the
same in-process, as PTB's request layer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.config import SECRET_TOKEN
from bot.console.telegram import JSON, ApiCall, ApiError, FakeBotApi
from bot.console.transport import OfflineBotApi, as_update

__all__ = ["JSON", "ApiCall", "ApiError", "FakeTelegram", "OfflineTelegram", "as_update"]


@dataclass
class FakeTelegram(FakeBotApi):
    blocked: set[int] = field(default_factory=set)
    """Chats that answer every send with 403, as after the bot was removed."""
    failures: dict[int, list[BaseException]] = field(default_factory=dict)
    """One-off answers for the next sends to a chat: ApiError, TimedOut, or a crash."""
    pending: list[JSON] = field(default_factory=list)
    """Updates for getUpdates; one is gone only once a later offset confirms it."""
    webhook: JSON = field(default_factory=dict)
    """What setWebhook set (url, secret_token), empty while the bot polls."""
    topics: dict[int, dict[int, bool]] = field(default_factory=dict)
    """Forum supergroups' topics: chat -> thread id -> open (False: closed). A deleted
    topic is gone from here: Telegram answers "message thread not found" for it."""
    general_closed: set[int] = field(default_factory=set)
    """Forums whose General topic is closed (closeGeneralForumTopic): nothing goes there."""

    # -- forum topics ------------------------------------------------------------------------
    def forum(self, chat_id: int, admins: dict[int, str] | None = None) -> JSON:
        """A forum supergroup (topics on): General and no topic yet."""
        chat = {"id": chat_id, "type": "supergroup", "title": "Bonn – La Paz", "is_forum": True}
        self.add_chat(chat, admins or {})
        self.topics.setdefault(chat_id, {})
        return chat

    def open_topic(self, chat_id: int) -> int:
        """A new topic; its thread id is the id of the message that created it, as in
        Telegram."""
        thread = next(self._message_ids)
        self.topics.setdefault(chat_id, {})[thread] = True
        return thread

    def close_topic(self, chat_id: int, thread: int) -> None:
        self.topics[chat_id][thread] = False

    def delete_topic(self, chat_id: int, thread: int) -> None:
        del self.topics[chat_id][thread]

    def close_general(self, chat_id: int) -> None:
        self.general_closed.add(chat_id)

    def user_message(self, user: JSON, chat: JSON, text: str, thread: int | None = None) -> JSON:
        """As the console's, and inside a forum topic when `thread` is given."""
        update = super().user_message(user, chat, text)
        if thread is not None:
            update["message"] |= {"message_thread_id": thread, "is_topic_message": True}
        return update

    # -- people: a reply, a forwarded message, a contact picked with a button -----------------
    def reply_message(self, user: JSON, chat: JSON, text: str, to: JSON) -> JSON:
        """`text` sent as a reply to the message `to` (an update's message)."""
        update = self.user_message(user, chat, text)
        update["message"]["reply_to_message"] = to
        return update

    def forwarded_message(self, user: JSON, text: str, sender: JSON | str) -> JSON:
        """A message forwarded by `user` to the bot's private chat: from `sender` (a user),
        or from someone whose privacy hides them (their name alone, a str)."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        update = self.user_message(user, chat, text)
        origin: JSON = {"date": self._now()}
        if isinstance(sender, str):
            origin |= {"type": "hidden_user", "sender_user_name": sender}
        else:
            origin |= {"type": "user", "sender_user": sender}
        update["message"]["forward_origin"] = origin
        return update

    def users_shared(self, user: JSON, request_id: int, shared: JSON) -> JSON:
        """The answer to a reply keyboard's request_users button: the person picked
        (user_id, and first_name, last_name, username as asked)."""
        chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
        self.add_chat(chat)
        message: JSON = {
            "message_id": next(self._message_ids),
            "date": self._now(),
            "chat": chat,
            "from": user,
            "users_shared": {"request_id": request_id, "users": [shared]},
        }
        return {"update_id": next(self._update_ids), "message": message}

    def _where(self, method: str, params: JSON) -> None:
        """Refuse a send to a topic the way Telegram does: one that is not there (deleted,
        never made, or a chat without topics), or one that is closed."""
        thread = params.get("message_thread_id")
        if not method.startswith(("send", "copy", "forward")):
            return
        if thread is None:
            if int(params["chat_id"]) in self.general_closed:
                raise ApiError(400, "Bad Request: TOPIC_CLOSED")
            return
        topics = self.topics.get(int(params["chat_id"]), {})
        if int(thread) not in topics:
            raise ApiError(400, "Bad Request: message thread not found")
        if not topics[int(thread)]:
            raise ApiError(400, "Bad Request: TOPIC_CLOSED")

    def api_sendMessage(self, params: JSON) -> JSON:
        return _in_topic(super().api_sendMessage(params), params)

    def api_sendDocument(self, params: JSON) -> JSON:
        return _in_topic(super().api_sendDocument(params), params)

    # -- faults ----------------------------------------------------------------------------
    def fail(self, chat_id: int, *answers: BaseException) -> None:
        """Answer the next sends to `chat_id` with these errors, in order."""
        self.failures.setdefault(chat_id, []).extend(answers)

    def before(self, method: str, params: JSON) -> None:
        if not method.startswith("send") or "chat_id" not in params:
            return
        self._where(method, params)
        chat_id = int(params["chat_id"])
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was kicked from the supergroup chat")
        queue = self.failures.get(chat_id)
        if queue:
            raise queue.pop(0)

    @staticmethod
    def flood(retry_after: int) -> ApiError:
        return ApiError(
            429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
        )

    def migration(self, old: JSON, new_id: int) -> ApiError:
        """The group `old` became supergroup `new_id`: sends to the old id fail with 400."""
        self.add_chat({**old, "id": new_id, "type": "supergroup"})
        return ApiError(
            400,
            "Bad Request: group chat was upgraded to a supergroup chat",
            {"migrate_to_chat_id": new_id},
        )

    # -- updates and webhooks ---------------------------------------------------------------
    def push(self, update: JSON) -> JSON:
        """Queue an update for getUpdates (in-process tests pass it to process_update)."""
        self.pending.append(update)
        return update

    def inline_button_press(self, user: JSON, data: str) -> JSON:
        """A press on a button under a message sent in inline mode: Telegram gives its
        inline_message_id, but no message and no chat."""
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": user,
                "chat_instance": "inline",
                "inline_message_id": f"inline-{next(self._update_ids)}",
                "data": data,
            },
        }

    def api_setWebhook(self, params: JSON) -> bool:
        secret = params.get("secret_token")
        if secret is not None and not SECRET_TOKEN.fullmatch(str(secret)):
            raise ApiError(400, "Bad Request: secret token contains unallowed characters")
        self.webhook = {"url": params["url"], "secret_token": secret}
        return True

    def api_deleteWebhook(self, params: JSON) -> bool:
        self.webhook = {}
        if _flag(params.get("drop_pending_updates")):
            self.pending.clear()
        return True

    def api_getWebhookInfo(self, params: JSON) -> JSON:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.pending),
        }

    def api_getUpdates(self, params: JSON) -> list[JSON]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        if offset > 0:  # confirms every update before it: those are gone for good
            self.pending = [u for u in self.pending if u["update_id"] >= offset]
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        return self.pending[:limit]


@dataclass
class OfflineTelegram(FakeTelegram, OfflineBotApi):
    """The fake Telegram with its faults, in-process as PTB's request layer."""


def _in_topic(message: JSON, params: JSON) -> JSON:
    """A message sent to a forum topic says so (the stored one too: edits keep it)."""
    if params.get("message_thread_id") is not None:
        message |= {"message_thread_id": int(params["message_thread_id"]), "is_topic_message": True}
    return message


def _flag(value: Any) -> bool:
    """A boolean parameter as PTB sends it: True in-process, "true" over HTTP."""
    return value is True or str(value).lower() == "true"
