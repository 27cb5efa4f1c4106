"""`partnerbot backup`: a consistent copy of the database while the bot goes on writing."""

from __future__ import annotations

import os
import sqlite3
import tempfile
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from storage.errors import DatabaseUnavailableError, explain


class BackupError(RuntimeError):
    """The copy could not be written where asked (the database itself is fine)."""


@dataclass(frozen=True)
class Backup:
    path: Path
    schema_version: int
    size: int  # bytes


def backup(source: Path, target: Path, *, overwrite: bool = False) -> Backup:
    """Copy `source` to `target` with SQLite's online backup API: one read snapshot, so
    the copy is the database as it was at one instant, whatever is written meanwhile
    (WAL mode: readers and the writer do not block each other). The copy is written
    beside `target` and checked (`PRAGMA integrity_check`) before it takes that name, so
    `target` is never half written; an existing `target` is kept unless `overwrite`."""
    if not source.is_file():
        raise DatabaseUnavailableError(source, "no database there to back up")
    if target.is_dir():
        raise BackupError(f"{target}: is a directory; give the name of the copy")
    if target.exists() and os.path.samefile(source, target):
        raise BackupError(f"{target}: is the database itself; give another name")
    if target.exists() and not overwrite:
        raise BackupError(f"{target}: exists already; give another name, or --force")
    try:
        scratch = tempfile.NamedTemporaryFile(  # noqa: SIM115 - renamed, not closed
            dir=target.parent, prefix=f".{target.name}.", suffix=".partial", delete=False
        )
    except OSError as exc:
        raise BackupError(f"{target}: cannot be written ({exc.strerror})") from exc
    scratch.close()
    partial = Path(scratch.name)
    try:
        version = _copy(source, partial)
        _publish(partial, target, overwrite=overwrite)
    finally:
        partial.unlink(missing_ok=True)
    return Backup(target, version, target.stat().st_size)


def _copy(source: Path, partial: Path) -> int:
    """The copy's schema version, once it is written and found whole."""
    try:
        # Read-only: a backup never creates, migrates or changes the live database.
        uri = source.resolve().as_uri() + "?mode=ro"
        with closing(sqlite3.connect(uri, uri=True)) as live:
            live.execute("PRAGMA busy_timeout = 5000")
            with closing(sqlite3.connect(partial)) as copy:
                live.backup(copy)  # all pages in one step: one snapshot
    except sqlite3.Error as exc:
        raise DatabaseUnavailableError(source, explain(source, exc)) from exc
    try:
        with closing(sqlite3.connect(partial, isolation_level=None)) as copy:
            # One self-contained file (no -wal beside it); the bot turns WAL on again.
            copy.execute("PRAGMA journal_mode = DELETE")
            verdict = copy.execute("PRAGMA integrity_check").fetchone()[0]
            if verdict != "ok":
                raise BackupError(f"the copy failed its integrity check: {verdict}")
            known = copy.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            version = "SELECT max(version) FROM schema_version"
            row = copy.execute(version).fetchone() if known else None
    except sqlite3.Error as exc:
        raise BackupError(f"the copy cannot be read back: {exc}") from exc
    return int(row[0]) if row and row[0] is not None else 0


def _publish(partial: Path, target: Path, *, overwrite: bool) -> None:
    try:
        if overwrite:
            os.replace(partial, target)
        else:
            os.link(partial, target)  # fails if `target` appeared meanwhile: never replaced
    except FileExistsError as exc:
        raise BackupError(f"{target}: exists already; give another name, or --force") from exc
    except OSError as exc:
        raise BackupError(f"{target}: cannot be written ({exc.strerror})") from exc
