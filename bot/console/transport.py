"""The fake Telegram in-process: PTB's request layer for the console and handler tests.

No sockets: each request goes straight to `FakeBotApi` (bot/console/telegram.py), which
answers as Telegram would.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.request import BaseRequest, RequestData

from bot.console.telegram import JSON, FakeBotApi

JSON_TEXT_FIELDS = ("reply_markup", "link_preview_options")


@dataclass
class OfflineBotApi(FakeBotApi, BaseRequest):
    """The fake Telegram as PTB's request layer: no sockets, same answers."""

    @property
    def read_timeout(self) -> float:
        return 5.0

    async def initialize(self) -> None:
        pass

    async def shutdown(self) -> None:
        pass

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        params = dict(request_data.parameters) if request_data else {}
        for name in JSON_TEXT_FIELDS:  # sent as JSON text (bot.telegram.answers): as Telegram
            if isinstance(text := params.get(name), str):  # reads it, the object it stands for
                params[name] = json.loads(text)
        files = {}
        if request_data is not None and request_data.contains_files:
            for name, upload in request_data.multipart_data.items():
                content = upload[1]
                data = content if isinstance(content, bytes) else content.read()
                files[name] = (str(upload[0]), data)
        status, body = self.handle(url.rsplit("/", 1)[-1], params, files)
        return status, json.dumps(body).encode()


def as_update(data: JSON, bot: Any) -> Update:
    """A real telegram.Update from Telegram's JSON."""
    update = Update.de_json(data, bot)
    assert update is not None
    return update
