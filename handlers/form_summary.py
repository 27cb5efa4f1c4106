"""What the guided edit reads from the network: whom an author may choose, the towns'
clocks, the phase's last milestone, and the summary's lines (handlers/edit_form.py)."""

from __future__ import annotations

from datetime import date, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.domain import LANGUAGES, Event, EventKind, Milestone, PartialDate
from bot.telegram.context import BotContext
from bot.telegram.edit_callbacks import EditTarget, FormStep, ForWhom, WhomCode
from bot.text import places
from bot.text.reader import Reader
from bot.text.search import terms
from bot.text.typed_dates import TypedMoment
from bot.views import forms as view

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


TRAVEL_KINDS = frozenset({EventKind.DELEGATION_VISIT, EventKind.EXPERT_SECONDMENT})
AWAY_KINDS = frozenset({EventKind.WORKSHOP, EventKind.NETWORK_MEETING, EventKind.KICKOFF})


def asks_travelling(plain: dict[str, Any]) -> bool:
    """Whether the form asks who travels: a partnership's visit or secondment, or its
    workshop, network meeting or kick-off in person (their checklists' templates)."""
    if not plain.get("partnership_id"):
        return False
    kind = plain.get("kind")
    if kind in TRAVEL_KINDS:
        return True
    return kind in AWAY_KINDS and not plain.get("online")


async def town_names(context: BotContext, draft: Draft, lang: str) -> tuple[str, str]:
    """The partnership's north and south towns, by name in `lang`."""
    towns = await _towns(context, draft)
    if not towns:
        return "", ""
    return towns[1][2].get(lang), towns[0][2].get(lang)  # _towns gives the south first


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
        plain.pop("timezone", None)  # whose clock is asked next


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
    """The summary of the draft, in the author's language."""
    tr, plain = reader.tr, _plain(draft)
    record_id = str(draft["id"]) if draft.get("id") else None
    title = plain.get("title")
    untranslated = not isinstance(title, dict) or len(set(title)) < len(LANGUAGES)
    if draft.get("what") != "event":
        phase = await context.storage.network.phase(str(plain.get("phase_id")))
        due = plain.get("due")
        position = plain.get("position")
        milestone = view.MilestoneShown(
            phase=phase.name.get(tr.lang) if phase else "",
            title=title_of(draft, tr.lang),
            due=PartialDate.parse(str(due)) if due else None,
            position=int(position) if position else await after_last(context, draft),
        )
        steps = (FormStep.PHASE, FormStep.TITLE, FormStep.DUE, FormStep.POSITION)
        lines = view.milestone_lines(tr, milestone)
        return view.Summary(EditTarget.MILESTONE, record_id, lines, steps, untranslated)
    event = await _event(context, reader, draft)
    steps_ = [FormStep.KIND]
    mine, others = await whom_choices(context, int(draft.get("user") or 0), tr.lang)
    if len(mine) + len(others) != 1:
        steps_.append(FormStep.FOR)
    steps_ += [FormStep.TITLE, FormStep.WHEN, FormStep.END, FormStep.PLACE]
    if isinstance(event.start, TypedMoment) and event.start.at is not None:
        steps_.append(FormStep.ZONE)
    if event.online:
        steps_.append(FormStep.LINK)
    if asks_travelling(plain):
        steps_.append(FormStep.TRAVELLING)
    steps_.append(FormStep.NOTE)
    lines = view.event_lines(tr, event)
    return view.Summary(EditTarget.EVENT, record_id, lines, steps_, untranslated)


async def _event(context: BotContext, reader: Reader, draft: Draft) -> view.EventShown:
    """The draft's event as the summary shows it: whom it is for by name, its moments."""
    tr, plain, lang = reader.tr, _plain(draft), reader.tr.lang
    towns = await _towns(context, draft)
    if towns:
        south, north = towns[0][2], towns[1][2]  # _towns gives the south first
        who = f"{north.get(lang)} – {south.get(lang)}"
    elif phase_id := plain.get("phase_id"):
        phase = await context.storage.network.phase(str(phase_id))
        who = phase.name.get(lang) if phase else ""
    else:
        who = tr.gettext("Whole network")
    starts = plain.get("starts")
    ends = plain.get("ends") or (starts if plain.get("end_time") else None)
    travelling: str | None = None
    if asks_travelling(plain):
        north, south = await town_names(context, draft, lang)
        side = plain.get("travelling")
        travelling = north if side == "north" else south if side == "south" else ""
    return view.EventShown(
        kind=EventKind(plain.get("kind", EventKind.WORKSHOP.value)),
        who=who,
        title=title_of(draft, lang),
        start=_moment(starts, plain.get("start_time")),
        end=_moment(ends, plain.get("end_time")),
        zone=await zone_of(context, draft, reader),
        others=(*(ZoneInfo(z) for z, _id, _name in towns), reader.zone),
        online=bool(plain.get("online")),
        link=str(plain["join_url"]) if plain.get("join_url") else None,
        place=_text(plain.get("place"), lang) or None,
        note=_text(plain.get("note"), lang) or None,
        travelling=travelling,
    )


def _moment(day_text: Any, at: Any) -> TypedMoment | PartialDate | None:
    """A day and time of the draft: a TypedMoment when the day is whole, else the
    partial date an import gave ('2027-03')."""
    if not day_text:
        return None
    day = PartialDate.parse(str(day_text))
    full: date | None = day.as_date()
    if full is None:
        return day
    return TypedMoment(full, time.fromisoformat(str(at)) if at else None)
