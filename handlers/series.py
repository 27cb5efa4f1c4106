"""A meeting series made (/new's choice, `New(EditTarget.SERIES)`) or changed (✏️,
`Edit(EditTarget.SERIES, id)`) in the private chat: a guided conversation kept in the
database. Partnership, title, every N weeks, weekday, time, the town whose clocks count,
the first meeting and the join link, then a summary with a button per field; a stored
series may be ended (🗑, asked first). Coordinators and the partnership's focal points
only (handlers/editing.py checks again at the save)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from telegram import Chat, Update
from telegram.ext import CallbackQueryHandler, ConversationHandler, MessageHandler

from bot.model.audit import RecordKind
from bot.model.domain import LocalizedText, MeetingSeries, PartnershipView
from bot.model.ids import new_id
from bot.telegram.callbacks import (
    PickMonth,
    answer_unusable,
)
from bot.telegram.context import BotApplication, BotContext
from bot.telegram.edit_callbacks import Edit, EditTarget, New, SeriesAct, SeriesDo
from bot.telegram.limits import Button, Keyboard
from bot.telegram.persistence import Drafts, guided_conversation, user_of
from bot.text.search import terms
from bot.text.typed_dates import Problem, TypedMoment, parse_moment, parse_time
from bot.views import date_picker
from bot.views import series as view
from bot.views.typed_moments import problem_text
from handlers import editing
from handlers.common import PRIVATE_TEXT, show, show_below

NAME = "series"
END = ConversationHandler.END


class Step(StrEnum):
    PARTNERSHIP = "partnership"
    TITLE = "title"
    EVERY = "every"
    WEEKDAY = "weekday"
    TIME = "time"
    ZONE = "zone"
    FIRST = "first"
    LINK = "link"
    SUMMARY = "summary"
    END = "end"


ORDER = (
    ("partnership", Step.PARTNERSHIP),
    ("title", Step.TITLE),
    ("every", Step.EVERY),
    ("weekday", Step.WEEKDAY),
    ("time", Step.TIME),
    ("zone", Step.ZONE),
    ("first", Step.FIRST),
    ("link", Step.LINK),
)
"""Each field and the step that asks it, in the order a new series is asked."""
RHYTHM = ("every", "weekday", "time", "zone")
"""Fields whose change moves the first meeting to the next one they give."""


DRAFTS = Drafts(NAME)
_user, _draft, _put = user_of, DRAFTS.get, DRAFTS.put


async def _end(update: Update, context: BotContext) -> object:
    await DRAFTS.drop(update, context)
    return END


async def _mine(context: BotContext, user_id: int) -> list[str]:
    """The partnerships whose series this user may make."""
    roles = await context.roles(user_id)
    if roles.coordinator:
        return await context.storage.network.partnership_ids()
    return sorted(roles.partnerships)


async def _view(context: BotContext, partnership_id: str | None) -> PartnershipView | None:
    if partnership_id is None:
        return None
    found = await context.storage.network.partnerships([partnership_id])
    return found[0] if found else None


async def _shown(context: BotContext, draft: dict[str, Any]) -> view.Draft:
    """The draft as the views read it."""
    title = draft.get("title")
    first = draft.get("first")
    at = draft.get("time")
    return view.Draft(
        partnership=await _view(context, draft.get("partnership")),
        title=LocalizedText(tuple((lang, text) for lang, text in title)) if title else None,
        every=draft.get("every"),
        weekday=draft.get("weekday"),
        at=time.fromisoformat(at) if at else None,
        zone=draft.get("zone"),
        first=datetime.fromisoformat(first) if first else None,
        link=draft.get("link"),
        editing=draft.get("id"),
        rule=draft.get("rule"),
    )


def _suggested(context: BotContext, draft: dict[str, Any]) -> datetime:
    """The next such weekday from now (where the series' clocks are), at its time."""
    zone = ZoneInfo(str(draft["zone"]))
    now = context.clock.now()
    at = time.fromisoformat(str(draft["time"]))
    day = view.next_weekday(now.astimezone(zone).date(), str(draft["weekday"]))
    if datetime.combine(day, at, zone) <= now:
        day += timedelta(days=7)
    return datetime.combine(day, at)


# -- asking ------------------------------------------------------------------------------------


async def _ask(
    update: Update, context: BotContext, draft: dict[str, Any], step: Step, *, new: bool = False
) -> object:
    """Show the question of `step` (or the summary) and go there; `new`: as a new message
    (on entry: what the button was pressed under stays)."""
    problem = str(draft.pop("problem", ""))
    await _put(update, context, draft)
    text, keyboard = await _screen(update, context, draft, step, problem)
    if new and update.callback_query is not None:
        await show_below(update, text, keyboard)
    else:
        await show(update, text, keyboard)
    return step


async def _screen(
    update: Update, context: BotContext, draft: dict[str, Any], step: Step, problem: str
) -> tuple[str, Keyboard]:
    """The question of `step`, or the summary."""
    reader = await context.reader(update)
    tr = reader.tr
    shown = await _shown(context, draft)
    if step is Step.PARTNERSHIP:
        found = await context.storage.network.partnerships(await _mine(context, _user(update)))
        wanted = terms(str(draft.get("search", "")))
        if wanted:
            found = [v for v in found if _matches(v, wanted)]
        more = len(found) > view.PARTNERSHIP_BUTTONS or bool(wanted)
        return view.ask_partnership(tr, shown, found, more)
    if step is Step.TITLE:
        assert shown.partnership is not None
        default = view.default_title(context.i18n, tr.lang, shown.partnership).original
        return view.ask_title(tr, shown, default)
    if step is Step.EVERY:
        return view.ask_every(tr, shown)
    if step is Step.WEEKDAY:
        return view.ask_weekday(tr, shown)
    if step is Step.TIME:
        asked = _asked(context, reader.zone)
        screen = date_picker.hours_screen(tr, asked, asked.today)
        return view.ask_time(tr, shown, _without_months(screen))
    if step is Step.ZONE:
        return view.ask_zone(tr, shown)
    if step is Step.FIRST:
        first = draft.get("first")
        suggested = datetime.fromisoformat(first) if first else _suggested(context, draft)
        return view.ask_first(tr, shown, suggested, reader.zone, problem)
    if step is Step.LINK:
        return view.ask_link(tr, shown, problem)
    return view.summary(tr, shown, reader.zone)


def _matches(found: PartnershipView, wanted: list[str]) -> bool:
    words = set()
    for town in (found.north, found.south):
        for _lang, name in town.name.variants:
            words.update(terms(name))
    return all(any(w.startswith(t) for w in words) for t in wanted)


def _asked(context: BotContext, zone: ZoneInfo) -> date_picker.Asked:
    return date_picker.Asked(context.clock.now().astimezone(zone).date(), zone)


def _without_months(screen: date_picker.Screen) -> list[tuple[Button, ...]]:
    """The picker's hours and quarters, without its way back to a month: no day is asked."""
    month = PickMonth.prefix + ":"
    return [
        row
        for row in screen.rows
        if not any((b.callback_data or "").startswith(month) for b in row)
    ]


async def _next(update: Update, context: BotContext, draft: dict[str, Any], done: str) -> object:
    """After `done` was answered: the summary when one field was being changed (or all are
    known), else the next question."""
    if done in RHYTHM and "first" in draft and all(draft.get(name) for name in RHYTHM):
        # The first meeting must fit the new rhythm: the next one it gives.
        draft["first"] = _suggested(context, draft).isoformat(timespec="minutes")
    if draft.get("field") in ("every", "weekday"):
        # An imported rule of another form: its rhythm is chosen whole, weeks and day.
        other = "weekday" if draft["field"] == "every" else "every"
        if draft.get(other) is None:
            draft["field"] = other
            return await _ask(update, context, draft, dict(ORDER)[other])
    if draft.pop("field", None) is not None:
        return await _ask(update, context, draft, Step.SUMMARY)
    for name, step in ORDER:
        if name not in draft:
            return await _ask(update, context, draft, step)
    return await _ask(update, context, draft, Step.SUMMARY)


# -- entering ----------------------------------------------------------------------------------


async def _private(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    if chat is None or chat.type != Chat.PRIVATE:
        await answer_unusable(update, context)
        return False
    return True


async def begin_new(update: Update, context: BotContext) -> object:
    """/new → meeting series."""
    if not await _private(update, context):
        return END
    mine = await _mine(context, _user(update))
    if not mine:
        await editing.may_edit(update, context, None)
        return END
    draft: dict[str, Any] = {}
    if len(mine) == 1:
        draft["partnership"] = mine[0]
    first = Step.PARTNERSHIP if len(mine) > 1 else Step.TITLE
    return await _ask(update, context, draft, first, new=True)


async def begin_edit(update: Update, context: BotContext) -> object:
    """✏️ on a series: its summary."""
    if not await _private(update, context):
        return END
    query = update.callback_query
    data = Edit.unpack(query.data if query is not None else None)
    assert data is not None
    series = await context.storage.network.series(data.record_id)
    if series is None:
        assert query is not None
        await query.answer(view.gone((await context.reader(update)).tr), show_alert=True)
        return END
    if not await editing.may_edit(update, context, series.partnership_id):
        return END
    simple = view.simple_rule(series.rrule)
    draft: dict[str, Any] = {
        "id": series.id,
        "partnership": series.partnership_id,
        "title": [list(pair) for pair in series.title.variants],
        "every": simple[0] if simple else None,
        "weekday": simple[1] if simple else None,
        "time": series.dtstart.time().isoformat(timespec="minutes"),
        "zone": series.timezone,
        "first": series.dtstart.isoformat(timespec="minutes"),
        "link": series.join_url,
        "rule": series.rrule,
    }
    return await _ask(update, context, draft, Step.SUMMARY, new=True)


# -- the answers -------------------------------------------------------------------------------


async def _press(update: Update, context: BotContext) -> SeriesAct | None:
    query = update.callback_query
    data = SeriesAct.unpack(query.data if query is not None else None)
    if data is None:
        await answer_unusable(update, context)
    return data


async def pressed(update: Update, context: BotContext) -> object:
    """Any of the conversation's buttons, in whichever step: each names what it answers."""
    data = await _press(update, context)
    if data is None:
        return None
    draft = await _draft(update, context)
    tr = (await context.reader(update)).tr
    act, value = data.act, data.value
    if act is SeriesDo.CLOSE:
        await show(update, view.closed(tr))
        return await _end(update, context)
    if act is SeriesDo.PARTNERSHIP and value in await _mine(context, _user(update)):
        draft["partnership"] = value
        draft.pop("search", None)
        if draft.get("zone") is not None and draft.get("id") is None:
            draft.pop("zone")
        return await _next(update, context, draft, "partnership")
    if act is SeriesDo.TITLE and draft.get("partnership"):
        shown = await _view(context, draft["partnership"])
        if shown is not None:
            title = view.default_title(context.i18n, tr.lang, shown)
            draft["title"] = [list(pair) for pair in title.variants]
            return await _next(update, context, draft, "title")
    if act is SeriesDo.EVERY and value.isdigit() and int(value) in view.WEEKS:
        draft["every"] = int(value)
        return await _next(update, context, draft, "every")
    if act is SeriesDo.WEEKDAY and value in view.WEEKDAYS:
        draft["weekday"] = value
        return await _next(update, context, draft, "weekday")
    if act is SeriesDo.ZONE and value in ("north", "south"):
        shown = await _view(context, draft.get("partnership"))
        if shown is not None:
            town = shown.north if value == "north" else shown.south
            draft["zone"] = town.timezone
            return await _next(update, context, draft, "zone")
    if act is SeriesDo.FIRST and all(draft.get(name) for name in RHYTHM):
        if not draft.get("first"):
            draft["first"] = _suggested(context, draft).isoformat(timespec="minutes")
        return await _next(update, context, draft, "first")
    if act is SeriesDo.NO_LINK:
        draft["link"] = None
        return await _next(update, context, draft, "link")
    if act is SeriesDo.FIELD and value in view.FIELDS:
        draft["field"] = value
        step = dict(ORDER)[value]
        return await _ask(update, context, draft, step)
    if act is SeriesDo.SUMMARY:
        return await _ask(update, context, draft, Step.SUMMARY)
    if act is SeriesDo.SAVE:
        return await _save(update, context, draft)
    if act is SeriesDo.END and draft.get("id"):
        series = await context.storage.network.series(str(draft["id"]))
        if series is not None:
            await show(update, *view.confirm_end(tr, series))
            return Step.END
    if act is SeriesDo.END_YES and draft.get("id"):
        series = await context.storage.network.series(str(draft["id"]))
        if series is not None:
            await editing.remove(update, context, RecordKind.SERIES, series)
            return await _end(update, context)
    await answer_unusable(update, context)
    return None


async def typed(update: Update, context: BotContext) -> object:
    """Text typed in a step that takes it: a town's name, a title, a time, a day, a link."""
    assert update.effective_message is not None
    text = " ".join((update.effective_message.text or "").split())
    draft = await _draft(update, context)
    reader = await context.reader(update)
    tr = reader.tr
    step = _waiting(draft)
    if step is Step.PARTNERSHIP:
        draft["search"] = text[:60]
        return await _ask(update, context, draft, Step.PARTNERSHIP)
    if step is Step.TITLE and text:
        draft["title"] = [[tr.lang, text[:120]]]
        return await _next(update, context, draft, "title")
    if step is Step.TIME:
        found = parse_time(text, tr.lang)
        if isinstance(found, Problem):
            await show(update, problem_text(tr, found))
            return None
        draft["time"] = found.isoformat(timespec="minutes")
        return await _next(update, context, draft, "time")
    if step is Step.FIRST:
        zone = ZoneInfo(str(draft["zone"]))
        today = context.clock.now().astimezone(zone).date()
        moment = parse_moment(text, tr.lang, today, zone)
        if isinstance(moment, Problem):
            draft["problem"] = problem_text(tr, moment, zone)
        elif (
            isinstance(moment, TypedMoment)
            and view.WEEKDAYS[moment.day.weekday()] != draft["weekday"]
        ):
            draft["problem"] = view.not_that_weekday(tr, str(draft["weekday"]))
        else:
            at = time.fromisoformat(str(draft["time"]))
            draft["first"] = datetime.combine(moment.day, at).isoformat(timespec="minutes")
            return await _next(update, context, draft, "first")
        return await _ask(update, context, draft, Step.FIRST)
    if step is Step.LINK:
        if not text.startswith(("https://", "http://")) or " " in text:
            draft["problem"] = view.not_a_link(tr)
            return await _ask(update, context, draft, Step.LINK)
        draft["link"] = text
        return await _next(update, context, draft, "link")
    return None


def _waiting(draft: dict[str, Any]) -> Step | None:
    """The step whose question is open: the field being changed, else the first missing."""
    field = draft.get("field")
    if field is not None:
        return dict(ORDER)[field]
    for name, step in ORDER:
        if name not in draft:
            return step
    return None


async def picked_time(update: Update, context: BotContext) -> object:
    query = update.callback_query
    assert query is not None
    reader = await context.reader(update)
    data = date_picker.pick_of(query.data)
    result = (
        None if data is None else date_picker.press(reader.tr, _asked(context, reader.zone), data)
    )
    if isinstance(result, date_picker.Screen):
        draft = await _draft(update, context)
        shown = await _shown(context, draft)
        await show(update, *view.ask_time(reader.tr, shown, _without_months(result)))
        return None
    if isinstance(result, TypedMoment) and result.at is not None:
        draft = await _draft(update, context)
        draft["time"] = result.at.isoformat(timespec="minutes")
        return await _next(update, context, draft, "time")
    await query.answer()
    return None


async def _save(update: Update, context: BotContext, draft: dict[str, Any]) -> object:
    shown = await _shown(context, draft)
    if None in (shown.partnership, shown.title, shown.at, shown.zone, shown.first):
        return await _next(update, context, draft, "")
    assert shown.partnership is not None and shown.title is not None
    assert shown.zone is not None and shown.first is not None
    network = context.storage.network
    stored = await network.series(str(draft["id"])) if draft.get("id") else None
    rrule = (
        view.rule(shown.every, shown.weekday)
        if shown.every and shown.weekday
        else (stored.rrule if stored is not None else "")
    )
    fields: dict[str, Any] = {
        "partnership_id": shown.partnership.partnership.id,
        "title": shown.title,
        "rrule": rrule,
        "dtstart": shown.first,
        "timezone": shown.zone,
        "join_url": shown.link,
    }
    if stored is not None:
        record = replace(stored, **fields)
    else:
        record = MeetingSeries(id=await _new_id(context, shown.partnership), **fields)
    await editing.save(update, context, record)
    return await _end(update, context)


async def _new_id(context: BotContext, partnership: PartnershipView) -> str:
    taken = (await context.storage.network.ids()).get("meeting_series", set())
    return new_id(partnership.partnership.id, "virtual", taken)


def conversation() -> ConversationHandler[BotContext]:
    buttons = CallbackQueryHandler(pressed, pattern=SeriesAct.owns)
    text = MessageHandler(PRIVATE_TEXT, typed)
    picks = CallbackQueryHandler(picked_time, pattern=date_picker.is_pick)
    return guided_conversation(
        NAME,
        entry_points=[
            CallbackQueryHandler(begin_new, pattern=_is_new),
            CallbackQueryHandler(begin_edit, pattern=_is_edit),
        ],
        states={
            Step.PARTNERSHIP: [buttons, text],
            Step.TITLE: [buttons, text],
            Step.EVERY: [buttons],
            Step.WEEKDAY: [buttons],
            Step.TIME: [buttons, picks, text],
            Step.ZONE: [buttons],
            Step.FIRST: [buttons, text],
            Step.LINK: [buttons, text],
            Step.SUMMARY: [buttons],
            Step.END: [buttons],
        },
        fallbacks=[],
        allow_reentry=True,
    )


def _is_new(data: object) -> bool:
    found = New.unpack(data) if isinstance(data, str) else None
    return found is not None and found.target is EditTarget.SERIES


def _is_edit(data: object) -> bool:
    found = Edit.unpack(data) if isinstance(data, str) else None
    return found is not None and found.target is EditTarget.SERIES


def register(application: BotApplication) -> None:
    application.add_handler(conversation())
