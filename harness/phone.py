"""People on their phones, over HTTP against the fake Bot API server: what one person sends
and presses in one chat, and what the bot answers there (the end-to-end tests' hands)."""

from __future__ import annotations

from typing import Any

from harness.botapi_server import BotApiServer

JSON = dict[str, Any]


def person(user_id: int, lang: str, first_name: str | None = None) -> JSON:
    name = first_name or f"user {user_id}"
    return {"id": user_id, "is_bot": False, "first_name": name, "language_code": lang}


def private(who: JSON) -> JSON:
    return {"id": who["id"], "type": "private", "first_name": who["first_name"]}


class Phone:
    """One person in one chat: what they send and press, what the bot answers there."""

    def __init__(self, server: BotApiServer, who: JSON, chat: JSON | None = None) -> None:
        self.server, self.who = server, who
        self.chat = chat or private(who)

    def _answers(self, since: int) -> list[JSON]:
        """Messages the bot sent or edited in this chat since call number `since`."""
        found = []
        for call in self.server.api.calls[since:]:
            if call.method not in ("sendMessage", "editMessageText", "sendDocument"):
                continue
            if str(call.params.get("chat_id")) == str(self.chat["id"]) and call.result:
                found.append(dict(call.result))
        return found

    async def send(self, text: str, answers: int = 1) -> list[JSON]:
        since = len(self.server.api.calls)
        await self.server.deliver(self.server.api.user_message(self.who, self.chat, text))
        return await self._wait(since, answers)

    async def press(self, message: JSON, data: str, answers: int = 1) -> list[JSON]:
        since = len(self.server.api.calls)
        await self.server.deliver(self.server.api.button_press(self.who, message, data))
        return await self._wait(since, answers)

    async def _wait(self, since: int, answers: int) -> list[JSON]:
        """The bot's answers in this chat once there are `answers` of them; if they do not
        come, the failure lists the calls the bot made meanwhile."""
        try:
            await self.server.wait_for(lambda: len(self._answers(since)) >= answers, within=10)
        except TimeoutError as exc:
            made = [(c.method, c.params, c.error) for c in self.server.api.calls[since:]]
            wanted = f"{answers} answers expected in {self.chat['id']}"
            raise AssertionError(f"{wanted}: {made}") from exc
        return self._answers(since)

    async def refused(self, message: JSON, data: str) -> str:
        """Press, and give the pop-up the bot answered with (and check it sent nothing)."""
        since = len(self.server.api.calls)
        await self.server.deliver(self.server.api.button_press(self.who, message, data))
        [call] = await self.server.wait_for(
            lambda: [c for c in self.server.api.calls[since:] if c.method == "answerCallbackQuery"]
        )
        assert self._answers(since) == []
        return str(call.params.get("text", ""))


def buttons(message: JSON) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {
        key["callback_data"]: key["text"] for row in rows for key in row if "callback_data" in key
    }
