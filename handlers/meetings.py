"""One meeting of a series moved, cancelled or put back, from the private chat (a guided
conversation kept in the database), and /meeting, the way in without /exchanges.

Entered by ✏️ on a meeting (`EditMeeting`: its original local start as the rule gives it).
Only coordinators and the partnership's focal points get further (handlers/editing.py
checks again at the save); a meeting that has begun cannot be changed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from telegram import Chat, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.model.audit import RecordKind
from bot.model.domain import ChangeStatus, LocalizedText, MeetingChange
from bot.model.recurrence import MOVE_REACH, is_occurrence, occurrences
from bot.telegram.callbacks import (
    answer_unusable,
)
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import EditMeeting, MeetingAct, MeetingDo
from bot.telegram.persistence import Drafts, guided_conversation, user_of
from bot.text.typed_dates import Problem, TypedMoment, parse_moment
from bot.views import date_picker
from bot.views import meetings as view
from bot.views.typed_moments import problem_text
from handlers import editing
from handlers.common import PRIVATE_TEXT, on_command, show, show_below

NAME = "meeting"
END = ConversationHandler.END
AHEAD = timedelta(days=92)
"""How far /meeting looks: two six-weekly meetings of every series, at least."""


class Step(StrEnum):
    SHOWN = "shown"  # the meeting and what may be done to it
    WHEN = "when"  # the new day and time, typed or picked
    MOVE_OK = "move_ok"  # the new time shown back for ✅
    REASON = "reason"  # why (typed, or none)
    SAVE = "save"  # what will be saved, for ✅
    RESTORE = "restore"  # back to the rule, for ✅


# -- reading what the conversation is about ----------------------------------------------------


async def _meeting(context: BotContext, series_id: str, code: int) -> view.Meeting | None:
    """The meeting, if its series still has it."""
    network = context.storage.network
    series = await network.series(series_id)
    local = view.start_of(code)
    if series is None or local is None or not is_occurrence(series, local):
        return None
    change = next(
        (
            c
            for c in await network.meeting_changes()
            if c.series_id == series.id and c.occurrence == local
        ),
        None,
    )
    views = await network.partnerships([series.partnership_id])
    return view.Meeting(series, views[0] if views else None, local, change)


DRAFTS = Drafts(NAME)
_user, _draft, _put = user_of, DRAFTS.get, DRAFTS.put


async def _drafted(
    update: Update, context: BotContext
) -> tuple[view.Meeting, dict[str, Any]] | None:
    """The meeting of the user's draft, or None (gone: the user is told)."""
    draft = await _draft(update, context)
    meeting = None
    if "series" in draft and "start" in draft:
        meeting = await _meeting(context, str(draft["series"]), int(draft["start"]))
    if meeting is None:
        tr = (await context.reader(update)).tr
        await show(update, view.gone_html(tr))
    return (meeting, draft) if meeting is not None else None


def _begun(context: BotContext, meeting: view.Meeting) -> bool:
    return meeting.start <= context.clock.now()


async def _end(update: Update, context: BotContext) -> object:
    await DRAFTS.drop(update, context)
    return END


@dataclass(frozen=True)
class Pressed:
    """A button of this conversation, with the meeting and draft it acts on."""

    act: MeetingAct
    meeting: view.Meeting
    draft: dict[str, Any]


async def _pressed(update: Update, context: BotContext) -> Pressed | object:
    """The press with its meeting and draft; else what the step returns: None (not this
    conversation's button: the state stays) or the end (the draft is gone)."""
    data = await _press_of(update, context)
    if data is None:
        return None
    found = await _drafted(update, context)
    if found is None:
        return await _end(update, context)
    return Pressed(data, *found)


async def _press_of(update: Update, context: BotContext) -> MeetingAct | None:
    """This conversation's button, if it names the meeting of the draft; else the press is
    answered as one that no longer works."""
    query = update.callback_query
    data = MeetingAct.unpack(query.data if query is not None else None)
    draft = await _draft(update, context)
    if data is None or draft.get("series") != data.series_id or draft.get("start") != data.start:
        await answer_unusable(update, context)
        return None
    return data


# -- the steps ---------------------------------------------------------------------------------


async def enter(update: Update, context: BotContext) -> object:
    """✏️ on a meeting: its card, if the sender may change it and it is ahead."""
    query = update.callback_query
    assert query is not None
    data = EditMeeting.unpack(query.data)
    chat = update.effective_chat
    reader = await context.reader(update)
    if data is None or chat is None or chat.type != Chat.PRIVATE:
        await answer_unusable(update, context)
        return END
    meeting = await _meeting(context, data.series_id, data.start)
    if meeting is None:
        await query.answer(view.gone(reader.tr), show_alert=True)
        return END
    if not await editing.may_edit(update, context, meeting.series.partnership_id):
        return END
    if _begun(context, meeting):
        await query.answer(view.already_begun(reader.tr), show_alert=True)
        return END
    await _put(update, context, {"series": meeting.series.id, "start": data.start})
    # A new message: the list it was pressed under stays.
    await show_below(update, *view.card(reader.tr, meeting, reader.zone))
    return Step.SHOWN


async def on_card(update: Update, context: BotContext) -> object:
    pressed = await _pressed(update, context)
    if not isinstance(pressed, Pressed):
        return pressed
    data, meeting, draft = pressed.act, pressed.meeting, pressed.draft
    reader = await context.reader(update)
    tr = reader.tr
    if data.act is MeetingDo.CLOSE:
        await show(update, view.closed(tr))
        return await _end(update, context)
    if _begun(context, meeting):
        await show(update, view.already_begun_html(tr))
        return await _end(update, context)
    if data.act is MeetingDo.MOVE or data.act is MeetingDo.OTHER:
        await _ask_when(update, context, meeting)
        return Step.WHEN
    if data.act is MeetingDo.CANCEL:
        draft.update(status=ChangeStatus.CANCELLED.value, moved_to=None)
        await _put(update, context, draft)
        await show(update, *view.ask_reason(tr, meeting, ChangeStatus.CANCELLED))
        return Step.REASON
    if data.act is MeetingDo.RESTORE and meeting.change is not None:
        await show(update, *view.confirm_restore(tr, meeting, reader.zone))
        return Step.RESTORE
    await answer_unusable(update, context)
    return None


def _asked(context: BotContext, meeting: view.Meeting) -> date_picker.Asked:
    today = context.clock.now().astimezone(meeting.zone).date()
    return date_picker.Asked(today, meeting.zone)


async def _ask_when(
    update: Update, context: BotContext, meeting: view.Meeting, problem: str = ""
) -> None:
    reader = await context.reader(update)
    asked = _asked(context, meeting)
    month = max(meeting.start.date(), asked.today)
    screen = date_picker.month_screen(reader.tr, asked, month)
    await _ask_screen(update, context, meeting, screen, problem)


async def _ask_screen(
    update: Update,
    context: BotContext,
    meeting: view.Meeting,
    screen: date_picker.Screen,
    problem: str = "",
) -> None:
    reader = await context.reader(update)
    text = view.ask_when(reader.tr, meeting, reader.zone, screen.heading)
    if problem:
        text = problem + "\n" + text
    keyboard = screen.keyboard(view.close_row(reader.tr, meeting))
    await show(update, text, keyboard)


async def typed_when(update: Update, context: BotContext) -> object:
    found = await _drafted(update, context)
    if found is None:
        return await _end(update, context)
    meeting, draft = found
    reader = await context.reader(update)
    assert update.effective_message is not None
    asked = _asked(context, meeting)
    text = update.effective_message.text or ""
    moment = parse_moment(text, reader.tr.lang, asked.today, meeting.zone)
    if isinstance(moment, TypedMoment) and moment.at is None:  # a day: its hours next
        screen = date_picker.hours_screen(reader.tr, asked, moment.day)
        await _ask_screen(update, context, meeting, screen)
        return None
    return await _moment(update, context, meeting, draft, moment)


async def picked_when(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    found = await _drafted(update, context)
    if found is None:
        return await _end(update, context)
    meeting, draft = found
    reader = await context.reader(update)
    data = date_picker.pick_of(query.data)
    result = None if data is None else date_picker.press(reader.tr, _asked(context, meeting), data)
    if result is None:
        await query.answer()
        return None
    if isinstance(result, date_picker.Screen):
        await _ask_screen(update, context, meeting, result)
        return None
    return await _moment(update, context, meeting, draft, result)


async def _moment(
    update: Update,
    context: BotContext,
    meeting: view.Meeting,
    draft: dict[str, Any],
    moment: TypedMoment | Problem,
) -> object:
    """A day and time typed or picked: shown back for ✅, or why not."""
    reader = await context.reader(update)
    tr = reader.tr
    if isinstance(moment, Problem):
        await _ask_when(update, context, meeting, problem_text(tr, moment, meeting.zone))
        return None
    assert moment.at is not None
    local = datetime.combine(moment.day, moment.at)
    start = meeting.at(local)
    problem = ""
    if start <= context.clock.now():
        problem = view.not_begun_yet(tr)
    elif abs(local - meeting.local) > MOVE_REACH:
        problem = view.too_far(tr, meeting)
    elif local == meeting.local or start == meeting.start:
        problem = view.same_time(tr)
    if problem:
        await _ask_when(update, context, meeting, problem)
        return None
    draft.update(status=ChangeStatus.MOVED.value, moved_to=local.isoformat(timespec="minutes"))
    await _put(update, context, draft)
    await show(update, *view.confirm_move(tr, meeting, start, reader.zone, moment.ambiguous))
    return Step.MOVE_OK


async def on_move_ok(update: Update, context: BotContext) -> object:
    pressed = await _pressed(update, context)
    if not isinstance(pressed, Pressed):
        return pressed
    data, meeting = pressed.act, pressed.meeting
    tr = (await context.reader(update)).tr
    if data.act is MeetingDo.YES:
        await show(update, *view.ask_reason(tr, meeting, ChangeStatus.MOVED))
        return Step.REASON
    if data.act is MeetingDo.OTHER:
        await _ask_when(update, context, meeting)
        return Step.WHEN
    return await on_card(update, context)


def _change(meeting: view.Meeting, draft: dict[str, Any]) -> MeetingChange:
    status = ChangeStatus(str(draft.get("status")))
    moved = draft.get("moved_to") if status is ChangeStatus.MOVED else None
    reason = draft.get("reason")
    return MeetingChange(
        id=meeting.change.id if meeting.change is not None else _change_id(meeting),
        series_id=meeting.series.id,
        occurrence=meeting.local,
        status=status,
        moved_to=datetime.fromisoformat(str(moved)) if moved else None,
        reason=LocalizedText.of(str(reason), str(draft.get("lang"))) if reason else None,
    )


def _change_id(meeting: view.Meeting) -> str:
    """The series' id and the meeting's date: 1–40 of [a-z0-9-] (storage.edits keeps one
    change per meeting, whatever its id)."""
    day = meeting.local.strftime("%Y%m%d")
    return f"{meeting.series.id[: 40 - len(day) - 1].rstrip('-')}-{day}"


async def typed_reason(update: Update, context: BotContext) -> object:
    found = await _drafted(update, context)
    if found is None:
        return await _end(update, context)
    meeting, draft = found
    reader = await context.reader(update)
    assert update.effective_message is not None
    reason = " ".join((update.effective_message.text or "").split())
    if len(reason) > view.REASON_ROOM:
        await show(update, view.reason_too_long(reader.tr))
        return None
    draft.update(reason=reason or None, lang=reader.tr.lang)
    return await _confirm(update, context, meeting, draft)


async def on_reason(update: Update, context: BotContext) -> object:
    pressed = await _pressed(update, context)
    if not isinstance(pressed, Pressed):
        return pressed
    data, meeting, draft = pressed.act, pressed.meeting, pressed.draft
    if data.act is MeetingDo.SKIP:
        draft.update(reason=None)
        return await _confirm(update, context, meeting, draft)
    return await on_card(update, context)


async def _confirm(
    update: Update, context: BotContext, meeting: view.Meeting, draft: dict[str, Any]
) -> object:
    await _put(update, context, draft)
    reader = await context.reader(update)
    await show(
        update, *view.confirm_change(reader.tr, meeting, _change(meeting, draft), reader.zone)
    )
    return Step.SAVE


async def on_save(update: Update, context: BotContext) -> object:
    pressed = await _pressed(update, context)
    if not isinstance(pressed, Pressed):
        return pressed
    data, meeting, draft = pressed.act, pressed.meeting, pressed.draft
    if data.act is not MeetingDo.YES:
        return await on_card(update, context)
    tr = (await context.reader(update)).tr
    change = _change(meeting, draft)
    if _begun(context, meeting) or (
        change.moved_to is not None and meeting.at(change.moved_to) <= context.clock.now()
    ):
        await show(update, view.already_begun_html(tr))
        return await _end(update, context)
    await editing.save(update, context, change)
    return await _end(update, context)


async def on_restore(update: Update, context: BotContext) -> object:
    pressed = await _pressed(update, context)
    if not isinstance(pressed, Pressed):
        return pressed
    data, meeting = pressed.act, pressed.meeting
    if data.act is not MeetingDo.YES or meeting.change is None:
        return await on_card(update, context)
    await editing.remove(update, context, RecordKind.CHANGE, meeting.change)
    return await _end(update, context)


# -- /meeting ----------------------------------------------------------------------------------


async def meeting_command(update: Update, context: BotContext) -> None:
    """The next meetings of the series the sender may change, ✏️ each."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return
    reader = await context.reader(update)
    tr = reader.tr
    if chat.type != Chat.PRIVATE:
        await show(update, view.only_in_private(tr))
        return
    roles = await context.roles(user.id)
    network = context.storage.network
    mine = [s for s in await network.meeting_series() if roles.may_edit(s.partnership_id)]
    if not mine:
        await show(update, view.none_to_change(tr))
        return
    now = context.clock.now()
    changes = await network.meeting_changes()
    pairs = {
        v.partnership.id: v for v in await network.partnerships([s.partnership_id for s in mine])
    }
    found: list[view.Listed] = []
    for series in mine:
        pair = pairs.get(series.partnership_id)
        by_start = {c.occurrence: c for c in changes if c.series_id == series.id}
        listed = [
            (o.local_start, by_start.get(o.local_start))
            for o in occurrences(series, now, now + AHEAD, changes)
            if o.start > now
        ]
        listed += [
            (c.occurrence, c)
            for c in by_start.values()
            if c.status is ChangeStatus.CANCELLED
            and now
            < c.occurrence.replace(tzinfo=view.Meeting(series, pair, c.occurrence, c).zone)
            <= now + AHEAD
        ]
        name = pair.pair_name(tr.lang) if pair is not None else series.title.get(tr.lang)
        found += [view.Listed(view.Meeting(series, pair, local, c), name) for local, c in listed]
    if not found:
        await show(update, view.no_meetings_ahead(tr))
        return
    found.sort(key=lambda item: item.meeting.start)
    text, keyboard = view.listing(tr, found, reader.zone)
    await show(update, text, keyboard)


def _presses(callback: Any) -> CallbackQueryHandler[BotContext, object]:
    return CallbackQueryHandler(callback, pattern=MeetingAct.owns)


def conversation() -> ConversationHandler[BotContext]:
    return guided_conversation(
        NAME,
        entry_points=[CallbackQueryHandler(enter, pattern=EditMeeting.owns)],
        states={
            Step.SHOWN: [_presses(on_card)],
            Step.WHEN: [
                MessageHandler(PRIVATE_TEXT, typed_when),
                CallbackQueryHandler(picked_when, pattern=date_picker.is_pick),
                _presses(on_card),
            ],
            Step.MOVE_OK: [_presses(on_move_ok)],
            Step.REASON: [MessageHandler(PRIVATE_TEXT, typed_reason), _presses(on_reason)],
            Step.SAVE: [_presses(on_save)],
            Step.RESTORE: [_presses(on_restore)],
        },
        fallbacks=[],
        allow_reentry=True,
    )


def register(application: BotApplication) -> None:
    application.add_handler(on_command("meeting", meeting_command))
    application.add_handler(conversation())
