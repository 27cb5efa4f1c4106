"""The `partnerbot` command: run, console, import, export, schedule, audit, migrate, backup.

Every failure an operator can meet ends in one line on stderr, `partnerbot: ` and what
to fix, never with the token in it: exit status 2 for a setting, a file or the token,
1 for what may pass by itself (the Bot API unreachable, the database locked)."""

from __future__ import annotations

import argparse
import asyncio
import errno
import logging
import os
import socket
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from bot.audit_report import AuditQuery, AuditQueryError, audit_lines
from bot.config import ConfigError, Settings, load_settings
from bot.logs import scrub, scrub_tracebacks, setup_logging
from bot.model.clock import clock_from
from bot.model.codec import DatasetError
from bot.model.dataset import (
    MAX_FILE_BYTES,
    check_size,
    dataset_from_yaml,
    dataset_to_yaml,
    decode,
)
from bot.text.i18n import CatalogMissingError
from storage.backup import BackupError, backup
from storage.db import SchemaTooNewError
from storage.errors import DatabaseLockedError, DatabaseUnavailableError
from storage.store import Storage

LOCK_WAIT = 30.0
"""Seconds a command waits for the write lock another process (the bot) holds."""
LISTEN_ERRORS = (errno.EADDRINUSE, errno.EADDRNOTAVAIL, errno.EACCES)  # binding a server
MESSAGE_LIMIT = 400  # characters of a cause quoted from elsewhere (a server's answer)


class StartupError(RuntimeError):
    """`partnerbot run` could not start; the message names the setting to look at."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="partnerbot",
        description="Telegram bot for a network of municipal climate partnerships. "
        "Settings come from the environment (see README: TELEGRAM_BOT_TOKEN, PARTNERBOT_DB, "
        "TELEGRAM_API_URL, PARTNERBOT_ADMINS, PARTNERBOT_TIMEZONE, PARTNERBOT_LOG_LEVEL, "
        "PARTNERBOT_WEBHOOK_URL, PARTNERBOT_WEBHOOK_LISTEN, PARTNERBOT_WEBHOOK_SECRET, "
        "PARTNERBOT_HTTP_LISTEN, PARTNERBOT_HTTP_URL, PARTNERBOT_CLOCK_START).",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="COMMAND")
    run = sub.add_parser(
        "run",
        help="run the bot against Telegram (long polling, or a webhook)",
        description="Run the bot against the Bot API at TELEGRAM_API_URL with "
        "TELEGRAM_BOT_TOKEN until interrupted: by long polling, or, when "
        "PARTNERBOT_WEBHOOK_URL is set, as a webhook server on PARTNERBOT_WEBHOOK_LISTEN.",
    )
    run.add_argument(
        "--demo",
        action="store_true",
        help="also load the example phase dated from today (marked as example)",
    )
    sub.add_parser(
        "console",
        help="chat with the bot offline in this terminal",
        description="Chat with the real bot in the terminal through an in-process "
        "Bot API; works with a pipe too. Loads the example phase.",
    )
    imp = sub.add_parser(
        "import",
        help="import a dataset file (YAML) into the database",
        description="Validate FILE and insert or update every record by id, "
        "in one transaction; records not in FILE are kept. A bad file changes nothing "
        "and is named in one line (FILE: field: what is wrong). FILE must be UTF-8 of at "
        f"most {MAX_FILE_BYTES // 2**20} MiB; nesting, aliases, numbers and meeting rules "
        "have limits too (README: Importing a file).",
    )
    imp.add_argument("file", type=Path, metavar="FILE")
    imp.add_argument(
        "--wait",
        type=_seconds,
        default=LOCK_WAIT,
        metavar="SECONDS",
        help="while another process (the running bot) holds the write lock, retry for up "
        f"to SECONDS (default {LOCK_WAIT:g}), then give up and change nothing",
    )
    exp = sub.add_parser(
        "export",
        help="export the network's dataset to a YAML file",
        description="Write the whole dataset (without the example phase) to "
        "FILE, or to standard output when FILE is -.",
    )
    exp.add_argument("file", metavar="FILE")
    schedule = sub.add_parser(
        "schedule",
        help="show what will be posted in the next days, per chat",
        description="Plan from the current data and subscriptions, then list every post "
        "due in the next DAYS days per chat, with its time in the chat's zone.",
    )
    schedule.add_argument(
        "--days", type=int, default=14, metavar="DAYS", help="how many days ahead (default 14)"
    )
    aud = sub.add_parser(
        "audit",
        help="list the changes made from the chat, oldest first",
        description="Print the audit trail: one change a line (its number, the UTC time, "
        "who by Telegram user id or 'a former member', the record as KIND:ID, the action, "
        "and each changed field before → after). The export never contains it.",
    )
    aud.add_argument(
        "--since",
        metavar="WHEN",
        help="only changes from WHEN on: a UTC date or time (2027-03-01, 2027-03-01T12:00) "
        "or a span back from now (30m, 12h, 7d)",
    )
    aud.add_argument(
        "--record",
        metavar="KIND:ID",
        help="only one record's changes (KIND: event, "
        "milestone, series or change), e.g. event:taller-2027",
    )
    aud.add_argument("--json", action="store_true", help="one JSON object a line")
    sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Apply missing migrations to PARTNERBOT_DB and print its version.",
    )
    bak = sub.add_parser(
        "backup",
        help="copy the database to FILE, consistently, even while the bot runs",
        description="Copy PARTNERBOT_DB to FILE with SQLite's online backup API: the "
        "database as it was at one instant, checked before FILE gets its name. To restore: "
        "stop the bot, copy FILE over PARTNERBOT_DB, start it (see README).",
    )
    bak.add_argument("file", type=Path, metavar="FILE")
    bak.add_argument("--force", action="store_true", help="replace FILE if it exists")
    return top


def _seconds(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value < float("inf"):
        raise argparse.ArgumentTypeError(f"expected a number of seconds (0 or more), got {text!r}")
    return value


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    settings: Settings | None = None
    try:
        settings = load_settings(os.environ)
        # Only the running bot tells its progress by default: a command's own output (and
        # an error's one line) is not buried under it.
        quiet = args.command != "run" and "PARTNERBOT_LOG_LEVEL" not in os.environ
        level = "WARNING" if quiet else settings.log_level
        setup_logging(level, settings.token, settings.webhook_secret)
        scrub_tracebacks(settings.token, settings.webhook_secret)
        if args.command == "run":
            return _run(settings, args.demo)
        if args.command == "backup":
            return _backup(settings, args.file, overwrite=args.force)
        return asyncio.run(_dispatch(args, settings))
    except (ConfigError, DatasetError, CatalogMissingError) as exc:
        return _fail(str(exc), 2, settings)
    except SchemaTooNewError as exc:
        return _fail(f"PARTNERBOT_DB: {exc}", 2, settings)
    except BackupError as exc:
        return _fail(f"backup: {exc}", 2, settings)
    except DatabaseUnavailableError as exc:
        status = 1 if isinstance(exc, DatabaseLockedError) else 2
        return _fail(f"PARTNERBOT_DB: {exc}", status, settings)
    except StartupError as exc:
        return _fail(str(exc), exc.status, settings)
    except AuditQueryError as exc:
        return _fail(f"audit: {exc}", 2, settings)
    except KeyboardInterrupt:
        return 130


def _fail(message: str, status: int, settings: Settings | None) -> int:
    """One line on stderr, without the token or the webhook secret, whatever it quotes."""
    if settings is not None:
        message = scrub(message, settings.token, settings.webhook_secret)
    print(f"partnerbot: {' '.join(message.split())}", file=sys.stderr)
    return status


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "console":
        from bot.console.terminal import run_console

        await run_console(settings)
        return 0
    # import brings its own network; schedule only lists: neither loads the seed
    storage = await Storage.open(
        settings.db_path,
        seed=args.command not in ("import", "schedule", "audit"),
        lock_wait=args.wait if args.command == "import" else LOCK_WAIT,
    )
    try:
        if args.command == "migrate":
            print(f"{settings.db_path}: schema version {await storage.db.schema_version()}")
        elif args.command == "export":
            text = dataset_to_yaml(await storage.network.load())
            if args.file == "-":
                sys.stdout.write(text)
            else:
                await asyncio.to_thread(Path(args.file).write_text, text, encoding="utf-8")
        elif args.command == "import":
            return await _import(storage, args.file)
        elif args.command == "audit":
            clock = clock_from(settings.clock_start)
            query = AuditQuery.of(args.since, args.record, clock.now())
            for line in audit_lines(await storage.edits.entries(), query, as_json=args.json):
                sys.stdout.write(line + "\n")
        elif args.command == "schedule":
            from bot.schedule.report import schedule_report

            clock = clock_from(settings.clock_start)
            async with storage.scratch_copy() as scratch:  # a listing changes nothing
                sys.stdout.write(await schedule_report(scratch, settings, clock, days=args.days))
    finally:
        await storage.close()
    return 0


async def _import(storage: Storage, path: Path) -> int:
    try:
        raw = await asyncio.to_thread(_read_at_most, path, MAX_FILE_BYTES)
        dataset = dataset_from_yaml(
            decode(raw),
            known=await storage.network.ids(),
            series={s.id: s for s in await storage.network.meeting_series()},
        )
    except OSError as exc:
        raise DatasetError(str(path), exc.strerror or "cannot be read") from exc
    except DatasetError as exc:  # name the file, as a compiler names the source
        where = str(path) if exc.path == "file" else f"{path}: {exc.path}"
        raise DatasetError(where, exc.message) from exc
    await storage.import_dataset(dataset)
    print(
        f"imported {len(dataset.partnerships)} partnerships, {len(dataset.milestones)} "
        f"milestones, {len(dataset.events)} events from {path}"
    )
    return 0


def _backup(settings: Settings, target: Path, *, overwrite: bool) -> int:
    made = backup(settings.db_path, target, overwrite=overwrite)
    print(
        f"backed up {settings.db_path} to {made.path} "
        f"(schema version {made.schema_version}, {made.size:,} bytes)"
    )
    return 0


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, or `limit` + 1 of them: the size is checked before reading, and
    a file that grows, a pipe or a device is not read past it either."""
    with path.open("rb") as file:
        check_size(os.fstat(file.fileno()).st_size)
        return file.read(limit + 1)


def _run(settings: Settings, demo: bool) -> int:
    from telegram.error import InvalidToken, TelegramError

    from bot.app import build_application

    if settings.token is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: not set; set it to run against Telegram, "
            "or try the bot offline with `partnerbot console`"
        )
    application = build_application(settings, demo=demo, clock=clock_from(settings.clock_start))
    if settings.http_listen is not None:
        application.bot_data.feed_sockets = _bind_feeds(*settings.http_listen)
        if settings.feed_base_url is None:
            logging.getLogger(__name__).warning(
                "PARTNERBOT_HTTP_LISTEN is set but neither PARTNERBOT_HTTP_URL nor "
                "PARTNERBOT_WEBHOOK_URL: /calendar cannot give the feeds' address"
            )
    loop = asyncio.new_event_loop()
    asyncio.set_event_loop(loop)  # the one run_polling and run_webhook take, and close
    try:
        # getMe here rather than in PTB's start-up loop, which logs a failure with its
        # traceback: the token and the Bot API are checked once, and a failure said once.
        with _held_back("telegram"):
            loop.run_until_complete(application.initialize())
        # Both own the event loop and stop cleanly on SIGINT/SIGTERM.
        if settings.webhook_url is None:
            application.run_polling()
        else:
            host, port = settings.webhook_listen
            application.run_webhook(
                listen=host,
                port=port,
                url_path=settings.webhook_path,
                webhook_url=settings.webhook_url,
                secret_token=settings.webhook_secret,
            )
    # PTB's InvalidToken quotes the token: its message is never shown.
    except InvalidToken:
        raise StartupError(
            f"TELEGRAM_BOT_TOKEN: the Bot API at {settings.api_url} rejected the token "
            "(401 Unauthorized); check it with @BotFather",
            2,
        ) from None
    except OSError as exc:
        if settings.webhook_url is None or exc.errno not in LISTEN_ERRORS:
            raise
        host, port = settings.webhook_listen
        raise StartupError(
            f"PARTNERBOT_WEBHOOK_LISTEN: cannot listen on {host}:{port}: {exc.strerror}", 2
        ) from None
    except TelegramError as exc:
        raise StartupError(
            f"TELEGRAM_API_URL: the Bot API at {settings.api_url} failed at start-up: "
            f"{_quoted(str(exc))}",
            1,
        ) from None
    finally:
        if not loop.is_closed():
            loop.close()
    return 0


def _bind_feeds(host: str, port: int) -> list[socket.socket]:
    from handlers.feed_server import bind

    try:
        return bind(host, port)
    except OSError as exc:
        if exc.errno not in LISTEN_ERRORS and not isinstance(exc, socket.gaierror):
            raise
        raise StartupError(
            f"PARTNERBOT_HTTP_LISTEN: cannot listen on {host}:{port}: {exc.strerror}", 2
        ) from None


@contextmanager
def _held_back(name: str) -> Iterator[None]:
    """Hold back PTB's error records (with tracebacks) of a failure this process reports in
    its own line; at DEBUG they all show."""
    logger = logging.getLogger(name)
    if logger.getEffectiveLevel() <= logging.DEBUG:
        yield
        return
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)


def _quoted(cause: str) -> str:
    """A cause from elsewhere (a server's answer may be a whole page), cut to a line."""
    line = " ".join(cause.split())
    return line if len(line) <= MESSAGE_LIMIT else line[: MESSAGE_LIMIT - 1] + "…"
