"""/checklist and its buttons through the real Application and the offline Bot API: an
imported South → North visit (La Paz to Bonn) dated from the test's clock, its checklist
shown in a group and in private in several languages, ticked from the keyboard (edited
in place), refused to a non-member, a tick taken back, ☑️ on /exchanges."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, time, timedelta
from typing import Any

from bot.model.checklists import due_day
from bot.model.clock import MovableClock
from bot.model.domain import ChecklistItem, Dataset, Event, EventKind, LocalizedText, PartialDate
from bot.model.roles import Side
from bot.telegram.edit_callbacks import (
    ChecklistMode,
    ChecklistOpen,
    ChecklistTick,
    ChecklistUntick,
    ChecklistView,
)
from bot.views.checklist import short_day
from harness.time_entities import unwrapped_times_in_html
from tests.conftest import COORDINATOR, Driver

GROUP = -800
PID = "bonn-la-paz"
VISIT = "la-paz-to-bonn-2027"
FOCAL = 11  # La Paz's focal point
MEMBER = 12  # set La Paz with /iam
STRANGER = 13
AHEAD = 70  # days from the clock's today to the visit


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def visit(first: date, **changes: Any) -> Event:
    fields: dict[str, Any] = {
        "id": VISIT,
        "kind": EventKind.DELEGATION_VISIT,
        "title": LocalizedText.of(
            "Delegation from La Paz visits Bonn", "en", es="Delegación de La Paz visita Bonn"
        ),
        "starts": PartialDate.of(first),
        "ends": PartialDate.of(first + timedelta(days=4)),
        "timezone": "Europe/Berlin",
        "partnership_id": PID,
        "travelling": Side.SOUTH,
    }
    return Event(**(fields | changes))


async def imported(bot: Driver, clock: MovableClock, **changes: Any) -> Event:
    """The visit, AHEAD days from the clock's today, imported: its checklist made."""
    event = visit(clock.now().date() + timedelta(days=AHEAD), **changes)
    await storage(bot).import_dataset(Dataset(events=(event,)))
    return event


async def items(bot: Driver) -> list[ChecklistItem]:
    return [item for item, _tick in await storage(bot).checklists.items(VISIT)]


async def follow(bot: Driver, languages: tuple[str, ...] = ("en",)) -> dict[str, Any]:
    chat = bot.group(GROUP)
    store, now = storage(bot), bot.app.bot_data.clock.now()
    await store.subscriptions.add(
        GROUP, "supergroup", "Bonn – La Paz", "partnership", PID, COORDINATOR, now
    )
    await store.preferences.set_chat_languages(GROUP, "supergroup", None, languages)
    return chat


async def focal_point(bot: Driver, user_id: int = FOCAL, side: Side = Side.SOUTH) -> None:
    now = bot.app.bot_data.clock.now()
    await storage(bot).roles.appoint_focal_point(PID, user_id, side, COORDINATOR, now)


def keys(message: dict[str, Any]) -> dict[str, str]:
    """Label -> callback data of a message's inline keyboard."""
    markup = message.get("reply_markup") or {}
    if isinstance(markup, str):
        markup = json.loads(markup)
    rows = markup.get("inline_keyboard", [])
    return {k["text"]: k["callback_data"] for row in rows for k in row if "callback_data" in k}


def html(bot: Driver, method: str = "editMessageText") -> str:
    """The HTML of the bot's last message sent this way."""
    return str([c for c in bot.api.calls if c.method == method][-1].params["text"])


def tr(bot: Driver, lang: str) -> Any:
    assert bot.app.bot_data.i18n is not None
    return bot.app.bot_data.i18n.translator(lang)


async def shown_in_group(bot: Driver, user: dict[str, Any] | None = None) -> dict[str, Any]:
    [message] = await bot.send("/checklist", user or bot.user(FOCAL), await follow(bot))
    return message


# -- shown -------------------------------------------------------------------------------------


async def test_a_group_sees_its_exchanges_checklist_with_towns_and_due_days(
    bot: Driver, clock: MovableClock
) -> None:
    event = await imported(bot, clock)
    message = await shown_in_group(bot)
    text = message["text"]
    assert "0/10" in text and "Delegation from La Paz visits Bonn" in text
    en = tr(bot, "en")
    invitation, _declaration, visa = (await items(bot))[:3]
    # Whose task: the town's name (host: Bonn; travelling: La Paz), with its due day.
    for item, town in ((invitation, "Bonn"), (visa, "La Paz")):
        due = due_day(item, event)
        assert due is not None
        assert f"{town} · 📅 {short_day(en, due)}" in text
    assert "host" not in text and "travelling" not in text
    # A page holds what fits a screen; a ☑️ per open item on it, ▶ to the rest.
    labels = keys(message)
    assert "☑️ 3. Book the visa appointment" in labels and "▶" in labels
    assert ChecklistTick.unpack(labels["☑️ 3. Book the visa appointment"]) == ChecklistTick(visa.id)
    [second] = await bot.press(message, labels["▶"])
    assert "☑️ 10." in " ".join(keys(second)) and "0/10" in second["text"]
    # No ✏️ in a group: its keyboard is the same for everyone.
    assert not any(label.startswith("✏️") for label in labels)


async def test_a_spanish_group_reads_it_in_spanish(bot: Driver, clock: MovableClock) -> None:
    event = await imported(bot, clock)
    bot.group(GROUP)
    [message] = await bot.send("/lista", bot.user(FOCAL, "es"), await follow(bot, ("es",)))
    text = message["text"]
    es = tr(bot, "es")
    assert "Delegación de La Paz visita Bonn" in text
    visa = (await items(bot))[2]
    due = due_day(visa, event)
    assert due is not None
    assert "Reservar la cita para la visa" in text
    assert f"La Paz · 📅 {short_day(es, due)}" in text
    assert "Book the visa" not in text


async def test_in_private_by_town_and_by_ones_own_partnership(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    french = bot.user(STRANGER, "fr")
    [by_town] = await bot.send("/liste la paz", french)
    assert "0/10" in by_town["text"] and "Prendre rendez-vous pour le visa" in by_town["text"]
    [unknown] = await bot.send("/checklist zzz", french)
    assert unknown["text"] == tr(bot, "fr").gettext("I found no partnership for “{what}”.").format(
        what="zzz"
    )
    [usage] = await bot.send("/checklist", french)
    assert "/liste Bonn" in usage["text"]
    # A focal point's own partnership, with ✏️ (they may edit the exchange).
    await focal_point(bot)
    [mine] = await bot.send("/checklist", bot.user(FOCAL, "de"))
    assert "Visumstermin buchen" in mine["text"] and "0/10" in mine["text"]
    assert "✏️ Ändern" in keys(mine)
    # Someone who set La Paz with /iam: theirs too, without ✏️.
    await storage(bot).preferences.set_user_town(MEMBER, "la-paz")
    [theirs] = await bot.send("/checklist", bot.user(MEMBER))
    assert "0/10" in theirs["text"] and not any(k.startswith("✏️") for k in keys(theirs))


async def test_no_checklist_says_how_one_comes_to_be(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock, travelling=None)  # nobody travels: no checklist
    [group] = await bot.send("/checklist", bot.user(FOCAL), await follow(bot))
    assert "No upcoming exchange this group follows has a checklist" in group["text"]
    assert "/new" in group["text"]
    [private] = await bot.send("/checkliste bonn", bot.user(STRANGER, "de"))
    assert "Kein kommender Austausch" in private["text"] and "/neu" in private["text"]


async def test_several_exchanges_are_listed_each_with_its_button(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    later = visit(
        clock.now().date() + timedelta(days=AHEAD + 90),
        id="bonn-to-la-paz-2027",
        travelling=Side.NORTH,
        title=LocalizedText.of("Bonn visits La Paz", "en"),
    )
    await storage(bot).import_dataset(Dataset(events=(later,)))
    [listing] = await bot.send("/checklist", bot.user(FOCAL), await follow(bot))
    assert "Delegation from La Paz visits Bonn" in listing["text"]
    assert "Bonn visits La Paz" in listing["text"]
    labels = keys(listing)
    assert ChecklistOpen.unpack(labels["☑️ 2"]) == ChecklistOpen("bonn-to-la-paz-2027")
    [opened] = await bot.press(listing, labels["☑️ 2"], bot.user(FOCAL))
    assert opened["message_id"] != listing["message_id"]  # a new message
    assert "Bonn visits La Paz" in opened["text"] and "0/10" in opened["text"]


# -- ticking -----------------------------------------------------------------------------------


async def test_a_focal_point_ticks_two_items_edited_in_place(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    first, second = (await items(bot))[:2]
    [after_one] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    [after_two] = await bot.press(after_one, ChecklistTick(second.id).pack(), bot.user(FOCAL))
    assert after_two["message_id"] == message["message_id"]  # edited, not sent anew
    assert "2/10" in after_two["text"]
    assert f"ticked by User{FOCAL}" in after_two["text"]
    # The ticked items' buttons are gone; the open ones stay.
    labels = " ".join(keys(after_two))
    assert "☑️ 1." not in labels and "☑️ 2." not in labels and "☑️ 3." in labels
    assert [i.done for i in await items(bot)][:3] == [True, True, False]
    assert any("Ticked (2/10)" in alert for alert in bot.alerts())


async def test_a_member_who_set_the_town_may_tick(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock)
    await storage(bot).preferences.set_user_town(MEMBER, "bonn")
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    [edited] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(MEMBER))
    assert "1/10" in edited["text"] and f"ticked by User{MEMBER}" in edited["text"]


async def test_a_coordinator_may_tick(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock)
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    [edited] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(COORDINATOR))
    assert "1/10" in edited["text"]


async def test_a_non_members_press_is_refused_and_changes_nothing(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    await storage(bot).preferences.set_user_town(STRANGER, "kedougou")  # another town
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    before = await bot.rows()
    calls = len(bot.api.calls)
    edited = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(STRANGER))
    assert edited == []  # the message stays as it was
    [refusal] = [c.params for c in bot.api.calls[calls:] if c.method == "answerCallbackQuery"]
    assert refusal["show_alert"] is True
    assert "Only the focal points of Bonn – La Paz" in refusal["text"]
    assert "/contacts Bonn" in refusal["text"]
    assert len(refusal["text"]) <= 200
    assert await bot.rows() == before
    # ↩️'s mode is theirs neither.
    undo = ChecklistView(ChecklistMode.UNTICK, 0, VISIT).pack()
    assert await bot.press(message, undo, bot.user(STRANGER)) == []


async def test_an_exchange_of_a_programme_is_ticked_by_coordinators_only(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock, partnership_id=None, programme_id="kkp")
    await focal_point(bot)
    [message] = await bot.send("/checklist bonn", bot.user(FOCAL))  # no partnership's
    assert "No upcoming exchange of these partnerships" in message["text"]
    first = (await items(bot))[0]
    [opened] = await bot.press(message, ChecklistOpen(VISIT).pack(), bot.user(FOCAL))
    assert "0/10" in opened["text"] and "Bonn ·" not in opened["text"]  # no towns to name
    assert await bot.press(opened, ChecklistTick(first.id).pack(), bot.user(FOCAL)) == []
    assert "Only the network's coordinators" in bot.alerts()[-1]
    assert "/contacts" not in bot.alerts()[-1]  # no town's focal points to ask
    [edited] = await bot.press(opened, ChecklistTick(first.id).pack(), bot.user(COORDINATOR))
    assert "1/10" in edited["text"]


async def test_an_item_ticked_already_is_answered_kindly_and_refreshed(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    await storage(bot).checklists.tick(first.id, COORDINATOR, "Carla", clock.now())
    [refreshed] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    assert "Someone ticked this already" in bot.alerts()[-1]
    assert "1/10" in refreshed["text"] and "ticked by Carla" in refreshed["text"]
    tick = (await storage(bot).checklists.item(first.id))[1]
    assert tick.user_id == COORDINATOR  # the first tick stays


async def test_an_item_no_longer_there_is_answered_without_an_error(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    conn = storage(bot).db.conn
    first = (await items(bot))[0]
    await conn.execute("DELETE FROM checklist_items WHERE id = ?", (first.id,))
    await conn.commit()
    [refreshed] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    assert "no longer on the checklist" in bot.alerts()[-1]
    assert "0/9" in refreshed["text"]
    errors = [c for c in bot.api.calls if c.method == "sendMessage" and "wrong" in str(c.params)]
    assert not errors


async def test_a_name_is_html_escaped(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    user = bot.user(FOCAL) | {"first_name": "<b>Ana</b> & Co"}
    [edited] = await bot.press(message, ChecklistTick(first.id).pack(), user)
    assert "ticked by &lt;b&gt;Ana&lt;/b&gt; &amp; Co" in html(bot)
    assert "ticked by <b>Ana</b> & Co" in edited["text"]  # as the reader sees it


async def test_a_forged_tick_of_another_exchanges_item_repaints_nothing(
    bot: Driver, clock: MovableClock
) -> None:
    """A ChecklistTick of the other visit's item pressed under this visit's checklist: the
    item is the presser's to tick, and is ticked, but this checklist stays as it is."""
    event = await imported(bot, clock)
    other = visit(event.starts.as_date() or clock.now().date(), id="bonn-to-la-paz-2027")
    await storage(bot).import_dataset(Dataset(events=(replace(other, travelling=Side.NORTH),)))
    await focal_point(bot)
    listing = await shown_in_group(bot)  # two exchanges: this one's opened below
    [message] = await bot.press(listing, ChecklistOpen(VISIT).pack(), bot.user(FOCAL))
    assert "Delegation from La Paz visits Bonn" in message["text"] and "0/10" in message["text"]
    theirs = next(i for i, _t in await storage(bot).checklists.items("bonn-to-la-paz-2027"))
    calls = len(bot.api.calls)
    assert await bot.press(message, ChecklistTick(theirs.id).pack(), bot.user(FOCAL)) == []
    assert any("Ticked (1/" in alert for alert in bot.alerts(calls))
    assert (await storage(bot).checklists.item(theirs.id))[0].done
    # This visit's own item still repaints it.
    mine = (await items(bot))[0]
    [edited] = await bot.press(message, ChecklistTick(mine.id).pack(), bot.user(FOCAL))
    assert "Delegation from La Paz visits Bonn" in edited["text"] and "1/10" in edited["text"]


async def test_no_pencil_for_a_focal_point_when_the_exchange_reaches_a_phase(
    bot: Driver, clock: MovableClock
) -> None:
    """Of a partnership and a phase: the editor refuses its focal points (the phase's groups
    are the coordinators'), so its ✏️ is not offered to them; a coordinator gets it."""
    await imported(bot, clock, phase_id="pilot")
    await focal_point(bot)
    [theirs] = await bot.send("/checklist", bot.user(FOCAL))
    assert "0/10" in theirs["text"] and not any(k.startswith("✏️") for k in keys(theirs))
    [coordinators] = await bot.send("/checklist bonn", bot.user(COORDINATOR))
    assert any(k.startswith("✏️") for k in keys(coordinators))


async def test_a_tick_by_mistake_is_taken_back(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    [ticked] = await bot.press(message, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    assert "1/10" in ticked["text"]
    [undo_mode] = await bot.press(ticked, keys(ticked)["↩️ Undo"], bot.user(FOCAL))
    labels = keys(undo_mode)
    [untick] = [label for label, data in labels.items() if ChecklistUntick.unpack(data)]
    assert untick.startswith("↩️ 1. Send the official")
    assert labels[untick] == ChecklistUntick(first.id).pack()
    assert "Which tick was a mistake" in undo_mode["text"]
    assert not any(label.startswith("☑️") for label in labels)  # no ticking meanwhile
    [opened] = await bot.press(undo_mode, ChecklistUntick(first.id).pack(), bot.user(FOCAL))
    assert "0/10" in opened["text"] and "☑️ 1." in " ".join(keys(opened))
    tick = (await storage(bot).checklists.item(first.id))[1]
    assert tick is None  # open again, and who ticked it forgotten
    assert "Open again" in bot.alerts()[-1]


# -- ☑️ on /exchanges --------------------------------------------------------------------------


async def test_exchanges_shows_a_checklist_button_that_opens_it(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    pages = await bot.pages((await bot.send("/exchanges la paz", bot.user(FOCAL)))[0])
    found = [
        (page, label)
        for page in pages
        for label, data in keys(page).items()
        if data == ChecklistOpen(VISIT).pack()
    ]
    assert len(found) == 1
    page, label = found[0]
    assert label.startswith("☑️") and label.endswith(": 0/10")
    [opened] = await bot.press(page, keys(page)[label], bot.user(FOCAL))
    assert opened["message_id"] != page["message_id"] and "0/10" in opened["text"]
    # A tick moves the network's generation: the kept page shows the new progress.
    first = (await items(bot))[0]
    await bot.press(opened, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    again = await bot.pages((await bot.send("/exchanges la paz", bot.user(FOCAL)))[0])
    labels = [label for page in again for label in keys(page)]
    assert any(label.endswith(": 1/10") for label in labels)


async def test_a_time_is_shown_in_the_readers_zone_inside_tg_time(
    bot: Driver, clock: MovableClock
) -> None:
    await imported(bot, clock, start_time=time(10, 0))
    await storage(bot).preferences.set_user_timezone(STRANGER, "America/La_Paz")
    [message] = await bot.send("/checklist bonn", bot.user(STRANGER))
    sent = html(bot, "sendMessage")
    assert "<tg-time" in sent and not unwrapped_times_in_html(sent)
    # 10:00 in Bonn is 5:00 in La Paz (winter), named by its place.
    assert "5:00\u202fAM La Paz" in message["text"]


async def test_a_checklist_too_old_to_edit_comes_anew(bot: Driver, clock: MovableClock) -> None:
    await imported(bot, clock)
    await focal_point(bot)
    message = await shown_in_group(bot)
    first = (await items(bot))[0]
    gone = message | {"message_id": message["message_id"] + 1000}  # deleted meanwhile
    [anew] = await bot.press(gone, ChecklistTick(first.id).pack(), bot.user(FOCAL))
    assert anew["message_id"] not in (message["message_id"], gone["message_id"])
    assert "1/10" in anew["text"]
