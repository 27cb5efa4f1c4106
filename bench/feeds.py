"""Benchmark: a calendar feed request over loopback HTTP, cold (the first after a change),
warm, and answered 304 (an unchanged If-None-Match).

The bot's real Application (in-process Bot API) with its feed server on a loopback port
(handlers/feed_server.py), a minimal HTTP/1.1 client on one kept-alive connection in the
same event loop, so each figure is a whole round trip: the request, the handler, the
answer read. The network is generated
like the real one (harness/generated.py: 1,000 partnerships with a weekly meeting each);
two feeds: one partnership's (its series with a moved and a cancelled meeting and six
meetings' agendas) and a group following the largest phase (every series and event of its
partnerships). A change is a meeting of the feed's first series cancelled, as from
/meeting: it drops what the bot keeps of the network, so the next request reads and builds
the feed anew.

Targets (ours; the issue names none): a cold feed p95 ≤ 50 ms, since the build runs in the
bot's event loop and a longer one holds replies up; warm and 304 p95 ≤ 5 ms, so that
clients' polling costs next to nothing.

    .venv/bin/python -m bench.feeds [--samples 40] [--dry-run]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.report import percentile, verdict, write_section
from bench.updates import limiter
from bot.app import build_application, running
from bot.config import Settings
from bot.model.chats import TargetKind
from bot.model.clock import MovableClock
from bot.model.dataset import dataset_from_yaml
from bot.model.domain import ChangeStatus, Dataset, MeetingChange
from bot.model.feeds import FeedTarget
from bot.model.recurrence import occurrences
from handlers.feed import served_feed
from handlers.feed_server import bind
from harness.fake_telegram import OfflineTelegram
from harness.generated import realistic_network, weekly_meetings
from storage.store import Storage, seed_yaml

PARTNERSHIPS = 1_000
SAMPLES = 40
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
COLD_TARGET_MS = 50.0
WARM_TARGET_MS = 5.0
GROUP = -1_000_001
KINDS = (
    ("cold, the network's tables read anew too", None),
    ("cold, the feed's own read and build", COLD_TARGET_MS),
    ("warm", WARM_TARGET_MS),
    ("304", WARM_TARGET_MS),
    ("warm, the handler alone (no HTTP)", None),
)
"""What is timed, and its p95 target. The first request after a change reads the network's
tables anew (storage/cache.py: what any reply after a change pays once, whoever asks
first); the second row has them read just before, untimed: the feed's own cost. The last
is the server's own work for a warm request (served_feed), without the HTTP round trip."""


@dataclass
class Feed:
    label: str
    path: str
    series_id: str
    series: int = 0
    size: int = 0
    times: dict[str, list[float]] = field(default_factory=lambda: {kind: [] for kind, _ in KINDS})


async def prepare(storage: Storage) -> tuple[str, str, str]:
    """The network, a partnership's feed and a phase group's; their tokens and the phase."""
    seed = dataset_from_yaml(seed_yaml(), bundled=True)
    network = realistic_network(PARTNERSHIPS, seed)
    await storage.network.save(network)
    await storage.network.save(
        weekly_meetings(PARTNERSHIPS, (NOW - timedelta(days=200)).replace(tzinfo=None))
    )
    series = await storage.network.series("gen-weekly-0")
    assert series is not None
    ahead = [o.local_start for o in occurrences(series, NOW, NOW + timedelta(days=60))]
    await storage.network.save(
        Dataset(
            meeting_changes=(
                MeetingChange(
                    "bench-m", series.id, ahead[0], ChangeStatus.MOVED, ahead[0] + timedelta(days=1)
                ),
                MeetingChange("bench-c", series.id, ahead[1], ChangeStatus.CANCELLED),
            )
        )
    )
    async with storage.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO agenda_items (series_id, occurrence, position, text, language, "
            "added_at) VALUES (?, ?, ?, ?, ?, ?)",
            [
                (
                    series.id,
                    start.isoformat(timespec="minutes"),
                    n,
                    f"Punkt {n}",
                    lang,
                    NOW.isoformat(),
                )
                for start in ahead[:6]
                for n, lang in enumerate(("de", "es", "de"), 1)
            ],
        )
    phase, _ = Counter(p.phase_id for p in network.partnerships if p.phase_id).most_common(1)[0]
    assert phase is not None
    await storage.subscriptions.add(
        GROUP, "supergroup", "Phase group", TargetKind.PHASE, phase, 1, NOW
    )
    await storage.preferences.set_chat_languages(GROUP, "supergroup", "Phase group", ("es", "de"))
    mine = await storage.feeds.token_of(FeedTarget.of_partnership("gen-0"), None, NOW)
    group = await storage.feeds.token_of(FeedTarget.of_chat(GROUP), None, NOW)
    return mine, group, phase


async def change(storage: Storage, series_id: str, n: int) -> None:
    """One more meeting of the series cancelled, as /meeting would."""
    series = await storage.network.series(series_id)
    assert series is not None
    later = [
        o.local_start
        for o in occurrences(series, NOW + timedelta(days=70), NOW + timedelta(days=900))
    ]
    cancel = MeetingChange(f"bench-{n}", series_id, later[n], ChangeStatus.CANCELLED)
    await storage.network.save(Dataset(meeting_changes=(cancel,)))


def token_of(feed: Feed) -> str:
    return feed.path.removeprefix("/calendar/").removesuffix(".ics")


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    content: bytes


class RawClient:
    """A minimal HTTP/1.1 client on one kept-alive connection: what is timed is the
    server's answer and the loopback, not a client library's own work (httpx adds about
    1.4 ms a request here)."""

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader, self.writer = reader, writer

    @classmethod
    async def connect(cls, port: int) -> RawClient:
        return cls(*await asyncio.open_connection("127.0.0.1", port))

    async def get(self, path: str, headers: dict[str, str]) -> Answer:
        lines = [
            f"GET {path} HTTP/1.1",
            "Host: 127.0.0.1",
            *(f"{k}: {v}" for k, v in headers.items()),
        ]
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())
        await self.writer.drain()
        head = (await self.reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split()[1])
        fields = {k.lower(): v.strip() for k, _, v in (h.partition(":") for h in head[1:] if h)}
        length = 0 if status == 304 else int(fields.get("content-length", "0"))
        return Answer(status, fields, await self.reader.readexactly(length))

    async def close(self) -> None:
        self.writer.close()
        await self.writer.wait_closed()


async def timed(client: RawClient, path: str, etag: str | None = None) -> tuple[float, Answer]:
    headers = {"If-None-Match": etag} if etag else {}
    started = time.perf_counter()
    answer = await client.get(path, headers)
    return (time.perf_counter() - started) * 1000, answer


async def measure(samples: int) -> list[Feed]:
    with tempfile.TemporaryDirectory(prefix="partnerbot-bench-") as directory:
        sockets = bind("127.0.0.1", 0)
        port = sockets[0].getsockname()[1]
        base = f"http://127.0.0.1:{port}"
        settings = Settings(
            db_path=Path(directory) / "feeds.sqlite3",
            http_listen=("127.0.0.1", port),
            http_url=base,
        )
        clock = MovableClock(NOW)
        app = build_application(
            settings,
            request=OfflineTelegram(clock=clock),
            clock=clock,
            rate_limiter=limiter(),
            schedule=False,
        )
        app.bot_data.feed_sockets = sockets
        async with running(app):
            client = await RawClient.connect(port)
            storage = app.bot_data.storage
            assert storage is not None
            mine, group, phase = await prepare(storage)
            reach = await storage.network.partnership_ids(phase_id=phase)
            first_series = f"gen-weekly-{min(int(p.removeprefix('gen-')) for p in reach)}"
            feeds = [
                Feed("a partnership's feed", f"/calendar/{mine}.ics", "gen-weekly-0", series=1),
                Feed(
                    f"a group following a phase ({len(reach)} partnerships)",
                    f"/calendar/{group}.ics",
                    first_series,
                    series=len(reach),
                ),
            ]
            for feed in feeds:
                await timed(client, feed.path)  # imports and first reads, not timed
                for n in range(samples):
                    await change(storage, feed.series_id, 2 * n)
                    clock.advance(timedelta(seconds=1))  # a new stamp per change
                    full, _ = await timed(client, feed.path)
                    await change(storage, feed.series_id, 2 * n + 1)
                    clock.advance(timedelta(seconds=1))
                    await storage.network.small_tables()
                    own, answer = await timed(client, feed.path)
                    assert answer.status == 200
                    warm, again = await timed(client, feed.path)
                    assert again.content == answer.content
                    unchanged, not_modified = await timed(client, feed.path, answer.headers["etag"])
                    assert not_modified.status == 304
                    started = time.perf_counter()
                    served = await served_feed(app.bot_data, token_of(feed))
                    alone = (time.perf_counter() - started) * 1000
                    assert served is not None and served.body == answer.content
                    values = (full, own, warm, unchanged, alone)
                    for (kind, _), value in zip(KINDS, values, strict=True):
                        feed.times[kind].append(value)
                    feed.size = len(answer.content)
            await client.close()
            return feeds


def report(feeds: list[Feed], samples: int, load: tuple[float, float, float]) -> str:
    rows = []
    met = True
    for feed in feeds:
        for kind, target in KINDS:
            values = feed.times[kind]
            p50, p95 = percentile(values, 50), percentile(values, 95)
            ok = target is None or p95 <= target
            met &= ok
            rows.append(
                f"| {feed.label} | {kind} | {len(values)} | {p50:.2f} ms | {p95:.2f} ms | "
                + (f"≤ {target:g} ms | {verdict(ok)} |" if target is not None else "— | — |")
            )
    shares = "; ".join(
        f"{f.label}: {percentile(f.times[KINDS[4][0]], 50):.2f} of "
        f"{percentile(f.times['warm'], 50):.2f} ms"
        for f in feeds
    )
    sizes = "; ".join(f"{f.label}: {f.size:,} bytes, {f.series} series" for f in feeds)
    return f"""
{PARTNERSHIPS:,} generated partnerships, each with a weekly meeting; per feed {samples} times:
a change and a request (cold, tables too), another change, the tables read, a request
(cold, the feed's own), the same again (warm) and one with the ETag it got (304).
Round trips over loopback HTTP, by a minimal client on one kept-alive connection in the
bot's event loop (bench/feeds.py: RawClient).
Load average when it started: {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} (1 / 5 / 15 min).

| feed | request | count | p50 | p95 | target | verdict |
|---|---|---:|---:|---:|---:|---|
{chr(10).join(rows)}

Bodies: {sizes}. {"Every target met." if met else "Not every target met: see the rows."}
Of a warm round trip (p50) the handler's own work is {shares}; the rest is HTTP, the
server's and the client's, both in this one process on a shared machine (see the load).
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--samples", type=int, default=SAMPLES)
    parser.add_argument("--dry-run", action="store_true", help="print, do not touch README.md")
    args = parser.parse_args()
    load = os.getloadavg()
    feeds = asyncio.run(measure(args.samples))
    body = report(feeds, args.samples, load)
    if args.dry_run:
        print(body)
    else:
        write_section("feeds", body)


if __name__ == "__main__":
    main()
