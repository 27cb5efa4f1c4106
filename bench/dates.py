"""Typed dates: what reading a typed date costs a running bot (bot/text/typed_dates.py).

dateparser is imported only when a date is typed. Each run is a fresh child process that
first imports what a running bot holds (bot.app, APScheduler, tzlocal), then measures, in
that order: the import of dateparser alone (time, VmRSS added), the first date read (its
first language's data loaded), every format below read as each of the five languages'
authors once (all five loaded), and then the same again, warm, each read timed: in the
author's own language, and in each of the others. Figures are medians over the runs
(warm reads: the p50 / p95 of all reads).

    .venv/bin/python -m bench.dates [--runs 5] [--dry-run]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from collections.abc import Callable

from bench.report import percentile, verdict, write_section

# A typed date is answered as a command is: the reply-time target of issue 12 (≤ 1 s,
# p95) leaves room for the first read; a warm read should cost no more than a command.
TARGET_FIRST_MS = 300.0
TARGET_WARM_P95_MS = 10.0
FOOTPRINT_HEADROOM_MIB = 60.3 - 59.8
"""bench/README.md, footprint: 1.3 × the bare bot's 46.4 MiB, less partnerbot's 59.8 MiB
after 10,000 updates (which type no date)."""

CHILD = r"""
import json, sys, time
from datetime import date
from zoneinfo import ZoneInfo

import apscheduler.schedulers.asyncio, tzlocal, bot.app  # what a running bot holds
import bot.text.typed_dates as typed

TYPED = json.loads(sys.argv[1])

def rss_kib():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

assert "dateparser" not in sys.modules, "imported before a date was typed"
today, zone = date(2026, 12, 1), ZoneInfo("Europe/Berlin")
base = rss_kib()
start = time.perf_counter()
import dateparser.date, dateparser.conf, dateparser.languages.loader
import_ms = (time.perf_counter() - start) * 1000
after_import = rss_kib()
lang, text = TYPED[0]
start = time.perf_counter()
typed.parse_moment(text, lang, today, zone)
first_ms = (time.perf_counter() - start) * 1000
after_first = rss_kib()
for lang, text in TYPED:
    for reader in ("de", "en", "es", "fr", "pt"):
        typed.parse_moment(text, reader, today, zone)
after_all = rss_kib()
warm, other = [], []
for n, (lang, text) in enumerate(TYPED):
    for reader in ("de", "en", "es", "fr", "pt"):
        fresh = text.replace("15", str(10 + n % 10))  # not a text dateparser read before
        start = time.perf_counter()
        typed.parse_moment(fresh, reader, today, zone)
        (warm if reader == lang else other).append((time.perf_counter() - start) * 1000)
print(json.dumps({
    "import_ms": import_ms, "first_ms": first_ms, "warm_ms": warm, "other_ms": other,
    "import_mib": (after_import - base) / 1024, "first_mib": (after_first - base) / 1024,
    "all_mib": (after_all - base) / 1024, "base_mib": base / 1024,
}))
"""


# What authors type (the formats of issue 15), each in its author's language.
TYPED = (
    ("es", "15 de marzo 15h"),
    ("de", "15.03.2027 15:00"),
    ("de", "15.3. 15 Uhr"),
    ("es", "15 de marzo de 2027 a las 15:30"),
    ("fr", "le 15 mars à 15 h"),
    ("fr", "15 mars 2027 15h30"),
    ("pt", "15 de março às 15h"),
    ("en", "March 15 2027 3pm"),
    ("en", "15/03/2027"),
    ("en", "2027-03-15 15:00"),
    ("de", "morgen 10 Uhr"),
    ("es", "mañana 10h"),
    ("fr", "demain 10h"),
    ("pt", "amanhã 10h"),
    ("en", "tomorrow 10:00"),
    ("de", "März 2027"),
    ("es", "marzo 2027"),
)


def one_run() -> dict[str, object]:
    done = subprocess.run(  # noqa: S603 - this interpreter, our own code
        [sys.executable, "-c", CHILD, json.dumps(TYPED)],
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    found: dict[str, object] = json.loads(done.stdout)
    return found


def main(runs: int, report: Callable[[str, str], None]) -> None:
    results = [one_run() for _ in range(runs)]

    def median(key: str) -> float:
        return statistics.median(float(r[key]) for r in results)  # type: ignore[arg-type]

    warm = [ms for r in results for ms in r["warm_ms"]]  # type: ignore[attr-defined]
    other = [ms for r in results for ms in r["other_ms"]]  # type: ignore[attr-defined]
    first, p50, p95 = median("first_ms"), percentile(warm, 50), percentile(warm, 95)
    other_p50, other_p95 = percentile(other, 50), percentile(other, 95)
    added = median("all_mib")
    body = f"""
| measure | figure | target | verdict |
|---|---:|---:|---|
| the bot's modules before a date is typed (VmRSS) | {median("base_mib"):.1f} MiB | | |
| import of dateparser (time; VmRSS added) | {median("import_ms"):.0f} ms; {median("import_mib"):.1f} MiB | | |
| first date read, Spanish, after the import (time; VmRSS added with the import) | {first:.0f} ms; {median("first_mib"):.1f} MiB | ≤ {TARGET_FIRST_MS:.0f} ms | {verdict(median("import_ms") + first <= TARGET_FIRST_MS)} |
| a date read, warm, in its author's language: p50 / p95 of {len(warm)} | {p50:.2f} ms / {p95:.2f} ms | p95 ≤ {TARGET_WARM_P95_MS:.0f} ms | {verdict(p95 <= TARGET_WARM_P95_MS)} |
| … read as an author of another language: p50 / p95 of {len(other)} | {other_p50:.2f} ms / {other_p95:.2f} ms | p95 ≤ {TARGET_WARM_P95_MS:.0f} ms | {verdict(other_p95 <= TARGET_WARM_P95_MS)} |
| VmRSS added once dates are typed in all five languages | {added:.1f} MiB | ≤ {FOOTPRINT_HEADROOM_MIB:.1f} MiB (the footprint's headroom) | {verdict(added <= FOOTPRINT_HEADROOM_MIB)} |

{runs} fresh processes, medians; the first read's target counts the import with it. The
reads are the {len(TYPED)} formats of issue 15 (`bench/dates.py: TYPED`), warm ones with
another day and hour than any read before (so no cache of dateparser's answers); a text in the
author's language is read at the first try, one in another language after a try in each
language before it. The memory is the cost of reading dates in the bot's process (the
footprint's mix types none); see the note below the section.
"""  # noqa: E501 - table rows
    report("dates", body)


def print_section(name: str, body: str) -> None:
    print(f"<!-- bench:{name} -->\n{body.strip()}")


if __name__ == "__main__":
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    args.add_argument("--runs", type=int, default=5)
    args.add_argument("--dry-run", action="store_true", help="print, leave README.md alone")
    parsed = args.parse_args()
    main(parsed.runs, print_section if parsed.dry_run else write_section)
