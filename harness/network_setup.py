"""Set-ups written into the database before a `partnerbot run` process starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.model.chats import TargetKind
from bot.model.posts import Invitation, payload_to_json
from bot.model.recurrence import occurrences
from bot.model.reminders import ReminderSetting
from harness.botapi_server import BotApiServer
from storage.store import Storage

SERIES = "bonn-la-paz-virtual"  # seeded: six-weekly on Tuesdays, 15:00 Europe/Berlin


def group(chat_id: int, kind: str = "supergroup") -> dict[str, Any]:
    """A group chat as Telegram describes it."""
    return {"id": chat_id, "type": kind, "title": f"group {chat_id}"}


async def meetings(storage: Storage, after: datetime, count: int) -> list[datetime]:
    """The seeded series' next `count` meetings (naive local starts, as posts name them)."""
    [series] = [s for s in (await storage.network.load()).meeting_series if s.id == SERIES]
    found = occurrences(series, after, after + timedelta(days=60 * count))
    return [o.local_start for o in found[:count]]


async def pile_up(storage: Storage, chat_id: int, count: int, due: datetime) -> None:
    """`count` posts for one group, all due at `due`: invitations to the seeded series'
    next meetings, as a group that follows nothing keeps them (no re-plan removes them)."""
    await storage.preferences.set_chat_languages(chat_id, "supergroup", f"group {chat_id}", ("en",))
    starts = await meetings(storage, due, count)
    rows = []
    for start in starts:
        payload = Invitation(SERIES, start.isoformat(timespec="minutes"))
        rows.append((payload.key, chat_id, payload.kind.value, _utc(due), payload_to_json(payload)))
    async with storage.db.transaction() as conn:
        await conn.executemany(
            "INSERT INTO deliveries (key, chat_id, kind, due_at, payload) VALUES (?, ?, ?, ?, ?)",
            rows,
        )


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


async def next_meeting(db: Path, after: datetime) -> datetime:
    """The seeded series' next meeting start (UTC); opening the DB also seeds it."""
    storage = await Storage.open(db)
    try:
        [series] = [s for s in (await storage.network.load()).meeting_series if s.id == SERIES]
    finally:
        await storage.close()
    return next(iter(occurrences(series, after, after + timedelta(days=60)))).start


async def follow(
    db: Path,
    server: BotApiServer,
    chats: list[int],
    now: datetime,
    invite_days: int | None = None,
) -> None:
    """Groups that already follow Bonn–La Paz in German and Spanish, with one meeting
    reminder an hour before (set up in the database, as earlier admins would have)."""
    storage = await Storage.open(db)
    try:
        for chat_id in chats:
            server.api.add_chat(group(chat_id))
            title = f"group {chat_id}"
            subs, prefs = storage.subscriptions, storage.preferences
            await subs.add(
                chat_id, "supergroup", title, TargetKind.PARTNERSHIP, "bonn-la-paz", 1, now
            )
            await prefs.set_chat_languages(chat_id, "supergroup", title, ("de", "es"))
            await subs.set_reminder(chat_id, "supergroup", title, ReminderSetting.MEETINGS, (60,))
            if invite_days is not None:
                await subs.set_reminder(
                    chat_id, "supergroup", title, ReminderSetting.INVITE, invite_days
                )
    finally:
        await storage.close()
