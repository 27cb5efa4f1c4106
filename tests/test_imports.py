"""What `partnerbot run` imports to start: the heavy libraries only where they are used."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

LATE = ("icalendar", "yaml")  # .ics files; import, export and the first seeding


def test_starting_the_bot_leaves_icalendar_and_yaml_unimported() -> None:
    """They cost `partnerbot run` some 5 MiB of its memory and a tenth of a second."""
    code = f"import sys, bot.cli, bot.app\nprint(' '.join(m for m in {LATE!r} if m in sys.modules))"
    found = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, check=True, capture_output=True, text=True
    )
    assert found.stdout.strip() == ""
