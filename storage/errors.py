"""Why the database file cannot be used, in one line an operator can act on."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

# SQLite's primary result codes (an extended code keeps its primary one in the low byte).
SQLITE_PERM = 3
SQLITE_BUSY = 5
SQLITE_LOCKED = 6
SQLITE_READONLY = 8
SQLITE_CORRUPT = 11
SQLITE_FULL = 13
SQLITE_CANTOPEN = 14
SQLITE_NOTADB = 26


class DatabaseUnavailableError(RuntimeError):
    """The database file cannot be opened, read or written; `cause` says why."""

    def __init__(self, path: str | Path, cause: str) -> None:
        super().__init__(f"{path}: {cause}")
        self.path = str(path)
        self.cause = cause


class DatabaseLockedError(DatabaseUnavailableError):
    """Another process held the write lock for longer than this one would wait."""

    def __init__(self, path: str | Path, waited: float) -> None:
        super().__init__(
            path,
            f"another process held the write lock for {waited:g} s; nothing was changed, "
            "try again when it is done",
        )
        self.waited = waited


def primary_code(exc: sqlite3.Error) -> int | None:
    code = getattr(exc, "sqlite_errorcode", None)
    return None if code is None else int(code) & 0xFF


def is_busy(exc: BaseException) -> bool:
    return isinstance(exc, sqlite3.OperationalError) and primary_code(exc) in (
        SQLITE_BUSY,
        SQLITE_LOCKED,
    )


def explain(path: str | Path, exc: sqlite3.Error) -> str:
    """The cause of `exc` as the operator can fix it: SQLite's own words ("unable to open
    database file") do not say whether the file, its directory or its contents are wrong."""
    code = primary_code(exc)
    if code in (SQLITE_NOTADB, SQLITE_CORRUPT):
        return f"not an SQLite database, or a damaged one ({exc})"
    if code == SQLITE_FULL:
        return f"the disk is full ({exc})"
    return file_problem(Path(path)) or str(exc) or type(exc).__name__


def file_problem(file: Path) -> str | None:
    """What keeps partnerbot from reading and writing the database `file`, as the file
    system tells (a read-only mount included); None: nothing it can see. Every command
    may write (migrate, seed), so a read-only file is refused up front: SQLite would open
    it read-only without a word and fail at the first write."""
    if file.is_dir():
        return "is a directory; expected a database file (it is created if missing)"
    parent = file.parent
    if not parent.is_dir():
        return f"the directory {parent} does not exist; create it first"
    exists = file.exists()
    if exists and not os.access(file, os.R_OK):
        return "the file cannot be read (permissions)"
    if exists and not os.access(file, os.W_OK):
        return "the file is read-only; partnerbot must write to it"
    if not os.access(parent, os.W_OK | os.X_OK):
        if not exists:
            return f"cannot create it: the directory {parent} is read-only"
        return (
            f"the directory {parent} is read-only; SQLite must create its journal files "
            "(-wal, -shm) there"
        )
    return None
