"""Nobody gets in by a side door: a focal point keeps to their partnership's records
through every path of the forms (a field changed on the summary, a role lost while a form
is open, ↩️ after a dismissal), and a meeting's change never takes over another's record;
taking a series' end back brings its moved and cancelled meetings back with it."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

from bot.model.audit import RecordKind
from bot.model.domain import ChangeStatus, MeetingChange, MeetingSeries
from bot.model.recurrence import occurrences
from bot.model.roles import Side
from bot.telegram.edit_callbacks import (
    Change,
    Edit,
    EditTarget,
    Fill,
    FormAction,
    FormDo,
    FormStep,
    ForWhom,
    SeriesAct,
    SeriesDo,
    WhomCode,
)
from tests.conftest import COORDINATOR, Driver

SERIES = "bonn-la-paz-virtual"
FOCAL = 51


def storage(bot: Driver) -> Any:
    return bot.app.bot_data.storage


async def network_rows(bot: Driver) -> dict[str, Any]:
    """Every table but the conversations' own (a refused form may close)."""
    rows = await bot.rows()
    return {k: v for k, v in rows.items() if not k.startswith("conversation_")}


def next_meeting(series: MeetingSeries, now: datetime) -> datetime:
    return next(iter(occurrences(series, now, now + timedelta(days=120)))).local_start


async def appoint(bot: Driver, *partnerships: str) -> None:
    now = bot.app.bot_data.clock.now()
    for partnership in partnerships:
        await storage(bot).roles.appoint_focal_point(
            partnership, FOCAL, Side.NORTH, COORDINATOR, now
        )


async def bonn_event(bot: Driver) -> Any:
    return next(e for e in await storage(bot).network.events() if e.partnership_id == "bonn-la-paz")


async def test_a_focal_point_cannot_send_an_exchange_to_a_phases_groups(bot: Driver) -> None:
    await appoint(bot, "bonn-la-paz")
    event = await bonn_event(bot)
    user = bot.user(FOCAL, "en")
    [message] = await bot.send("/help", user=user)
    [summary] = await bot.press(message, Edit(EditTarget.EVENT, event.id).pack(), user)
    [asked] = await bot.press(summary, Change(FormStep.PHASE).pack(), user)
    replies = await bot.press(asked, Fill(FormStep.PHASE, "p8").pack(), user)
    before = await network_rows(bot)
    since = len(bot.api.calls)
    await bot.press(replies[-1], FormDo(FormAction.SAVE).pack(), user)
    assert any("coordinators" in alert for alert in bot.alerts(since))
    assert await network_rows(bot) == before
    assert (await storage(bot).network.event(event.id)) == event


async def test_a_role_lost_while_the_form_is_open_moves_nothing_away(bot: Driver) -> None:
    await appoint(bot, "bonn-la-paz", "passau-kedougou")
    event = await bonn_event(bot)
    user = bot.user(FOCAL, "en")
    [message] = await bot.send("/help", user=user)
    [summary] = await bot.press(message, Edit(EditTarget.EVENT, event.id).pack(), user)
    await storage(bot).roles.dismiss_focal_point("bonn-la-paz", FOCAL)
    before = await network_rows(bot)
    # The form moves it to a partnership they still have, and saves.
    [asked] = await bot.press(summary, Change(FormStep.FOR).pack(), user)
    moved = await bot.press(asked, ForWhom(WhomCode.PARTNERSHIP, "passau-kedougou").pack(), user)
    await bot.press(moved[-1], FormDo(FormAction.SAVE).pack(), user)
    assert await network_rows(bot) == before
    # The same with a meeting series.
    await appoint(bot, "bonn-la-paz")
    [card] = await bot.press(message, Edit(EditTarget.SERIES, SERIES).pack(), user)
    await storage(bot).roles.dismiss_focal_point("bonn-la-paz", FOCAL)
    await bot.press(card, SeriesAct(SeriesDo.PARTNERSHIP, "passau-kedougou").pack(), user)
    await bot.press(card, SeriesAct(SeriesDo.SAVE).pack(), user)
    assert await network_rows(bot) == before
    # Not theirs any more: the form does not even open.
    assert await bot.press(message, Edit(EditTarget.EVENT, event.id).pack(), user) == []


async def test_a_dismissed_focal_point_takes_nothing_back(bot: Driver) -> None:
    await appoint(bot, "bonn-la-paz")
    user = bot.user(FOCAL, "en")
    [message] = await bot.send("/help", user=user)
    [summary] = await bot.press(message, Edit(EditTarget.SERIES, SERIES).pack(), user)
    await bot.press(summary, SeriesAct(SeriesDo.END).pack(), user)
    await bot.press(summary, SeriesAct(SeriesDo.END_YES).pack(), user)
    assert await storage(bot).network.series(SERIES) is None
    await storage(bot).roles.dismiss_focal_point("bonn-la-paz", FOCAL)
    before = await network_rows(bot)
    await bot.send("/undo", user=user)
    assert await network_rows(bot) == before


async def test_a_meeting_change_never_takes_over_another_meetings_record(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    series = await storage(bot).network.series(SERIES)
    other = replace(series, id="other", partnership_id="passau-kedougou")
    await storage(bot).edits.save(other, COORDINATOR, now)
    meeting = next_meeting(series, now)
    theirs = MeetingChange("same", "other", meeting, ChangeStatus.CANCELLED)
    await storage(bot).edits.save(theirs, COORDINATOR, now)
    mine = await storage(bot).edits.save(replace(theirs, series_id=SERIES), FOCAL, now)
    assert mine.record_id != "same"
    changes = {c.series_id: c.id for c in await storage(bot).network.meeting_changes()}
    assert changes == {"other": "same", SERIES: mine.record_id}


async def test_taking_a_series_end_back_brings_its_meetings_back(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    edits, network = storage(bot).edits, storage(bot).network
    series = await network.series(SERIES)
    change = MeetingChange("c1", SERIES, next_meeting(series, now), ChangeStatus.CANCELLED)
    await edits.save(change, COORDINATOR, now)
    await edits.delete(RecordKind.SERIES, SERIES, COORDINATOR, now + timedelta(minutes=1))
    assert await network.meeting_changes() == []
    assert await edits.undo_last(COORDINATOR, now + timedelta(minutes=2)) is not None
    assert await network.series(SERIES) == series
    assert await network.meeting_changes() == [change]
    [restored, *_] = await edits.history(RecordKind.CHANGE, "c1")
    assert restored.after is not None and restored.undoes is not None


async def test_a_series_whose_meetings_changed_since_is_not_taken_back(bot: Driver) -> None:
    now = bot.app.bot_data.clock.now()
    edits = storage(bot).edits
    series = replace(await storage(bot).network.series(SERIES), id="new-series")
    await edits.save(series, FOCAL, now)
    change = MeetingChange("c-new", "new-series", next_meeting(series, now), ChangeStatus.CANCELLED)
    await edits.save(change, COORDINATOR, now + timedelta(minutes=1))
    assert await edits.undo_last(FOCAL, now + timedelta(minutes=2)) is None
    assert await storage(bot).network.meeting_changes() == [change]
