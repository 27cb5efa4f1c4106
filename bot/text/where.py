"""The zone of a shared location, looked up offline by tzfpy in a short-lived child process.

tzfpy's boundaries take 33 MiB once loaded (0.3 s) and stay for the life of a process;
the bot idles at about 57 MiB and a user shares a location about once. So the lookup runs
in a child that exits after answering: about 0.3 s per location, nothing kept. One child
at a time, so a burst of locations cannot stack up children.
"""

from __future__ import annotations

import asyncio
import sys
from zoneinfo import ZoneInfo

from bot.text.zones import known_zones

# The child imports tzfpy alone (-I: nothing from the environment or the working directory).
CHILD = "import sys, tzfpy; print(tzfpy.get_tz(float(sys.argv[2]), float(sys.argv[1])))"
TIMEOUT = 10.0  # seconds: a child that takes longer is ended and the location unanswered
_one_at_a_time = asyncio.Lock()


async def zone_at(latitude: float, longitude: float) -> ZoneInfo | None:
    """The zone at that point (an ocean's is a UTC offset), None for no place on Earth."""
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        return None
    async with _one_at_a_time:
        child = await asyncio.create_subprocess_exec(
            sys.executable, "-I", "-c", CHILD, repr(latitude), repr(longitude),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )  # fmt: skip
        try:
            out, _ = await asyncio.wait_for(child.communicate(), TIMEOUT)
        except TimeoutError:
            child.kill()
            await child.wait()
            return None
    key = out.decode().strip()
    return ZoneInfo(key) if child.returncode == 0 and key in known_zones() else None
