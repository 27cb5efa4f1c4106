"""Start-up and the database, as an unlucky operator meets them: every failure ends in one
line that names the setting and the cause, never the token, and no command hangs."""

from __future__ import annotations

import asyncio
import shutil
import socket
import sqlite3
import stat
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import pytest

from harness.bot_process import (
    TOKEN,
    BotProcess,
    command_environ,
    own_environ,
    partnerbot,
    unprivileged,
)
from harness.botapi_server import BotApiServer, Outage
from storage.db import bundled_migrations
from storage.errors import DatabaseUnavailableError
from storage.store import Storage, seed_yaml

HANG = 30  # seconds: a command that has not ended by then hangs (they take about 1 s)
SECRET_PART = TOKEN.partition(":")[2]


# -- 12: the Bot API refuses, is not there, or is broken ----------------------------------
OTHER_TOKEN = "654321:another-bots-token"


@dataclass(frozen=True)
class Refusal:
    name: str
    status: int
    setting: str
    says: str  # what the line says after "the Bot API at URL "
    accepts: str = TOKEN  # the token the server takes
    outage: Outage | None = None
    closed: bool = False  # nothing listens: the server is stopped, its port given back


REFUSALS = [
    Refusal(
        "rejected token",
        2,
        "TELEGRAM_BOT_TOKEN",
        "rejected the token (401 Unauthorized); check it with @BotFather",
        accepts=OTHER_TOKEN,
    ),
    Refusal(
        "closed port",
        1,
        "TELEGRAM_API_URL",
        "failed at start-up: httpx.ConnectError: ",
        closed=True,
    ),
    Refusal(
        "500",
        1,
        "TELEGRAM_API_URL",
        "failed at start-up: Internal Server Error (500). Parsing the server response",
        outage=Outage.SERVER_ERROR,
    ),
    Refusal(
        "not JSON",
        1,
        "TELEGRAM_API_URL",
        "failed at start-up: Invalid server response",
        outage=Outage.GARBAGE,
    ),
]


def closed_port() -> str:
    """A loopback URL nothing listens on: a port the system just gave out and took back."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.mark.parametrize("refusal", REFUSALS, ids=lambda r: r.name)
async def test_a_failed_start_says_why_in_one_line_without_the_token(
    refusal: Refusal, tmp_path: Path
) -> None:
    server = BotApiServer(token=refusal.accepts, outage=refusal.outage)
    url = await server.start()
    if refusal.closed:
        await server.stop()
        url = closed_port()
    bot = BotProcess(url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    try:
        await bot.start()
        status = await bot.exited(within=HANG)
    finally:
        await server.stop()
    output = bot.output()  # stdout and stderr
    assert TOKEN not in output and SECRET_PART not in output
    assert status == refusal.status, output
    assert output.count("\n") == 1, output  # nothing but the one line, at the default level
    line = output.strip()
    assert line.startswith(f"partnerbot: {refusal.setting}: the Bot API at {url} {refusal.says}")


async def test_a_rejected_token_stays_out_of_the_debug_log(tmp_path: Path) -> None:
    server = BotApiServer(token=OTHER_TOKEN)
    await server.start()
    bot = BotProcess(server.url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
    try:
        await bot.start(PARTNERBOT_LOG_LEVEL="DEBUG")  # request URLs, PTB's every step
        status = await bot.exited(within=HANG)
    finally:
        await server.stop()
    output = bot.output()
    assert status == 2 and "getMe" in output  # the log shows the request, not the token
    assert TOKEN not in output and SECRET_PART not in output
    assert output.splitlines()[-1] == (
        f"partnerbot: TELEGRAM_BOT_TOKEN: the Bot API at {server.url} rejected the token "
        "(401 Unauthorized); check it with @BotFather"
    )


async def test_a_webhook_port_taken_ends_run_in_one_line(tmp_path: Path) -> None:
    server = BotApiServer(token=TOKEN)
    await server.start()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        listen = f"127.0.0.1:{taken.getsockname()[1]}"
        bot = BotProcess(server.url, tmp_path / "bot.sqlite3", tmp_path / "bot.log")
        try:
            await bot.start(
                PARTNERBOT_WEBHOOK_URL="https://bot.example.org/telegram",
                PARTNERBOT_WEBHOOK_LISTEN=listen,
            )
            status = await bot.exited(within=HANG)
        finally:
            await server.stop()
    output = bot.output()
    assert status == 2, output
    assert "Traceback" not in output
    assert output.splitlines()[-1] == (
        f"partnerbot: PARTNERBOT_WEBHOOK_LISTEN: cannot listen on {listen}: Address already in use"
    )


# -- 13: a database file partnerbot cannot use --------------------------------------------
@pytest.fixture(scope="module")
def live_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database as `partnerbot` leaves it: migrated, in WAL mode, closed cleanly."""
    path = tmp_path_factory.mktemp("template") / "partnerbot.sqlite3"
    assert partnerbot("migrate", db=path).returncode == 0
    return path


@dataclass(frozen=True)
class Problem:
    name: str
    make: Callable[[Path, Path], Path]  # (a fresh directory, a live database) -> PARTNERBOT_DB
    cause: Callable[[Path], str]  # the line's cause, given PARTNERBOT_DB
    read_only: bool = False  # needs permissions to hold (see harness.bot_process.unprivileged)


def _read_only_directory(where: Path, live: Path) -> Path:
    shutil.copy(live, where / "db.sqlite3")
    where.chmod(0o555)
    return where / "db.sqlite3"


def _not_sqlite(where: Path, live: Path) -> Path:
    (where / "notes.txt").write_text("Meeting notes, not a database.\n" * 200)
    return where / "notes.txt"


def _read_only_empty_directory(where: Path, live: Path) -> Path:
    where.chmod(0o555)
    return where / "db.sqlite3"


def _read_only_file(where: Path, live: Path) -> Path:
    shutil.copy(live, where / "db.sqlite3")
    (where / "db.sqlite3").chmod(0o444)
    return where / "db.sqlite3"


PROBLEMS = [
    Problem(
        "read-only directory",
        _read_only_directory,
        lambda db: (
            f"the directory {db.parent} is read-only; SQLite must create its journal "
            "files (-wal, -shm) there"
        ),
        read_only=True,
    ),
    Problem(
        "not SQLite",
        _not_sqlite,
        lambda db: "not an SQLite database, or a damaged one (file is not a database)",
    ),
    Problem(
        "missing directory",
        lambda where, live: where / "gone" / "db.sqlite3",
        lambda db: f"the directory {db.parent} does not exist; create it first",
    ),
    Problem(
        "read-only empty directory",
        _read_only_empty_directory,
        lambda db: f"cannot create it: the directory {db.parent} is read-only",
        read_only=True,
    ),
    Problem(
        "a directory",
        lambda where, live: where,
        lambda db: "is a directory; expected a database file (it is created if missing)",
    ),
    Problem(
        "read-only file",
        _read_only_file,
        lambda db: "the file is read-only; partnerbot must write to it",
        read_only=True,
    ),
]


@pytest.fixture
def place(tmp_path: Path) -> Iterator[Path]:
    """A directory of its own for the bad database; made writable again for the clean-up."""
    where = tmp_path / "place"
    where.mkdir()
    yield where
    for path in (where, *where.rglob("*")):
        if not path.is_symlink():
            path.chmod(path.stat().st_mode | stat.S_IWUSR | stat.S_IXUSR)


def _prefix(problem: Problem) -> tuple[str, ...]:
    if not problem.read_only:
        return ()
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root, which ignores permissions, and `unshare --user` fails")
    return prefix


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
@pytest.mark.parametrize(
    "command", [("export", "-"), ("import", "{dataset}"), ("migrate",), ("schedule",)]
)
def test_a_database_that_cannot_be_used_ends_a_command_in_one_line(
    problem: Problem,
    command: tuple[str, ...],
    place: Path,
    tmp_path: Path,
    live_database: Path,
) -> None:
    dataset = tmp_path / "network.yaml"
    dataset.write_text(seed_yaml(), encoding="utf-8")
    prefix = _prefix(problem)
    db = problem.make(place, live_database)
    args = [part.format(dataset=dataset) for part in command]
    result = partnerbot(*args, db=db, prefix=prefix, timeout=HANG)  # a hang raises here
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr == f"partnerbot: PARTNERBOT_DB: {db}: {problem.cause(db)}\n"


@pytest.mark.parametrize("problem", PROBLEMS, ids=lambda p: p.name)
async def test_a_database_that_cannot_be_used_ends_run_in_one_line(
    problem: Problem, place: Path, live_database: Path, tmp_path: Path
) -> None:
    prefix = _prefix(problem)
    db = problem.make(place, live_database)
    server = BotApiServer(token=TOKEN)
    await server.start()
    bot = BotProcess(
        server.url,
        db,
        tmp_path / "bot.log",
        command=(*prefix, sys.executable, "-m", "bot", "run"),
    )
    try:
        await bot.start()
        status = await bot.exited(within=HANG)
    finally:
        await server.stop()
    output = bot.output()
    assert status == 2, output
    assert output.splitlines()[-1] == f"partnerbot: PARTNERBOT_DB: {db}: {problem.cause(db)}"
    assert "Traceback" not in output and TOKEN not in output


def test_unprivileged_commands_do_meet_permissions(tmp_path: Path) -> None:
    """The read-only cases above test something only if permissions hold for the command."""
    prefix = unprivileged()
    if prefix is None:
        pytest.skip("running as root, which ignores permissions, and `unshare --user` fails")
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    probe = subprocess.run(
        [*prefix, sys.executable, "-c", f"open({str(locked / 'x')!r}, 'w')"],
        capture_output=True,
        text=True,
        check=False,
        env=own_environ(),
    )
    locked.chmod(0o755)
    assert probe.returncode != 0 and "Permission denied" in probe.stderr


async def test_a_database_that_cannot_be_used_leaves_no_thread_behind(tmp_path: Path) -> None:
    """The hang itself: aiosqlite's thread, left running, kept the process alive."""
    bad = tmp_path / "notes.txt"
    bad.write_text("Meeting notes, not a database.\n" * 200)
    before = set(threading.enumerate())
    with pytest.raises(DatabaseUnavailableError, match="not an SQLite database"):
        await Storage.open(bad)
    await asyncio.sleep(0)  # let a closing thread's last callback run
    # the event loop's own executor (asyncio.to_thread) ends with the loop
    new = set(threading.enumerate()) - before
    left = [t for t in new if t.is_alive() and not t.name.startswith("asyncio_")]
    for thread in left:
        thread.join(timeout=HANG)
    assert not [t for t in left if t.is_alive()]


# -- 14: an import while another process writes -------------------------------------------
LOCK_NOTICE = "another process holds the write lock; waiting up to {wait} s for it"


@pytest.fixture
def network(tmp_path: Path) -> tuple[Path, Path, str]:
    """A seeded database, a dataset that changes it (a town renamed), and its export."""
    db = tmp_path / "live.sqlite3"
    assert partnerbot("migrate", db=db).returncode == 0
    dataset = tmp_path / "renamed.yaml"
    dataset.write_text(seed_yaml().replace("Pforzheim", "Pforzheim an der Enz"), "utf-8")
    return db, dataset, partnerbot("export", "-", db=db).stdout


def _hold_write_lock(db: Path) -> sqlite3.Connection:
    """Another process's writer, as SQLite sees it: a connection holding the write lock."""
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO meta (key, value) VALUES ('held', 'by the test')")
    return holder


async def test_import_waits_for_the_write_lock_and_then_imports(
    network: tuple[Path, Path, str],
) -> None:
    db, dataset, before = network
    holder = _hold_write_lock(db)
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable,
            *("-m", "bot", "import", str(dataset), "--wait", "60"),
            env=command_environ(db),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        assert process.stderr is not None
        # It tried once, found the lock taken, said so: now it waits (SQLite retrying).
        notice = f"WARNING storage.db: {db}: {LOCK_NOTICE.format(wait=60)}"
        async with asyncio.timeout(HANG):
            while notice not in (line := (await process.stderr.readline()).decode()):
                assert line, "the import ended without waiting"
    finally:
        holder.execute("ROLLBACK")  # released partway through the import's wait
        holder.close()
    out, err = await asyncio.wait_for(process.communicate(), HANG)
    assert process.returncode == 0, err.decode()
    assert "imported 12 partnerships" in out.decode() and b"Traceback" not in err
    after = partnerbot("export", "-", db=db).stdout
    assert "Pforzheim an der Enz" in after and "Pforzheim an der Enz" not in before


def test_import_gives_up_after_its_wait_in_one_line_and_changes_nothing(
    network: tuple[Path, Path, str],
) -> None:
    db, dataset, before = network
    holder = _hold_write_lock(db)
    try:
        result = partnerbot("import", str(dataset), "--wait", "1", db=db, timeout=HANG)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    notice, line = result.stderr.splitlines()  # the notice as it began to wait, then why not
    assert notice.endswith(f"WARNING storage.db: {db}: {LOCK_NOTICE.format(wait=1)}")
    assert line == (
        f"partnerbot: PARTNERBOT_DB: {db}: another process held the write lock for 1 s; "
        "nothing was changed, try again when it is done"
    )
    assert partnerbot("export", "-", db=db).stdout == before


# -- 15: a backup while the database is written --------------------------------------------
def _chat_titles(db: Path) -> list[str]:
    with closing(sqlite3.connect(db)) as conn:
        return [row[0] for row in conn.execute("SELECT title FROM chats ORDER BY id DESC")]


def test_backup_copies_what_was_committed_while_another_connection_writes(
    tmp_path: Path,
) -> None:
    db, copy = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    assert partnerbot("migrate", db=db).returncode == 0
    with closing(sqlite3.connect(db, isolation_level=None)) as writer:
        writer.execute("PRAGMA wal_autocheckpoint = 0")  # what it commits stays in the WAL
        rows = [(-i, f"committed {i}") for i in range(1, 201)]
        writer.executemany("INSERT INTO chats (id, type, title) VALUES (?, 'group', ?)", rows)
        assert Path(f"{db}-wal").stat().st_size > 0
        writer.execute("BEGIN IMMEDIATE")  # and it is writing more as the backup runs
        writer.executemany(
            "INSERT INTO chats (id, type, title) VALUES (?, 'group', 'not yet committed')",
            [(-1000 - i,) for i in range(200)],
        )
        result = partnerbot("backup", str(copy), db=db, timeout=HANG)
        writer.execute("COMMIT")
    assert result.returncode == 0, result.stderr
    version = len(bundled_migrations())
    assert result.stdout == (
        f"backed up {db} to {copy} (schema version {version}, {copy.stat().st_size:,} bytes)\n"
    )
    with closing(sqlite3.connect(copy)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("delete",)  # one file
        assert conn.execute("SELECT count(*) FROM partnerships").fetchone() == (12,)
    assert _chat_titles(copy) == [f"committed {i}" for i in range(1, 201)]
    assert len(_chat_titles(db)) == 400  # the live database has both, and is unharmed


def test_backup_keeps_an_existing_file_unless_forced_and_restores(tmp_path: Path) -> None:
    db, copy = tmp_path / "live.sqlite3", tmp_path / "backup.sqlite3"
    assert partnerbot("migrate", db=db).returncode == 0
    before = partnerbot("export", "-", db=db).stdout
    copy.write_text("an older backup, or anything else the operator keeps\n")
    refused = partnerbot("backup", str(copy), db=db, timeout=HANG)
    assert (refused.returncode, refused.stdout) == (2, "")
    assert refused.stderr == (
        f"partnerbot: backup: {copy}: exists already; give another name, or --force\n"
    )
    assert copy.read_text().startswith("an older backup")
    itself = partnerbot("backup", str(db), "--force", db=db, timeout=HANG)
    assert itself.stderr == f"partnerbot: backup: {db}: is the database itself; give another name\n"
    assert partnerbot("backup", str(copy), "--force", db=db, timeout=HANG).returncode == 0
    assert list(tmp_path.glob(".backup.sqlite3.*")) == []  # no partial copy left behind
    # A change after the backup; then the README's restore: (the bot stopped) the copy
    # over PARTNERBOT_DB, and start again.
    changed = tmp_path / "renamed.yaml"
    changed.write_text(seed_yaml().replace("Pforzheim", "Pforzheim an der Enz"), "utf-8")
    assert partnerbot("import", str(changed), db=db).returncode == 0
    assert partnerbot("export", "-", db=db).stdout != before
    shutil.copyfile(copy, db)
    assert partnerbot("export", "-", db=db).stdout == before
