"""What a t.me link to the bot carries (`https://t.me/<bot>?start=<payload>`), typed.

Telegram passes the payload as the argument of `/start` when the user presses Start: up to
64 characters of A-Z, a-z, 0-9, "_" and "-". Each kind packs to one form and unpacks
from exactly that form; anything else is no payload of ours (plain /start).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Self

_NUMBER = "[0-9]{1,18}"  # not beyond SQLite's 64-bit integers


@dataclass(frozen=True)
class RemindMe:
    """Switch personal meeting reminders on; from the pop-up after a ✅ under the
    invitation `delivery_id` (so the reply can name that meeting)."""

    PATTERN: ClassVar[re.Pattern[str]] = re.compile(f"r-({_NUMBER})")
    delivery_id: int

    def pack(self) -> str:
        return f"r-{self.delivery_id}"

    @classmethod
    def unpack(cls, payload: str) -> Self | None:
        match = cls.PATTERN.fullmatch(payload)
        return cls(int(match[1])) if match else None


StartPayload = RemindMe
"""Every kind of payload (one so far)."""


def start_payload(args: list[str] | None) -> StartPayload | None:
    """The payload of `/start <payload>`, or None for a plain /start or one not ours."""
    if not args or len(args) != 1:
        return None
    return RemindMe.unpack(args[0])


def start_link(bot_username: str, payload: StartPayload) -> str:
    """The link that opens the bot's private chat with a Start button carrying `payload`."""
    return f"https://t.me/{bot_username}?start={payload.pack()}"
