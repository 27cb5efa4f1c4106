"""Planning into the outbox: the network as the planner reads it, and every chat's plan
written in one transaction."""

from __future__ import annotations

import logging
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.schedule.plan import Network, plan_chats
from storage.store import Storage

log = logging.getLogger(__name__)


async def load_network(storage: Storage) -> Network:
    """What planning and posts read: the dated records, and of the partnerships only those
    subscriptions reach. Not the whole dataset: its towns alone are 20,000 rows at scale."""
    network = storage.network
    return Network(
        phases={p.id: p for p in await network.phases()},
        milestones=await network.milestones(),
        partnerships={p.id: p for p in await network.followed_partnerships()},
        series=await network.meeting_series(),
        events=await network.events(),
        changes=await network.meeting_changes(),
    )


async def replan(
    storage: Storage, now: datetime, home: ZoneInfo, net: Network | None = None
) -> int:
    """Write the plan of every following chat into the outbox; returns rows added.
    `net`: the network, when the caller has loaded it already."""
    chats = await storage.subscriptions.following_chats()
    planned = plan_chats(chats, net or await load_network(storage), now, home)
    known = await storage.subscriptions.active_chat_ids()
    added = await storage.outbox.replace_plan(known, planned, window_start=now)
    log.info("planned %d posts for %d chats (%d new)", len(planned), len(chats), added)
    return added
