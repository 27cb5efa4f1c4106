"""The console's Telegram: answers Bot API calls as Telegram would, and records them.

`FakeBotApi` is Telegram's side without a transport: it keeps the chats, members and
messages it has seen, returns Telegram's `{ok, result | error_code, description,
parameters}` envelope, and refuses what Telegram refuses (bad HTML, texts over 4096
characters, callback data over 64 bytes, unknown chats). It also builds the updates users
would cause (messages, button presses, membership changes, inline queries).
`bot.console.transport` puts it in-process as PTB's request layer. The test harness
(harness/fake_telegram.py, not shipped) adds fault injection, webhooks and getUpdates, and
serves it over HTTP (harness/botapi_server.py).
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.model.clock import Clock, SystemClock
from bot.telegram.html import HtmlError, parse, to_plain_text
from bot.telegram.limits import MAX_CALLBACK_BYTES, MAX_TEXT

BOT_USER = {"id": 4242, "is_bot": True, "first_name": "partnerbot", "username": "partnerbot"}

JSON = dict[str, Any]
ADMIN_RIGHTS: JSON = {
    "can_be_edited": False,
    "is_anonymous": False,
    "can_manage_chat": True,
    "can_delete_messages": True,
    "can_manage_video_chats": True,
    "can_restrict_members": True,
    "can_promote_members": False,
    "can_change_info": True,
    "can_invite_users": True,
    "can_post_stories": True,
    "can_edit_stories": True,
    "can_delete_stories": True,
}


class ApiError(Exception):
    def __init__(self, code: int, description: str, parameters: JSON | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters


@dataclass
class ApiCall:
    method: str
    params: JSON
    result: Any = None
    error: str | None = None
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    """Uploaded files by parameter name: (file name, content)."""
    at: float = field(default_factory=time.monotonic)
    """When the call arrived (monotonic seconds), for benchmarks."""


@dataclass
class FakeBotApi:
    clock: Clock = field(default_factory=SystemClock)
    calls: list[ApiCall] = field(default_factory=list)
    chats: dict[int, JSON] = field(default_factory=dict)
    members: dict[tuple[int, int], JSON] = field(default_factory=dict)
    messages: dict[tuple[int, int], JSON] = field(default_factory=dict)
    on_call: Callable[[ApiCall, Any], None] | None = None
    """Told of every successful call and its result (the console prints from it)."""

    def __post_init__(self) -> None:
        self._message_ids = itertools.count(1)
        self._update_ids = itertools.count(1)

    def handle(
        self, method: str, params: JSON, files: dict[str, tuple[str, bytes]] | None = None
    ) -> tuple[int, JSON]:
        """One Bot API call: its HTTP status and Telegram's JSON envelope."""
        call = ApiCall(method, params, files=files or {})
        self.calls.append(call)
        handler = getattr(self, f"api_{method}", None)
        try:
            if handler is None:
                raise ApiError(404, "Not Found")
            self.before(method, params)
            result = handler(params)
        except ApiError as exc:
            call.error = exc.description
            body: JSON = {"ok": False, "error_code": exc.code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.code, body
        call.result = result
        if self.on_call:
            self.on_call(call, result)
        return 200, {"ok": True, "result": result}

    # -- the updates users cause ---------------------------------------------------------
    def before(self, method: str, params: JSON) -> None:
        """Called before each method; raises ApiError to refuse it (the harness injects
        faults here)."""

    def member_change(self, chat: JSON, by: JSON, old: str, new: str) -> JSON:
        """The bot's own membership changed (added to or removed from a group)."""
        self.add_chat(chat)

        def member(status: str) -> JSON:
            extra = (
                ADMIN_RIGHTS
                if status == "administrator"
                else ({"until_date": 0} if status == "kicked" else {})
            )
            return {"user": BOT_USER, "status": status, **extra}

        return {
            "update_id": next(self._update_ids),
            "my_chat_member": {
                "chat": chat,
                "from": by,
                "date": self._now(),
                "old_chat_member": member(old),
                "new_chat_member": member(new),
            },
        }

    def add_chat(self, chat: JSON, members: dict[int, str] | None = None) -> None:
        self.chats[chat["id"]] = chat
        for user_id, status in (members or {}).items():
            self.members[(chat["id"], user_id)] = {"status": status}

    def user_message(self, user: JSON, chat: JSON, text: str) -> JSON:
        """An incoming message update as Telegram sends it, with bot_command entities."""
        self.add_chat(chat)
        message: JSON = {
            "message_id": next(self._message_ids),
            "date": self._now(),
            "chat": chat,
            "from": user,
            "text": text,
        }
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": _utf16_len(command)}
            ]
        return {"update_id": next(self._update_ids), "message": message}

    def button_press(self, user: JSON, message: JSON, data: str) -> JSON:
        return {
            "update_id": next(self._update_ids),
            "callback_query": {
                "id": str(next(self._update_ids)),
                "from": user,
                "chat_instance": str(message["chat"]["id"]),
                "message": message,
                "data": data,
            },
        }

    def sent(self, method: str = "sendMessage") -> list[JSON]:
        return [c.params for c in self.calls if c.method == method]

    # -- Bot API methods -------------------------------------------------------------------
    def api_getMe(self, params: JSON) -> JSON:
        return {
            **BOT_USER,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def api_setMyCommands(self, params: JSON) -> bool:
        for command in params.get("commands", []):
            if not 1 <= len(command["description"]) <= 256:
                raise ApiError(400, "Bad Request: command description is invalid")
        return True

    def api_sendMessage(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        message = {
            "message_id": next(self._message_ids),
            "date": self._now(),
            "chat": chat,
            "from": BOT_USER,
            **self._text_and_markup(params),
        }
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def api_sendDocument(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        caption = params.get("caption", "")
        if len(caption) > 1024:
            raise ApiError(400, "Bad Request: message caption is too long")
        message = {
            "message_id": next(self._message_ids),
            "date": self._now(),
            "chat": chat,
            "from": BOT_USER,
            "document": {
                "file_id": f"doc{len(self.calls)}",
                "file_unique_id": f"u{len(self.calls)}",
            },
            "caption": caption,
        }
        self.messages[(chat["id"], message["message_id"])] = message
        return message

    def api_answerInlineQuery(self, params: JSON) -> bool:
        results = params.get("results", [])
        if len(results) > 50:
            raise ApiError(400, "Bad Request: RESULTS_TOO_MUCH")
        for result in results:
            content = result.get("input_message_content", {})
            if content.get("parse_mode") == "HTML":
                try:
                    to_plain_text(content["message_text"])
                except HtmlError as exc:
                    raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
        return True

    def inline_query(self, user: JSON, text: str) -> JSON:
        return {
            "update_id": next(self._update_ids),
            "inline_query": {
                "id": str(next(self._update_ids)),
                "from": user,
                "query": text,
                "offset": "",
            },
        }

    def api_editMessageText(self, params: JSON) -> JSON:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        update = self._text_and_markup(params)
        old = self.messages[key]
        if all(old.get(k) == update.get(k) for k in ("text", "entities", "reply_markup")):
            raise ApiError(400, "Bad Request: message is not modified")
        message = {k: v for k, v in old.items() if k not in ("reply_markup", "entities")} | update
        self.messages[key] = message
        return message

    def api_editMessageReplyMarkup(self, params: JSON) -> JSON:
        key = (int(params["chat_id"]), int(params["message_id"]))
        if key not in self.messages:
            raise ApiError(400, "Bad Request: message to edit not found")
        markup = params.get("reply_markup")
        if self.messages[key].get("reply_markup") == markup:
            raise ApiError(400, "Bad Request: message is not modified")
        self.messages[key] = {**self.messages[key], "reply_markup": markup}
        return self.messages[key]

    def api_answerCallbackQuery(self, params: JSON) -> bool:
        if len(params.get("text", "")) > 200:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        return True

    def api_getChatMember(self, params: JSON) -> JSON:
        chat_id, user_id = int(params["chat_id"]), int(params["user_id"])
        self._chat(chat_id)
        member = self.members.get((chat_id, user_id), {"status": "member"})
        user = {"id": user_id, "is_bot": False, "first_name": f"user {user_id}"}
        if member["status"] == "administrator":
            return {"status": "administrator", "user": user, **ADMIN_RIGHTS}
        if member["status"] == "creator":
            return {"status": "creator", "user": user, "is_anonymous": False}
        return {"status": member["status"], "user": user}

    def api_getChat(self, params: JSON) -> JSON:
        chat = self._chat(params["chat_id"])
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11, **_GIFTS}

    def api_getChatAdministrators(self, params: JSON) -> list[JSON]:
        chat_id = int(self._chat(params["chat_id"])["id"])
        return [
            self.api_getChatMember({"chat_id": chat_id, "user_id": user_id})
            for (chat, user_id), member in self.members.items()
            if chat == chat_id and member["status"] in ("administrator", "creator")
        ]

    # -- helpers ---------------------------------------------------------------------------
    def _chat(self, chat_id: Any) -> JSON:
        try:
            return self.chats[int(chat_id)]
        except (KeyError, ValueError):
            raise ApiError(400, "Bad Request: chat not found") from None

    def _now(self) -> int:
        return int(self.clock.now().timestamp())

    def _text_and_markup(self, params: JSON) -> JSON:
        text, entities = params.get("text", ""), []
        if params.get("parse_mode") == "HTML":
            try:
                parsed = parse(text)
            except HtmlError as exc:
                raise ApiError(400, f"Bad Request: can't parse entities: {exc}") from None
            text, entities = parsed.text, parsed.entities
        if not text.strip():
            raise ApiError(400, "Bad Request: message text is empty")
        if _utf16_len(text) > MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
        out: JSON = {"text": text}
        if entities:  # as Telegram answers: only the date_time ones are kept here
            out["entities"] = entities
        markup = params.get("reply_markup")
        if markup and "inline_keyboard" in markup:  # a reply keyboard is not echoed back
            for row in markup.get("inline_keyboard", []):
                for key in row:
                    if len(key.get("callback_data", "").encode()) > MAX_CALLBACK_BYTES:
                        raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")
            out["reply_markup"] = markup
        return out


_GIFTS: JSON = {
    "accepted_gift_types": {
        "unlimited_gifts": False,
        "limited_gifts": False,
        "unique_gifts": False,
        "premium_subscription": False,
        "gifts_from_channels": False,
    }
}


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2
