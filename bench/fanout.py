"""Benchmark 1, fan-out: 1,000 groups with a reminder due at the same instant.

`partnerbot run` runs as a real process (polling) against the fake Bot API server on
loopback, which enforces Telegram's limits (30 messages a second per bot, 20 a minute per
group; counted as a leaky bucket or in a sliding window) and answers more with 429; it
can add a round-trip time to every request. Runs:

- the fan-out under both limit models, at 0 and at 50 ms added latency;
- one group with 25 posts due at once during the fan-out (its minute is used up);
- users' commands during the fan-out, and how long their replies took.

`--bot-source DIR` runs another checkout's bot (e.g. an older commit, for before/after
figures); `--dry-run` prints without touching bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import shutil
import signal
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.report import percentile, verdict, write_section
from bot.config import DEFAULT_TIMEZONE
from bot.schedule.replan import replan
from harness.bot_process import TOKEN, BotProcess
from harness.botapi_server import SENDS, BotApiServer, FloodLimits, FloodModel
from harness.network_setup import follow, group, next_meeting, pile_up
from storage.store import Storage

GROUPS = 1000
PER_SECOND = 30
PER_GROUP_MINUTE = 20
LEAD = timedelta(seconds=3)  # the bot starts this long before the reminders fall due
SLOW = 0.050  # seconds added to every request: a bot far from Telegram's servers
BUSY_CHAT, BUSY_POSTS = -99_000, 25
USERS = [600 + n for n in range(4)]
COMMANDS = ("/start", "/milestones")
ASK_EVERY = 0.5  # seconds between two commands (from the users in turn)
CHATS = [-100_000 - n for n in range(GROUPS)]


@dataclass(frozen=True)
class Condition:
    model: FloodModel
    latency: float

    @property
    def label(self) -> str:
        return f"{self.model.value}, {self.latency * 1000:.0f} ms"


@dataclass
class Measured:
    condition: Condition
    reminders: list[float]
    """Arrival (monotonic s) of each reminder to the 1,000 groups, in order."""
    groups: int
    refused_429: int
    busiest_second: int
    """Most messages (of any kind) that arrived in one sliding second."""
    tightest: float
    """Shortest time in which 31 messages arrived: the limit's margin (> 1 s: none too many)."""
    wall: float
    busy: list[float] = field(default_factory=list)
    replies: list[float] = field(default_factory=list)
    """Seconds from a command's delivery to its reply's arrival."""
    commands: int = 0

    @property
    def seconds(self) -> float:
        return self.reminders[-1] - self.reminders[0] if self.reminders else float("nan")

    @property
    def ratio(self) -> float:
        return self.seconds / (GROUPS / PER_SECOND)


async def prepare(workdir: Path) -> tuple[Path, datetime]:
    """One database that every run copies: 1,000 groups following Bonn–La Paz with a
    meeting reminder an hour before (invitations only at the meeting: not measured)."""
    template = workdir / "template.sqlite3"
    meeting = await next_meeting(template, datetime(2026, 11, 23, tzinfo=UTC))
    due = meeting - timedelta(minutes=60)
    await follow(template, BotApiServer(), CHATS, due - LEAD, invite_days=0)
    storage = await Storage.open(template)
    try:  # planned, as in a bot that has been running: its start finds nothing new
        await replan(storage, due - LEAD, ZoneInfo(DEFAULT_TIMEZONE))
    finally:
        await storage.close()
    return template, due


async def run(
    workdir: Path,
    template: Path,
    due: datetime,
    condition: Condition,
    *,
    busy: bool = False,
    ask: bool = False,
    bot_source: Path | None = None,
) -> Measured:
    started = time.perf_counter()
    name = f"{condition.model.name.lower()}-{condition.latency * 1000:.0f}-{busy}-{ask}"
    db = workdir / f"{name}.sqlite3"
    shutil.copy(template, db)
    flood = FloodLimits(PER_SECOND, PER_GROUP_MINUTE, condition.model)
    server = BotApiServer(token=TOKEN, flood=flood, latency=condition.latency)
    for chat_id in CHATS:
        server.api.add_chat(group(chat_id))
    start = due - LEAD
    if busy:  # overdue by a second when the bot starts at `due`: sent with the fan-out
        server.api.add_chat(group(BUSY_CHAT))
        storage = await Storage.open(db)
        try:
            await pile_up(storage, BUSY_CHAT, BUSY_POSTS, due - timedelta(seconds=1))
        finally:
            await storage.close()
        start = due
    await server.start()
    bot = BotProcess(server.url, db, workdir / f"{name}.log")
    if bot_source is not None:
        bot.cwd = bot_source
    wanted = GROUPS + (BUSY_POSTS if busy else 0)
    asked: dict[int, list[float]] = {u: [] for u in USERS}
    # Counted as calls come, each looked at once: the server checks after every call, and
    # a scan of all calls each time would slow the server (and move its arrival times).
    reminders = Tally(server, _is_reminder)
    posts = Tally(server, lambda c: _is_reminder(c) or _to(c, BUSY_CHAT))
    replies = Tally(server, lambda c: any(_to(c, u) for u in USERS))
    gc.disable()  # the server's arrival times must not jump with our collector: see README
    try:
        await bot.start(clock_start=start)
        asking = None
        if ask:
            await server.wait_for(lambda: reminders() > 0, within=60)
            asking = asyncio.create_task(_ask(server, asked, lambda: reminders() >= GROUPS))
        await server.wait_for(lambda: posts() >= wanted, within=300)
        if asking is not None:
            await asking
            total = sum(len(v) for v in asked.values())
            await server.wait_for(lambda: replies() >= total, within=30)
        await bot.stop(signal.SIGINT)
    finally:
        await server.stop()
        gc.enable()
        gc.collect()
    calls = server.api.calls
    reminders = [c.at for c in calls if _is_reminder(c)]
    accepted = sorted(c.at for c in calls if c.method.startswith(SENDS) and c.error is None)
    measured = Measured(
        condition,
        reminders,
        len({c.params["chat_id"] for c in calls if _is_reminder(c)}),
        server.refused_429,
        busiest(accepted, 1.0),
        _tightest(accepted, PER_SECOND + 1),
        time.perf_counter() - started,
        busy=[c.at for c in calls if _to(c, BUSY_CHAT)],
    )
    if ask:
        for user_id, times in asked.items():
            answers = [c.at for c in calls if _to(c, user_id)]
            measured.replies += [a - q for q, a in zip(times, answers, strict=False)]
            measured.commands += len(times)
    return measured


async def _ask(
    server: BotApiServer, asked: dict[int, list[float]], over: Any, every: float = ASK_EVERY
) -> None:
    """Users send commands in turn, one every `every` seconds, until the fan-out is over."""
    n = 0
    while not over():
        user_id = USERS[n % len(USERS)]
        who = {"id": user_id, "is_bot": False, "first_name": f"user {user_id}"}
        who["language_code"] = ("en", "de", "es", "fr")[n % 4]
        chat = {"id": user_id, "type": "private", "first_name": who["first_name"]}
        update = server.api.user_message(who, chat, COMMANDS[(n // len(USERS)) % len(COMMANDS)])
        asked[user_id].append(time.monotonic())
        await server.deliver(update)
        n += 1
        await asyncio.sleep(every)


def _to(call: Any, chat_id: int) -> bool:
    return bool(
        call.method == "sendMessage" and call.result and call.result["chat"]["id"] == chat_id
    )


def _is_reminder(call: Any) -> bool:
    return bool(
        call.method == "sendMessage"
        and call.result
        and call.result["chat"]["id"] <= CHATS[0]
        and call.result["chat"]["id"] >= CHATS[-1]
    )


@dataclass
class Tally:
    """How many of the server's calls so far match, each call looked at once."""

    server: BotApiServer
    match: Callable[[Any], bool]
    seen: int = 0
    count: int = 0

    def __call__(self) -> int:
        calls = self.server.api.calls
        for call in calls[self.seen :]:
            self.count += self.match(call)
        self.seen = len(calls)
        return self.count


def busiest(times: list[float], span: float) -> int:
    """Most instants in any window of `span` seconds (two pointers over sorted times)."""
    most, low = 0, 0
    for high, at in enumerate(times):
        while times[low] <= at - span:
            low += 1
        most = max(most, high - low + 1)
    return most


FAN_OUT_HEADER = (
    "| limit model, added latency | reminders | fan-out time | against theory (≤ 1.05×) "
    "| 429 answers (0) | most messages in any 1 s (≤ 30) | shortest time holding 31 |"
    "\n|---|---|---:|---:|---:|---:|---:|"
)


def _tightest(times: list[float], count: int) -> float:
    """The shortest span holding `count` of these instants."""
    spans = [b - a for a, b in zip(times, times[count - 1 :], strict=False)]
    return min(spans, default=float("inf"))


def fan_out_rows(runs: list[Measured]) -> str:
    lines = []
    for m in runs:
        lines.append(
            f"| {m.condition.label} | {len(m.reminders):,} to {m.groups:,} | {m.seconds:.1f} s | "
            f"{m.ratio:.3f}× {verdict(m.ratio <= 1.05)} | "
            f"{m.refused_429} {verdict(m.refused_429 == 0)} | "
            f"{m.busiest_second} {verdict(m.busiest_second <= PER_SECOND)} | "
            f"{m.tightest:.3f} s |"
        )
    return "\n".join(lines)


def busy_rows(m: Measured) -> str:
    posts = m.busy
    first_minute = sum(1 for t in posts if t - posts[0] < 60.0) if posts else 0
    took = posts[-1] - posts[0] if posts else float("nan")
    theory = (GROUPS + PER_GROUP_MINUTE) / PER_SECOND
    others = m.seconds
    delivered = len(posts) == BUSY_POSTS and len(m.reminders) == GROUPS
    return "\n".join(
        [
            f"| posts to the busy group | {len(posts)} of {BUSY_POSTS} | all | "
            f"{verdict(len(posts) == BUSY_POSTS)} |",
            f"| … in its first minute | {first_minute} | ≤ {PER_GROUP_MINUTE} | "
            f"{verdict(first_minute <= PER_GROUP_MINUTE)} |",
            f"| … first to last | {took:.1f} s | 60 s and a little (20, then the rest "
            f"once the first has left the minute) | {verdict(60.0 <= took <= 65.0)} |",
            f"| 429 answers | {m.refused_429} | 0 | {verdict(m.refused_429 == 0)} |",
            f"| the other 1,000 groups: first to last | {others:.1f} s | — | |",
            f"| … against theory ((1,000 + 20) / 30 = {theory:.1f} s) | "
            f"{others / theory:.3f}× | ≤ 1.05× | "
            f"{verdict(delivered and others / theory <= 1.05)} |",
        ]
    )


def reply_rows(m: Measured) -> str:
    replies = m.replies
    p50, p95 = percentile(replies, 50), percentile(replies, 95)
    answered = len(replies) == m.commands
    shared = (GROUPS + len(replies)) / PER_SECOND  # the replies take their share of 30/s
    return "\n".join(
        [
            f"| commands answered | {len(replies)} of {m.commands} | all | {verdict(answered)} |",
            f"| reply time p50 | {p50 * 1000:.0f} ms | | |",
            f"| reply time p95 | {p95 * 1000:.0f} ms | ≤ 1,000 ms | {verdict(p95 <= 1.0)} |",
            f"| reply time max | {max(replies) * 1000:.0f} ms | | |",
            f"| reply time mean | {statistics.fmean(replies) * 1000:.0f} ms | | |",
            f"| fan-out meanwhile: {len(m.reminders):,} to {m.groups:,} groups in "
            f"{m.seconds:.1f} s | {m.ratio:.3f}× | ≤ 1.10× | {verdict(m.ratio <= 1.10)} |",
            f"| … against theory with the replies ((1,000 + {len(replies)}) / 30 = "
            f"{shared:.1f} s) | {m.seconds / shared:.3f}× | — | |",
            f"| 429 answers | {m.refused_429} | 0 | {verdict(m.refused_429 == 0)} |",
            f"| most messages in any 1 s | {m.busiest_second} | ≤ {PER_SECOND} | "
            f"{verdict(m.busiest_second <= PER_SECOND)} |",
        ]
    )


async def measure(bot_source: Path | None) -> tuple[list[Measured], Measured, Measured, float]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        template, due = await prepare(workdir)
        runs = []
        for model in (FloodModel.LEAKY_BUCKET, FloodModel.SLIDING_WINDOW):
            for latency in (0.0, SLOW):
                runs.append(
                    await run(
                        workdir, template, due, Condition(model, latency), bot_source=bot_source
                    )
                )
        strict = Condition(FloodModel.SLIDING_WINDOW, 0.0)
        busy = await run(workdir, template, due, strict, busy=True, bot_source=bot_source)
        slow_strict = Condition(FloodModel.SLIDING_WINDOW, SLOW)
        asked = await run(workdir, template, due, slow_strict, ask=True, bot_source=bot_source)
    return runs, busy, asked, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write README")
    parser.add_argument("--bot-source", type=Path, help="run the bot from this checkout")
    args = parser.parse_args()
    runs, busy, asked, wall = asyncio.run(measure(args.bot_source))
    theory = GROUPS / PER_SECOND
    body = f"""
{GROUPS:,} groups follow Bonn–La Paz; each has a meeting reminder due at the same instant.
`partnerbot run` (a real process, polling) against the fake Bot API server on loopback
(`harness/botapi_server.py`), which allows {PER_SECOND} messages a second per bot and
{PER_GROUP_MINUTE} a minute per group and answers more with 429 and `retry_after`. It counts
arrivals either as a **leaky bucket** (a burst of 30, then 30/s: the model PTB's
`AIORateLimiter` paces by) or in a **sliding window** (at most 30 in any second, 20 in any
60 s per group: no burst above the limit, ever), and can wait a fixed time before each
answer (**latency**: 50 ms is a bot hosted far from Telegram's servers). Fan-out time is
from the first reminder's arrival at the server to the last one's (the shortest time in
which 31 messages arrived shows what is left of the bot's 20 ms margin: the sliding
window refuses below 1 s); theory is
{GROUPS:,} / {PER_SECOND} = {theory:.1f} s. Each run starts the bot {LEAD.seconds} s before
the reminders fall due, on a copy of one prepared database.

{FAN_OUT_HEADER}
{fan_out_rows(runs)}

**One group with {BUSY_POSTS} posts at once** (sliding window, 0 ms): during the same
fan-out, a group that follows nothing has {BUSY_POSTS} invitations due at the same instant
(`harness/network_setup.py: pile_up`). Telegram allows it 20 in any minute; the other 5
must wait until its first post has left the minute, without holding up the others.

| measure | figure | target | verdict |
|---|---|---|---|
{busy_rows(busy)}

**Commands during the fan-out** (sliding window, 50 ms): {len(USERS)} users in private
chats send `/start` and `/milestones` in turn, one command every {ASK_EVERY} s, from the
first reminder's arrival until the last; each is delivered through `getUpdates`. Reply time
is from the update's delivery to the server to the reply's arrival there, so it includes
the long poll's return and both latencies.

| measure | figure | target | verdict |
|---|---|---|---|
{reply_rows(asked)}

The server runs in the benchmark's process with Python's cyclic garbage collector off
during each run: the calls it keeps make its collections slow, and a pause stamps the
arrivals behind it late, drawing 429s that Telegram, whose servers do not pause with
ours, would not send (two sliding-window runs side by side: the shortest time holding 31
arrivals was 1.0007 s, one 429, with the collector on; 1.0147 s, none, with it off). The
bot's own process runs as shipped.

Whole benchmark (set-up, {len(runs) + 2} runs of start, fan-out, stop): {wall:.0f} s.
"""
    if args.dry_run:
        print(body)
    else:
        write_section("fanout", body)


if __name__ == "__main__":
    main()
