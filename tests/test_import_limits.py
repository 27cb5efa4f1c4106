"""`partnerbot import` of hostile and unlucky files, as a process: each ends in one line
naming the file and where it went wrong, exit status 2, the database as it was, at once.

The files are made here from the seed. A timeout on each run turns a hang into a failure.
"""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from harness.bot_process import CLOCK_START, own_environ, partnerbot
from storage.store import seed_yaml
from tests.conftest import ROOT

QUICK = 30  # seconds: far above what a refusal takes, far below a hang (minutes)
SEED = seed_yaml()
HEAD = "format: partnerbot-dataset/1\n"


def laughs(levels: int = 9) -> str:
    """The "billion laughs": each line repeats the one before ten times; `format` holds
    10**9 values, and any message that prints it in full never ends."""
    lines = ["a0: &a0 [" + ", ".join(["lol"] * 10) + "]"]
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, levels)]
    return "\n".join(lines) + f"\nformat: *a{levels - 1}\n"


def merged_laughs(levels: int = 9) -> str:
    """The same through merge keys (`<<`), which the loader itself copies."""
    lines = ["m0: &m0 {" + ", ".join(f"k{j}: lol" for j in range(10)) + "}"]
    lines += [
        f"m{i}: &m{i} {{<<: [" + ", ".join([f"*m{i - 1}"] * 10) + "]}" for i in range(1, levels)
    ]
    return HEAD + "\n".join(lines) + "\n"


def seed_with(old: str, new: str) -> str:
    assert old in SEED, old
    return SEED.replace(old, new, 1)


WEDNESDAY_CANCELLATION = HEAD + (
    "meeting_changes:\n"
    "- id: bonn-la-paz-2027-01-06\n"
    "  series_id: bonn-la-paz-virtual\n"  # stored: six-weekly on Tuesdays, 15:00
    "  occurrence: '2027-01-06T15:00'\n"  # a Wednesday
    "  status: cancelled\n"
)

FIRST_NON_ASCII_LINE = next(n for n, line in enumerate(SEED.splitlines(), 1) if not line.isascii())
# name, the file, what the one line must name after "partnerbot: FILE: "
HOSTILE: list[tuple[str, bytes, str]] = [
    ("invalid-utf8", SEED.encode()[:90] + b"\xff\xfe" + SEED.encode()[90:], "line 2, byte "),
    # issue 14, defect 7: a file saved as Latin-1, named at its first letter beyond ASCII
    ("latin-1", SEED.encode("latin-1", "replace"), f"line {FIRST_NON_ASCII_LINE}, byte "),
    ("deep", (HEAD + "topics: " + "[" * 20_000 + "\n").encode(), "nested deeper than 20"),
    (
        "huge-int",
        seed_with("partnership_count: 9", "partnership_count: 99999999999999999999999").encode(),
        "phases[pilot].partnership_count: expected a whole number from 0 to 1,000,000",
    ),
    (
        "5000-digits",
        seed_with("partnership_count: 9", "partnership_count: " + "9" * 5000).encode(),
        "a number longer than 30 characters",
    ),
    (
        "huge-year",
        seed_with("since: '2012'", "since: 99999999999999999999").encode(),
        "partnerships[bonn-la-paz].since: the year",
    ),
    ("billion-laughs", laughs().encode(), "aliases repeat more than 10,000 values"),
    ("merged-laughs", merged_laughs().encode(), "aliases repeat more than 10,000 values"),
    ("recursive-alias", (HEAD + "topics: &a [*a]\n").encode(), "an alias may not refer"),
    (
        "tab",
        (HEAD + "topics:\n\t- id: x\n").encode(),
        "line 3, column 1: found character that cannot start any token: a tab",
    ),
    (
        "syntax",
        (HEAD + "topics: [a, b\n").encode(),
        "line 3, column 1: did not find expected ',' or ']'",
    ),
    ("nul", (HEAD[:-1] + "\x00\n").encode(), "character U+0000 is not allowed"),
    ("control", (HEAD + 'topics: "\x01"\n').encode(), "character U+0001 is not allowed"),
    (
        "python-tag",
        b"format: !!python/object/apply:os.system ['echo pwned']\n",
        "line 1, column 9: the tag '!!python/object/apply:os.system' is not allowed",
    ),
    ("python-name", (HEAD + "topics: !!python/name:os.system\n").encode(), "is not allowed"),
    ("two-documents", (HEAD + "---\n" + HEAD).encode(), "expected a single document"),
    ("duplicate-key", (HEAD + "topics: []\ntopics: []\n").encode(), "'topics' is given twice"),
    ("impossible-date", (HEAD + "x: 2024-13-45\n").encode(), "'2024-13-45' is not a date"),
    ("mixed-keys", (HEAD + "1: x\nzz: y\n").encode(), "1: unknown section"),
    (
        "long-field",
        seed_with("  started: '2011'", "  started: '2011'\n  " + "x" * 1000 + ": 1").encode(),
        "programmes[kkp].'" + "x" * 27 + "..." + "x" * 28 + "': unknown field",
    ),
    (
        "long-id",
        seed_with("- id: tandem", "- id: " + "t" * 100_000).encode(),
        "programmes[1].id: use 1 to 40",
    ),
    (
        "name-5",
        seed_with("{id: bonn, name: Bonn,", "{id: bonn, name: 5,").encode(),
        "municipalities[bonn].name: expected a text or a mapping",
    ),
    (
        "south-id",
        seed_with("  south_id: la-paz\n", "  south_id: la-pas\n").encode(),
        "partnerships[bonn-la-paz].south_id: no municipalities with id 'la-pas'",
    ),
    (
        "zone-folder",
        seed_with("timezone: Africa/Dakar", "timezone: Europe").encode(),
        "municipalities[kidira].timezone: unknown IANA time zone 'Europe'",
    ),
    (
        "secondly",
        seed_with("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "FREQ=SECONDLY").encode(),
        "meeting_series[bonn-la-paz-virtual].rrule: FREQ must be one of DAILY",
    ),
    (  # issue 14, defect 7: reported as an UNTIL problem once
        "sometimes",
        seed_with("FREQ=WEEKLY;INTERVAL=6;BYDAY=TU", "FREQ=SOMETIMES").encode(),
        "meeting_series[bonn-la-paz-virtual].rrule: FREQ must be one of DAILY",
    ),
    (
        "wednesday",
        WEDNESDAY_CANCELLATION.encode(),
        "meeting_changes[bonn-la-paz-2027-01-06].occurrence: the series has no meeting",
    ),
    ("empty", b"", "expected a mapping"),
]


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database holding the seed (export seeds a new one), copied for each test."""
    db = tmp_path_factory.mktemp("seeded") / "seeded.sqlite3"
    assert partnerbot("export", "-", db=db).returncode == 0
    return db


def run(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    """A `partnerbot` command that must end within QUICK seconds."""
    env = {
        **own_environ(),
        "PARTNERBOT_DB": str(db),
        "PARTNERBOT_CLOCK_START": CLOCK_START.isoformat(),
        "LANG": "C.UTF-8",
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        errors="replace",
        timeout=QUICK,
        check=False,
    )


def dump(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return list(conn.iterdump())


def refused(path: Path, db: Path) -> str:
    """Import `path`; it must be refused in one line and change nothing: that line."""
    before = dump(db)
    result = run("import", str(path), db=db)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, result.stderr[:2000]
    assert result.stdout == ""
    assert dump(db) == before
    line = result.stderr.rstrip("\n")
    assert line.startswith(f"partnerbot: {path}"), line
    return line


@pytest.mark.parametrize(("name", "content", "named"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_a_hostile_file_is_refused_in_one_line(
    name: str, content: bytes, named: str, seeded: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    shutil.copy(seeded, db)
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    line = refused(path, db)
    assert named in line
    said = line.removeprefix(f"partnerbot: {path}: ")
    assert said.count(named.split(": ")[0]) == 1  # the place is named once
    assert len(line) <= 300 + len(f"partnerbot: {path}: ")


def test_a_file_larger_than_the_limit_is_refused_before_it_is_read(
    seeded: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    shutil.copy(seeded, db)
    big = tmp_path / "big.yaml"
    with big.open("wb") as file:  # 50 MB, sparse: the size is all there is to it
        file.write(HEAD.encode())
        file.truncate(50 * 10**6)
    assert refused(big, db) == f"partnerbot: {big}: larger than 4 MiB, the limit"
    # a file that never ends is read no further than the limit either
    assert refused(Path("/dev/zero"), db) == "partnerbot: /dev/zero: larger than 4 MiB, the limit"


def readme_meeting_change() -> str:
    """The example under "Cancelled or moved meetings" in the README."""
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("Cancelled or moved meetings are records of the dataset file:", 1)[1]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    return block.group(1)


def test_the_readmes_meeting_change_imports_and_a_wrong_date_does_not(
    seeded: Path, tmp_path: Path
) -> None:
    """Changes only, for the series already stored: they are checked against it."""
    db = tmp_path / "db.sqlite3"
    shutil.copy(seeded, db)
    example = readme_meeting_change()
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(HEAD + example.replace("2027-01-05T15:00", "2027-01-06T15:00"))
    assert "no meeting at that time" in refused(wrong, db)
    good = tmp_path / "good.yaml"
    good.write_text(HEAD + example)
    result = run("import", str(good), db=db)
    assert (result.returncode, result.stderr) == (0, "")
    with closing(sqlite3.connect(db)) as conn:
        stored = conn.execute("SELECT occurrence, status, moved_to FROM meeting_changes").fetchall()
    assert stored == [("2027-01-05T15:00", "moved", "2027-01-07T16:00")]


def test_a_rule_smuggled_into_the_database_cannot_hang_the_schedule(tmp_path: Path) -> None:
    """`partnerbot schedule` plans as the running bot does: a rule import now refuses,
    written into the database by hand, plans nothing for that series, and quickly."""
    db = tmp_path / "s.sqlite3"
    partnerbot("console", db=db, stdin=":group\n/language en\n/subscribe bonn\n")
    console_db = tmp_path / "s-console.sqlite3"  # the console keeps its own database
    with closing(sqlite3.connect(console_db)) as conn, conn:
        conn.execute("UPDATE meeting_series SET rrule = 'FREQ=SECONDLY'")
        conn.execute("DELETE FROM deliveries")
    result = run("schedule", "--days", "1", db=console_db)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert result.stdout == "nothing planned in the next 1 days\n"
    # the same series meeting weekly again is planned as before: the rule made the difference
    with closing(sqlite3.connect(console_db)) as conn, conn:
        conn.execute("UPDATE meeting_series SET rrule = 'FREQ=WEEKLY;INTERVAL=6;BYDAY=TU'")
    later = run("schedule", "--days", "1", db=console_db).stdout
    assert "2026-11-23 15:00  meeting   ⏰ Virtual meeting Bonn – La Paz begins tomorrow." in later


def test_the_readme_states_the_limits_the_code_has() -> None:
    from bot.model.codec import MAX_WHOLE
    from bot.model.dataset import MAX_FILE_BYTES
    from bot.model.recurrence import MAX_PER_WINDOW, MAX_STEPS
    from bot.model.yaml_limits import MAX_ALIASED_NODES, MAX_DEPTH, MAX_NUMBER_CHARS

    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme.split("### Importing a file", 1)[1].split("\n## ", 1)[0]
    assert f"| file size | {MAX_FILE_BYTES // 2**20} MiB, checked before reading |" in section
    assert f"| nesting | {MAX_DEPTH} levels |" in section
    assert f"may repeat {MAX_ALIASED_NODES:,} values in all" in section
    assert f"0 to {MAX_WHOLE:,} (at most {MAX_NUMBER_CHARS} characters" in section
    assert f"walks at most {MAX_STEPS:,} meetings" in readme
    assert f"gives at most {MAX_PER_WINDOW:,}." in readme


def test_a_bad_file_into_a_new_database_is_still_one_line(tmp_path: Path) -> None:
    """The new database is created and migrated first: that is not news on stderr."""
    path = tmp_path / "bad.yaml"
    path.write_bytes(HOSTILE[0][1])
    result = run("import", str(path), db=tmp_path / "new.sqlite3")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and result.stderr.startswith(f"partnerbot: {path}: ")


def test_a_database_from_a_newer_partnerbot_is_named_in_one_line(
    seeded: Path, tmp_path: Path
) -> None:
    db = tmp_path / "db.sqlite3"
    shutil.copy(seeded, db)
    with closing(sqlite3.connect(db)) as conn, conn:
        conn.execute("INSERT INTO schema_version (version) VALUES (999)")
    result = run("export", "-", db=db)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith(f"partnerbot: PARTNERBOT_DB: the database {db} has schema")
