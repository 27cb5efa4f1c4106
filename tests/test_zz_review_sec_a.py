from __future__ import annotations
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.model.audit import RecordKind
from bot.model.domain import ChangeStatus, MeetingChange, MeetingSeries
from bot.model.roles import Side
from bot.telegram.callbacks import Edit, EditTarget, SeriesAct, SeriesDo
from tests.conftest import COORDINATOR, Driver

SERIES = "bonn-la-paz-virtual"
FOCAL = 51


def st(bot: Driver):
    return bot.app.bot_data.storage


def act(a: SeriesDo, v: str = "") -> str:
    return SeriesAct(a, v).pack()


async def test_dismissed_focal_point_moves_series_away(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    roles = st(bot).roles
    await roles.appoint_focal_point("bonn-la-paz", FOCAL, Side.NORTH, COORDINATOR, now)
    await roles.appoint_focal_point("passau-kedougou", FOCAL, Side.NORTH, COORDINATOR, now)
    user = bot.user(FOCAL, "en")
    [msg] = await bot.send("/help", user=user)
    [summary] = await bot.press(msg, Edit(EditTarget.SERIES, SERIES).pack(), user)
    # dismissed from bonn-la-paz meanwhile
    await roles.dismiss_focal_point("bonn-la-paz", FOCAL)
    assert not (await roles.of(FOCAL, frozenset())).may_edit("bonn-la-paz")
    await bot.press(summary, act(SeriesDo.PARTNERSHIP, "passau-kedougou"), user)
    out = await bot.press(summary, act(SeriesDo.SAVE), user)
    print([m["text"][:80] for m in out], bot.alerts())
    s = await st(bot).network.series(SERIES)
    assert s is not None and s.partnership_id == "bonn-la-paz", s.partnership_id


async def test_undo_of_series_end_loses_meeting_changes(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    s = await st(bot).network.series(SERIES)
    assert s is not None
    from bot.model.recurrence import occurrences
    occ = [o for o in occurrences(s, now, now + timedelta(days=120), []) if o.start > now][0]
    change = MeetingChange(id="c1", series_id=SERIES, occurrence=occ.local_start,
                           status=ChangeStatus.CANCELLED, moved_to=None)
    await st(bot).edits.save(change, COORDINATOR, now)
    assert len(await st(bot).network.meeting_changes()) >= 1
    before = [c for c in await st(bot).network.meeting_changes() if c.series_id == SERIES]
    await st(bot).edits.delete(RecordKind.SERIES, SERIES, COORDINATOR, now + timedelta(minutes=1))
    undone = await st(bot).edits.undo_last(COORDINATOR, now + timedelta(minutes=2))
    assert undone is not None
    assert await st(bot).network.series(SERIES) is not None
    after = [c for c in await st(bot).network.meeting_changes() if c.series_id == SERIES]
    assert after == before, (before, after)


async def test_change_id_collision_overwrites_other_series(bot: Driver) -> None:
    """Two series whose ids share the first 31 chars: a change of one replaces the other's."""
    now = bot.app.bot_data.clock.now()
    s = await st(bot).network.series(SERIES)
    assert s is not None
    a = replace(s, id="bonn-la-paz-virtual-meeting-of-the-aaaa1")
    b = replace(s, id="bonn-la-paz-virtual-meeting-of-the-aaaa2", partnership_id="passau-kedougou")
    await st(bot).edits.save(a, COORDINATOR, now)
    await st(bot).edits.save(b, COORDINATOR, now)
    from handlers.meetings import _change_id
    from bot.views import meetings as mv
    from bot.model.recurrence import occurrences
    occ = [o for o in occurrences(a, now, now + timedelta(days=120), []) if o.start > now][0]
    ma = mv.Meeting(a, None, occ.local_start, None)
    mb = mv.Meeting(b, None, occ.local_start, None)
    print(_change_id(ma), _change_id(mb))
    assert _change_id(ma) != _change_id(mb)
