"""🌐 Add a translation, through the real Application: the language and text picked by
buttons, the translation typed, ✅ saved with its audit row; the original stays first;
readers stop seeing the "(es)" mark; only editors may; a restart in the middle resumes."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.app import running
from bot.config import Settings
from bot.model.audit import RecordKind
from bot.model.clock import MovableClock
from bot.model.domain import (
    ChangeStatus,
    Event,
    EventKind,
    LocalizedText,
    MeetingChange,
    PartialDate,
)
from bot.model.posts import EventReminder, MeetingCorrection
from bot.schedule.compose import compose
from bot.schedule.replan import load_network
from bot.telegram.edit_callbacks import EditTarget, Translate
from bot.text.i18n import I18n
from bot.text.reader import Reader
from bot.views.common import marked
from bot.views.ics import event_ics
from harness.fake_telegram import OfflineTelegram
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver, make_app

MEMBER = 503


def workshop(**texts: LocalizedText) -> Event:
    return Event(
        id="taller-2027",
        kind=EventKind.WORKSHOP,
        title=LocalizedText.of("Taller de energía", "es"),
        starts=PartialDate.of(date(2027, 3, 15)),
        start_time=time(15, 0),
        timezone="America/La_Paz",
        partnership_id="bonn-la-paz",
        **texts,
    )


def storage(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


def keys(message: dict[str, Any]) -> dict[str, str]:
    rows = message.get("reply_markup", {}).get("inline_keyboard", [])
    return {key["text"]: key["callback_data"] for row in rows for key in row}


async def listing(bot: Driver) -> str:
    """/exchanges as a German reader sees it, every page."""
    reader = bot.user(7, "de")
    [first] = await bot.send("/austausch", user=reader)
    return "\n".join(page["text"] for page in await bot.pages(first, reader))


def test_the_mark_names_the_originals_language_until_a_translation_comes() -> None:
    text = LocalizedText.of("Taller de energía", "es")
    assert marked(text, "es") == "Taller de energía"
    assert marked(text, "de") == "Taller de energía (es)"
    added = text.with_variant("de", "Energiewerkstatt")
    assert added.original == "Taller de energía" and added.original_language == "es"
    assert marked(added, "de") == "Energiewerkstatt"
    assert marked(added, "fr") == "Taller de energía (es)"
    assert marked(LocalizedText.of("La Fortuna"), "de") == "La Fortuna"  # "und": a name


def test_a_calendar_file_marks_the_original_too(i18n: I18n) -> None:
    place = LocalizedText.of("Alcaldía", "es")
    event = workshop(place=place, note=LocalizedText.of("Traer computadora", "es"))
    text = event_ics(event, i18n.translator("de"), datetime(2026, 11, 23, tzinfo=UTC), sequence=0)
    assert text is not None
    unfolded = text.decode().replace("\r\n ", "")
    assert "SUMMARY:Taller de energía (es)" in unfolded
    assert "LOCATION:Alcaldía (es)" in unfolded and "Traer computadora (es)" in unfolded
    spanish = event_ics(
        event, i18n.translator("es"), datetime(2026, 11, 23, tzinfo=UTC), sequence=0
    )
    assert spanish is not None and "(es)" not in spanish.decode().replace("\r\n ", "")


async def test_a_coordinator_adds_a_german_title_and_readers_see_it(bot: Driver) -> None:
    await storage(bot).edits.save(workshop(), COORDINATOR, bot.app.bot_data.clock.now())
    german = bot.user(COORDINATOR, "de")
    assert "Taller de energía (es)" in await listing(bot)

    anchor = (await bot.send("/start", user=german))[0]
    [asked] = await bot.press(anchor, Translate(EditTarget.EVENT, "taller-2027").pack(), german)
    assert (
        asked["text"] == "🌐 Übersetzung von „Taller de energía (es)“ hinzufügen. Welche Sprache?"
    )
    assert list(keys(asked)) == [
        "Englisch",
        "Deutsch",
        "Französisch",
        "Portugiesisch",
        "✖ Abbrechen",
    ]
    [typing] = await bot.press(asked, keys(asked)["Deutsch"], german)  # one text: no choice
    assert typing["text"] == (
        "Bitte geben Sie die Übersetzung ein (Titel auf Deutsch). Das Original:\n"
        "Taller de energía (es)"
    )
    [shown] = await bot.send("  Energie-Werkstatt  ", user=german)
    assert shown["text"] == "Titel auf Deutsch:\nEnergie-Werkstatt"
    [saved] = await bot.press(shown, keys(shown)["✅ Speichern"], german)
    assert saved["text"].startswith("✅ Geändert.")
    # ✅ pressed again, once the conversation is over: answered once, nothing changes
    since = len(bot.api.calls)
    assert await bot.press(shown, keys(shown)["✅ Speichern"], german) == []
    answers = [c for c in bot.api.calls[since:] if c.method == "answerCallbackQuery"]
    assert [c.params.get("text") for c in answers] == [
        "Diese Schaltfläche funktioniert nicht mehr."
    ]

    event = await storage(bot).network.event("taller-2027")
    assert event is not None
    assert event.title.variants == (("es", "Taller de energía"), ("de", "Energie-Werkstatt"))
    [entry] = (await storage(bot).edits.history(RecordKind.EVENT, "taller-2027"))[:1]
    assert entry.actor == COORDINATOR and entry.changed_fields() == ["title"]
    listed = await listing(bot)
    assert "Energie-Werkstatt" in listed and "(es)" not in listed
    assert await storage(bot).conversations.draft(COORDINATOR, "translate") is None


async def test_a_choice_of_texts_and_a_cancel_change_nothing(bot: Driver) -> None:
    place = LocalizedText.of("Alcaldía de La Paz", "es")
    await storage(bot).edits.save(workshop(place=place), COORDINATOR, bot.app.bot_data.clock.now())
    user = bot.user(COORDINATOR, "fr")
    anchor = (await bot.send("/start", user=user))[0]
    [asked] = await bot.press(anchor, Translate(EditTarget.EVENT, "taller-2027").pack(), user)
    [which] = await bot.press(asked, keys(asked)["Portugais"], user)
    assert which["text"] == "Quel texte, en portugais ?"
    assert list(keys(which)) == ["Titre", "Lieu", "✖ Annuler"]
    [typing] = await bot.press(which, keys(which)["Lieu"], user)
    assert typing["text"].endswith("Alcaldía de La Paz (es)")
    before = await bot.rows()
    [gone] = await bot.press(typing, keys(typing)["✖ Annuler"], user)
    assert gone["text"] == "Annulé : rien n'a été modifié."
    conversation = ("conversation_states", "conversation_drafts")
    after = await bot.rows()
    assert {k: v for k, v in after.items() if k not in conversation} == {
        k: v for k, v in before.items() if k not in conversation
    }
    assert await storage(bot).conversations.draft(COORDINATOR, "translate") is None


async def test_only_those_who_may_change_the_item_may_translate_it(bot: Driver) -> None:
    await storage(bot).edits.save(workshop(), COORDINATOR, bot.app.bot_data.clock.now())
    member = bot.user(MEMBER, "pt")
    anchor = (await bot.send("/start", user=member))[0]
    before = await bot.rows()
    since = len(bot.api.calls)
    assert await bot.press(anchor, Translate(EditTarget.EVENT, "taller-2027").pack(), member) == []
    assert bot.alerts(since) == [
        "Só a coordenação da rede e os pontos focais desta parceria podem alterar isto. "
        "Nada foi alterado."
    ]
    assert await bot.rows() == before


async def test_a_restart_in_the_middle_resumes_the_translation(
    settings: Settings, i18n: I18n, clock: MovableClock
) -> None:
    user_de = Driver.user(COORDINATOR, "de")
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api)) as app:
        bot = Driver(app, api)
        await storage(bot).edits.save(workshop(), COORDINATOR, clock.now())
        anchor = (await bot.send("/start", user=user_de))[0]
        [asked] = await bot.press(
            anchor, Translate(EditTarget.EVENT, "taller-2027").pack(), user_de
        )
        await bot.press(asked, keys(asked)["Englisch"], user_de)
    api = OfflineTelegram(clock=clock)
    async with running(make_app(settings, i18n, clock, api)) as app:
        bot = Driver(app, api)
        [shown] = await bot.send("Energy workshop", user=user_de)
        assert shown["text"] == "Titel auf Englisch:\nEnergy workshop"
        [saved] = await bot.press(shown, keys(shown)["✅ Speichern"], user_de)
        assert saved["text"].startswith("✅ Geändert.")
        event = await storage(bot).network.event("taller-2027")
        assert event is not None and event.title.get("en") == "Energy workshop"


async def test_posts_mark_the_original_unless_they_are_in_its_language_too(bot: Driver) -> None:
    at = bot.app.bot_data.clock.now()
    edits = storage(bot).edits
    await edits.save(workshop(place=LocalizedText.of("Alcaldía", "es")), COORDINATOR, at)
    meeting = datetime(2027, 2, 16, 15, 0)
    reason = LocalizedText.of("Feriado nacional", "es")
    cancelled = MeetingChange(
        "m1", "bonn-la-paz-virtual", meeting, ChangeStatus.CANCELLED, reason=reason
    )
    await edits.save(cancelled, COORDINATOR, at)
    net = await load_network(storage(bot))
    views = {v.partnership.id: v for v in await storage(bot).network.partnerships(["bonn-la-paz"])}
    i18n = bot.app.bot_data.i18n
    assert i18n is not None
    reader = Reader.of(("de", "es"), ZoneInfo("Europe/Berlin"), i18n)
    payloads = (
        EventReminder("taller-2027", "2027-03-15", 7),
        MeetingCorrection(
            "m1", "bonn-la-paz-virtual", "2027-02-16T15:00", ChangeStatus.CANCELLED, ""
        ),
    )
    german_only = Reader.of(("de",), ZoneInfo("Europe/Berlin"), i18n)
    berlin = ZoneInfo("Europe/Berlin")
    for payload, original in zip(payloads, ("Taller de energía", "Feriado nacional"), strict=True):
        # A group reading German alone: the Spanish original, marked.
        assert f"{original} (es)" in compose(payload, at, net, views, german_only, i18n, at, berlin)
        # German and Spanish: its readers read the original, unmarked in both parts.
        text = compose(payload, at, net, views, reader, i18n, at, berlin)
        assert "(es)" not in text and text.count(original) == 1  # the same line: said once
    assert "Alcaldía (es)" in compose(payloads[0], at, net, views, german_only, i18n, at, berlin)
