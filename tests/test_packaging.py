"""`pip install .` gives a complete bot: catalogs compiled, migrations and seed inside."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import ROOT


def test_wheel_carries_compiled_catalogs_migrations_and_seed(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--disable-pip-version-check",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        timeout=300,
        capture_output=True,
    )
    [wheel] = tmp_path.glob("partnerbot-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for lang in ("de", "en", "es", "fr", "pt"):
        assert f"bot/locales/{lang}/LC_MESSAGES/messages.mo" in names
    assert "storage/migrations/0001_initial.sql" in names
    assert "storage/seed/network.yaml" in names
    assert not any(name.startswith(("tests/", "harness/", "bench/")) for name in names)
    # The console's fake Telegram ships; its fault injection, webhooks and getUpdates do not.
    console = zipfile.ZipFile(wheel).read("bot/console/telegram.py").decode()
    assert "FakeBotApi" in console
    for test_only in ("def fail(", "blocked", "def flood(", "def api_getUpdates", "Webhook"):
        assert test_only not in console
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "partnerbot = bot.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_dockerfile_installs_the_package_and_runs_unprivileged() -> None:
    lines = [line.strip() for line in (ROOT / "Dockerfile").read_text().splitlines()]
    instructions = [
        line.split()[0]
        for line in lines
        if line and not line.startswith("#") and line.split()[0].isupper()
    ]
    assert instructions.count("FROM") == 2
    assert any(line.startswith("RUN pip wheel") for line in lines)  # the build hook compiles .po
    assert any(line.startswith("RUN pip install") and ".whl" in line for line in lines)
    user_at = max(i for i, line in enumerate(lines) if line.startswith("USER "))
    assert lines[user_at] == "USER partnerbot"
    assert 'VOLUME ["/data"]' in lines
    assert lines[-2:] == ['ENTRYPOINT ["partnerbot"]', 'CMD ["run"]']


def test_compiled_catalogs_are_never_committed() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "*.mo"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert tracked == ""
