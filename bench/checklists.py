"""Benchmark 10, checklists: ticks from phones, and what checklists cost the planner.

1. Ticks over HTTP. `partnerbot run` (a real process, polling) against the fake Bot API
   server with Telegram's limits (30 sends in any second, 20 in any minute per group;
   edits count). A Spanish group follows Bonn – La Paz, whose visit 70 days ahead has the
   template's checklist of ten items; five members who set La Paz with /iam each press one
   open item's ☑️ under the group's checklist. Timed from a press's delivery to the
   server: its answer (the pop-up the phone shows) and the message edited to show that
   tick. Runs: one press alone; the five at once (a meeting where everyone ticks); the
   five at once with 300 ms added to every Bot API call (a slow connection, the
   unfriendly case); and the five at once in a group that already had 18 of its 20
   messages this minute.
2. Planning, in process on a real SQLite file: 820 groups each following two generated
   partnerships (as benchmark 5), every partnership with a South → North visit 15 to 85
   days ahead (1,640 checklists, 16,400 items) and a La Paz-side focal point who started
   the bot. A full re-plan with the checklists, and the same database with the items
   removed, in the same run; one group's and one focal point's re-plan.

    .venv/bin/python -m bench.checklists [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench.report import percentile, verdict, write_section
from bot.model.domain import Dataset, Event, EventKind, LocalizedText, PartialDate
from bot.model.roles import Side
from bot.schedule.replan import Planner
from bot.telegram.edit_callbacks import ChecklistTick
from harness.bot_process import TOKEN, BotProcess
from harness.botapi_server import BotApiServer, FloodLimits, FloodModel
from harness.generated import generated_network
from harness.network_setup import group
from storage.store import Storage

NOW = datetime(2027, 1, 4, 13, 30, tzinfo=UTC)
HOME = ZoneInfo("Europe/Berlin")
GROUP = -88_000
MEMBER0 = 20_000
PRESSERS = 5  # a page of the checklist shows five open items
SLOW = 0.300
WAIT = 120.0
ANSWER_TARGET_S = 1.0  # the pop-up: the phone's spinner stops
SHOWN_TARGET_S = 3.0  # the tick visible in the group's message
GROUPS = 820
PER_GROUP = 2
RUNS = 2


def visit(event_id: str, partnership_id: str, starts: datetime) -> Event:
    return Event(
        id=event_id,
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of("Delegación de La Paz de visita en Bonn", "es"),
        starts=PartialDate.of(starts.date()),
        timezone="Europe/Berlin",
        partnership_id=partnership_id,
        travelling=Side.SOUTH,
    )


# -- 1. ticks over HTTP ------------------------------------------------------------------------


@dataclass(frozen=True)
class Condition:
    label: str
    pressers: int
    latency: float = 0.0
    busy_group: bool = False


@dataclass
class Ticks:
    condition: Condition
    ticked: int = 0
    answers: list[float] = field(default_factory=list)
    shown: list[float] = field(default_factory=list)
    edits: int = 0
    refused_429: int = 0
    final: str = ""


async def prepare(db: Path) -> None:
    store = await Storage.open(db)
    try:
        await store.import_dataset(
            Dataset(events=(visit("bench-visit", "bonn-la-paz", NOW + timedelta(days=70)),))
        )
        await store.subscriptions.add(
            GROUP, "supergroup", "Bonn – La Paz", "partnership", "bonn-la-paz", 1, NOW
        )
        await store.preferences.set_chat_languages(GROUP, "supergroup", "Bonn – La Paz", ("es",))
        for n in range(PRESSERS):
            await store.preferences.set_user_town(MEMBER0 + n, "la-paz", "es")
    finally:
        await store.close()


def member(n: int) -> dict[str, Any]:
    return {"id": MEMBER0 + n, "is_bot": False, "first_name": f"Socia {n}", "language_code": "es"}


async def ticks(workdir: Path, condition: Condition) -> Ticks:
    found = Ticks(condition)
    flood = FloodLimits(30, 20, FloodModel.SLIDING_WINDOW)
    server = BotApiServer(token=TOKEN, flood=flood, latency=condition.latency)
    await server.start()
    name = condition.label.replace(" ", "-")
    bot = BotProcess(server.url, workdir / f"{name}.sqlite3", workdir / f"{name}.log")
    await prepare(bot.db)
    chat = group(GROUP)
    try:
        await bot.start(clock_start=NOW)
        await server.wait_for(lambda: server.calls("getUpdates"), within=60)
        await server.deliver(server.api.user_message(member(0), chat, "/lista"))
        await server.wait_for(lambda: [m for m in server.sent(GROUP) if "0/10" in m["text"]], 60)
        [checklist] = [m for m in server.sent(GROUP) if "0/10" in m["text"]]
        rows = checklist["reply_markup"]["inline_keyboard"]
        presses = [k["callback_data"] for row in rows for k in row if k["callback_data"]]
        presses = [d for d in presses if ChecklistTick.unpack(d) is not None][: condition.pressers]
        if condition.busy_group:  # 18 of the group's 20 this minute already taken
            for _ in range(18):
                await server.deliver(server.api.user_message(member(0), chat, "/fases"))
            await server.wait_for(lambda: len(server.sent(GROUP)) >= 19, within=60)
        key = (GROUP, checklist["message_id"])
        since = len(server.api.calls)
        delivered: dict[str, float] = {}
        for n, data in enumerate(presses):
            press = server.api.button_press(member(n), checklist, data)
            delivered[press["callback_query"]["id"]] = time.monotonic()
            await server.deliver(press)
        done = f"{len(presses)}/10"
        with contextlib.suppress(TimeoutError):
            await server.wait_for(lambda: done in server.api.messages[key]["text"], within=WAIT)
        await bot.stop(signal.SIGINT, within=WAIT)
    finally:
        await server.stop()
    calls = server.api.calls[since:]
    for call in calls:
        if call.method == "answerCallbackQuery" and call.params.get("callback_query_id"):
            asked = delivered.get(str(call.params["callback_query_id"]))
            if asked is not None:
                found.answers.append(call.at - asked + condition.latency)  # its way back
    first = min(delivered.values(), default=0.0)
    edits = [c for c in calls if c.method == "editMessageText" and c.error is None]
    found.edits = len(edits)
    for k in range(1, len(presses) + 1):  # when the message first showed k ticks
        shown = [c.at for c in edits if f"{k}/10" in str(c.params.get("text", ""))]
        if shown:
            found.shown.append(min(shown) - first + condition.latency)
    found.refused_429 = sum(1 for c in calls if c.error and "429" in str(c.error))
    found.final = server.api.messages[key]["text"].split("\n")[1].rsplit("· ", 1)[-1]
    store = await Storage.open(bot.db, seed=False)
    try:
        rows_done = await store.db.conn.execute_fetchall(
            "SELECT count(*) FROM checklist_items WHERE done_on IS NOT NULL"
        )
        found.ticked = int(next(iter(rows_done))[0])
    finally:
        await store.close()
    return found


def ticks_table(runs: list[Ticks]) -> tuple[str, bool]:
    ok = True
    lines = [
        "| presses | ticked | pop-up p50 | p95 | max | tick shown: first | last "
        "| edits | 429 answers | target | verdict |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for run in runs:
        c = run.condition
        answered = len(run.answers) == c.pressers and run.ticked == c.pressers
        met = (
            answered
            and max(run.answers) <= ANSWER_TARGET_S
            and bool(run.shown)
            and max(run.shown) <= SHOWN_TARGET_S
        )
        # The busy group's edits may wait for its minute: it is measured, not targeted.
        target = "" if c.busy_group else f"pop-up ≤ {ANSWER_TARGET_S:.0f} s, shown ≤ 3 s"
        ok &= met or c.busy_group
        answers = run.answers or [float("nan")]
        shown = run.shown or [float("nan")]
        lines.append(
            f"| {c.label} | {run.ticked} of {c.pressers} | {percentile(answers, 50):.2f} s "
            f"| {percentile(answers, 95):.2f} s | {max(answers):.2f} s | {min(shown):.2f} s "
            f"| {max(shown):.2f} s | {run.edits} | {run.refused_429} | {target} "
            f"| {verdict(met) if target else ''} |"
        )
    return "\n".join(lines), ok


# -- 2. planning with checklists ---------------------------------------------------------------


@dataclass
class Planning:
    items: int
    rows_with: int
    rows_without: int
    full_with: list[float]
    full_without: list[float]
    one_group_ms: list[float]
    one_focal_ms: list[float]


async def planning(db: Path) -> Planning:
    store = await Storage.open(db)
    try:
        network = generated_network(GROUPS * PER_GROUP)
        await store.network.save(network)
        visits = tuple(
            visit(f"visit-{p.id}", p.id, NOW + timedelta(days=15 + n % 70))
            for n, p in enumerate(network.partnerships)
        )
        await store.network.save(Dataset(events=visits))
        [(items,)] = await store.db.conn.execute_fetchall("SELECT count(*) FROM checklist_items")
        async with store.db.transaction() as conn:
            for n, p in enumerate(network.partnerships):
                focal = 500_000 + n
                await conn.execute(
                    "INSERT INTO chats (id, type, title) VALUES (?, 'private', NULL)", (focal,)
                )
                await conn.execute(
                    "INSERT INTO focal_points (partnership_id, user_id, side, appointed_by, "
                    "appointed_at) VALUES (?, ?, 'south', 1, ?)",
                    (p.id, focal, NOW.isoformat()),
                )
        for g in range(GROUPS):
            for k in range(PER_GROUP):
                pid = network.partnerships[g * PER_GROUP + k].id
                await store.subscriptions.add(-3_000_000 - g, "supergroup", None, "partnership",
                                              pid, 1, NOW)  # fmt: skip
        planner = Planner(store, HOME)

        async def full() -> tuple[float, int]:
            async with store.db.transaction() as conn:
                await conn.execute("DELETE FROM deliveries")
            started = time.perf_counter()
            await planner.replan_all(NOW)
            took = time.perf_counter() - started
            [(rows,)] = await store.db.conn.execute_fetchall("SELECT count(*) FROM deliveries")
            return took, int(rows)

        with_checklists = [await full() for _ in range(RUNS)]
        one_group, one_focal = [], []
        for n in range(30):
            started = time.perf_counter()
            await planner.replan_chat(-3_000_000 - n, NOW)
            one_group.append((time.perf_counter() - started) * 1000)
            started = time.perf_counter()
            await planner.replan_chat(500_000 + n, NOW)
            one_focal.append((time.perf_counter() - started) * 1000)
        async with store.db.transaction() as conn:
            await conn.execute("UPDATE checklist_items SET done_on = '2027-01-01'")
        without = [await full() for _ in range(RUNS)]
    finally:
        await store.close()
    return Planning(
        int(items),
        with_checklists[-1][1],
        without[-1][1],
        [t for t, _ in with_checklists],
        [t for t, _ in without],
        one_group,
        one_focal,
    )


def planning_table(p: Planning) -> tuple[str, bool]:
    group_p95 = percentile(p.one_group_ms, 95)
    focal_p95 = percentile(p.one_focal_ms, 95)
    ok = group_p95 <= 50 and focal_p95 <= 50
    return (
        "| measure | figure | target | verdict |\n|---|---:|---:|---|\n"
        f"| checklist items (1,640 visits) | {p.items:,} | | |\n"
        f"| rows planned, every item open | {p.rows_with:,} | | |\n"
        f"| rows planned, every item ticked (before: no checklists) | {p.rows_without:,} | | |\n"
        f"| full re-plan, every item open, median of {RUNS} "
        f"| {statistics.median(p.full_with) * 1000:,.0f} ms | | |\n"
        f"| full re-plan, every item ticked, median of {RUNS} "
        f"| {statistics.median(p.full_without) * 1000:,.0f} ms | | |\n"
        f"| one group's re-plan, median / p95 | {statistics.median(p.one_group_ms):.1f} / "
        f"{group_p95:.1f} ms | ≤ 50 ms | {verdict(group_p95 <= 50)} |\n"
        f"| one focal point's re-plan, median / p95 | {statistics.median(p.one_focal_ms):.1f} / "
        f"{focal_p95:.1f} ms | ≤ 50 ms | {verdict(focal_p95 <= 50)} |\n"
    ), ok


def progress(what: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {what}", file=sys.stderr, flush=True)


CONDITIONS = (
    Condition("one press, 0 ms", 1),
    Condition("five at once, 0 ms", PRESSERS),
    Condition("one press, 300 ms", 1, latency=SLOW),
    Condition("five at once, 300 ms", PRESSERS, latency=SLOW),
    Condition("five at once, group at 18 of 20 this minute", PRESSERS, busy_group=True),
)


async def main(dry_run: bool) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        runs = []
        for condition in CONDITIONS:
            progress(f"ticks: {condition.label}")
            runs.append(await ticks(Path(tmp), condition))
        progress("planning with 16,400 checklist items")
        plan = await planning(Path(tmp) / "planning.sqlite3")
    tick_rows, _ = ticks_table(runs)
    plan_rows, _ = planning_table(plan)
    body = (
        "**Ticks from phones**, over HTTP: `partnerbot run` against the fake Bot API server "
        "with Telegram's limits (30 sends in any second, 20 in any minute per group; edits "
        "count). Members who set La Paz with /iam press ☑️ under the group's checklist of a "
        "visit (ten items, five open ones a page). Times from a press's delivery: its pop-up "
        "answer, and the message first showing 1, 2… ticks (the last: all of them). "
        "Latency is added to every Bot API call.\n\n"
        f"{tick_rows}\n\n"
        "**Planning with checklists**, in process: 820 groups each following two generated "
        "partnerships, each with a South → North visit 15–85 days ahead and a La Paz focal "
        "point who started the bot. Full re-plans into an empty outbox; then every item "
        "ticked, which plans as no checklists did.\n\n"
        f"{plan_rows}"
    )
    if dry_run:
        print(body)
    else:
        write_section("checklists", body)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry-run", action="store_true", help="print, do not touch README")
    started = time.perf_counter()
    asyncio.run(main(parser.parse_args().dry_run))
    print(f"({timedelta(seconds=round(time.perf_counter() - started))} in all)")
