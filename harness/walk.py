"""Every command, in a private chat and in a group, in every language, and every button of
each reply pressed once: what the bot said, for checks over all of it (one screen, no
English in another language, every time as a `tg-time` entity, ...).

The commands come from bot/telegram/commands.py, so a new one is walked as soon as it is
listed there, by its English name and its name in the walk's language (bare; add its
typical arguments to ARGUMENTS). Posts are walked too: one of
each kind the scheduler plans for a group, composed in each language.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from html import escape
from typing import Any

from bot.model.actions import ActionItem, Member, Owner
from bot.model.chats import RsvpAnswer, TargetKind
from bot.model.domain import (
    LANGUAGES,
    ChangeStatus,
    ChecklistItem,
    ChecklistSide,
    Event,
    EventKind,
    LeadTime,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.model.posts import (
    ActionReminder,
    ChecklistReminder,
    ChecklistStage,
    Invitation,
    MeetingCorrection,
    OverdueDigest,
    Payload,
    PersonalReminder,
    PostKind,
)
from bot.model.reminders import ReminderSetting
from bot.model.roles import Side
from bot.schedule.checklist_posts import checklist_keyboard
from bot.schedule.compose import ObsoletePostError, compose
from bot.schedule.plan import Network, partnership_ids
from bot.schedule.replan import load_network, replan
from bot.telegram.callbacks import PickLanguage
from bot.telegram.commands import COMMANDS
from bot.telegram.context import BotApplication
from bot.text.i18n import Translator
from bot.text.keywords import (
    FEED_ACTIONS,
    OFF,
    PERSONAL_KINDS,
    REMINDER_KINDS,
    TENSES,
    UNITS,
    FeedAction,
    Off,
    PersonalSetting,
    Tense,
    TimeUnit,
)
from bot.text.reader import Reader
from bot.views.rsvp import recorded, rsvp_keyboard, with_names
from harness.fake_telegram import JSON, OfflineTelegram, as_update

ARGUMENTS: Mapping[str, Sequence[str]] = {
    "milestones": ("4", "pilot", "zzz"),
    "exchanges": ("past", "{past}", "workshop", "bonn", "zzz"),
    "partner": ("kedougou", "bolivia", "mtwara energy", "zzz"),
    "timezone": ("Mtwara", "zzz", "America/La_Paz"),
    "subscribe": ("tandem", "example phase", "zzz", "bonn"),
    "reminders": (
        "14 3 1",
        "meetings 1d 1h",
        "{meetings} 1{d} 1{h}",
        "{events} 7",
        "zzz",
        "{mine} 2{h}",
        "{actions} 3 1",
        "{mine} {off}",
        "{mine} zzz",
    ),
    "start": ("r-1",),
    "language": ("zzz", "{lang}"),
    "contacts": ("bonn", "la paz", "fase 8", "bonn la paz", "zzz"),
    "agenda": ("Budget for the 2027 youth exchange", "x" * 201),
    "minutes": ("https://example.org/minutes", "bonn https://example.org/minutes", "ftp://x"),
    "actions": ("la paz", "zzz"),
    "checklist": ("la paz", "zzz"),
    "action": ("Presupuesto 2027",),
    "calendar": ("bonn", "{reset}", "{reset} bonn", "zzz"),
}
"""Typical arguments per command, besides none at all. In braces, the walk language's
word as the bot shows it (`keywords`): '{lang}' its code, '{past}' ("vergangene"),
'{meetings}' ("reuniones"), '{events}', '{d}' and '{h}' (units), '{reset}'. A command not named
here is walked bare."""
ADMIN = 1
GROUP_ID = -1001
WALK_ANSWERERS = (
    (2, "Ana", RsvpAnswer.YES),
    (3, "Bruno López", RsvpAnswer.YES),
    (4, "Carla", RsvpAnswer.YES),
    (5, "Dieter Müller-Lüdenscheidt", RsvpAnswer.YES),
    (6, "Eva", RsvpAnswer.YES),
    (7, "Fatou Diop", RsvpAnswer.YES),
    (8, "Gonzalo", RsvpAnswer.NO),
    (9, "Hanna", RsvpAnswer.MAYBE),
)
"""Answerers of the walk's invitation when 👥 shows them: more than a line holds."""


class ChatKind(enum.Enum):
    PRIVATE = "private"
    GROUP = "group"


@dataclass(frozen=True)
class Seen:
    """One thing the bot said: a message sent or edited, a pop-up, a file's caption."""

    command: str
    """What was typed, then ' → ' and the label of the button pressed, if one was."""
    lang: str
    """The language it should be in."""
    chat: ChatKind
    method: str
    html: str
    """As sent: HTML for messages, plain text for pop-ups and captions."""
    markup: JSON | None


def _user(lang: str) -> JSON:
    return {"id": ADMIN, "is_bot": False, "first_name": "Ana", "language_code": lang}


def _chat(kind: ChatKind, user: JSON) -> JSON:
    if kind is ChatKind.PRIVATE:
        return {"id": user["id"], "type": "private", "first_name": user["first_name"]}
    return {"id": GROUP_ID, "type": "supergroup", "title": "Bonn – La Paz"}


def typed_commands(tr: Translator) -> list[str]:
    """Each command by its English name and by its name in the reader's language, bare,
    then with each of its typical arguments (said in that language where they are words)."""
    words = {
        "lang": tr.lang,
        "past": TENSES.word(tr, Tense.PAST),
        "meetings": REMINDER_KINDS.word(tr, ReminderSetting.MEETINGS),
        "events": REMINDER_KINDS.word(tr, ReminderSetting.EVENTS),
        "d": UNITS.word(tr, TimeUnit.DAY),
        "h": UNITS.word(tr, TimeUnit.HOUR),
        "mine": PERSONAL_KINDS.word(tr, PersonalSetting.MINE),
        "actions": PERSONAL_KINDS.word(tr, PersonalSetting.ACTIONS),
        "off": OFF.word(tr, Off.OFF),
        "reset": FEED_ACTIONS.word(tr, FeedAction.RESET),
    }
    found: list[str] = []
    for spec in COMMANDS:
        arguments = dict.fromkeys(a.format(**words) for a in ARGUMENTS.get(spec.name, ()))
        for name in dict.fromkeys((spec.name, spec.name_in(tr.lang))):
            found.append(f"/{name}")
            found += [f"/{name} {a}" for a in arguments]
    return found


async def walk(
    app: BotApplication,
    api: OfflineTelegram,
    languages: Sequence[str] = LANGUAGES,
    kinds: Sequence[ChatKind] = tuple(ChatKind),
) -> AsyncIterator[Seen]:
    """Every command and the buttons one level deep, per language and kind of chat."""
    assert app.bot_data.i18n is not None
    translator = app.bot_data.i18n.translator
    for lang in languages:
        for kind in kinds:
            user = _user(lang)
            chat = _chat(kind, user)
            api.add_chat(chat, {ADMIN: "creator"} if kind is ChatKind.GROUP else {})
            await _say(app, api, user, chat, f"/language {lang}")
            if kind is ChatKind.GROUP:  # a group that follows something, as most do
                await _say(app, api, user, chat, "/subscribe bonn")
            for typed in typed_commands(translator(lang)):
                replies = await _say(app, api, user, chat, typed)
                for call in replies:
                    yield _seen(typed, lang, kind, call)
                for call in replies:
                    for label, data in _buttons(call):
                        pressed = await _press(app, api, user, call.result, data)
                        # A language button answers in the language it picks.
                        picked = PickLanguage.unpack(data)
                        said = picked.language if picked is not None else lang
                        for answer in pressed:
                            yield _seen(f"{typed} → {label}", said, kind, answer)
                        if picked is not None:
                            await _say(app, api, user, chat, f"/language {lang}")


async def _say(
    app: BotApplication, api: OfflineTelegram, user: JSON, chat: JSON, text: str
) -> list[Any]:
    return await _answered(app, api, api.user_message(user, chat, text))


async def _press(
    app: BotApplication, api: OfflineTelegram, user: JSON, message: JSON, data: str
) -> list[Any]:
    return await _answered(app, api, api.button_press(user, message, data))


async def _answered(app: BotApplication, api: OfflineTelegram, update: JSON) -> list[Any]:
    """What the bot said in answer to one update."""
    before = len(api.calls)
    await app.process_update(as_update(update, app.bot))
    return _said(api, before)


SAYING = ("sendMessage", "editMessageText", "answerCallbackQuery", "sendDocument")


def _said(api: OfflineTelegram, since: int) -> list[Any]:
    return [
        c
        for c in api.calls[since:]
        if c.method in SAYING
        and c.error is None
        and (c.method != "answerCallbackQuery" or c.params.get("text"))
    ]


def _seen(typed: str, lang: str, kind: ChatKind, call: Any) -> Seen:
    params = call.params
    html = params.get("text") or params.get("caption") or ""
    if params.get("parse_mode") != "HTML" and call.method in ("sendMessage", "editMessageText"):
        html = escape(html, quote=False)
    markup = params.get("reply_markup")
    return Seen(typed, lang, kind, call.method, html, markup if isinstance(markup, dict) else None)


def _buttons(call: Any) -> list[tuple[str, str]]:
    """The callback buttons under a message the bot sent or edited."""
    if call.method not in ("sendMessage", "editMessageText") or not isinstance(call.result, dict):
        return []
    markup = call.params.get("reply_markup")
    if not isinstance(markup, dict):
        return []
    return [
        (button["text"], button["callback_data"])
        for row in markup.get("inline_keyboard", [])
        for button in row
        if "callback_data" in button
    ]


def _action_items(net: Network, now: datetime) -> tuple[Network, list[Payload]]:
    """Two open action items of Bonn – La Paz made up (one overdue, one due in three days,
    typed in Spanish): the invitation's "open from last time", an owner's reminder and the
    weekly digest have something to show."""
    today = now.date()
    typed: list[tuple[str, Owner, int]] = [
        ("Presupuesto 2027 para el taller", Member(ADMIN, "Ana"), 3),
        ("Fotos de la visita", Side.SOUTH, -2),
    ]
    made = [
        ActionItem(
            id=n + 1,
            partnership_id="bonn-la-paz",
            meeting=None,
            text=LocalizedText.of(text, "es"),
            owner=owner,
            due=today + timedelta(days=days),
            created_by=ADMIN,
            created_at=now - timedelta(days=1),
        )
        for n, (text, owner, days) in enumerate(typed)
    ]
    net = dataclasses.replace(net, actions=tuple(made))
    due = made[0].due.isoformat()
    return net, [ActionReminder(1, due, 3), OverdueDigest("bonn-la-paz", "2026-W48")]


def _checklist(net: Network, now: datetime) -> tuple[Network, list[Payload]]:
    """A visit from La Paz to Bonn in 40 days with two open items of the travelling side
    (one due today, one overdue): their reminders, and the digest's checklist lines."""
    visit = Event(
        id="walk-visit",
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of(
            "Delegation from La Paz visits Bonn",
            "en",
            de="Delegation aus La Paz besucht Bonn",
            es="Delegación de La Paz visita Bonn",
            fr="Une délégation de La Paz visite Bonn",
            pt="Delegação de La Paz visita Bonn",
        ),
        starts=PartialDate.of(now.date() + timedelta(days=40)),
        start_time=time(10, 0),
        timezone="Europe/Berlin",
        partnership_id="bonn-la-paz",
        travelling=Side.SOUTH,
    )
    titles = [
        {
            "en": "Book the visa appointment",
            "de": "Visumstermin buchen",
            "es": "Reservar la cita para la visa",
            "fr": "Prendre rendez-vous pour le visa",
            "pt": "Marcar o atendimento para o visto",
        },
        {
            "en": "Travel health insurance (Schengen: at least €30,000)",
            "de": "Reisekrankenversicherung (Schengen: mindestens 30.000 €)",
            "es": "Seguro médico de viaje (Schengen: al menos 30.000 €)",
            "fr": "Assurance maladie voyage (Schengen : au moins 30 000 €)",
            "pt": "Seguro-saúde de viagem (Schengen: no mínimo 30.000 €)",
        },
    ]
    items = [
        ChecklistItem(
            f"walk-visit-c{n}",
            visit.id,
            n,
            LocalizedText(tuple(title.items())),
            ChecklistSide.TRAVELLING,
            LeadTime(lead),
        )
        for n, (title, lead) in enumerate(zip(titles, (40, 45), strict=True), 1)
    ]
    net = dataclasses.replace(net, events=(*net.events, visit), checklist_items=tuple(items))
    starts = visit.starts.iso()
    return net, [
        ChecklistReminder(items[0].id, ChecklistStage.DUE, starts),
        ChecklistReminder(items[1].id, ChecklistStage.OVERDUE, starts),
    ]


# -- posts -------------------------------------------------------------------------------------


async def walk_posts(
    app: BotApplication,
    languages: Sequence[str] = LANGUAGES,
    together: Sequence[tuple[str, ...]] = (),
    edit: Callable[[Network], Network] = lambda net: net,
) -> AsyncIterator[Seen]:
    """One post of each kind the scheduler plans for a group following Bonn – La Paz and the
    example phase (and a moved and a cancelled meeting), composed in each language, sent
    on time and sent late; and for a group reading several languages at once (`together`,
    e.g. ("de", "es")), the one post that holds them all."""
    storage, data = app.bot_data.storage, app.bot_data
    assert storage is not None and data.settings is not None and data.i18n is not None
    now = data.clock.now()
    followed = ((TargetKind.PARTNERSHIP, "bonn-la-paz"), (TargetKind.PHASE, "example-phase"))
    for kind, target in followed:
        await storage.subscriptions.add(GROUP_ID, "supergroup", "walk", kind, target, ADMIN, now)
    home = data.settings.timezone
    await replan(storage, now, data.settings.timezone)
    net = edit(await load_network(storage))  # `edit`: data no import would give
    ids = list(partnership_ids(net))
    views = {v.partnership.id: v for v in await storage.network.partnerships(ids)}
    first: dict[PostKind, Any] = {}
    for row in await storage.outbox.pending_until(now + timedelta(days=90)):
        if row.chat_id == GROUP_ID:
            first.setdefault(row.payload.kind, row.payload)
    payloads = list(first.values())
    invitation = next((p for p in payloads if isinstance(p, Invitation)), None)
    if invitation is not None:  # a correction needs a change in the data: made up here
        series = next(s for s in net.series if s.id == invitation.series_id)
        occurrence = datetime.fromisoformat(invitation.occurrence)
        moved = occurrence + timedelta(days=2, hours=1)
        changes = (MeetingChange("walk-moved", series.id, occurrence, ChangeStatus.MOVED, moved),)
        net = dataclasses.replace(net, changes=changes)
        payloads.append(
            MeetingCorrection(
                "walk-moved",
                series.id,
                occurrence.isoformat(timespec="minutes"),
                ChangeStatus.MOVED,
                moved.isoformat(timespec="minutes"),
            )
        )
        # A ✅ answerer's own reminder, in their private chat (composed as a group's here).
        local = occurrence.isoformat(timespec="minutes")
        moved_to = moved.isoformat(timespec="minutes")
        payloads.append(PersonalReminder(series.id, local, moved_to, 60))
    net, more = _action_items(net, now)
    payloads += more
    net, more = _checklist(net, now)
    payloads += more
    for chosen in [(lang,) for lang in languages] + list(together):
        reader = Reader.of(chosen, home, data.i18n)
        for payload in payloads:
            for late in (False, True):
                due = now - timedelta(days=1) if late else now
                try:
                    text = compose(payload, due, net, views, reader, data.i18n, now, home)
                except ObsoletePostError:
                    continue
                name = f"post {payload.kind.value}" + (" (late)" if late else "")
                said = "+".join(chosen)
                markup = None
                if isinstance(payload, Invitation):  # its RSVP and calendar buttons
                    markup = rsvp_keyboard(0, payload, {}, reader.tr).to_dict()
                if isinstance(payload, ChecklistReminder):  # ☑️ opening the checklist
                    visit = [e for e in net.events if e.id == "walk-visit"]
                    ticked = checklist_keyboard(reader.tr, visit, {"walk-visit": (3, 10)})
                    markup = ticked.to_dict() if ticked else None
                yield Seen(name, said, ChatKind.GROUP, "sendMessage", text, markup)
            if isinstance(payload, Invitation):  # 👥: who answered what, under its text
                text = compose(
                    payload, now, net, views, reader, data.i18n, now, home, asking=False, below=3
                )
                shown = with_names(text, WALK_ANSWERERS, reader.tr)
                markup = rsvp_keyboard(0, payload, {}, reader.tr, names_shown=True).to_dict()
                said = "+".join(chosen)
                yield Seen(
                    "post invite → 👥", said, ChatKind.GROUP, "editMessageText", shown, markup
                )
            if isinstance(payload, Invitation):  # the pop-up after each answer
                for answer in RsvpAnswer:
                    popup = recorded(reader.tr, answer)
                    yield Seen(
                        f"post invite → {answer.value}",
                        said,
                        ChatKind.GROUP,
                        "answerCallbackQuery",
                        popup,
                        None,
                    )
