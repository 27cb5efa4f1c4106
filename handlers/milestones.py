"""/milestones and /phases: where each phase stands."""

from __future__ import annotations

from datetime import date

from telegram import Chat, InlineKeyboardMarkup, Update

from bot.telegram.callbacks import MilestonePage, PhaseMilestones, on_press
from bot.telegram.context import BotApplication, BotContext
from bot.text.i18n import Translator
from bot.text.keywords import find_phase
from bot.views import milestones as view
from handlers.common import joined_args, kept_reply, on_command, show


async def milestones_command(update: Update, context: BotContext) -> None:
    await _show(update, context, joined_args(context.args))


async def phase_button(update: Update, context: BotContext, data: PhaseMilestones) -> None:
    await _show(update, context, data.phase_id, exact=True)


async def page_button(update: Update, context: BotContext, data: MilestonePage) -> None:
    await _show(update, context, data.phase_id, exact=True, page=data.page)


async def _show(
    update: Update, context: BotContext, wanted: str, exact: bool = False, page: int = 0
) -> None:
    reader = await context.reader(update)
    today = context.clock.now().astimezone(reader.zone).date()
    # The same question in the same language on the same day reads the same until a commit.
    editable = await _coordinator_in_private(update, context)
    key = ("milestones", wanted, exact, page, reader.tr.lang, today, editable)
    text, keyboard = await kept_reply(
        context, key, lambda: _render(context, reader.tr, wanted, exact, today, page, editable)
    )
    await show(update, text, keyboard)


async def _coordinator_in_private(update: Update, context: BotContext) -> bool:
    """Whether ✏️ shows: a coordinator, in private (part of the kept reply's key)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None or chat.type != Chat.PRIVATE:
        return False
    return (await context.roles(user.id)).coordinator


async def _render(
    context: BotContext,
    tr: Translator,
    wanted: str,
    exact: bool,
    today: date,
    page: int,
    editable: bool = False,
) -> tuple[str, InlineKeyboardMarkup]:
    network = context.storage.network
    phases, milestones = await network.phases(), await network.milestones()
    programmes = {p.id: p for p in await network.programmes()}
    keyboard = view.phase_keyboard(phases, tr)
    if not wanted:
        pending = view.open_phases(phases, milestones, today)
        return view.render_overview(pending, tr, today), keyboard
    phase = view.phase_by_id(phases, wanted) if exact else find_phase(phases, wanted)
    if phase is None:
        return view.unknown_phase(wanted, phases, tr), keyboard
    text, nav = view.render_phase(
        phase, programmes.get(phase.programme_id), milestones, tr, today, page, editable
    )
    return text, view.phase_keyboard(phases, tr, nav)


async def phases_command(update: Update, context: BotContext) -> None:
    reader = await context.reader(update)
    network = context.storage.network
    phases = await network.phases()
    programmes = await network.programmes()
    await show(
        update,
        view.phase_list(phases, programmes, reader.tr),
        view.phase_keyboard(phases, reader.tr),
    )


def register(application: BotApplication) -> None:
    application.add_handler(on_command("milestones", milestones_command))
    application.add_handler(on_command("phases", phases_command))
    application.add_handler(on_press(PhaseMilestones, phase_button))
    application.add_handler(on_press(MilestonePage, page_button))
