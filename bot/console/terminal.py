"""Chat with the real bot in a terminal: same Application and handlers, Bot API in-process."""

from __future__ import annotations

import asyncio
import os
import re
import sys
import tempfile
import textwrap
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from bot.app import build_application, running
from bot.config import Settings
from bot.console.telegram import ApiCall
from bot.console.transport import OfflineBotApi, as_update
from bot.model.clock import MovableClock, clock_from
from bot.schedule.jobs import scheduler_of
from bot.telegram.context import BotApplication
from bot.text.i18n import supported_language

USER_ID = 1001
GROUP = {"id": -1001001, "type": "supergroup", "title": "Bonn – La Paz (console group)"}
BANNER = """partnerbot console: the real bot, offline (no Telegram needed).
Type a command such as /start or /help. A number presses the button shown with it.
Console commands: :group, :private, :user N, :clock +1d, :lang CODE, :help, :quit.
"""
CONSOLE_HELP = """:lang CODE     pretend your Telegram app is set to CODE (e.g. :lang es)
:inline TEXT   type "@partnerbot TEXT" in a chat (inline mode) and see what is offered
:group         talk in a group chat (the bot is added; you, user 1001, are its creator)
:private       back to your private chat with the bot
:user N        act as user N (in the group: a plain member unless N is 1001)
:clock +3d     move the bot's clock (+30m, +2h, +3d, +1w, or 2026-12-01T08:00 in the
               network's zone); due reminders are then posted
:help          this list
:quit          leave (Ctrl-D works too)
"""
_STEP = re.compile(r"^\+(\d+)([mhdw])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
MAX_STOPS = 500  # a clock move stops at most this often to send what falls due


def console_database(path: Path) -> Path:
    """'partnerbot.sqlite3' -> 'partnerbot-console.sqlite3', next to it."""
    return path.with_name(f"{path.stem}-console{path.suffix}")


class Console:
    """Turns typed lines into Telegram updates and prints what the bot sends back."""

    def __init__(
        self,
        app: BotApplication,
        api: OfflineBotApi,
        clock: MovableClock,
        out: TextIO,
        echo: bool,
        files_dir: Path,
    ) -> None:
        self.app, self.api, self.clock, self.out, self.echo = app, api, clock, out, echo
        self.files_dir = files_dir
        # Like a phone, the console tells the bot the system's language (LANG=es_BO...).
        self.language = supported_language(os.environ.get("LANG")) or "en"
        self.users: dict[int, dict[str, Any]] = {}
        self.user = self._user(USER_ID)
        self.chat: dict[str, Any] = self._private()
        self.group_joined = False
        self._last_said = ""
        self.buttons: list[tuple[dict[str, Any], str]] = []
        api.on_call = self.show

    def _user(self, user_id: int) -> dict[str, Any]:
        return self.users.setdefault(
            user_id,
            {
                "id": user_id,
                "is_bot": False,
                "first_name": f"User {user_id}",
                "language_code": self.language,
            },
        )

    def _private(self) -> dict[str, Any]:
        return {"id": self.user["id"], "type": "private", "first_name": self.user["first_name"]}

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        if self.echo and line:
            self.print(f"you> {line}")
        if not line:
            return True
        if line.startswith(":"):
            return await self.meta(line)
        if line.isdigit():
            await self.press(int(line))
            return True
        await self.feed(self.api.user_message(self.user, self.chat, line))
        return True

    async def feed(self, update: dict[str, Any]) -> None:
        """Process one update, then send what it made due (e.g. a new subscription's
        invitation) right away, so the console's output follows the typed lines."""
        await self.app.process_update(as_update(update, self.app.bot))
        await scheduler_of(self.app).dispatcher.run(self.app.bot)

    async def meta(self, line: str) -> bool:
        name, _, arg = line[1:].partition(" ")
        arg = arg.strip()
        if name in ("quit", "q", "exit"):
            return False
        if name == "lang" and arg:
            self.user["language_code"] = arg
            self.print(f"(your Telegram app now says language_code={arg})")
        elif name == "inline":
            await self.feed(self.api.inline_query(self.user, arg))
        elif name == "group":
            await self.enter_group()
        elif name == "private":
            self.chat = self._private()
            self.print("(you are in your private chat with the bot)")
        elif name == "user" and arg.isdigit():
            self.user = self._user(int(arg))
            if self.chat["type"] == "private":
                self.chat = self._private()
            self.print(f"(you are now user {arg})")
        elif name == "clock" and arg:
            await self.move_clock(arg)
        else:
            self.print(CONSOLE_HELP.rstrip())
        return True

    async def enter_group(self) -> None:
        self.api.add_chat(GROUP, {USER_ID: "creator"})
        self.chat = GROUP
        self.print(f"(you are in the group “{GROUP['title']}” as user {self.user['id']})")
        if not self.group_joined:  # the first time, the bot is added to the group
            self.group_joined = True
            await self.feed(
                self.api.member_change(GROUP, self._user(USER_ID), "left", "administrator")
            )

    async def move_clock(self, arg: str) -> None:
        step = _STEP.match(arg)
        settings = self.app.bot_data.settings
        assert settings is not None
        try:
            if step:
                target = self.clock.now() + timedelta(**{_UNITS[step[2]]: int(step[1])})
            else:
                moment = datetime.fromisoformat(arg)
                target = moment if moment.tzinfo else moment.replace(tzinfo=settings.timezone)
        except ValueError:
            self.print("(use +30m, +2h, +3d, +1w or a date like 2026-12-01T08:00)")
            return
        # Live through the time, as a running bot would: stop at each due post, send it.
        storage = self.app.bot_data.storage
        assert storage is not None
        for _ in range(MAX_STOPS):
            due = await storage.outbox.next_due()
            if due is None or due > target:
                break
            self.clock.set(max(due, self.clock.now()))
            self._say_time(settings.timezone)
            await scheduler_of(self.app).dispatcher.run(self.app.bot)
            await scheduler_of(self.app).replan()
        self.clock.set(max(target, self.clock.now()))
        self._say_time(settings.timezone)
        await scheduler_of(self.app).replan()
        await scheduler_of(self.app).dispatcher.run(self.app.bot)

    def _say_time(self, zone: ZoneInfo) -> None:
        local = self.clock.now().astimezone(zone)
        if local.strftime("%Y-%m-%d %H:%M") != self._last_said:
            self._last_said = local.strftime("%Y-%m-%d %H:%M")
            self.print(f"(the clock says {self._last_said} {zone.key})")

    async def press(self, number: int) -> None:
        if not 1 <= number <= len(self.buttons):
            self.print(f"(there is no button {number} on the last keyboard)")
            return
        message, data = self.buttons[number - 1]
        await self.feed(self.api.button_press(self.user, message, data))

    def show(self, call: ApiCall, result: Any) -> None:
        """Print what the bot did, as a phone would show it."""
        if call.method in ("sendMessage", "editMessageText", "editMessageReplyMarkup"):
            label = {
                "sendMessage": "bot",
                "editMessageText": "bot (edited)",
                "editMessageReplyMarkup": "bot (buttons updated)",
            }[call.method]
            where = result["chat"].get("title")
            self.print(f"{label} in “{where}”:" if where else f"{label}:")
            if call.method != "editMessageReplyMarkup":
                self.print(textwrap.indent(result["text"], "  "))
            self.keyboard(result)
        elif call.method == "answerCallbackQuery" and call.params.get("text"):
            self.print(f"bot (pop-up): {call.params['text']}")
        elif call.method == "sendDocument":
            for name, content in call.files.values():
                path = self.files_dir / Path(name).name
                path.write_bytes(content)
                self.print(f"bot sent a file: {path.name} ({len(content)} bytes), saved as {path}")
            if call.params.get("caption"):
                self.print(textwrap.indent(call.params["caption"], "  "))
        elif call.method == "answerInlineQuery":
            self.print("inline results (what you could share in a chat):")
            for number, item in enumerate(call.params.get("results", []), start=1):
                self.print(f"  {number}. {item['title']} ({item.get('description', '')})")

    def keyboard(self, message: dict[str, Any]) -> None:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows:
            return
        self.buttons = []
        for row in rows:
            cells = []
            for key in row:
                self.buttons.append((message, key.get("callback_data", "")))
                cells.append(f"[{len(self.buttons)}] {key['text']}")
            self.print("  " + "   ".join(cells))

    def print(self, text: str) -> None:
        print(text, file=self.out, flush=True)


async def run_console(
    settings: Settings, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    # Its own database beside the configured one: the console's offline "Telegram" and its
    # movable clock must never consume or mark the real outbox.
    settings = replace(settings, db_path=console_database(settings.db_path))
    # The console's clock stands still between lines and moves only by `:clock`; it starts
    # at PARTNERBOT_CLOCK_START when set, so a walk-through can be replayed on any date.
    clock = MovableClock(clock_from(settings.clock_start).now())
    api = OfflineBotApi(clock=clock)
    app = build_application(settings, request=api, clock=clock, demo=True)
    interactive = stdin.isatty()
    async with running(app):
        files_dir = Path(tempfile.mkdtemp(prefix="partnerbot-console-"))
        console = Console(app, api, clock, out, echo=not interactive, files_dir=files_dir)
        console.print(BANNER + f"(its database: {settings.db_path})\n")
        while True:
            if interactive:
                out.write("you> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:  # end of input: a pipe ran dry or Ctrl-D
                break
            if not await console.handle(line):
                break
