"""/appoint and /dismiss through the real Application: the person picked by a reply in a
group, a forwarded message or the pick-a-person button; the role by buttons."""

from __future__ import annotations

from typing import Any

import pytest

from bot.model.domain import LANGUAGES
from bot.model.roles import Side
from bot.telegram.limits import SCREEN_LINES
from harness.fake_telegram import as_update
from harness.screen import cut_labels, screen_lines, visible
from tests.conftest import COORDINATOR, Driver
from tests.test_conversation_state import Lives
from tests.test_conversation_state import lives as lives  # the fixture
from tests.test_people import keys, person
from tests.test_screen import leak_check

MARIA = person(77, "María", "maria_bo", "es")


async def deliver(bot: Driver, update: dict[str, Any]) -> list[dict[str, Any]]:
    before = len(bot.api.calls)
    await bot.app.process_update(as_update(update, bot.app.bot))
    return bot.replies(before)


def admin(lang: str = "en") -> dict[str, Any]:
    return person(COORDINATOR, "Clara", "clara", lang)


async def test_a_forwarded_message_picks_the_person_then_focal_point_by_typed_town(
    bot: Driver,
) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    [ask] = await bot.send("/appoint", user=admin())
    assert ask["text"].startswith("Whom do you appoint?")
    button = bot.api.sent()[-1]["reply_markup"]["keyboard"][0][0]
    assert button["request_users"] == {
        "request_id": 1,
        "user_is_bot": False,
        "max_quantity": 1,
        "request_name": True,
        "request_username": True,
    }
    picked, role = await deliver(bot, bot.api.forwarded_message(admin(), "hola", MARIA))
    assert "María" in picked["text"] and bot.api.sent()[-2]["reply_markup"] == {
        "remove_keyboard": True
    }
    assert keys(role) == ["apr:c", "apr:f"]
    [which] = await bot.press(role, "apr:f", user=admin())
    assert "apg:1" in keys(which)  # the partnerships, paged
    [found] = await bot.send("la paz", user=admin())
    assert "app:bonn-la-paz" in keys(found)
    [side] = await bot.press(found, "app:bonn-la-paz", user=admin())
    assert keys(side) == ["aps:n", "aps:s"] and "Bonn" in str(side["reply_markup"])
    [confirm] = await bot.press(side, "aps:s", user=admin())
    assert "focal point of Bonn – La Paz (La Paz)" in confirm["text"]
    assert await storage.roles.focal_points("bonn-la-paz") == []  # not before ✅
    [done] = await bot.press(confirm, "apc:y", user=admin())
    assert await storage.roles.focal_points("bonn-la-paz") == [(77, Side.SOUTH)]
    assert "María" in done["text"] and "could not tell them" in done["text"]
    roles = await storage.roles.of(77, bot.app.bot_data.settings.admins)  # type: ignore[union-attr]
    assert roles.may_edit("bonn-la-paz") and not roles.may_edit(None)


async def test_a_hidden_sender_cannot_be_identified_and_the_button_is_offered(
    bot: Driver,
) -> None:
    await bot.send("/appoint", user=admin())
    [hidden] = await deliver(bot, bot.api.forwarded_message(admin(), "hola", "Someone"))
    assert "cannot tell who" in hidden["text"]
    assert "request_users" in bot.api.sent()[-1]["reply_markup"]["keyboard"][0][0]
    # The picked contact then: a coordinator, told privately since they started the bot.
    [_hello, town] = await bot.send("/start", user=MARIA)
    await bot.press(town, "iam:la-paz", user=MARIA)
    shared = {"user_id": 77, "first_name": "María", "username": "maria_bo"}
    _picked, role = await deliver(bot, bot.api.users_shared(admin(), 1, shared))
    [confirm] = await bot.press(role, "apr:c", user=admin())
    before = len(bot.api.calls)
    [told, done] = await bot.press(confirm, "apc:y", user=admin())
    assert "I told them" in done["text"]
    assert told["chat"]["id"] == 77 and "Clara" in told["text"]
    assert told["text"].startswith("Clara le nombró")  # in their language
    assert (await bot.app.bot_data.storage.roles.of(77, frozenset())).coordinator  # type: ignore[union-attr]
    assert before


async def test_in_a_group_a_reply_picks_the_person_and_only_the_appointer_presses(
    bot: Driver,
) -> None:
    group = bot.group(-100)
    said = bot.api.user_message(MARIA, group, "hola")
    await deliver(bot, said)
    update = bot.api.reply_message(admin(), group, "/appoint", said["message"])
    [role] = await deliver(bot, update)
    assert role["chat"]["id"] == -100 and keys(role) == ["apr:c", "apr:f"]
    since = len(bot.api.calls)
    assert await bot.press(role, "apr:c", user=MARIA) == []
    assert bot.alerts(since) == ["Solo el coordinador que empezó esto puede elegir aquí."]
    [confirm] = await bot.press(role, "apr:c", user=admin())
    [done] = await bot.press(confirm, "apc:y", user=admin())
    assert "coordinator" in done["text"]


async def test_a_plain_member_is_refused_and_nothing_changes(bot: Driver) -> None:
    before = await bot.rows()
    [refused] = await bot.send("/appoint", user=MARIA)
    assert not keys(refused) and "coordinación" in refused["text"]
    [refused] = await bot.send("/dismiss", user=MARIA)
    after = await bot.rows()
    assert {k: v for k, v in after.items() if k != "users"} == {
        k: v for k, v in before.items() if k != "users"
    }


async def test_dismiss_takes_a_role_away_but_not_the_configured_coordinator(
    bot: Driver,
) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    now = bot.app.bot_data.clock.now()
    await storage.roles.appoint_focal_point("bonn-la-paz", 77, Side.NORTH, COORDINATOR, now)
    await bot.send("/dismiss", user=admin())
    _picked, roles = await deliver(bot, bot.api.forwarded_message(admin(), "hola", MARIA))
    assert keys(roles) == ["dis:bonn-la-paz"]
    [confirm] = await bot.press(roles, "dis:bonn-la-paz", user=admin())
    [done] = await bot.press(confirm, "apc:y", user=admin())
    assert "no longer" in done["text"]
    assert await storage.roles.focal_points("bonn-la-paz") == []
    await bot.send("/dismiss", user=admin())
    configured = person(COORDINATOR, "Clara", "clara")
    _picked, said = await deliver(bot, bot.api.forwarded_message(admin(), "x", configured))
    assert "PARTNERBOT_ADMINS" in said["text"] and not keys(said)


async def test_the_conversation_resumes_after_a_crash(lives: Lives) -> None:
    """The first Application is abandoned mid-way (a crash); the second carries on at the
    same step with the same draft."""
    bot = await lives.start()
    await bot.send("/appoint", user=admin())
    _picked, role = await deliver(bot, bot.api.forwarded_message(admin(), "hola", MARIA))
    again = await lives.start()
    [confirm] = await again.press(role, "apr:c", user=admin())
    assert "María" in confirm["text"]
    await again.press(confirm, "apc:y", user=admin())
    assert again.app.bot_data.storage is not None
    assert await again.app.bot_data.storage.roles.appointed_coordinators() == [77]


async def test_an_appointee_who_blocked_the_bot_is_not_told_and_nothing_is_logged(
    bot: Driver, caplog: Any
) -> None:
    await bot.send("/start", user=MARIA)
    bot.api.blocked.add(77)  # 403 from Telegram
    await bot.send("/appoint", user=admin())
    _picked, role = await deliver(bot, bot.api.forwarded_message(admin(), "hola", MARIA))
    [confirm] = await bot.press(role, "apr:c", user=admin())
    with caplog.at_level("WARNING"):
        [done] = await bot.press(confirm, "apc:y", user=admin())
    assert "could not tell them" in done["text"]
    assert not [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]


async def test_a_forged_or_stale_button_changes_nothing(bot: Driver) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    await bot.send("/appoint", user=admin())
    _picked, role = await deliver(bot, bot.api.forwarded_message(admin(), "hola", MARIA))
    [which] = await bot.press(role, "apr:f", user=admin())
    since = len(bot.api.calls)
    assert await bot.press(which, "app:no-such-partnership", user=admin()) == []
    assert bot.alerts(since) == ["This button no longer works."]
    assert await storage.roles.focal_points("bonn-la-paz") == []
    since = len(bot.api.calls)
    assert await bot.press(which, "apc:y", user=admin()) == []  # over: the conversation ended
    assert bot.alerts(since) == ["This button no longer works."]
    assert await storage.roles.focal_points("bonn-la-paz") == []
    assert await storage.roles.appointed_coordinators() == []


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_step_fits_a_screen_in_its_language(bot: Driver, lang: str) -> None:
    """The steps the walk cannot reach (its user is no coordinator, has no town, nobody is
    listed): each message fits a phone screen, no label is cut, no English leaks."""
    me = admin(lang)
    since = len(bot.api.calls)
    await bot.send("/appoint", user=me)
    _picked, role = await deliver(bot, bot.api.forwarded_message(me, "hola", MARIA))
    [which] = await bot.press(role, "apr:f", user=me)
    await bot.press(which, "apg:1", user=me)
    [found] = await bot.send("la paz", user=me)
    [side] = await bot.press(found, "app:bonn-la-paz", user=me)
    [confirm] = await bot.press(side, "aps:s", user=me)
    await bot.press(confirm, "apc:y", user=me)
    await bot.send("/dismiss", user=me)
    await deliver(bot, bot.api.forwarded_message(me, "hola", admin()))  # configured
    await bot.send("/dismiss", user=me)
    _picked, roles = await deliver(bot, bot.api.forwarded_message(me, "hola", MARIA))
    [confirm] = await bot.press(roles, "dis:bonn-la-paz", user=me)
    await bot.press(confirm, "apc:y", user=me)
    [question] = await bot.send("/iam la paz", user=me)
    await bot.press(question, "iam:la-paz", user=me)
    [offer] = await bot.send("/listme", user=me)
    await bot.press(offer, "lm:y", user=me)
    await bot.send("/contacts la paz", user=me)
    [offer] = await bot.send("/forgetme", user=me)
    await bot.press(offer, "fm:y", user=me)
    said = [
        (c.params.get("text", ""), c.params.get("reply_markup"))
        for c in bot.api.calls[since:]
        if c.method in ("sendMessage", "editMessageText") and c.error is None
    ]
    assert len(said) >= 20
    assert not [t for t, _m in said if screen_lines(visible(t)) > SCREEN_LINES]
    assert not [c for _t, m in said if isinstance(m, dict) for c in cut_labels(m)]
    check = await leak_check(bot)
    leaked = {}
    for text, markup in said:
        keys_ = (markup or {}).get("inline_keyboard", []) if isinstance(markup, dict) else []
        shown = " ".join([text, *(k["text"] for row in keys_ for k in row)])
        if found_ := check.leaked(shown, lang, "la paz"):
            leaked[text] = found_
    assert not leaked


async def test_a_choice_begun_elsewhere_meanwhile_leaves_the_first_chats_buttons_inert(
    bot: Driver,
) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    group = bot.group(-100)
    said = bot.api.user_message(MARIA, group, "hola")
    await deliver(bot, said)
    [role] = await deliver(bot, bot.api.reply_message(admin(), group, "/appoint", said["message"]))
    await bot.send("/appoint", user=admin())  # and now in private: the draft is that one's
    since = len(bot.api.calls)
    assert await bot.press(role, "apr:c", user=admin()) == []
    assert bot.alerts(since) == ["This button no longer works."]
    assert await storage.roles.appointed_coordinators() == []
