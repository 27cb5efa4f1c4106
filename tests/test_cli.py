"""The `partnerbot` command as a user runs it: console through a pipe, export, import, help.

The README's walk-through, at many dates, is in test_walkthrough.py.
"""

from __future__ import annotations

import sqlite3
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest

from harness.bot_process import CLOCK_START, partnerbot
from storage.db import bundled_migrations
from storage.store import seed_yaml


def test_console_through_a_pipe(tmp_path: Path) -> None:
    result = partnerbot(
        "console", db=tmp_path / "c.sqlite3", stdin="/start\n/help\n/language\n5\n/start\n"
    )
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "you> /start" in out and "Hello! I am partnerbot" in out
    assert "How to use partnerbot" in out
    assert "[1] ✓ English   [2] Deutsch   [3] Español" in out
    assert "bot (edited):\n  Pronto: vou responder em português." in out
    assert "Olá! Sou o partnerbot" in out
    assert result.stderr == ""  # no log noise in the console by default


def test_schedule_lists_what_will_be_posted(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    partnerbot("console", db=db, stdin=":group\n/language en\n/subscribe bonn\n")
    assert partnerbot("schedule", db=db).stdout == "nothing planned in the next 14 days\n"
    # the console keeps its own database beside the real one; both read the same clock
    # (CLOCK_START: Monday 23 Nov 2026, 10:00 Berlin, the eve of a meeting), the
    # invitation to it went out at /subscribe
    out = partnerbot("schedule", "--days", "60", db=tmp_path / "s-console.sqlite3").stdout
    assert CLOCK_START.isoformat() == "2026-11-23T09:00:00+00:00"
    assert out.splitlines()[:5] == [
        "Bonn – La Paz (console group) (chat -1001001; en, Europe/Berlin)",
        "  2026-11-23 15:00  meeting   ⏰ Virtual meeting Bonn – La Paz begins tomorrow.",
        "  2026-11-24 14:00  meeting   ⏰ Virtual meeting Bonn – La Paz begins in 1 hour.",
        "  2026-11-24 16:00  actask    📋 The meeting is over: Virtual meeting Bonn – La Paz",
        "  2026-11-24 16:00  invite    📅 Invitation: Virtual meeting Bonn – La Paz",
    ]
    # the schedule reads the same clock: on 28 Feb 2028 it sees the meeting of the 29th
    later = partnerbot(
        "schedule",
        "--days",
        "2",
        db=tmp_path / "s-console.sqlite3",
        clock_start=datetime(2028, 2, 28, 9, tzinfo=UTC),
    ).stdout
    assert (
        "  2028-02-29 14:00  meeting   ⏰ Virtual meeting Bonn – La Paz begins in 1 hour." in later
    )


def test_schedule_is_a_listing_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "live-console.sqlite3"
    partnerbot(
        "console", db=tmp_path / "live.sqlite3", stdin=":group\n/language en\n/subscribe bonn\n"
    )

    def outbox() -> list[tuple[object, ...]]:
        with closing(sqlite3.connect(db)) as conn:
            return conn.execute("SELECT * FROM deliveries ORDER BY id").fetchall()

    before = outbox()
    assert before  # the console planned the group's reminders
    # months later the plan holds meetings the outbox does not have yet: listing them must
    # not add them (nor drop the passed ones)
    later = datetime(2027, 3, 1, 9, tzinfo=UTC)
    out = partnerbot("schedule", "--days", "60", db=db, clock_start=later).stdout
    assert "2027-03-30 14:00  meeting" in out
    assert outbox() == before


def test_console_answers_start_in_each_language(tmp_path: Path) -> None:
    lines = "".join(f":lang {lang}\n/start\n" for lang in ("de", "es", "fr", "pt"))
    out = partnerbot("console", db=tmp_path / "c.sqlite3", stdin=lines).stdout
    for greeting in ("Hallo! Ich bin", "¡Hola! Soy", "Bonjour\u202f! Je suis", "Olá! Sou o"):
        assert greeting in out


def test_console_speaks_the_language_of_the_system(tmp_path: Path) -> None:
    out = partnerbot(
        "console", db=tmp_path / "c.sqlite3", stdin="/start\n", extra_env={"LANG": "es_BO.UTF-8"}
    ).stdout
    assert "¡Hola! Soy partnerbot" in out


def test_export_lists_the_seeded_network_and_import_round_trips(tmp_path: Path) -> None:
    first = tmp_path / "first.yaml"
    assert partnerbot("export", str(first), db=tmp_path / "a.sqlite3").returncode == 0
    text = first.read_text("utf-8")
    assert "Département Kédougou" in text and "Pforzheim" in text and "2014-08-15" in text
    imported = partnerbot("import", str(first), db=tmp_path / "b.sqlite3")
    assert imported.returncode == 0, imported.stderr
    assert "imported 12 partnerships, 10 milestones, 5 events" in imported.stdout
    again = partnerbot("export", "-", db=tmp_path / "b.sqlite3")
    assert again.stdout == text


def test_import_of_a_bad_file_changes_nothing(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(seed_yaml().replace("timezone: Africa/Dakar", "timezone: Africa/Nowhere", 1))
    db = tmp_path / "d.sqlite3"
    before = partnerbot("export", "-", db=db).stdout
    result = partnerbot("import", str(bad), db=db)
    assert result.returncode == 2
    assert result.stderr == (
        f"partnerbot: {bad}: municipalities[kidira].timezone: "
        "unknown IANA time zone 'Africa/Nowhere'\n"
    )
    assert partnerbot("export", "-", db=db).stdout == before


def test_migrate_reports_the_version(tmp_path: Path) -> None:
    result = partnerbot("migrate", db=tmp_path / "m.sqlite3")
    assert result.stdout.strip().endswith(f"schema version {len(bundled_migrations())}")


@pytest.mark.parametrize(
    "command", ["run", "console", "import", "export", "schedule", "migrate", "backup"]
)
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = partnerbot(command, "--help", db=tmp_path / "h.sqlite3")
    assert result.returncode == 0 and f"usage: partnerbot {command}" in result.stdout
