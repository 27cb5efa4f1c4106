"""Per-update cost: /partner, /milestones and /exchanges against a bare echo bot.

Every bot here is a real PTB Application in this process on the in-process Bot API
(harness.fake_telegram.OfflineTelegram), with the same Defaults (HTML, no link previews)
and the same non-pacing AIORateLimiter (rates 0), driven by `await app.process_update(update)` one
update at a time, as PTB does without concurrent updates. partnerbot reads a real
temporary SQLite database seeded by Storage.open (plus the example phase, so /milestones
and /exchanges have something upcoming), with a fixed clock so every run sees the same data.

A third bot, "same reply", is the bare bot sending partnerbot's replies (text and
keyboard, as partnerbot's kept `Keyboard`) without doing anything to find them: the part
of the cost that is the reply itself (PTB serialising the keyboard and parsing Telegram's
answer, the in-process API checking the HTML), which no work on partnerbot's side removes.

    .venv/bin/python -m bench.updates [--count 2000] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, LinkPreviewOptions, Update
from telegram.constants import ParseMode
from telegram.ext import AIORateLimiter, Application, ApplicationBuilder, Defaults, MessageHandler
from telegram.ext import filters as tg_filters
from telegram.request import RequestData

from bench.report import verdict, write_section
from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.telegram.limits import Keyboard
from harness.fake_telegram import OfflineTelegram, as_update

TARGET_RATIO = 1.5
COMMANDS = {
    "/partner <query>": ("/partner mtwara", "/partner deutschland", "/partner energie"),
    "/milestones": ("/milestones",),
    "/exchanges": ("/exchanges",),
}
LANGUAGES = ("en", "de", "es")  # Telegram's language_code of the users, in turn
USERS = 60
WARM_UP = 200
CHUNK = 100  # updates per turn; the bots take turns so the machine's noise hits all alike
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
App = Application[Any, Any, Any, Any, Any, Any]


@dataclass
class TimedApi(OfflineTelegram):
    """The in-process Bot API, timing its own work (Telegram's side, not the bot's)."""

    busy: float = 0.0

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        *args: Any,
        **kwargs: Any,
    ) -> tuple[int, bytes]:
        start = time.perf_counter()
        try:
            return await super().do_request(url, method, request_data, *args, **kwargs)
        finally:
            self.busy += time.perf_counter() - start


def limiter() -> AIORateLimiter:
    """The same limiter for every bot, as the tests use it: no pacing."""
    return AIORateLimiter(overall_max_rate=0, group_max_rate=0)


def bare_app(api: OfflineTelegram, handler: Callable[[Update, Any], Any]) -> App:
    """A bare PTB bot on the same request layer, defaults and limiter."""
    app = (
        ApplicationBuilder()
        .token("0:offline")
        .request(api)
        .get_updates_request(api)
        .defaults(
            Defaults(
                parse_mode=ParseMode.HTML,
                link_preview_options=LinkPreviewOptions(is_disabled=True),
            )
        )
        .rate_limiter(limiter())
        .build()
    )
    app.add_handler(MessageHandler(tg_filters.TEXT, handler))
    return app


async def echo(update: Update, _context: Any) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


Replies = dict[tuple[str, str], tuple[str, InlineKeyboardMarkup | None]]


def same_reply(replies: Replies) -> Callable[[Update, Any], Any]:
    """A handler that sends partnerbot's reply to this text and language, found in a dict."""

    async def reply(update: Update, _context: Any) -> None:
        message = update.message
        assert message is not None and message.text and message.from_user
        text, markup = replies[(message.text, message.from_user.language_code or "")]
        await message.reply_text(text, reply_markup=markup)

    return reply


@asynccontextmanager
async def started(app: App) -> AsyncIterator[None]:
    await app.initialize()
    await app.start()
    try:
        yield
    finally:
        await app.stop()
        await app.shutdown()


@dataclass
class Figures:
    seconds: float = 0.0
    api_seconds: float = 0.0
    count: int = 0

    @property
    def mean_us(self) -> float:
        return self.seconds / self.count * 1e6

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def api_share(self) -> float:
        return self.api_seconds / self.seconds


@dataclass
class Side:
    """One bot under test and the update stream it is fed."""

    app: App
    api: TimedApi
    users: Sequence[dict[str, Any]]
    figures: dict[str, Figures] = field(default_factory=dict)

    def updates(self, texts: Sequence[str], n: int) -> list[Update]:
        """`n` distinct updates, built before timing (parsing JSON is not the bot's work)."""
        turns = zip(range(n), itertools.cycle(texts), itertools.cycle(self.users), strict=False)
        out = []
        for _i, text, user in turns:
            chat = {"id": user["id"], "type": "private", "first_name": user["first_name"]}
            out.append(as_update(self.api.user_message(user, chat, text), self.app.bot))
        return out

    async def run(self, name: str, updates: Sequence[Update]) -> None:
        """Process `updates` one after the other, adding the time to `name`'s figures."""
        self.api.calls.clear()  # the offline API records every call: keep that bounded
        self.api.messages.clear()
        self.api.busy = 0.0
        start = time.perf_counter()
        for update in updates:
            await self.app.process_update(update)
        elapsed = time.perf_counter() - start
        self._check(len(updates))
        figures = self.figures.setdefault(name, Figures())
        figures.seconds += elapsed
        figures.api_seconds += self.api.busy
        figures.count += len(updates)

    def _check(self, expected: int) -> None:
        """Every update answered, none refused: a failing bot must not look fast."""
        answered = [c for c in self.api.calls if c.method == "sendMessage" and not c.error]
        if len(answered) != expected:
            errors = {c.error for c in self.api.calls if c.error}
            raise SystemExit(f"{len(answered)} of {expected} updates answered; errors: {errors}")

    def replies(self, updates: Sequence[Update]) -> Replies:
        """What this bot answered to each (text, language) of the last run."""
        sent = [c.params for c in self.api.calls if c.method == "sendMessage"]
        found: Replies = {}
        for update, params in zip(updates, sent, strict=True):
            assert update.message and update.message.text and update.message.from_user
            markup = params.get("reply_markup")
            keyboard = Keyboard.of(InlineKeyboardMarkup.de_json(markup, None)) if markup else None
            key = (update.message.text, update.message.from_user.language_code or "")
            found[key] = (params["text"], keyboard)
        return found


def make_users() -> list[dict[str, Any]]:
    return [
        {
            "id": 10_000 + i,
            "is_bot": False,
            "first_name": f"User{i}",
            "language_code": LANGUAGES[i % len(LANGUAGES)],
        }
        for i in range(USERS)
    ]


async def measure(count: int, clock: MovableClock, db_path: Path) -> dict[str, list[Figures]]:
    """Per command: figures of partnerbot, the echo bot and the same-reply bot."""
    users = make_users()
    api = TimedApi(clock=clock)
    app = build_application(
        Settings(db_path=db_path),
        request=api,
        clock=clock,
        demo=True,
        rate_limiter=limiter(),
        schedule=False,
    )
    mine = Side(app, api, users)
    replies: Replies = {}
    async with running(app):
        for texts in COMMANDS.values():  # warm up: caches, imports, SQLite pages
            warm_up = mine.updates(texts, WARM_UP)
            await mine.run("warm-up", warm_up)
            replies |= mine.replies(warm_up)
        echo_api, same_api = TimedApi(clock=clock), TimedApi(clock=clock)
        echo_side = Side(bare_app(echo_api, echo), echo_api, users)
        same_side = Side(bare_app(same_api, same_reply(replies)), same_api, users)
        sides = (mine, echo_side, same_side)
        async with AsyncExitStack() as stack:
            for side in sides[1:]:
                await stack.enter_async_context(started(side.app))
            for texts in COMMANDS.values():
                for side in sides[1:]:
                    await side.run("warm-up", side.updates(texts, WARM_UP))
            gc.collect()
            for _turn in range(max(count // CHUNK, 1)):
                for name, texts in COMMANDS.items():
                    for side in sides:
                        await side.run(name, side.updates(texts, CHUNK))
    return {name: [side.figures[name] for side in sides] for name in COMMANDS}


def report(results: dict[str, list[Figures]]) -> tuple[str, bool]:
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
    ]
    all_ok = True
    for name, (mine, bare, same) in results.items():
        ratio = mine.mean_us / bare.mean_us
        ok = ratio <= TARGET_RATIO
        all_ok &= ok
        rows += [
            f"| {name}: µs per update (echo; same reply) "
            f"| {mine.mean_us:,.0f} ({bare.mean_us:,.0f}; {same.mean_us:,.0f}) | | |",
            f"| {name}: updates/s on one core | {mine.per_second:,.0f} | | |",
            f"| {name}: ratio to echo (same reply to echo) "
            f"| {ratio:.2f}× ({same.mean_us / bare.mean_us:.2f}×) | ≤ {TARGET_RATIO}× "
            f"| {verdict(ok)} |",
            f"| {name}: share in the in-process Bot API (echo) "
            f"| {mine.api_share:.0%} ({bare.api_share:.0%}) | | |",
        ]
    return "\n".join(rows), all_ok


async def main(count: int, write: Callable[[str, str], None]) -> bool:
    with tempfile.TemporaryDirectory(prefix="bench-updates-") as tmp:
        results = await measure(count, MovableClock(NOW), Path(tmp) / "bench.sqlite3")
    body, ok = report(results)
    texts = "; ".join(f"`{t}`" for texts in COMMANDS.values() for t in texts)
    write(
        "updates",
        f"{body}\n\n{count:,} updates per command and bot (after {WARM_UP} to warm up), "
        f"in turns of {CHUNK} so the machine's noise hits all bots alike; private chats of "
        f"{USERS} users with Telegram languages {', '.join(LANGUAGES)}; texts {texts}. "
        "Every bot: in-process Bot API (`OfflineTelegram`), HTML default parse mode, the same "
        "non-pacing `AIORateLimiter` (rates 0); one asyncio thread, so updates/s is on one "
        "core. *Echo* replies with the text it got; *same reply* is the bare bot sending "
        "partnerbot's reply (text and `Keyboard`) from a dict: the cost of the reply itself. "
        "The share in the in-process Bot API is Telegram's side of the work (checking the "
        "HTML, building the answer), which a real deployment does not pay in its process.",
    )
    return ok


def print_section(_name: str, body: str) -> None:
    print(body)


def cli() -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--count", type=int, default=2000, help="updates per command")
    args.add_argument("--dry-run", action="store_true", help="print, leave README.md alone")
    parsed = args.parse_args()
    asyncio.run(main(parsed.count, print_section if parsed.dry_run else write_section))


if __name__ == "__main__":
    cli()
