"""What the guided edit reads from the network: whom an author may choose, the towns'
clocks, the phase's last milestone, and the summary's lines (handlers/edit_form.py)."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.domain import LANGUAGES, Event, EventKind, Milestone, PartialDate
from bot.telegram.callbacks import EditTarget, FormStep, ForWhom, WhomCode
from bot.telegram.context import BotContext
from bot.text import places
from bot.text.dates import partial_date
from bot.text.markup import escape
from bot.text.reader import Reader
from bot.text.search import terms
from bot.text.typed_dates import TypedMoment
from bot.views import forms as view
from bot.views.common import KIND_ICONS, KIND_LABELS
from bot.views.typed_moments import confirmation

Draft = dict[str, Any]


def _plain(draft: Draft) -> dict[str, Any]:
    plain = draft.get("plain") or {}
    assert isinstance(plain, dict)
    return plain


def _text(value: Any, lang: str) -> str:
    """A draft's localized text (a mapping of language to text, or a plain text)."""
    if isinstance(value, dict):
        return str(value.get(lang) or next(iter(value.values()), ""))
    return str(value or "")


def title_of(draft: Draft, lang: str) -> str:
    return _text(_plain(draft).get("title"), lang)


async def whom_choices(
    context: BotContext, user_id: int, lang: str
) -> tuple[list[view.Choice], list[view.Choice]]:
    """The partnerships the author may choose (by name), and for a coordinator the phases
    and the whole network."""
    roles = await context.roles(user_id)
    network = context.storage.network
    ids = await network.partnership_ids() if roles.coordinator else sorted(roles.partnerships)
    cards = await network.partnerships(ids)
    mine = [
        view.Choice(c.pair_name(lang), ForWhom(WhomCode.PARTNERSHIP, c.partnership.id))
        for c in cards
    ]
    mine.sort(key=lambda c: c.label)
    others: list[view.Choice] = []
    if roles.coordinator:
        others = [
            view.Choice(p.name.get(lang), ForWhom(WhomCode.PHASE, p.id))
            for p in await network.phases()
        ]
        tr = context.i18n.translator(lang)
        others.append(
            view.Choice("🌍 " + tr.gettext("Whole network"), ForWhom(WhomCode.NETWORK, ""))
        )
    return mine, others


async def may_choose(context: BotContext, user_id: int, whom: ForWhom) -> bool:
    roles = await context.roles(user_id)
    if whom.whom is WhomCode.PARTNERSHIP:
        found = await context.storage.network.partnerships([whom.target_id])
        return bool(found) and roles.may_edit(whom.target_id)
    if whom.whom is WhomCode.PHASE:
        phases = {p.id for p in await context.storage.network.phases()}
        return roles.coordinator and whom.target_id in phases
    return roles.coordinator and whom.target_id == ""


async def _towns(context: BotContext, draft: Draft) -> list[tuple[str, str, Any]]:
    """The partnership's two towns: (zone, its id, its name)."""
    pid = _plain(draft).get("partnership_id")
    if not pid:
        return []
    found = await context.storage.network.partnerships([str(pid)])
    if not found:
        return []
    card = found[0]
    return [(t.timezone, t.id, t.name) for t in (card.south, card.north)]


async def town_zones(context: BotContext, draft: Draft, reader: Reader) -> list[tuple[str, str]]:
    """The clocks offered: the partnership's towns (else the author's own)."""
    lang = reader.tr.lang
    towns = [(name.get(lang), zone) for zone, _id, name in await _towns(context, draft)]
    return towns or [(places.city(reader.zone, lang), reader.zone.key)]


async def zone_of(context: BotContext, draft: Draft, reader: Reader) -> ZoneInfo:
    """The zone of the times: the one chosen, else the author's if it is one of the
    partnership's towns', else the southern town's, else the author's."""
    chosen = _plain(draft).get("timezone")
    if chosen:
        return ZoneInfo(str(chosen))
    zones = [zone for zone, _id, _name in await _towns(context, draft)]
    if zones and reader.zone.key not in zones:
        return ZoneInfo(zones[0])
    return reader.zone


async def zone_from_place(context: BotContext, draft: Draft, place: str) -> None:
    """A place naming one of the partnership's towns gives the times that town's clock, so
    the author is not asked; otherwise the clock is asked (or kept, when changing)."""
    plain = _plain(draft)
    if "start_time" not in plain:
        return
    words = set(terms(place))
    for zone, _id, name in await _towns(context, draft):
        if any(set(terms(value)) & words for _lang, value in name.variants):
            plain["timezone"] = zone
            return
    if not draft.get("back"):
        plain.pop("timezone", None)


async def last_milestone(context: BotContext, draft: Draft, lang: str) -> str | None:
    mine = await _phase_milestones(context, draft)
    return mine[-1].title.get(lang) if mine else None


async def after_last(context: BotContext, draft: Draft) -> int:
    mine = await _phase_milestones(context, draft)
    return mine[-1].position + 1 if mine else 1


async def _phase_milestones(context: BotContext, draft: Draft) -> list[Milestone]:
    phase = _plain(draft).get("phase_id")
    every = await context.storage.network.milestones()
    return [m for m in every if m.phase_id == phase and m.id != draft.get("id")]


async def stored(context: BotContext, draft: Draft) -> Event | Milestone | None:
    record_id = str(draft.get("id"))
    if draft.get("what") == "event":
        return await context.storage.network.event(record_id)
    return next((m for m in await context.storage.network.milestones() if m.id == record_id), None)


async def of(context: BotContext, reader: Reader, draft: Draft) -> view.Summary:
    """The summary's lines, in the author's language."""
    if draft.get("what") == "event":
        return await _event(context, reader, draft)
    tr, plain = reader.tr, _plain(draft)
    phase = await context.storage.network.phase(str(plain.get("phase_id")))
    lines = [
        "🏁 " + escape(phase.name.get(tr.lang) if phase else "?"),
        f"<b>{escape(title_of(draft, tr.lang))}</b>",
    ]
    if due := plain.get("due"):
        lines.append("📅 " + escape(partial_date(tr, PartialDate.parse(str(due)))))
    position = plain.get("position")
    if position is None:
        position = await after_last(context, draft)
        plain["position"] = position
    lines.append("🔢 " + escape(tr.gettext("No. {number} in the phase").format(number=position)))
    record_id = draft.get("id")
    title = plain.get("title")
    have = set(title) if isinstance(title, dict) else set()
    return view.Summary(
        EditTarget.MILESTONE,
        str(record_id) if record_id else None,
        lines,
        (FormStep.PHASE, FormStep.TITLE, FormStep.DUE, FormStep.POSITION),
        untranslated=len(have) < len(LANGUAGES),
    )


async def _event(context: BotContext, reader: Reader, draft: Draft) -> view.Summary:
    tr, plain, lang = reader.tr, _plain(draft), reader.tr.lang
    kind = EventKind(plain.get("kind", EventKind.WORKSHOP.value))
    towns = await _towns(context, draft)
    if towns:
        south, north = towns[0][2], towns[1][2]  # _towns gives the south first
        who = f"{north.get(lang)} – {south.get(lang)}"
    elif phase_id := plain.get("phase_id"):
        phase = await context.storage.network.phase(str(phase_id))
        who = phase.name.get(lang) if phase else "?"
    else:
        who = tr.gettext("Whole network")
    lines = [
        f"{KIND_ICONS[kind]} <b>{escape(tr.gettext(KIND_LABELS[kind]))}</b> · {escape(who)}",
        f"<b>{escape(title_of(draft, lang))}</b>",
    ]
    zone = await zone_of(context, draft, reader)
    others = [ZoneInfo(z) for z, _id, _name in towns] + [reader.zone]
    if starts := plain.get("starts"):
        lines.append("📅 " + _moment(tr, str(starts), plain.get("start_time"), zone, others))
    if plain.get("ends") or plain.get("end_time"):
        ends = str(plain.get("ends") or starts)
        lines.append("⏹ " + _moment(tr, ends, plain.get("end_time"), zone, []))
    if plain.get("online"):
        link = plain.get("join_url")
        lines.append(
            "💻 " + escape(tr.gettext("online")) + (f" · {escape(str(link))}" if link else "")
        )
    elif plain.get("place"):
        lines.append("📍 " + escape(_text(plain.get("place"), lang)))
    if plain.get("note"):
        lines.append("📝 " + escape(view.short(_text(plain.get("note"), lang))))
    steps = [FormStep.KIND]
    mine, others_ = await whom_choices(context, int(draft.get("user", 0) or 0), lang)
    roles_many = len(mine) + len(others_) != 1 or draft.get("user") is None
    if roles_many:
        steps.append(FormStep.FOR)
    steps += [FormStep.TITLE, FormStep.WHEN, FormStep.END, FormStep.PLACE]
    if plain.get("start_time"):
        steps.append(FormStep.ZONE)
    if plain.get("online"):
        steps.append(FormStep.LINK)
    steps.append(FormStep.NOTE)
    record_id = draft.get("id")
    title = plain.get("title")
    have = set(title) if isinstance(title, dict) else set()
    return view.Summary(
        EditTarget.EVENT,
        str(record_id) if record_id else None,
        lines,
        steps,
        untranslated=len(have) < len(LANGUAGES),
    )


def _moment(tr: Any, day_text: str, at: Any, zone: ZoneInfo, others: list[ZoneInfo]) -> str:
    day = PartialDate.parse(day_text)
    full: date | None = day.as_date()
    if full is None:
        return escape(partial_date(tr, day))
    clock = time.fromisoformat(str(at)) if at else None
    return confirmation(tr, TypedMoment(full, clock), zone, others)
