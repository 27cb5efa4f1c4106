"""The `partnerbot` command: run, console, import, export, migrate."""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.config import ConfigError, Settings, load_settings
from bot.logs import setup_logging
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
from storage.db import SchemaTooNewError
from storage.store import Storage


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="partnerbot",
        description="Telegram bot for a network of municipal climate partnerships. "
        "Settings come from the environment (see README: TELEGRAM_BOT_TOKEN, PARTNERBOT_DB, "
        "TELEGRAM_API_URL, PARTNERBOT_ADMINS, PARTNERBOT_TIMEZONE, PARTNERBOT_LOG_LEVEL, "
        "PARTNERBOT_WEBHOOK_URL, PARTNERBOT_WEBHOOK_LISTEN, PARTNERBOT_WEBHOOK_SECRET, "
        "PARTNERBOT_CLOCK_START).",
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
    sub.add_parser(
        "migrate",
        help="create or upgrade the database schema",
        description="Apply missing migrations to PARTNERBOT_DB and print its version.",
    )
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = load_settings(os.environ)
        quiet = args.command == "console" and "PARTNERBOT_LOG_LEVEL" not in os.environ
        level = "WARNING" if quiet else settings.log_level
        setup_logging(level, settings.token, settings.webhook_secret)
        if args.command == "run":
            return _run(settings, args.demo)
        return asyncio.run(_dispatch(args, settings))
    except (ConfigError, DatasetError, SchemaTooNewError, CatalogMissingError) as exc:
        print(f"partnerbot: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


async def _dispatch(args: argparse.Namespace, settings: Settings) -> int:
    if args.command == "console":
        from bot.console.terminal import run_console

        await run_console(settings)
        return 0
    # import brings its own network; schedule only lists: neither loads the seed
    storage = await Storage.open(settings.db_path, seed=args.command not in ("import", "schedule"))
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


def _read_at_most(path: Path, limit: int) -> bytes:
    """The file's bytes, or `limit` + 1 of them: the size is checked before reading, and
    a file that grows, a pipe or a device is not read past it either."""
    with path.open("rb") as file:
        check_size(os.fstat(file.fileno()).st_size)
        return file.read(limit + 1)


def _run(settings: Settings, demo: bool) -> int:
    from bot.app import build_application

    if settings.token is None:
        raise ConfigError(
            "TELEGRAM_BOT_TOKEN: not set; set it to run against Telegram, "
            "or try the bot offline with `partnerbot console`"
        )
    application = build_application(settings, demo=demo, clock=clock_from(settings.clock_start))
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
    return 0
