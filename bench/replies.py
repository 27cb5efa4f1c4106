"""Benchmark 6, replies under flood control: a burst of commands, and one flooded group.

`partnerbot run` (a real process, polling) against the fake Bot API server on loopback,
which counts arrivals in sliding windows, as Telegram does (30 messages in any second per
bot, 20 in any minute per group) and answers more with 429 and `retry_after`. Runs:

- a burst: 1,000 private users send a command at once (600 `/start`, 400 `/subscribe
  bonn`, which stores a subscription and re-plans the chat); at Telegram's limits, at 0 and
  50 ms added latency, and against a server that takes only 10 a second (the unfriendly
  case: most of the bot's sends are refused with 429 and must go again);
- a flooded group: 40 `/phases` in one group (it may receive 20 a minute), then, once its
  20th reply is in, one private `/start`: how long that user waits.

Every command must be answered, once. `--bot-source DIR` runs another checkout's bot (an
older commit, for before figures); `--dry-run` prints without touching bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import signal
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fanout import Tally, busiest
from bench.report import percentile, verdict, write_section
from harness.bot_process import TOKEN, BotProcess
from harness.botapi_server import SENDS, BotApiServer, FloodLimits, FloodModel
from harness.network_setup import group

STARTS, SUBSCRIBES = 600, 400
USER0 = 10_000
GROUP = -77_000
GROUP_COMMANDS = 40
SLOW = 0.050
WAIT = 240.0  # seconds to wait for the last reply before counting it lost


@dataclass(frozen=True)
class Condition:
    per_second: int
    latency: float

    @property
    def label(self) -> str:
        return f"{self.per_second}/s, {self.latency * 1000:.0f} ms"


@dataclass
class Burst:
    condition: Condition
    commands: int
    answered: int
    twice: int
    apologies: int
    refused_429: int
    busiest_second: int
    reply_times: list[float] = field(default_factory=list)
    """Seconds from a command's delivery to its first reply's arrival at the server."""
    wall: float = 0.0


@dataclass
class Flooded:
    condition: Condition
    start_reply: float | None
    """Seconds from the private /start's delivery to its reply; None: never answered."""
    group_answered: int
    group_in_order: bool
    group_last: float | None
    """Seconds from the first /phases to the group's last reply."""


def _user(n: int) -> tuple[dict[str, Any], dict[str, Any]]:
    who = {"id": USER0 + n, "is_bot": False, "first_name": f"user {n}", "language_code": "en"}
    return who, {"id": who["id"], "type": "private", "first_name": who["first_name"]}


def _first_reply_to(call: Any) -> int | None:
    if call.method == "sendMessage" and call.result:
        return int(call.result["chat"]["id"])
    return None


async def _bot(workdir: Path, name: str, server: BotApiServer, source: Path | None) -> BotProcess:
    bot = BotProcess(server.url, workdir / f"{name}.sqlite3", workdir / f"{name}.log")
    if source is not None:
        bot.cwd = source
    await bot.start()
    await server.wait_for(lambda: server.calls("getUpdates"), within=60)
    return bot


async def burst(workdir: Path, condition: Condition, source: Path | None) -> Burst:
    started = time.perf_counter()
    flood = FloodLimits(condition.per_second, 20, FloodModel.SLIDING_WINDOW)
    server = BotApiServer(token=TOKEN, flood=flood, latency=condition.latency)
    await server.start()
    name = f"burst-{condition.per_second}-{condition.latency * 1000:.0f}"
    asked: dict[int, float] = {}
    replies = Tally(server, lambda c: _first_reply_to(c) in asked)
    gc.disable()  # the server's arrival times must not jump with our collector (fan-out)
    try:
        bot = await _bot(workdir, name, server, source)
        for n in range(STARTS + SUBSCRIBES):
            who, chat = _user(n)
            text = "/start" if n < STARTS else "/subscribe bonn"
            asked[who["id"]] = time.monotonic()
            await server.deliver(server.api.user_message(who, chat, text))
        with contextlib.suppress(TimeoutError):  # counted below as not answered
            await server.wait_for(lambda: replies() >= len(asked), within=WAIT)
        await bot.stop(signal.SIGINT, within=WAIT)
    finally:
        await server.stop()
        gc.enable()
        gc.collect()
    calls = server.api.calls
    first: dict[int, float] = {}
    texts: dict[tuple[int, str], int] = {}  # a subscriber's invitation is a post, not a reply
    apologies = 0
    for call in calls:
        chat_id = _first_reply_to(call)
        if chat_id in asked:
            first.setdefault(chat_id, call.at)
            key = (chat_id, call.result["text"])
            texts[key] = texts.get(key, 0) + 1
            apologies += "went wrong" in call.result["text"]
    accepted = sorted(c.at for c in calls if c.method.startswith(SENDS) and c.error is None)
    return Burst(
        condition,
        len(asked),
        len(first),
        sum(1 for n in texts.values() if n > 1),
        apologies,
        server.refused_429,
        busiest(accepted, 1.0),
        [first[c] - asked[c] for c in first],
        time.perf_counter() - started,
    )


async def flooded(workdir: Path, condition: Condition, source: Path | None) -> Flooded:
    server = BotApiServer(
        token=TOKEN, flood=FloodLimits(model=FloodModel.SLIDING_WINDOW), latency=condition.latency
    )
    await server.start()
    chat = group(GROUP)
    member = {"id": 77, "is_bot": False, "first_name": "Ana", "language_code": "es"}
    who, private = _user(99_999)
    start_reply = group_last = None
    asked_ids: list[int] = []
    try:
        bot = await _bot(workdir, f"flooded-{condition.latency * 1000:.0f}", server, source)
        began = time.monotonic()
        for _ in range(GROUP_COMMANDS):
            update = server.api.user_message(member, chat, "/phases")
            asked_ids.append(update["message"]["message_id"])
            await server.deliver(update)
        await server.wait_for(lambda: len(server.sent(GROUP)) >= 20, within=60)
        asked = time.monotonic()
        await server.deliver(server.api.user_message(who, private, "/start"))
        try:
            await server.wait_for(lambda: server.sent(who["id"]), within=WAIT)
            [reply] = [c for c in server.api.calls if _first_reply_to(c) == who["id"]][:1]
            start_reply = reply.at - asked
        except TimeoutError:
            pass
        try:
            await server.wait_for(lambda: len(server.sent(GROUP)) >= GROUP_COMMANDS, within=WAIT)
            group_last = [c for c in server.api.calls if _first_reply_to(c) == GROUP][-1].at
            group_last -= began
        except TimeoutError:
            pass
        await bot.stop(signal.SIGINT, within=WAIT)
    finally:
        await server.stop()
    quoted = [
        c.params.get("reply_parameters", {}).get("message_id")
        for c in server.api.calls
        if _first_reply_to(c) == GROUP
    ]
    return Flooded(
        condition, start_reply, len(quoted), quoted == asked_ids[: len(quoted)], group_last
    )


BURST_HEADER = (
    "| server limit, latency | answered | answered twice | apologies | 429 answers "
    "| most in any 1 s | reply p50 | p95 | max | run |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


def burst_rows(runs: list[Burst]) -> str:
    lines = []
    for b in runs:
        times = b.reply_times or [float("nan")]
        lost = b.commands - b.answered
        lines.append(
            f"| {b.condition.label} | {b.answered:,} of {b.commands:,} {verdict(lost == 0)} | "
            f"{b.twice} | {b.apologies} | {b.refused_429} | {b.busiest_second} | "
            f"{percentile(times, 50):.2f} s | {percentile(times, 95):.2f} s | "
            f"{max(times):.2f} s | {b.wall:.0f} s |"
        )
    return "\n".join(lines)


def flooded_rows(runs: list[Flooded]) -> str:
    lines = []
    for f in runs:
        waited = f"{f.start_reply * 1000:.0f} ms" if f.start_reply is not None else "never"
        ok = f.start_reply is not None and f.start_reply <= 1.0
        last = f"{f.group_last:.1f} s" if f.group_last is not None else "—"
        lines.append(
            f"| {f.condition.latency * 1000:.0f} ms | {waited} {verdict(ok)} | "
            f"{f.group_answered} of {GROUP_COMMANDS}, in order: "
            f"{'yes' if f.group_in_order else 'no'} | {last} |"
        )
    return "\n".join(lines)


async def measure(source: Path | None) -> tuple[list[Burst], list[Flooded], float]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        bursts = [
            await burst(workdir, Condition(30, 0.0), source),
            await burst(workdir, Condition(30, SLOW), source),
            await burst(workdir, Condition(10, 0.0), source),
        ]
        floods = [
            await flooded(workdir, Condition(30, 0.0), source),
            await flooded(workdir, Condition(30, SLOW), source),
        ]
    return bursts, floods, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not write README")
    parser.add_argument("--bot-source", type=Path, help="run the bot from this checkout")
    args = parser.parse_args()
    bursts, floods, wall = asyncio.run(measure(args.bot_source))
    body = f"""
**A burst**: {STARTS + SUBSCRIBES:,} private users send a command at the same moment
({STARTS} `/start`, {SUBSCRIBES} `/subscribe bonn`). The server counts arrivals in sliding
windows: at Telegram's 30 in any second (0 and 50 ms added latency), and, the unfriendly
case, at 10 a second, so that two thirds of what the bot sends at its own pace is refused
with 429 and must go again. Reply time is from the update's delivery to the server to the
reply's arrival there. Targets: every command answered (none lost, {WAIT:.0f} s allowed),
none twice, no apology.

{BURST_HEADER}
{burst_rows(bursts)}

**A flooded group**: {GROUP_COMMANDS} `/phases` in one group, which may receive 20 messages
a minute; once its 20th reply has arrived, a user sends `/start` in a private chat. Target:
that user is answered within 1 s; the group gets all {GROUP_COMMANDS}, in order (each
reply quotes its command), the last 20 once its minute is over.

| latency | private `/start` answered after | the group's replies | the group's last reply after |
|---|---:|---|---:|
{flooded_rows(floods)}

Whole benchmark (5 runs of start, commands, stop): {wall:.0f} s.
"""
    if args.dry_run:
        print(body)
    else:
        write_section("replies", body)


if __name__ == "__main__":
    main()
