"""The guided edit of an exchange (event) or a milestone in the private chat: a question a
step, typed or pressed; a summary screen; ✅ saves through handlers/editing.save.

One persistent conversation ("edit"): its state is the step asked, and the draft in the
database (`plain`: the record in the dataset file's form, so the import's own decoding
builds it) holds the answers, so a restart resumes at the same step with them. Nothing is
saved before ✅; ✖ and /cancel leave at any step."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, time
from enum import IntEnum
from typing import Any

from telegram import Chat, ReplyKeyboardRemove, Update
from telegram.ext import (
    BaseHandler,
    CallbackQueryHandler,
    CommandHandler,
    ConversationHandler,
    filters,
)

from bot.model.audit import AuditEntry, RecordKind
from bot.model.codec import DatasetError, from_plain, to_plain
from bot.model.domain import Event, EventKind, Milestone, PartialDate
from bot.model.ids import new_id
from bot.telegram.callbacks import (
    CallbackData,
)
from bot.telegram.commands import command_names, names
from bot.telegram.context import BotContext
from bot.telegram.edit_callbacks import (
    Change,
    Edit,
    EditTarget,
    Fill,
    FormAction,
    FormDo,
    FormStep,
    ForWhom,
    New,
    WhomCode,
    WhomPage,
)
from bot.telegram.persistence import Drafts, guided_conversation, user_of
from bot.text.markup import escape
from bot.text.typed_dates import Problem, TypedMoment, parse_moment, parse_time
from bot.text.zones import OneZone, known_zones, resolve_zone
from bot.views import checklist_edit as checklist_view
from bot.views import date_picker
from bot.views import forms as view
from bot.views.editing import not_saved
from bot.views.typed_moments import problem_text
from handlers import editing, form_summary
from handlers.common import PRIVATE_TEXT, on_command, say, show

NAME = "edit"
Draft = dict[str, Any]


class Step(IntEnum):
    """The question asked (the conversation's state, stored as its number)."""

    KIND = 1
    FOR = 2
    TITLE = 3
    WHEN = 4
    END = 5
    PLACE = 6
    LINK = 7
    ZONE = 8
    NOTE = 9
    PHASE = 10
    DUE = 11
    POSITION = 12
    SUMMARY = 13
    REMOVE = 14
    TRAVELLING = 15


STEP_OF: Mapping[FormStep, Step] = {s: Step[s.name] for s in FormStep}
TEXT_STEPS = {Step.TITLE, Step.PLACE, Step.LINK, Step.NOTE}
MOMENT_STEPS = {Step.WHEN, Step.END, Step.DUE}
LINK = re.compile(r"https?://\S+", re.IGNORECASE)
END = ConversationHandler.END

# -- the draft -------------------------------------------------------------------------------


DRAFTS = Drafts(NAME)
_user, _draft, _keep = user_of, DRAFTS.find, DRAFTS.put


def is_event(draft: Draft) -> bool:
    return bool(draft.get("what") == "event")


def _plain(draft: Draft) -> dict[str, Any]:
    plain = draft.setdefault("plain", {})
    assert isinstance(plain, dict)
    return plain


# -- asking ----------------------------------------------------------------------------------


async def ask(
    update: Update,
    context: BotContext,
    draft: Draft,
    step: Step,
    problem: str = "",
    *,
    new: bool = False,
) -> Step:
    """Put the question of `step` (with `problem` above it, when the answer before could
    not be used), note it in the draft, and go there."""
    draft["step"] = int(step)
    if step is Step.SUMMARY:
        draft["back"] = True  # from now on a changed field leads back here
    await _keep(update, context, draft)
    reader = await context.reader(update)
    tr = reader.tr
    back = bool(draft.get("back"))
    if step is Step.SUMMARY:
        shown = await form_summary.of(context, reader, draft)
        text, markup = view.summary(tr, shown)
    elif step is Step.KIND:
        text, markup = view.ask_kind(tr, back)
    elif step is Step.FOR:
        mine, others = await form_summary.whom_choices(context, _user(update), tr.lang)
        text, markup = view.ask_whom(tr, mine, others, int(draft.get("page", 0)), back)
    elif step in TEXT_STEPS:
        text, markup = view.ask_text(tr, FormStep[step.name], back, problem)
    elif step in MOMENT_STEPS:
        starts = _plain(draft).get("starts") if step is Step.END else None
        month = (
            date.fromisoformat(starts) if isinstance(starts, str) and len(starts) == 10 else None
        )
        # The end's calendar opens at the start's month: a March workshop ends in March.
        screen = date_picker.month_screen(tr, await _asked(update, context, draft, step), month)
        timed = "start_time" in _plain(draft)
        text, markup = view.ask_moment(tr, FormStep[step.name], screen, back, problem, timed)
    elif step is Step.ZONE:
        towns = await form_summary.town_zones(context, draft, reader)
        text, markup = view.ask_zone(tr, towns, back, problem)
    elif step is Step.PHASE:
        phases = [(p.name.get(tr.lang), p.id) for p in await context.storage.network.phases()]
        text, markup = view.ask_phase(tr, phases, back)
    elif step is Step.TRAVELLING:
        north, south = await form_summary.town_names(context, draft, tr.lang)
        text, markup = view.ask_travelling(tr, north, south, back)
    elif step is Step.POSITION:
        last = await form_summary.last_milestone(context, draft, tr.lang)
        text, markup = view.ask_position(tr, last, back, problem)
    else:
        text, markup = view.confirm_removal(
            tr, _target(draft), form_summary.title_of(draft, tr.lang)
        )
    await say(update, text, markup, new=new or (bool(problem) and update.message is not None))
    return step


def _target(draft: Draft) -> EditTarget:
    return EditTarget.EVENT if is_event(draft) else EditTarget.MILESTONE


async def _asked(
    update: Update, context: BotContext, draft: Draft, step: Step
) -> date_picker.Asked:
    reader = await context.reader(update)
    today = context.clock.now().astimezone(reader.zone).date()
    zone = await form_summary.zone_of(context, draft, reader)
    if step is Step.DUE:
        return date_picker.Asked(today, zone, with_time=False)
    timed = step is Step.WHEN or "start_time" in _plain(draft)
    return date_picker.Asked(today, zone, with_time=timed, all_day=timed)


async def _next(update: Update, context: BotContext, draft: Draft, after: Step) -> Step:
    """The step after `after` (the summary when changing one field from it)."""
    plain = _plain(draft)
    unzoned = "start_time" in plain and "timezone" not in plain  # whose clock: not yet asked
    if draft.get("back"):
        if after is Step.PLACE and plain.get("online"):
            return await ask(update, context, draft, Step.LINK)
        if unzoned:
            return await ask(update, context, draft, Step.ZONE)
        return await ask(update, context, draft, Step.SUMMARY)
    if is_event(draft):
        order = [Step.KIND, Step.FOR, Step.TITLE, Step.WHEN, Step.END, Step.PLACE]
        if after in order[:-1]:
            following = order[order.index(after) + 1]
            if following is Step.FOR and await _whom_by_itself(update, context, draft):
                following = Step.TITLE
            return await ask(update, context, draft, following)
        if after is Step.PLACE and plain.get("online"):
            return await ask(update, context, draft, Step.LINK)
        if after in (Step.PLACE, Step.LINK) and unzoned:
            return await ask(update, context, draft, Step.ZONE)
        if after in (Step.PLACE, Step.LINK, Step.ZONE) and form_summary.asks_travelling(plain):
            return await ask(update, context, draft, Step.TRAVELLING)
        if after in (Step.PLACE, Step.LINK, Step.ZONE, Step.TRAVELLING):
            return await ask(update, context, draft, Step.NOTE)
        return await ask(update, context, draft, Step.SUMMARY)
    order = [Step.PHASE, Step.TITLE, Step.DUE, Step.POSITION, Step.SUMMARY]
    return await ask(update, context, draft, order[order.index(after) + 1])


async def _whom_by_itself(update: Update, context: BotContext, draft: Draft) -> bool:
    """A focal point of one partnership is not asked for whom: it is that one."""
    mine, others = await form_summary.whom_choices(context, _user(update), "en")
    if len(mine) + len(others) != 1:
        return False
    _set_whom(_plain(draft), (mine or others)[0].data)
    return True


def _set_whom(plain: dict[str, Any], whom: ForWhom) -> None:
    for key in ("partnership_id", "phase_id", "programme_id"):
        plain.pop(key, None)
    if whom.whom is WhomCode.PARTNERSHIP:
        plain["partnership_id"] = whom.target_id
    elif whom.whom is WhomCode.PHASE:
        plain["phase_id"] = whom.target_id


# -- entering --------------------------------------------------------------------------------


async def _in_private(update: Update, context: BotContext) -> bool:
    chat = update.effective_chat
    if chat is not None and chat.type == Chat.PRIVATE:
        return True
    tr = (await context.reader(update)).tr
    if update.callback_query is not None:
        await update.callback_query.answer(view.only_in_private(tr), show_alert=True)
    return False


async def begin(update: Update, context: BotContext) -> Step | int:
    """/new's choice: an exchange or a milestone, from the first question."""
    data = New.unpack(update.callback_query.data if update.callback_query else None)
    if data is None or not await _in_private(update, context):
        return END
    roles = await context.roles(_user(update))
    tr = (await context.reader(update)).tr
    assert update.callback_query is not None
    if data.target is EditTarget.MILESTONE and not roles.coordinator:
        await update.callback_query.answer(view.only_coordinators(tr), show_alert=True)
        return END
    if not roles.edits_anything:
        await update.callback_query.answer(view.no_role(tr), show_alert=True)
        return END
    what = "event" if data.target is EditTarget.EVENT else "milestone"
    draft: Draft = {"what": what, "plain": {}, "user": _user(update)}
    return await ask(update, context, draft, Step.KIND if what == "event" else Step.PHASE)


async def edit(update: Update, context: BotContext) -> Step | int:
    """✏️ on an exchange or a milestone: its summary, as a new message (the list stays)."""
    data = Edit.unpack(update.callback_query.data if update.callback_query else None)
    if data is None or not await _in_private(update, context):
        return END
    assert update.callback_query is not None
    tr = (await context.reader(update)).tr
    network = context.storage.network
    record: Event | Milestone | None
    if data.target is EditTarget.EVENT:
        record = await network.event(data.record_id)
        partnership = record.partnership_id if record is not None else None
    else:
        record = next((m for m in await network.milestones() if m.id == data.record_id), None)
        partnership = None
    if record is None:
        await update.callback_query.answer(view.gone(tr), show_alert=True)
        return END
    if not await editing.may_edit(update, context, partnership):
        return END
    plain = to_plain(record)
    del plain["id"]
    what = "event" if isinstance(record, Event) else "milestone"
    draft: Draft = {"what": what, "id": record.id, "plain": plain, "user": _user(update)}
    draft["back"] = True
    return await ask(update, context, draft, Step.SUMMARY, new=True)


# -- answers ---------------------------------------------------------------------------------


async def typed(update: Update, context: BotContext) -> Step | int:
    """A typed answer to the step asked; one that cannot be read is explained and the same
    question put again."""
    draft = await _draft(update, context)
    if draft is None:  # erased meanwhile (/forgetme): the form is over
        await say(update, escape(view.stale((await context.reader(update)).tr)), None)
        return END
    step = Step(int(draft.get("step", Step.SUMMARY)))
    assert update.effective_message is not None
    text = " ".join((update.effective_message.text or "").split())
    reader = await context.reader(update)
    tr = reader.tr
    plain = _plain(draft)
    lang = tr.lang
    if step not in TEXT_STEPS | MOMENT_STEPS | {Step.ZONE, Step.POSITION}:
        problem = tr.gettext("Please answer with the buttons.")
        return await ask(update, context, draft, step, problem, new=True)
    if step in TEXT_STEPS:
        most = {Step.TITLE: view.TITLE_MOST, Step.PLACE: view.PLACE_MOST}.get(step, view.NOTE_MOST)
        if not text:
            return await ask(update, context, draft, step, new=True)
        if len(text) > most:
            return await ask(update, context, draft, step, view.too_long(tr, most), new=True)
        if step is Step.LINK:
            if not LINK.fullmatch(text):
                return await ask(update, context, draft, step, view.not_a_link(tr), new=True)
            plain["join_url"] = text
        elif step is Step.PLACE:
            plain.update(place={lang: text}, online=False)
            plain.pop("join_url", None)
            await form_summary.zone_from_place(context, draft, text)
        else:
            plain[step.name.lower()] = {lang: text}
        return await _next(update, context, draft, step)
    if step is Step.ZONE:
        found = resolve_zone(text, await context.storage.network.town_index())
        if not isinstance(found, OneZone):
            return await ask(update, context, draft, step, view.unknown_zone(tr), new=True)
        plain["timezone"] = found.zone.key
        return await _next(update, context, draft, step)
    if step is Step.POSITION:
        if not text.isdigit() or not 1 <= int(text) <= 999:
            return await ask(update, context, draft, step, view.not_a_position(tr), new=True)
        plain["position"] = int(text)
        return await _next(update, context, draft, step)
    asked = await _asked(update, context, draft, step)
    if step is Step.END and "start_time" in plain:
        at = parse_time(text, lang)
        if isinstance(at, time):
            return await _moment(update, context, draft, step, TypedMoment(_start_day(plain), at))
    moment = parse_moment(text, lang, asked.today, asked.zone, month_ok=step is Step.DUE)
    return await _moment(update, context, draft, step, moment)


def _end_still_after(plain: Mapping[str, Any], start: TypedMoment) -> bool:
    """Whether the end kept in the draft still comes after a new start (and fits it: an
    end time only with a start time)."""
    ends = plain.get("ends")
    end_time = plain.get("end_time")
    if ends is None and end_time is None:
        return True
    if end_time is not None and start.at is None:
        return False
    last = PartialDate.parse(str(ends)).as_date() if ends else start.day
    if last is None or last < start.day:
        return False
    if last == start.day and end_time is not None and start.at is not None:
        return str(end_time) > start.at.strftime("%H:%M")
    return ends is not None or end_time is not None


def _start_day(plain: Mapping[str, Any]) -> date:
    day = PartialDate.parse(str(plain["starts"])).as_date()
    assert day is not None
    return day


async def _moment(
    update: Update,
    context: BotContext,
    draft: Draft,
    step: Step,
    moment: TypedMoment | Problem,
) -> Step:
    """A typed or picked moment for the start, the end or the due date."""
    reader = await context.reader(update)
    zone = await form_summary.zone_of(context, draft, reader)
    new = update.message is not None
    if isinstance(moment, Problem):
        return await ask(
            update, context, draft, step, problem_text(reader.tr, moment, zone), new=new
        )
    plain = _plain(draft)
    if step is Step.DUE:
        due = moment.day.isoformat()[:7] if moment.month_only else moment.day.isoformat()
        plain["due"] = due
        return await _next(update, context, draft, step)
    if step is Step.WHEN:
        plain["starts"] = moment.day.isoformat()
        plain.pop("start_time", None)
        if not _end_still_after(plain, moment):  # a later start keeps an end still after it
            plain.pop("ends", None)
            plain.pop("end_time", None)
        if moment.at is not None:
            plain["start_time"] = moment.at.strftime("%H:%M")
        else:
            plain.pop("timezone", None)  # a day alone keeps no clock
        return await _next(update, context, draft, step)
    start = _start_day(plain)
    starts_at = plain.get("start_time")
    if moment.day < start or (
        moment.day == start
        and moment.at is not None
        and starts_at is not None
        and moment.at.strftime("%H:%M") <= starts_at
    ):
        return await ask(update, context, draft, step, view.ends_too_early(reader.tr), new=new)
    plain.pop("ends", None)
    plain.pop("end_time", None)
    if moment.day != start:
        plain["ends"] = moment.day.isoformat()
    if moment.at is not None and starts_at is not None:
        plain["end_time"] = moment.at.strftime("%H:%M")
    return await _next(update, context, draft, step)


async def picked(update: Update, context: BotContext) -> Step | int:
    """A press on the calendar keyboard of the start, the end or the due date."""
    query = update.callback_query
    assert query is not None
    draft = await _draft(update, context)
    if draft is None:
        await query.answer(view.stale((await context.reader(update)).tr), show_alert=True)
        return END
    step = Step(int(draft.get("step", Step.SUMMARY)))
    data = date_picker.pick_of(query.data)
    if step not in MOMENT_STEPS or data is None:
        await query.answer()
        return step
    tr = (await context.reader(update)).tr
    result = date_picker.press(tr, await _asked(update, context, draft, step), data)
    if result is None:
        await query.answer()
        return step
    if isinstance(result, date_picker.Screen):
        timed = "start_time" in _plain(draft)
        back = bool(draft.get("back"))
        await show(update, *view.ask_moment(tr, FormStep[step.name], result, back, "", timed))
        return step
    return await _moment(update, context, draft, step, result)


async def pressed(update: Update, context: BotContext) -> Step | int:
    """A press of the form's own buttons: an answer, a change, a page, save, remove."""
    query = update.callback_query
    assert query is not None
    draft = await _draft(update, context)
    tr = (await context.reader(update)).tr
    if draft is None:
        await query.answer(view.stale(tr), show_alert=True)
        return END
    step = Step(int(draft.get("step", Step.SUMMARY)))
    plain = _plain(draft)
    data: CallbackData | None = None
    for kind in (Fill, Change, FormDo, ForWhom, WhomPage):
        if kind.owns(query.data):
            data = kind.unpack(query.data)
    if isinstance(data, FormDo):
        return await _do(update, context, draft, step, data.action)
    if isinstance(data, Change) and draft.get("back"):
        return await ask(update, context, draft, STEP_OF[data.step])
    if isinstance(data, WhomPage) and step is Step.FOR:
        draft["page"] = data.page
        return await ask(update, context, draft, step)
    if isinstance(data, ForWhom) and step is Step.FOR:
        if not await form_summary.may_choose(context, _user(update), data):
            await query.answer(view.stale(tr), show_alert=True)
            return step
        _set_whom(plain, data)
        return await _next(update, context, draft, step)
    filled = isinstance(data, Fill) and STEP_OF[data.step] is step
    if isinstance(data, Fill) and filled and await _filled(context, draft, data):
        return await _next(update, context, draft, step)
    await query.answer(view.stale(tr), show_alert=True)
    return step


async def _filled(context: BotContext, draft: Draft, data: Fill) -> bool:
    """A button's answer, checked (a forged value is no answer)."""
    plain = _plain(draft)
    if data.step is FormStep.KIND:
        if data.value not in {k.value for k in EventKind}:
            return False
        plain["kind"] = data.value
    elif data.step is FormStep.PLACE and data.value == "online":
        plain.update(online=True)
        plain.pop("place", None)
    elif data.step is FormStep.ZONE:
        if data.value not in known_zones():
            return False
        plain["timezone"] = data.value
    elif data.step is FormStep.PHASE:
        if data.value not in {p.id for p in await context.storage.network.phases()}:
            return False
        plain["phase_id"] = data.value
    elif data.step is FormStep.POSITION:
        plain["position"] = await form_summary.after_last(context, draft)
    elif data.step is FormStep.TRAVELLING and data.value in ("north", "south", ""):
        plain.pop("travelling", None)
        if data.value:
            plain["travelling"] = data.value
    elif data.step in (FormStep.END, FormStep.LINK, FormStep.NOTE) and data.value == "":
        keys = {FormStep.END: ("ends", "end_time"), FormStep.LINK: ("join_url",)}
        for key in keys.get(data.step, ("note",)):
            plain.pop(key, None)
    else:
        return False
    return True


async def _do(
    update: Update, context: BotContext, draft: Draft, step: Step, action: FormAction
) -> Step | int:
    tr = (await context.reader(update)).tr
    if action is FormAction.CANCEL:
        return await _leave(update, context)
    if action is FormAction.BACK and draft.get("back"):
        return await ask(update, context, draft, Step.SUMMARY)
    if action is FormAction.SAVE and step is Step.SUMMARY:
        return await _save(update, context, draft)
    if action is FormAction.REMOVE and step is Step.SUMMARY and draft.get("id"):
        return await ask(update, context, draft, Step.REMOVE)
    if action is FormAction.REMOVE_SURE and step is Step.REMOVE:
        record = await form_summary.stored(context, draft)
        if record is None:
            await show(update, view.gone(tr))
        else:
            kind = RecordKind.EVENT if is_event(draft) else RecordKind.MILESTONE
            if await editing.remove(update, context, kind, record) is None:
                return step
        await DRAFTS.drop(update, context)
        return END
    assert update.callback_query is not None
    await update.callback_query.answer(view.stale(tr), show_alert=True)
    return step


async def _save(update: Update, context: BotContext, draft: Draft) -> Step | int:
    """✅: the record built by the import's own decoding and saved through editing.save;
    refused (a right, a value), the summary comes again and nothing is saved."""
    tr = (await context.reader(update)).tr
    plain = dict(_plain(draft))
    if not form_summary.asks_travelling(plain):  # an online workshop: nobody travels
        plain.pop("travelling", None)
    record_id = draft.get("id")
    try:
        if record_id is None:
            record_id = await _new_id(context, draft)
        cls: type[Event | Milestone] = Event if is_event(draft) else Milestone
        record = from_plain(
            cls, {"id": record_id, **plain}, "events" if cls is Event else "milestones"
        )
    except DatasetError as error:
        await say(update, not_saved(tr, error), None)
        return await ask(update, context, draft, Step.SUMMARY, new=True)
    had = bool(await context.storage.checklists.has_checklist([record.id]))

    async def checklist_made(_entry: AuditEntry) -> str | None:
        """A checklist this save made (a new exchange, or one now with travellers)."""
        counts = await context.storage.checklists.has_checklist([record.id])
        if had or record.id not in counts:
            return None
        command = command_names(tr.lang).get("cmd_checklist", "checklist")
        return checklist_view.made(tr, counts[record.id][1], command)

    if await editing.save(update, context, record, tell=checklist_made) is None:
        return await ask(update, context, draft, Step.SUMMARY, new=True)
    await DRAFTS.drop(update, context)
    return END


async def _new_id(context: BotContext, draft: Draft) -> str:
    plain = _plain(draft)
    title = next(iter(dict(plain.get("title") or {"": "item"}).values()))
    stamp = str(plain.get("starts") or plain.get("due") or "").replace("-", "")
    taken = (await context.storage.network.ids())["events" if is_event(draft) else "milestones"]
    return new_id(str(title), stamp, taken)


async def _leave(update: Update, context: BotContext) -> int:
    """✖ or /cancel: the draft goes, nothing is saved, and the author is told so."""
    await DRAFTS.drop(update, context)
    tr = (await context.reader(update)).tr
    await say(update, view.left(tr), None)
    return END


async def cancel_command(update: Update, context: BotContext) -> int:
    return await _leave(update, context)


async def nothing_to_cancel(update: Update, context: BotContext) -> None:
    """/cancel outside this form: any other guided conversation the user has open (a move
    of a meeting, /appoint, 🌐…) ends, unsaved, and its reply keyboard goes; else there
    is nothing to cancel."""
    tr = (await context.reader(update)).tr
    ender = getattr(context.application, "end_others", None)  # PersistentApplication's
    ended = await ender(_user(update)) if ender is not None else 0
    message = update.effective_message
    if ended and message is not None:
        await message.reply_text(view.left(tr), reply_markup=ReplyKeyboardRemove())
    else:
        await show(update, view.nothing_to_cancel(tr))


# -- wiring ----------------------------------------------------------------------------------


def _owned_by(*kinds: type[CallbackData]) -> Any:
    return lambda data: any(kind.owns(data) for kind in kinds)


def _targets(kind: type[New] | type[Edit]) -> Any:
    """New/Edit presses of an exchange or a milestone (a series' are the meetings')."""

    def check(data: object) -> bool:
        found = kind.unpack(data) if isinstance(data, str) else None
        return found is not None and found.target in (EditTarget.EVENT, EditTarget.MILESTONE)

    return check


def conversation() -> ConversationHandler[BotContext]:
    text: BaseHandler[Update, BotContext, Any] = _text_handler()
    buttons = CallbackQueryHandler(pressed, pattern=_owned_by(Fill, Change, ForWhom, WhomPage))
    picks = CallbackQueryHandler(picked, pattern=date_picker.is_pick)
    states: dict[int | str, list[BaseHandler[Update, BotContext, Any]]] = {
        int(step): [text, buttons, *([picks] if step in MOMENT_STEPS else [])] for step in Step
    }
    return guided_conversation(
        NAME,
        entry_points=[
            CallbackQueryHandler(begin, pattern=_targets(New)),
            CallbackQueryHandler(edit, pattern=_targets(Edit)),
        ],
        states=states,
        fallbacks=[
            CallbackQueryHandler(pressed, pattern=FormDo.owns),
            CommandHandler(names("cancel"), cancel_command, filters=filters.UpdateType.MESSAGE),
        ],
        allow_reentry=True,
    )


def _text_handler() -> BaseHandler[Update, BotContext, Any]:
    from telegram.ext import MessageHandler

    return MessageHandler(PRIVATE_TEXT, typed)


def register(application: Any) -> None:
    application.add_handler(conversation())


def register_late(application: Any) -> None:
    """/cancel outside a form (after the form, which takes it inside one)."""
    application.add_handler(on_command("cancel", nothing_to_cancel))
