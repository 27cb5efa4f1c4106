"""The contact directory with consent (/listme, /contacts) and /forgetme, through the real
Application."""

from __future__ import annotations

import dataclasses
from datetime import datetime
from typing import Any

from bot.model.chats import RsvpAnswer
from bot.model.domain import LocalizedText
from bot.model.posts import Invitation
from bot.model.roles import Side
from bot.telegram.limits import SCREEN_LINES, screen_lines
from harness.fake_telegram import as_update
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver


def keys(message: dict[str, Any]) -> list[str]:
    return [
        key["callback_data"]
        for row in message.get("reply_markup", {}).get("inline_keyboard", [])
        for key in row
        if "callback_data" in key
    ]


def person(
    user_id: int, first: str, username: str | None = None, lang: str = "en"
) -> dict[str, Any]:
    user: dict[str, Any] = {
        "id": user_id,
        "is_bot": False,
        "first_name": first,
        "language_code": lang,
    }
    if username:
        user["username"] = username
    return user


async def set_town(bot: Driver, user: dict[str, Any], town: str) -> None:
    [question] = await bot.send("/iam", user=user)
    await bot.press(question, f"iam:{town}", user=user)


async def list_me(bot: Driver, user: dict[str, Any]) -> dict[str, Any]:
    [offer] = await bot.send("/listme", user=user)
    assert keys(offer) == ["lm:y", "lm:n"]
    [done] = await bot.press(offer, "lm:y", user=user)
    return done


async def test_listing_needs_a_town_and_says_what_becomes_visible(bot: Driver) -> None:
    maria = person(41, "María <M>", "maria_bo", "es")
    [first] = await bot.send("/listme", user=maria)
    assert "/miciudad" in first["text"] and not keys(first)
    await set_town(bot, maria, "la-paz")
    [offer] = await bot.send("/listme", user=maria)
    assert "María <M> @maria_bo" in offer["text"] and "La Paz" in offer["text"]
    assert "español" in offer["text"]
    assert not await bot.app.bot_data.storage.people.listing(41)  # off by default
    [no] = await bot.press(offer, "lm:n", user=maria)
    assert no["text"] == "De acuerdo: no figura en el directorio."
    assert await bot.app.bot_data.storage.people.listing(41) is None
    done = await list_me(bot, maria)
    assert "/listarme" in done["text"]
    [state] = await bot.send("/listme", user=maria)
    assert keys(state) == ["lm:n"]
    [off] = await bot.press(state, "lm:n", user=maria)
    assert off["text"] == "Hecho: ya no figura en el directorio."
    assert await bot.app.bot_data.storage.people.listing(41) is None


async def test_contacts_shows_the_listed_and_never_the_unlisted(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    listed = person(51, "Anna", "anna_bonn", "de")
    shy = person(52, "Shy Focal", "shy")
    other = person(53, "Luis", None, "es")
    for user, town in ((listed, "bonn"), (shy, "bonn"), (other, "la-paz")):
        await set_town(bot, user, town)
    await list_me(bot, listed)
    await list_me(bot, other)
    now = bot.app.bot_data.clock.now()
    await storage.roles.appoint_focal_point("bonn-la-paz", 52, Side.NORTH, COORDINATOR, now)
    await storage.roles.appoint_focal_point("bonn-la-paz", 53, Side.SOUTH, COORDINATOR, now)
    for typed in ("/contacts bonn", "/contacts la paz", "/contacts bonn la paz"):
        [answer] = await bot.send(typed, user=person(60, "Asker"))
        text = answer["text"]
        assert "Shy" not in text and "shy" not in text
        assert "Anna @anna_bonn" in text and "Luis" in text
        assert "focal point of Bonn – La Paz (La Paz)" in text
    sent = [c.params["text"] for c in bot.api.calls if c.method == "sendMessage"]
    assert any('<a href="tg://user?id=51">Anna</a> @anna_bonn' in t for t in sent)
    [usage] = await bot.send("/contacts", user=person(60, "Asker"))
    assert "/contacts bonn" in usage["text"]


FORGOTTEN = 770077123
NAME, USERNAME = "Zyxwvu", "qutsr_unique"


async def scan(bot: Driver, *needles: str | int) -> list[str]:
    """Every table and column of the database (sqlite_master's tables, the search index's
    included) whose value is one of the needles or, as text, holds one."""
    storage = bot.app.bot_data.storage
    assert storage is not None
    conn = storage.db.conn
    found = []
    tables = [
        row[0]
        for row in await conn.execute_fetchall(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    assert "people" in tables and "audit" in tables
    for table in tables:
        columns = [row[1] for row in await conn.execute_fetchall(f'PRAGMA table_info("{table}")')]
        for column in columns:
            for needle in needles:
                hits = await conn.execute_fetchall(
                    f'SELECT count(*) FROM "{table}" WHERE "{column}" = ? '
                    f'OR CAST("{column}" AS TEXT) LIKE ?',
                    (needle, f"%{needle}%"),
                )
                if next(iter(hits))[0]:
                    found.append(f"{table}.{column} ~ {needle}")
    return found


async def meeting_cycle_rows(storage: Storage, group: int, now: datetime) -> None:
    """What the meeting cycle holds about a member: an agenda item
    they added, an action item they own, made and ticked, minutes and a calendar feed."""
    at, meeting = now.isoformat(), ("bonn-la-paz-virtual", "2027-01-01T15:00")
    async with storage.db.transaction() as conn:
        await conn.execute(
            "INSERT INTO agenda_items (series_id, occurrence, position, text, language, "
            "author_id, author_name, chat_id, added_at) VALUES (?, ?, 1, 'Budget', 'de', ?, ?, "
            "?, ?)",
            (*meeting, FORGOTTEN, NAME, group, at),
        )
        await conn.execute(
            "INSERT INTO action_items (partnership_id, series_id, occurrence, text, language, "
            "owner_id, owner_name, due, chat_id, created_by, created_at, done_at, done_by) "
            "VALUES ('bonn-la-paz', ?, ?, 'Draft', 'de', ?, ?, '2027-01-20', ?, ?, ?, ?, ?)",
            (*meeting, FORGOTTEN, NAME, group, FORGOTTEN, at, at, FORGOTTEN),
        )
        await conn.execute(
            "INSERT INTO meeting_minutes (series_id, occurrence, text, language, added_by, "
            "added_at) VALUES (?, ?, 'Notes', 'de', ?, ?)",
            (*meeting, FORGOTTEN, at),
        )
        await conn.execute(
            "INSERT INTO calendar_feeds (token, chat_id, created_by, created_at) "
            "VALUES ('t0k3n', ?, ?, ?)",
            (group, FORGOTTEN, at),
        )


async def test_forgetme_leaves_no_row_that_names_the_user(bot: Driver) -> None:
    """Everything the bot holds about a user, then /forgetme: no table names them."""
    storage = bot.app.bot_data.storage
    assert storage is not None
    now = bot.app.bot_data.clock.now()
    user = person(FORGOTTEN, NAME, USERNAME, "de")
    await set_town(bot, user, "bonn")
    await bot.send("/language fr", user=user)
    await list_me(bot, user)
    await bot.send("/subscribe bonn", user=user)  # their private chat follows, gets posts
    group = bot.group(-100, {FORGOTTEN: "administrator"})
    await bot.send("/subscribe fase 8", user=user, chat=group)  # a group's, made by them
    await storage.rsvps.answer(
        -100,
        Invitation("bonn-la-paz-virtual", "2027-01-01T15:00"),
        FORGOTTEN,
        RsvpAnswer.YES,
        now,
        NAME,
    )
    await meeting_cycle_rows(storage, -100, now)
    await storage.roles.appoint_coordinator(FORGOTTEN, COORDINATOR, now)
    await storage.roles.appoint_coordinator(31, FORGOTTEN, now)  # they appointed someone
    milestone = (await storage.network.milestones())[0]
    changed = dataclasses.replace(milestone, title=LocalizedText.of("Neu", "de"))
    await storage.edits.save(changed, FORGOTTEN, now)
    [question] = await bot.send("/appoint", user=user)  # a conversation left open
    # and another's, about them, half-way
    coordinator = person(COORDINATOR, "Clara")
    await bot.send("/appoint", user=coordinator)
    await bot.app.process_update(
        as_update(bot.api.forwarded_message(coordinator, "hi", user), bot.app.bot)
    )
    assert question["text"].startswith("Qui nommez-vous")
    before_audit = await storage.edits.entries(limit=100)
    needles = (FORGOTTEN, str(FORGOTTEN), NAME, USERNAME)
    held = await scan(bot, *needles)
    for where in (
        "users.id",
        "people.user_id",
        "people.name",
        "people.username",
        "rsvps.user_id",
        "coordinators.user_id",
        "coordinators.appointed_by",
        "audit.actor",
        "subscriptions.created_by",
        "chats.id",
        "conversation_states.user_id",
        "conversation_drafts.user_id",
        "rsvps.name",
        "agenda_items.author_id",
        "agenda_items.author_name",
        "action_items.owner_id",
        "action_items.owner_name",
        "action_items.created_by",
        "action_items.done_by",
        "meeting_minutes.added_by",
        "calendar_feeds.created_by",
    ):
        assert any(h.startswith(where) for h in held), (where, held)

    [offer] = await bot.send("/forgetme", user=user)
    assert keys(offer) == ["fm:y", "fm:n"]
    [kept] = await bot.press(offer, "fm:n", user=user)
    assert kept["text"] == "D'accord\u202f: rien n'a été effacé."
    assert await scan(bot, *needles) == held  # ✖ changes nothing
    [done] = await bot.press(offer, "fm:y", user=user)

    assert await scan(bot, *needles) == []
    after_audit = await storage.edits.entries(limit=100)
    assert [e.id for e in after_audit] == [e.id for e in before_audit]  # the changes stay
    assert all(
        e.actor is None
        for e in after_audit
        if e.id in {b.id for b in before_audit if b.actor == FORGOTTEN}
    )
    assert done["text"].startswith("C'est fait")  # in their language, read before erasing
    assert "•" in done["text"] and "PARTNERBOT_ADMINS" not in done["text"]
    [again] = await bot.send("/forgetme", user=user)
    [nothing] = await bot.press(again, "fm:y", user=user)
    assert "PARTNERBOT_ADMINS" not in nothing["text"] and "•" not in nothing["text"]
    # The user's reader forgot them too: Telegram's language again, no town.
    [state] = await bot.send("/listme", user=user)
    assert "/meinestadt" in state["text"]


async def test_a_configured_coordinator_is_told_the_setting_still_names_them(bot: Driver) -> None:
    admin = person(COORDINATOR, "Admin")
    [offer] = await bot.send("/forgetme", user=admin)
    [done] = await bot.press(offer, "fm:y", user=admin)
    assert "PARTNERBOT_ADMINS" in done["text"]
    [refused] = await bot.send("/forgetme", user=admin, chat=bot.group())
    assert not keys(refused)


async def test_contacts_pages_fit_a_screen_and_list_each_listed_person_once(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    now = bot.app.bot_data.clock.now()
    for n in range(12):  # twelve listed in Bonn, with long names, and one who is not
        uid = 1000 + n
        await storage.preferences.set_user_town(uid, "bonn")
        await storage.people.add(uid, f"Person number {n:02} of Bonn", f"p{n}", ("de", "en"), now)
    await storage.preferences.set_user_town(2000, "bonn")
    [first] = await bot.send("/contacts bonn", user=person(60, "Asker"))
    pages = await bot.pages(first, user=person(60, "Asker"))
    assert len(pages) > 1
    assert all(screen_lines(p["text"]) <= SCREEN_LINES for p in pages)
    shown = [f"Person number {n:02}" for n in range(12)]
    text = "\n".join(p["text"] for p in pages)
    assert all(text.count(name) == 1 for name in shown)
    assert "2000" not in str([p.get("entities") for p in pages])


async def test_in_a_group_contacts_go_to_the_private_chat(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    await storage.preferences.set_user_town(51, "bonn")
    await storage.people.add(51, "Anna", None, ("de",), bot.app.bot_data.clock.now())
    group = bot.group(-100)
    stranger = person(61, "Stranger")
    [told] = await bot.send("/contacts bonn", user=stranger, chat=group)
    assert "Anna" not in told["text"] and "/contacts" in told["text"]  # never opened a chat
    asker = person(62, "Asker")
    await bot.send("/start", user=asker)
    [listed, note] = await bot.send("/contacts bonn", user=asker, chat=group)
    assert listed["chat"]["id"] == 62 and "Anna" in listed["text"]
    assert note["chat"]["id"] == -100 and "Anna" not in note["text"]


async def test_a_listed_persons_new_name_is_kept_only_when_it_changed(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    anna = person(51, "Anna", "anna")
    await set_town(bot, anna, "bonn")
    await list_me(bot, anna)
    writes = storage.db.transactions
    await bot.send("/help", user=anna)
    assert storage.db.transactions == writes  # the same name: nothing written
    await bot.send("/help", user=person(51, "Anna Maria", "anna_m"))
    listing = await storage.people.listing(51)
    assert listing is not None and (listing.name, listing.username) == ("Anna Maria", "anna_m")


async def test_contacts_of_a_phase_lists_its_towns_people_and_says_so_when_none(
    bot: Driver,
) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    now = bot.app.bot_data.clock.now()
    await storage.preferences.set_user_town(81, "mtwara")
    await storage.people.add(81, "Neema", None, ("en",), now)
    await storage.preferences.set_user_town(82, "bonn")  # not in phase 8
    await storage.people.add(82, "Anna", None, ("de",), now)
    [answer] = await bot.send("/contactos fase 8", user=person(60, "Asker", lang="es"))
    assert "Neema" in answer["text"] and "Anna" not in answer["text"]
    assert "Mtwara" in answer["text"] and "lee inglés" in answer["text"]
    [none] = await bot.send("/contacts pfungstadt", user=person(60, "Asker"))
    assert "Nobody there is listed yet" in none["text"] and "/listme" in none["text"]
    [unknown] = await bot.send("/contacts zzzq", user=person(60, "Asker"))
    assert "found no town" in unknown["text"]
