"""Lead-time reminders of checklist items, through the real Application and the offline Bot
API: a South → North visit of Bonn – La Paz imported ahead of the clock; its open items
reminded on their due days at 09:00 where the reader is (the groups following the
partnership, and privately the focal points of the side whose task it is), once more as
overdue, and in the weekly digest; a moved visit moves them without repeating what was
sent, a tick or a removed visit ends them. Time is moved on the MovableClock."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.model.audit import RecordKind
from bot.model.checklist_reminders import FocalChat, reminder_days
from bot.model.clock import MovableClock
from bot.model.domain import (
    ChecklistItem,
    ChecklistSide,
    Dataset,
    Event,
    EventKind,
    LeadTime,
    LocalizedText,
    PartialDate,
)
from bot.model.posts import ChecklistReminder, ChecklistStage, payload_from_json, payload_to_json
from bot.model.roles import Side
from bot.schedule.jobs import scheduler_of
from bot.schedule.plan import plan_checklist_reminders, subject_last_day
from bot.schedule.replan import KEEP_DAYS, load_network, prune
from bot.telegram.edit_callbacks import ChecklistOpen
from harness.bot_process import CLOCK_START
from tests.conftest import COORDINATOR, Driver, plan_and_send, sent_to
from tests.test_appoint import admin, deliver
from tests.test_people import person

PID = "bonn-la-paz"
VISIT = "la-paz-to-bonn-2027"
GROUP = -800  # follows Bonn – La Paz, reads Spanish, in La Paz
BONN_GROUP = -801  # follows Bonn – La Paz, reads German, in Bonn
SOUTH_FOCAL, NORTH_FOCAL = 8, 7
LA_PAZ, BERLIN = ZoneInfo("America/La_Paz"), ZoneInfo("Europe/Berlin")
STARTS = CLOCK_START.date() + timedelta(days=70)  # Monday 1 February 2027
VISA_DUE = STARTS - timedelta(weeks=8)  # Monday 7 December 2026
VISA = "Reservar la cita para la visa"
PASSPORTS = "Revisar pasaportes"  # also travelling, also 8 weeks


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def visit(starts: date) -> Event:
    return Event(
        id=VISIT,
        kind=EventKind.DELEGATION_VISIT,
        title=LocalizedText.of("Delegation from La Paz visits Bonn", "en"),
        starts=PartialDate.of(starts),
        timezone="Europe/Berlin",
        partnership_id=PID,
        travelling=Side.SOUTH,
    )


async def follow(bot: Driver, chat_id: int, language: str, zone: str) -> None:
    bot.api.add_chat({"id": chat_id, "type": "supergroup", "title": "Bonn – La Paz"})
    store, now = storage(bot), bot.app.bot_data.clock.now()
    await store.subscriptions.add(
        chat_id, "supergroup", "Bonn – La Paz", "partnership", PID, 1, now
    )
    await store.preferences.set_chat_languages(chat_id, "supergroup", None, (language,))
    await store.preferences.set_chat_timezone(chat_id, "supergroup", None, zone)


async def started(bot: Driver, user_id: int, language: str, zone: str, side: Side) -> None:
    """A focal point of Bonn – La Paz who opened the private chat with the bot."""
    store, now = storage(bot), bot.app.bot_data.clock.now()
    await bot.send("/start", bot.user(user_id, language))
    await store.preferences.set_user_language(user_id, language)
    await store.preferences.set_user_timezone(user_id, zone)
    await store.roles.appoint_focal_point(PID, user_id, side, COORDINATOR, now)


async def the_visit(bot: Driver, starts: date = STARTS) -> dict[str, ChecklistItem]:
    """The visit imported; its items by their English title."""
    await storage(bot).import_dataset(Dataset(events=(visit(starts),)))
    items = await storage(bot).checklists.items(VISIT)
    return {item.title.get("en"): item for item, _tick in items}


async def scene(bot: Driver) -> dict[str, ChecklistItem]:
    items = await the_visit(bot)
    await follow(bot, GROUP, "es", "America/La_Paz")
    await started(bot, SOUTH_FOCAL, "es", "America/La_Paz", Side.SOUTH)
    await started(bot, NORTH_FOCAL, "de", "Europe/Berlin", Side.NORTH)
    return items


def about(bot: Driver, chat_id: int, text: str) -> list[dict[str, Any]]:
    return [m for m in sent_to(bot, chat_id) if text in m["text"]]


def buttons(message: dict[str, Any]) -> dict[str, str]:
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", [])
    return {k["text"]: k["callback_data"] for row in rows for k in row if "callback_data" in k}


async def rows(bot: Driver, key: str) -> list[tuple[int, datetime, str, str | None]]:
    """(chat, due, status, reason) of the outbox's rows with this key."""
    async with storage(bot).db.conn.execute(
        "SELECT chat_id, due_at, status, error FROM deliveries WHERE key = ? ORDER BY chat_id",
        (key,),
    ) as cur:
        return [(r[0], datetime.fromisoformat(r[1]), r[2], r[3]) for r in await cur.fetchall()]


def at_nine(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=9), zone).astimezone(UTC)


# -- the payload -------------------------------------------------------------------------------


def test_the_key_names_the_item_and_stage_not_the_date() -> None:
    due = ChecklistReminder("visit-c3", ChecklistStage.DUE, "2027-02-01")
    moved = ChecklistReminder("visit-c3", ChecklistStage.DUE, "2027-02-08")
    assert due.key == moved.key == "check:visit-c3:due"
    assert ChecklistReminder("visit-c3", ChecklistStage.OVERDUE, "2027-02-01").key.endswith(
        ":overdue"
    )
    assert payload_from_json(due.kind, due.key, payload_to_json(due)) == due
    assert subject_last_day(moved) is None  # pruned by the stored exchange's day


def test_the_overdue_reminder_comes_only_before_the_exchange() -> None:
    day = date(2027, 2, 1)
    text = LocalizedText.of("x", "en")
    short = ChecklistItem("c", VISIT, 1, text, ChecklistSide.TRAVELLING, LeadTime(3))
    long = ChecklistItem("d", VISIT, 2, text, ChecklistSide.BOTH, LeadTime(56))
    assert reminder_days(short, visit(day)) == {ChecklistStage.DUE: date(2027, 1, 29)}
    assert reminder_days(long, visit(day)) == {
        ChecklistStage.DUE: date(2026, 12, 7),
        ChecklistStage.OVERDUE: date(2026, 12, 10),
    }
    unknown_day = replace(visit(day), starts=PartialDate(2027, 2, None))
    assert reminder_days(long, unknown_day) == {}
    south = FocalChat(8, None, frozenset({(PID, Side.SOUTH)}))
    north = FocalChat(7, None, frozenset({(PID, Side.NORTH)}))
    assert south.owns(short, visit(day)) and not north.owns(short, visit(day))
    assert south.owns(long, visit(day)) and north.owns(long, visit(day))  # both sides' task
    assert not FocalChat(8, None, frozenset({("other", Side.SOUTH)})).owns(long, visit(day))


# -- on its day, once, in the readers' languages and zones -------------------------------------


async def test_the_visa_item_reaches_the_group_and_the_la_paz_focal_point_once(
    bot: Driver, clock: MovableClock
) -> None:
    items = await scene(bot)
    visa = items["Book the visa appointment"]
    # A southern focal point who never opened the private chat is not written to.
    await storage(bot).roles.appoint_focal_point(PID, 99, Side.SOUTH, COORDINATOR, clock.now())
    await plan_and_send(bot)
    nine = at_nine(VISA_DUE, LA_PAZ)  # 13:00 UTC
    key = f"check:{visa.id}:due"
    assert [(chat, due) for chat, due, _s, _r in await rows(bot, key)] == [
        (GROUP, nine),
        (SOUTH_FOCAL, nine),
    ]  # nothing for the northern focal point: the travelling side's task
    clock.set(nine - timedelta(minutes=1))
    await plan_and_send(bot)
    assert about(bot, GROUP, VISA) == [] and about(bot, SOUTH_FOCAL, VISA) == []
    clock.set(nine)
    await plan_and_send(bot)
    [posted] = about(bot, GROUP, VISA)
    [private] = about(bot, SOUTH_FOCAL, VISA)
    for message in (posted, private):
        text = message["text"]
        assert text.startswith("☑️ Vence hoy: Reservar la cita para la visa")
        assert "Equipo de La Paz" in text and "Delegation from La Paz visits Bonn" in text
        assert "1 de febrero de 2027" in text and "dentro de 8 semanas" in text
        # The item's note, in one line of a phone's screen.
        [note] = [line for line in text.split("\n") if line.startswith("📝 ")]
        assert note.startswith("📝 Las embajadas Schengen") and len(note) <= 38
        assert list(buttons(message)) == ["☑️ Lista de verificación 0/10"]
        assert buttons(message)["☑️ Lista de verificación 0/10"] == ChecklistOpen(VISIT).pack()
    assert about(bot, NORTH_FOCAL, "Visumstermin") == []
    # The host's first item (10 weeks) reached the northern focal point, in German.
    assert about(bot, NORTH_FOCAL, "Offizielles Einladungsschreiben schicken")
    assert about(bot, SOUTH_FOCAL, "Enviar la carta de invitación oficial") == []
    # A restart: planned and sent again, nothing new.
    before = len(bot.api.calls)
    assert await plan_and_send(bot) == 0
    assert bot.replies(before) == []
    assert len(about(bot, GROUP, VISA)) == 1 and len(about(bot, SOUTH_FOCAL, VISA)) == 1


async def test_a_moved_visit_moves_the_due_days_and_repeats_nothing_sent(
    bot: Driver, clock: MovableClock
) -> None:
    items = await scene(bot)
    visa = items["Book the visa appointment"]
    clock.set(at_nine(VISA_DUE, LA_PAZ))
    await plan_and_send(bot)
    assert len(about(bot, GROUP, VISA)) == 1
    overdue = f"check:{visa.id}:overdue"
    old = {chat: due for chat, due, _s, _r in await rows(bot, overdue)}
    assert old[GROUP] == at_nine(VISA_DUE + timedelta(days=3), LA_PAZ)
    later = items["Agree the programme of the visit"]  # 6 weeks: still ahead
    old_later = {chat: due for chat, due, _s, _r in await rows(bot, f"check:{later.id}:due")}

    await storage(bot).network.save(Dataset(events=(visit(STARTS + timedelta(days=7)),)))
    await plan_and_send(bot)
    moved = {chat: due for chat, due, _s, _r in await rows(bot, overdue)}
    assert moved == {chat: due + timedelta(days=7) for chat, due in old.items()}
    moved_later = {chat: due for chat, due, _s, _r in await rows(bot, f"check:{later.id}:due")}
    assert moved_later == {chat: due + timedelta(days=7) for chat, due in old_later.items()}
    # The visa's new due day: what was sent is not sent again.
    clock.set(at_nine(VISA_DUE + timedelta(days=7), LA_PAZ))
    await plan_and_send(bot)
    assert len(about(bot, GROUP, VISA)) == 1 and len(about(bot, SOUTH_FOCAL, VISA)) == 1
    # Three days later, still open: overdue, once.
    clock.set(at_nine(VISA_DUE + timedelta(days=10), LA_PAZ))
    await plan_and_send(bot)
    [_due, late] = about(bot, GROUP, VISA)
    assert late["text"].startswith("☑️ Vencido desde el 14 de diciembre: " + VISA)
    assert len(about(bot, SOUTH_FOCAL, VISA)) == 2
    clock.set(clock.now() + timedelta(days=2))
    await plan_and_send(bot)
    assert len(about(bot, GROUP, VISA)) == 2


async def test_a_ticked_item_is_not_reminded(bot: Driver, clock: MovableClock) -> None:
    items = await scene(bot)
    passports = items["Check passports: valid 3 months beyond the return"]
    visa = items["Book the visa appointment"]
    store = storage(bot)
    nine = at_nine(VISA_DUE, LA_PAZ)
    clock.set(nine - timedelta(hours=1))
    await plan_and_send(bot)
    assert [s for _c, _d, s, _r in await rows(bot, f"check:{passports.id}:due")] == [
        "pending",
        "pending",
    ]
    assert await store.checklists.tick(passports.id, SOUTH_FOCAL, "User8", clock.now())
    # The dispatcher finds it ticked (no re-plan in between): skipped, with the reason.
    clock.set(nine)
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    assert about(bot, GROUP, PASSPORTS) == [] and about(bot, SOUTH_FOCAL, PASSPORTS) == []
    assert len(about(bot, GROUP, VISA)) == 1  # the other item of that day went
    found = await rows(bot, f"check:{passports.id}:due")
    assert {(s, r) for _c, _d, s, r in found} == {
        ("skipped", "the checklist item was ticked or removed")
    }
    # And the next plan has nothing more for it (its overdue reminder is not planned).
    await plan_and_send(bot)
    assert await rows(bot, f"check:{passports.id}:overdue") == []
    assert {s for _c, _d, s, _r in await rows(bot, f"check:{visa.id}:overdue")} == {"pending"}


async def test_a_removed_visit_takes_its_pending_reminders_with_it(
    bot: Driver, clock: MovableClock
) -> None:
    await scene(bot)
    await plan_and_send(bot)

    async def pending() -> int:
        async with storage(bot).db.conn.execute(
            "SELECT count(*) FROM deliveries WHERE kind = 'check' AND status = 'pending'"
        ) as cur:
            return int((await cur.fetchone())[0])

    assert await pending() > 0
    removed = await storage(bot).edits.delete(RecordKind.EVENT, VISIT, COORDINATOR, clock.now())
    assert removed is not None
    assert await storage(bot).checklists.items(VISIT) == []  # cascaded
    await plan_and_send(bot)
    assert await pending() == 0
    clock.set(at_nine(VISA_DUE, LA_PAZ))
    await plan_and_send(bot)
    assert about(bot, GROUP, VISA) == [] and about(bot, SOUTH_FOCAL, VISA) == []


async def test_the_digest_lists_overdue_items_of_exchanges_not_begun(
    bot: Driver, clock: MovableClock
) -> None:
    await scene(bot)
    clock.set(at_nine(VISA_DUE, LA_PAZ))  # Monday 7 December: items 1 and 2 overdue
    await plan_and_send(bot)

    def digests() -> list[dict[str, Any]]:
        return [m for m in sent_to(bot, GROUP) if "Puntos vencidos de las listas" in m["text"]]

    [digest] = digests()
    text = digest["text"]
    assert "Enviar la carta de invitación oficial" in text and "Equipo de Bonn" in text
    assert VISA not in text  # due today, not overdue yet
    assert "User" not in text  # names nobody
    assert text.count("🤝") == 1  # the partnership's; the visit under it is not 🤝 again
    assert list(buttons(digest)) == ["☑️ Lista de verificación 0/10"]
    clock.set(at_nine(VISA_DUE + timedelta(days=7), LA_PAZ))
    await plan_and_send(bot)
    assert len(digests()) == 2 and VISA in digests()[1]["text"]
    # Not once the visit has begun.
    clock.set(at_nine(STARTS + timedelta(days=7), LA_PAZ))
    await plan_and_send(bot)
    assert len(digests()) == 2
    async with storage(bot).db.conn.execute(
        "SELECT count(*) FROM deliveries WHERE kind = 'overdue' AND status = 'pending'"
    ) as cur:
        assert (await cur.fetchone())[0] == 0


async def test_a_bonn_group_gets_them_at_nine_berlin_on_both_sides_of_the_clock_change(
    bot: Driver, clock: MovableClock
) -> None:
    clock.set(datetime(2027, 3, 1, 12, 0, tzinfo=UTC))
    starts = date(2027, 5, 26)  # 9 weeks before: 24 March (CET); 8 weeks: 31 March (CEST)
    items = await the_visit(bot, starts)
    await follow(bot, BONN_GROUP, "de", "Europe/Berlin")
    await plan_and_send(bot)
    agreed = items["Declaration of commitment (Verpflichtungserklärung), if the embassy needs one"]
    visa = items["Book the visa appointment"]
    winter = (await rows(bot, f"check:{agreed.id}:due"))[0][1]
    summer = (await rows(bot, f"check:{visa.id}:due"))[0][1]
    assert winter == datetime(2027, 3, 24, 8, 0, tzinfo=UTC)
    assert summer == datetime(2027, 3, 31, 7, 0, tzinfo=UTC)
    for due, title in ((winter, "Verpflichtungserklärung bei"), (summer, "Visumstermin buchen")):
        assert due.astimezone(BERLIN).hour == 9
        clock.set(due - timedelta(minutes=1))
        await plan_and_send(bot)
        assert about(bot, BONN_GROUP, title) == []
        clock.set(due)
        await plan_and_send(bot)
        [message] = about(bot, BONN_GROUP, title)
        assert message["text"].startswith("☑️ Heute fällig: " + title)


async def test_a_focal_points_plan_is_pure(bot: Driver, clock: MovableClock) -> None:
    """plan_checklist_reminders over the loaded network: their side's items only, at 09:00
    in their zone, none once the visit has begun."""
    items = await the_visit(bot)
    net = await load_network(storage(bot), now=clock.now())
    home = bot.app.bot_data.settings.timezone if bot.app.bot_data.settings else BERLIN
    south = FocalChat(SOUTH_FOCAL, "America/La_Paz", frozenset({(PID, Side.SOUTH)}))
    planned = plan_checklist_reminders(south, net, clock.now(), home)
    mine = {p.payload.item_id for p in planned if isinstance(p.payload, ChecklistReminder)}
    travelling_or_both = {
        i.id for i in items.values() if i.side in (ChecklistSide.TRAVELLING, ChecklistSide.BOTH)
    }
    assert mine == travelling_or_both
    assert all(p.due_at.astimezone(LA_PAZ).hour == 9 for p in planned if p.due_at > clock.now())
    begun = datetime.combine(STARTS, datetime.min.time(), BERLIN)
    assert plan_checklist_reminders(south, net, begun, home) == []


async def test_the_exchanges_own_reminder_carries_the_checklist_button(
    bot: Driver, clock: MovableClock
) -> None:
    items = await scene(bot)
    store = storage(bot)
    for title in ("Book the visa appointment", "Book the flights"):
        assert await store.checklists.tick(items[title].id, SOUTH_FOCAL, "User8", clock.now())
    clock.set(at_nine(STARTS - timedelta(days=7), LA_PAZ))  # the event reminder, 7 days ahead
    await plan_and_send(bot)
    # The exchange's own reminder ("Visita de delegación · dentro de 7 días"), not an item's.
    [reminder] = [m for m in about(bot, GROUP, "Delegation from") if m["text"].startswith("🤝")]
    assert buttons(reminder) == {"☑️ Lista de verificación 2/10": ChecklistOpen(VISIT).pack()}


async def test_open_items_ahead_read_as_the_dataset_codec_reads_them(
    bot: Driver, clock: MovableClock
) -> None:
    """open_ahead decodes rows directly (planning reads them all): the same items as the
    codec's, without the exchanges already past."""
    items = await the_visit(bot)
    store = storage(bot)
    note = replace(items["Book the flights"], note=LocalizedText.of("Compare fares", "en"))
    await store.network.save(Dataset(checklist_items=(note,)))
    ahead = await store.checklists.open_ahead(STARTS)
    assert ahead == await store.checklists.open_items([VISIT])
    assert note in ahead and len(ahead) == 10
    assert await store.checklists.open_ahead(STARTS + timedelta(days=1)) == []


# -- a focal point dismissed or moved to the other side ------------------------------------------


async def test_a_focal_point_moved_to_the_other_side_is_replanned_at_once(
    bot: Driver, clock: MovableClock
) -> None:
    """/appoint puts the southern focal point on the northern side: their private plan
    follows at once (no hourly re-plan in between)."""
    items = await scene(bot)
    visa, letter = items["Book the visa appointment"], items["Send the official invitation letter"]
    await plan_and_send(bot)
    assert SOUTH_FOCAL in {chat for chat, _d, _s, _r in await rows(bot, f"check:{visa.id}:due")}
    assert SOUTH_FOCAL not in {c for c, _d, _s, _r in await rows(bot, f"check:{letter.id}:due")}
    them = person(SOUTH_FOCAL, "User8", None, "es")
    await bot.send("/appoint", user=admin())
    _picked, role = await deliver(bot, bot.api.forwarded_message(admin(), "hola", them))
    await bot.press(role, "apr:f", user=admin())
    [found] = await bot.send("la paz", user=admin())
    [side] = await bot.press(found, f"app:{PID}", user=admin())
    [confirm] = await bot.press(side, "aps:n", user=admin())
    await bot.press(confirm, "apc:y", user=admin())
    assert set(await storage(bot).roles.focal_points(PID)) == {
        (NORTH_FOCAL, Side.NORTH),
        (SOUTH_FOCAL, Side.NORTH),
    }
    assert SOUTH_FOCAL not in {c for c, _d, _s, _r in await rows(bot, f"check:{visa.id}:due")}
    assert SOUTH_FOCAL in {c for c, _d, _s, _r in await rows(bot, f"check:{letter.id}:due")}


async def test_a_dismissed_focal_point_gets_no_reminder_planned_before(
    bot: Driver, clock: MovableClock
) -> None:
    """Dismissed after the plan was written, with no re-plan before its hour: the dispatcher
    skips their private reminder, with the reason; the group's goes."""
    items = await scene(bot)
    visa = items["Book the visa appointment"]
    nine = at_nine(VISA_DUE, LA_PAZ)
    clock.set(nine - timedelta(hours=1))
    await plan_and_send(bot)
    assert await storage(bot).roles.dismiss_focal_point(PID, SOUTH_FOCAL)
    clock.set(nine)
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    assert len(about(bot, GROUP, VISA)) == 1 and about(bot, SOUTH_FOCAL, VISA) == []
    found = {
        chat: (status, why) for chat, _d, status, why in await rows(bot, f"check:{visa.id}:due")
    }
    assert found == {
        GROUP: ("sent", None),
        SOUTH_FOCAL: (
            "skipped",
            "the reader is no longer a focal point of a side owning the checklist item",
        ),
    }


# -- pruning what was sent ---------------------------------------------------------------------


async def check_rows(bot: Driver) -> dict[str, str]:
    """The outbox's checklist reminders: key -> status (one chat's: the group's)."""
    async with storage(bot).db.conn.execute(
        "SELECT key, status FROM deliveries WHERE kind = 'check' AND chat_id = ?", (GROUP,)
    ) as cur:
        return {str(r[0]): str(r[1]) for r in await cur.fetchall()}


async def test_a_reminder_sent_before_a_long_postponement_is_not_sent_again(
    bot: Driver, clock: MovableClock
) -> None:
    """Sent, then the visit put off by 12 weeks: the hourly prune after the old day keeps
    the sent row (its planned day is stale), so the new due day sends nothing again."""
    visa = (await scene(bot))["Book the visa appointment"]
    clock.set(at_nine(VISA_DUE, LA_PAZ))
    await plan_and_send(bot)
    due_today = "☑️ Vence hoy: " + VISA
    assert len(about(bot, GROUP, due_today)) == 1
    later = STARTS + timedelta(weeks=12)
    await storage(bot).network.save(Dataset(events=(visit(later),)))
    clock.set(at_nine(STARTS + timedelta(days=KEEP_DAYS + 2), LA_PAZ))
    await prune(storage(bot), clock.now())
    clock.set(at_nine(VISA_DUE + timedelta(weeks=12), LA_PAZ))
    await plan_and_send(bot)
    assert len(about(bot, GROUP, due_today)) == 1
    assert len(about(bot, SOUTH_FOCAL, due_today)) == 1
    assert (await check_rows(bot))[f"check:{visa.id}:due"] == "sent"  # the first one's row
    # Once the visit (on its new day) is KEEP_DAYS behind, its reminders go.
    clock.set(at_nine(later + timedelta(days=KEEP_DAYS + 1), LA_PAZ))
    assert await prune(storage(bot), clock.now()) > 0
    assert {k: s for k, s in (await check_rows(bot)).items() if s != "pending"} == {}


async def test_the_reminders_of_a_removed_item_are_pruned_and_others_wait(
    bot: Driver, clock: MovableClock
) -> None:
    items = await scene(bot)
    visa = items["Book the visa appointment"]
    passports = items["Check passports: valid 3 months beyond the return"]
    clock.set(at_nine(VISA_DUE, LA_PAZ))
    await plan_and_send(bot)
    sent = {k for k, status in (await check_rows(bot)).items() if status == "sent"}
    assert {f"check:{visa.id}:due", f"check:{passports.id}:due"} <= sent
    store = storage(bot)
    assert await store.edits.delete(
        RecordKind.CHECKLIST_ITEM, passports.id, COORDINATOR, clock.now()
    )
    await plan_and_send(bot)  # its pending overdue reminder goes with the plan
    clock.set(at_nine(VISA_DUE + timedelta(days=KEEP_DAYS), LA_PAZ))
    await prune(store, clock.now())
    assert f"check:{passports.id}:due" in await check_rows(bot)  # not KEEP_DAYS old yet
    clock.set(at_nine(VISA_DUE + timedelta(days=KEEP_DAYS + 1), LA_PAZ))
    assert await prune(store, clock.now()) >= 2  # the group's and the focal point's
    left = await check_rows(bot)
    assert f"check:{passports.id}:due" not in left
    assert left[f"check:{visa.id}:due"] == "sent"  # the visit is ahead: kept
