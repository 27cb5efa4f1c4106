"""Chat with the real bot in a terminal: same Application and handlers, Bot API in-process."""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any, TextIO

from bot.app import PartnerBot, build_application, running
from bot.config import Settings
from bot.i18n import supported_language
from bot.offline import ApiCall, OfflineBotApi, as_update

USER_ID = 1001
BANNER = """partnerbot console: the real bot, offline (no Telegram needed).
Type a command such as /start or /help. A number presses the button shown with it.
Console commands: :lang CODE (your Telegram app's language), :help, :quit (or Ctrl-D).
"""
CONSOLE_HELP = """:lang CODE     pretend your Telegram app is set to CODE (e.g. :lang es)
:inline TEXT   type "@partnerbot TEXT" in a chat (inline mode) and see what is offered
:help          this list
:quit          leave (Ctrl-D works too)
"""


class Console:
    """Turns typed lines into Telegram updates and prints what the bot sends back."""

    def __init__(
        self, app: PartnerBot, api: OfflineBotApi, out: TextIO, echo: bool, files_dir: Path
    ) -> None:
        self.app, self.api, self.out, self.echo = app, api, out, echo
        self.files_dir = files_dir
        self.user: dict[str, Any] = {
            "id": USER_ID,
            "is_bot": False,
            "first_name": "You",
            # Like a phone, the console tells the bot the system's language (LANG=es_BO...).
            "language_code": supported_language(os.environ.get("LANG")) or "en",
        }
        self.chat: dict[str, Any] = {"id": USER_ID, "type": "private", "first_name": "You"}
        self.buttons: list[tuple[dict[str, Any], str]] = []
        api.on_call = self.show

    async def handle(self, line: str) -> bool:
        """Act on one typed line; False when the user wants to leave."""
        line = line.strip()
        if self.echo and line:
            self.print(f"you> {line}")
        if not line:
            return True
        if line.startswith(":inline"):
            update = self.api.inline_query(self.user, line.removeprefix(":inline").strip())
            await self.app.process_update(as_update(update, self.app.bot))
            return True
        if line.startswith(":"):
            return self.meta(line)
        if line.isdigit():
            await self.press(int(line))
            return True
        update = self.api.user_message(self.user, self.chat, line)
        await self.app.process_update(as_update(update, self.app.bot))
        return True

    def meta(self, line: str) -> bool:
        name, _, arg = line[1:].partition(" ")
        if name in ("quit", "q", "exit"):
            return False
        if name == "lang" and arg.strip():
            self.user["language_code"] = arg.strip()
            self.print(f"(your Telegram app now says language_code={arg.strip()})")
        else:
            self.print(CONSOLE_HELP.rstrip())
        return True

    async def press(self, number: int) -> None:
        if not 1 <= number <= len(self.buttons):
            self.print(f"(there is no button {number} on the last keyboard)")
            return
        message, data = self.buttons[number - 1]
        update = self.api.button_press(self.user, message, data)
        await self.app.process_update(as_update(update, self.app.bot))

    def show(self, call: ApiCall, result: Any) -> None:
        """Print what the bot did, as a phone would show it."""
        if call.method in ("sendMessage", "editMessageText"):
            label = "bot" if call.method == "sendMessage" else "bot (edited)"
            self.print(f"{label}:")
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
    api = OfflineBotApi()
    app = build_application(settings, request=api, demo=True)
    interactive = stdin.isatty()
    async with running(app):
        files_dir = Path(tempfile.mkdtemp(prefix="partnerbot-console-"))
        console = Console(app, api, out, echo=not interactive, files_dir=files_dir)
        console.print(BANNER)
        while True:
            if interactive:
                out.write("you> ")
                out.flush()
            line = await asyncio.to_thread(stdin.readline)
            if not line:  # end of input: a pipe ran dry or Ctrl-D
                break
            if not await console.handle(line):
                break
