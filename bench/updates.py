"""Per-update cost: /partner, /milestones and /exchanges against a bare echo bot, warm and cold.

Every bot here is a real PTB Application in this process on the in-process Bot API
(harness.fake_telegram.OfflineTelegram), driven by `await app.process_update(update)` one
update at a time, as PTB does without concurrent updates. The echo bot is truly bare:
`ApplicationBuilder().token(...)` and one handler, no Defaults, no rate limiter.
partnerbot is `build_application` with a rate limiter that never waits (rates 0), reading
a real temporary SQLite database seeded by Storage.open (plus the example phase, so
/milestones and /exchanges have something upcoming), with a fixed clock.

- *warm*: as the bot runs, replies kept since the last change of the network's data.
- *cold*: the kept replies are dropped before every update, so every update renders its
  reply afresh (what the bot kept besides replies stays: the reader's settings and the
  network's small tables, cards and calendar of the minute, read once per change of the
  network's data).
- *first after a change*: the network's data changed just before the update (a commit
  by the bot's connection), so it reads all it needs anew: a one-off per change.

Two reference bots, bare as the echo, send partnerbot's replies (text and keyboard) from a
dict: with `Message.reply_text`, which parses Telegram's answer into a `Message`, and with
`bot.telegram.answers.reply`, which does not: the send path before and after, in one run.

    .venv/bin/python -m bench.updates [--count 2000] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import itertools
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import Application, ApplicationBuilder, MessageHandler
from telegram.ext import filters as tg_filters
from telegram.request import RequestData

from bench.report import verdict, write_section
from bot.app import build_application, running
from bot.config import Settings
from bot.model.clock import MovableClock
from bot.telegram import answers
from bot.telegram.limits import Keyboard
from bot.telegram.pacing import Pacer
from harness.fake_telegram import OfflineTelegram, as_update
from storage.store import Storage

TARGET_WARM = 1.5
TARGET_COLD = 3.0
COMMANDS = {
    "/partner <query>": ("/partner mtwara", "/partner deutschland", "/partner energie"),
    "/milestones": ("/milestones",),
    "/exchanges": ("/exchanges",),
}
LANGUAGES = ("en", "de", "es")  # Telegram's language_code of the users, in turn
USERS = 60
WARM_UP = 200
CHUNK = 100  # updates per turn; the bots take turns so the machine's noise hits all alike
AFTER_CHANGE = 30  # changes of the network's data, each followed by one timed update
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
App = Application[Any, Any, Any, Any, Any, Any]
Handler = Callable[[Update, Any], Any]


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


def limiter() -> Pacer:
    """partnerbot's own limiter as the tests use it: the same code path, no waiting."""
    return Pacer(None)


def bare_app(api: OfflineTelegram, handler: Handler) -> App:
    """A bare PTB bot: no Defaults, no rate limiter, one handler."""
    app = ApplicationBuilder().token("0:offline").request(api).get_updates_request(api).build()
    app.add_handler(MessageHandler(tg_filters.TEXT, handler))
    return app


async def echo(update: Update, _context: Any) -> None:
    assert update.message is not None and update.message.text is not None
    await update.message.reply_text(update.message.text)


Replies = dict[tuple[str, str], tuple[str, InlineKeyboardMarkup | None]]


def same_reply(replies: Replies, unparsed: bool) -> Handler:
    """A handler that sends partnerbot's reply to this text and language, found in a dict:
    with reply_text (Telegram's answer parsed) or bot.telegram.answers (not parsed)."""

    async def reply(update: Update, context: Any) -> None:
        message = update.message
        assert message is not None and message.text and message.from_user
        text, markup = replies[(message.text, message.from_user.language_code or "")]
        if unparsed:
            await answers.reply(context.bot, message, text, markup)
        else:
            await message.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)

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
    def own_us(self) -> float:
        """Per update, without the in-process Bot API's work (Telegram's side)."""
        return (self.seconds - self.api_seconds) / self.count * 1e6

    @property
    def per_second(self) -> float:
        return self.count / self.seconds

    @property
    def api_share(self) -> float:
        return self.api_seconds / self.seconds


@dataclass
class Side:
    """One bot under test and the update stream it is fed; `before_each` runs before every
    update, inside the timing (partnerbot cold: its kept replies dropped)."""

    app: App
    api: TimedApi
    users: Sequence[dict[str, Any]]
    before_each: Callable[[], None] | None = None
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
        before = self.before_each
        start = time.perf_counter()
        for update in updates:
            if before is not None:
                before()
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


@dataclass
class Results:
    """Per command: partnerbot warm and cold, echo, the two same-reply bots; and the
    microseconds of each first update after a change of the network's data."""

    sides: dict[str, dict[str, Figures]]
    after_change: dict[str, tuple[list[float], list[float]]]


SIDES = ("warm", "cold", "echo", "reply_text", "unparsed")


async def after_changes(
    side: Side, echo_side: Side, storage: Storage, texts: Sequence[str]
) -> tuple[list[float], list[float]]:
    """Change the network's data, then time one update, and one of the echo's right after
    (the same moment's machine); AFTER_CHANGE times. Microseconds of each."""
    mine: list[float] = []
    echoes: list[float] = []
    pairs = zip(
        side.updates(texts, AFTER_CHANGE), echo_side.updates(texts, AFTER_CHANGE), strict=True
    )
    for update, echo_update in pairs:
        async with storage.db.transaction() as conn:  # as a coordinator's import would
            await conn.execute("UPDATE municipalities SET name = name WHERE rowid = 1")
        for bot, timed, into in ((side, update, mine), (echo_side, echo_update, echoes)):
            start = time.perf_counter()
            await bot.app.process_update(timed)
            into.append((time.perf_counter() - start) * 1e6)
    return mine, echoes


async def measure(count: int, clock: MovableClock, db_path: Path) -> Results:
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
    warm = Side(app, api, users)
    replies: Replies = {}
    after: dict[str, tuple[list[float], list[float]]] = {}
    async with running(app):
        storage = app.bot_data.storage
        assert storage is not None
        kept = storage.db.replies
        cold = Side(app, api, users, before_each=kept.drop_all)
        for texts in COMMANDS.values():  # warm up: caches, imports, SQLite pages
            warm_up = warm.updates(texts, WARM_UP)
            await warm.run("warm-up", warm_up)
            replies |= warm.replies(warm_up)
        apis = [TimedApi(clock=clock) for _ in range(3)]
        others = [
            Side(bare_app(apis[0], echo), apis[0], users),
            Side(bare_app(apis[1], same_reply(replies, unparsed=False)), apis[1], users),
            Side(bare_app(apis[2], same_reply(replies, unparsed=True)), apis[2], users),
        ]
        sides = (warm, cold, *others)
        async with AsyncExitStack() as stack:
            for side in others:
                await stack.enter_async_context(started(side.app))
            for texts in COMMANDS.values():
                for side in others:
                    await side.run("warm-up", side.updates(texts, WARM_UP))
            gc.collect()
            for _turn in range(max(count // CHUNK, 1)):
                for name, texts in COMMANDS.items():
                    for side in sides:
                        await side.run(name, side.updates(texts, CHUNK))
            for name, texts in COMMANDS.items():
                after[name] = await after_changes(warm, others[0], storage, texts)
    return Results(
        {
            name: dict(zip(SIDES, (s.figures[name] for s in sides), strict=True))
            for name in COMMANDS
        },
        after,
    )


def report(results: Results) -> tuple[str, bool]:
    rows = [
        "| measure | figure | target | verdict |",
        "|---|---:|---:|---|",
    ]
    all_ok = True
    for name, f in results.sides.items():
        echo = f["echo"]
        first, echo_then = (statistics.median(t) for t in results.after_change[name])
        rows.append(
            f"| {name}: µs per update, warm; cold (bare echo) "
            f"| {f['warm'].mean_us:,.0f}; {f['cold'].mean_us:,.0f} ({echo.mean_us:,.0f}) | | |"
        )
        for label, side, target in (
            ("warm", f["warm"], TARGET_WARM),
            ("cold", f["cold"], TARGET_COLD),
        ):
            ratio, own = side.mean_us / echo.mean_us, side.own_us / echo.own_us
            all_ok &= ratio <= target
            rows += [
                f"| {name}: {label}, ratio to echo | {ratio:.2f}× | ≤ {target}× "
                f"| {verdict(ratio <= target)} |",
                f"| {name}: {label}, ratio to echo, the bots' own work "
                f"| {own:.2f}× | ≤ {target}× | {verdict(own <= target)} |",
            ]
        rows += [
            f"| {name}: updates/s on one core, warm; cold "
            f"| {f['warm'].per_second:,.0f}; {f['cold'].per_second:,.0f} | | |",
            f"| {name}: first update after a change of the network's data, median "
            f"| {first:,.0f} µs ({first / echo_then:.1f}× an echo timed beside it) "
            "| | once per change |",
            f"| {name}: same reply by a bare bot, reply_text → unparsed (µs) "
            f"| {f['reply_text'].mean_us:,.0f} → {f['unparsed'].mean_us:,.0f} | | |",
            f"| {name}: share in the in-process Bot API, warm; cold (echo) "
            f"| {f['warm'].api_share:.0%}; {f['cold'].api_share:.0%} ({echo.api_share:.0%}) "
            "| | |",
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
        "In-process Bot API (`OfflineTelegram`); one asyncio thread, so updates/s is on one "
        "core. *Bare echo*: `ApplicationBuilder().token(...)` and one handler answering with "
        "`reply_text` what it got; no `Defaults`, no rate limiter. *Warm*: partnerbot as it "
        "runs, replies kept until the network's data changes. *Cold*: partnerbot with its "
        "kept replies dropped before every update (inside the timing), so each update "
        "renders its reply afresh; the reader's settings and the network's small tables, "
        "cards and calendar of the minute (events and the series' next meetings) stay kept, "
        "as they do until a change of that data. *First update after "
        f"a change*: {AFTER_CHANGE} times, a commit to the network's data, then one update "
        "timed: everything read anew. *Same reply*: a bare bot sending partnerbot's reply "
        "(text and keyboard) from a dict, with `reply_text` (Telegram's answer parsed into a "
        "`Message`) and with `bot.telegram.answers` (not parsed): the send path before and "
        "after. The share in the in-process Bot API is Telegram's side of the work "
        "(checking the HTML, building the answer), which a deployment does not pay in its "
        "process; *the bots' own work* is each bot's time without it (the in-process API "
        "checks partnerbot's long HTML replies, the echo's short plain texts). The verdict "
        "of the benchmark is on the whole time.",
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
