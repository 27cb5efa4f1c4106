"""Print a benchmark's figures and keep them in bench/README.md, with the machine they ran on."""

from __future__ import annotations

import os
import platform
import re
import statistics
from datetime import UTC, datetime
from pathlib import Path

README = Path(__file__).with_name("README.md")


def machine() -> str:
    """CPU model, cores and Python: what a reader needs to compare figures."""
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}"
    )


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) by linear interpolation, as numpy's default."""
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=100, method="inclusive")[int(q) - 1]


def verdict(ok: bool) -> str:
    return "met" if ok else "**missed**"


def write_section(name: str, body: str) -> None:
    """Print `body` and put it between this benchmark's markers in bench/README.md."""
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    section = f"<!-- bench:{name} -->\n_Measured {stamp} on {machine()}._\n\n{body.strip()}\n"
    print(section)
    text = README.read_text(encoding="utf-8")
    pattern = re.compile(rf"<!-- bench:{name} -->\n.*?(?=<!-- /bench:{name} -->)", re.S)
    if not pattern.search(text):
        raise SystemExit(f"bench/README.md has no markers for {name!r}")
    README.write_text(pattern.sub(lambda _: section, text), encoding="utf-8")
