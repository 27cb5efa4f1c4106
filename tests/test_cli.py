"""The `partnerbot` command as a user runs it: console through a pipe, export, import, help."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from storage.db import bundled_migrations
from storage.store import seed_yaml


def partnerbot(
    *args: str, db: Path, stdin: str = "", extra_env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PARTNERBOT_DB": str(db), "LANG": "C.UTF-8", **(extra_env or {})}
    env.pop("TELEGRAM_BOT_TOKEN", None)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        env=env,
        text=True,
        capture_output=True,
        timeout=120,
        check=False,
    )


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


def test_console_done_when_of_the_commands_issue(tmp_path: Path) -> None:
    """A new user finds Kédougou's partner, phase 4 in Spanish, the next meeting as .ics."""
    lines = "/partner kedougou\n/language es\n/milestones 4\n/exchanges\n1\n"
    out = partnerbot("console", db=tmp_path / "c.sqlite3", stdin=lines).stdout
    assert "🤝 Landkreis Passau – Département Kédougou" in out
    assert "✅ 15 de agosto de 2014 — Manifestación de interés" in out
    assert "1. 💻 Reunión virtual · Bonn – La Paz" in out
    saved = out.split("bot sent a file: bonn-la-paz-virtual.ics")[1].split("saved as ")[1]
    assert Path(saved.splitlines()[0]).read_bytes().startswith(b"BEGIN:VCALENDAR")


def test_console_group_sees_reminders_when_the_clock_moves(tmp_path: Path) -> None:
    """A Bonn–La Paz group in German and Spanish: invitation with RSVP, reminders, deadlines."""
    lines = (
        ":group\n/language de es\n/subscribe bonn\n/subscribe example phase\n"
        ":user 2\n/subscribe tandem\n1\n:user 1001\n:clock +2d\n"
    )
    out = partnerbot("console", db=tmp_path / "g.sqlite3", stdin=lines).stdout
    assert "📅 Einladung: Virtuelles Treffen Bonn – La Paz" in out
    assert "📅 Invitación: Reunión virtual Bonn – La Paz" in out
    assert re.search(r"15:00 Bonn · (09|10):00 La Paz", out)  # La Paz has no DST
    assert "Nur die Administratoren der Gruppe können diese Einstellung ändern." in out
    assert "[1] ✅ 1   [2] ❌ 0   [3] ❔ 0" in out  # user 2 said yes
    assert "⏰ Frist morgen" in out and "⏰ Plazo: mañana" in out
    assert "(the clock says 20" in out and "Verspätet" not in out  # lived through, not late
    assert out.count("📅 Einladung: Virtuelles Treffen Bonn – La Paz\nDi., 24. Nov.") <= 1


def test_schedule_lists_what_will_be_posted(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    partnerbot("console", db=db, stdin=":group\n/subscribe bonn\n")
    assert partnerbot("schedule", db=db).stdout == "nothing planned in the next 14 days\n"
    # the console keeps its own database beside the real one
    out = partnerbot("schedule", "--days", "60", db=tmp_path / "s-console.sqlite3").stdout
    assert out.splitlines()[0] == "chat -1001001 (en, Europe/Berlin)"
    assert "meeting   ⏰ Virtual meeting Bonn – La Paz begins in 1 day." in out
    assert "invite    📅 Invitation: Virtual meeting Bonn – La Paz" in out


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
        "partnerbot: municipalities[kidira].timezone: unknown IANA time zone 'Africa/Nowhere'\n"
    )
    assert partnerbot("export", "-", db=db).stdout == before


def test_migrate_reports_the_version(tmp_path: Path) -> None:
    result = partnerbot("migrate", db=tmp_path / "m.sqlite3")
    assert result.stdout.strip().endswith(f"schema version {len(bundled_migrations())}")


@pytest.mark.parametrize("command", ["run", "console", "import", "export", "migrate"])
def test_every_command_has_help(command: str, tmp_path: Path) -> None:
    result = partnerbot(command, "--help", db=tmp_path / "h.sqlite3")
    assert result.returncode == 0 and f"usage: partnerbot {command}" in result.stdout
