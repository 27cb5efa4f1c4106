"""Buttons: every press is answered once, and a forged one changes nothing (issue 13).

Presses go through the real Application and the offline Bot API. The forged data is
generated: for every kind of button, its prefix alone, its prefix and a hostile value, and
its fields one at a time replaced by a hostile value; each pressed in a private chat, in a
group by an admin and by a member, and under an inline message (no message, no chat).
"""

from __future__ import annotations

import dataclasses
import itertools
import logging
import random
from enum import StrEnum
from typing import Any, get_type_hints

import pytest

from bot.telegram.callbacks import CallbackData
from harness.fake_telegram import as_update
from tests.conftest import COORDINATOR, Driver
from tests.test_callbacks import ON_THE_WIRE

ADMIN, MEMBER = 11, 12
HOSTILE = [
    "²",  # a digit to isdigit(), not to int()
    "9" * 50,  # beyond SQLite's integers
    "9" * 19,
    "9" * 18,  # the largest that unpacks: pages of it must not overflow either
    "-1",
    "",
    ":",
    "a" * 64,
    "nonexistent",
]
_rng = random.Random(13)  # the same "random" bytes on every run
RANDOM = [_rng.randbytes(_rng.randint(1, 64)).decode("utf-8", "replace") for _ in range(4)]
NO_HANDLER = [":", "::", "a" * 64, "zz:1", "rsvpx:y:1", "LANG:en", " lang:en", *RANDOM]
APOLOGY_START = "Sorry, something went wrong"


def samples(kind: Any) -> list[str]:
    """Well-formed values of a field's type that refer to nothing: each of an enum's codes."""
    if kind is int:
        return ["0"]
    if isinstance(kind, type) and issubclass(kind, StrEnum):
        return [member.value for member in kind]
    return ["nonexistent"]


def forgeries(kind: type[CallbackData]) -> list[str]:
    """The prefix alone and with a hostile value; then for every well-formed value that
    refers to nothing, each field in turn replaced by a hostile value."""
    hints = get_type_hints(kind)
    fields = [samples(hints[f.name]) for f in dataclasses.fields(kind)]  # type: ignore[arg-type]
    found = [kind.prefix] + [f"{kind.prefix}:{hostile}" for hostile in HOSTILE + RANDOM]
    for base in itertools.product(*fields):
        found.append(":".join([kind.prefix, *base]))
        for i, hostile in itertools.product(range(len(base)), HOSTILE + RANDOM):
            found.append(":".join([kind.prefix, *base[:i], hostile, *base[i + 1 :]]))
    return list(dict.fromkeys(found))


def storage(bot: Driver) -> Any:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


class Presser:
    """Presses data in one place (a chat's message, or an inline message) and says what
    went wrong with the answer, if anything."""

    def __init__(self, bot: Driver, caplog: pytest.LogCaptureFixture) -> None:
        self.bot, self.caplog = bot, caplog

    async def press(
        self, data: str, user: dict[str, Any], message: dict[str, Any] | None
    ) -> list[str]:
        api = self.bot.api
        update = (
            api.button_press(user, message, data)
            if message is not None
            else api.inline_button_press(user, data)
        )
        query_id = update["callback_query"]["id"]
        since, logged = len(api.calls), len(self.caplog.records)
        await self.bot.app.process_update(as_update(update, self.bot.app.bot))
        calls = api.calls[since:]
        problems = []
        answers = [
            c
            for c in calls
            if c.method == "answerCallbackQuery" and c.params["callback_query_id"] == query_id
        ]
        if len(answers) != 1:
            problems.append(f"answered {len(answers)} times")
        errors = [r for r in self.caplog.records[logged:] if r.levelno >= logging.ERROR]
        if errors:
            problems.append(f"error: {errors[0].exc_info and errors[0].exc_info[1]!r}")
        sent = [str(c.params.get("text", "")) for c in calls if c.method == "sendMessage"]
        if any(APOLOGY_START in text for text in sent):
            problems.append("apologised")
        return problems


@pytest.fixture
def presser(bot: Driver, caplog: pytest.LogCaptureFixture) -> Presser:
    caplog.set_level(logging.ERROR)
    return Presser(bot, caplog)


async def places(bot: Driver) -> list[tuple[str, dict[str, Any], dict[str, Any] | None]]:
    """(where, who presses, the message pressed): a private chat, a group's admin and
    member (the group follows something, so there is a subscription to forge around), and
    an inline message."""
    group = bot.group(-1300, {ADMIN: "administrator"})
    admin, member, alone = bot.user(ADMIN, "en"), bot.user(MEMBER, "es"), bot.user(5, "de")
    await bot.send("/subscribe fase 8", user=admin, chat=group)
    [in_group] = await bot.send("/help", user=admin, chat=group)
    [in_private] = await bot.send("/help", user=alone)
    return [
        ("private", alone, in_private),
        ("group admin", admin, in_group),
        ("group member", member, in_group),
        ("inline", bot.user(6, "fr"), None),
    ]


@pytest.mark.parametrize("kind", sorted(CallbackData._kinds.values(), key=lambda k: k.prefix))
async def test_forged_presses_of_every_kind_are_answered_and_change_nothing(
    bot: Driver, presser: Presser, kind: type[CallbackData]
) -> None:
    where = await places(bot)
    before = await bot.rows()
    problems = []
    for data in forgeries(kind):
        for name, user, message in where:
            found = await presser.press(data, user, message)
            problems += [f"{data!r} ({name}): {p}" for p in found]
        # The tables once per forgery, after its presses in every place (a dump per press
        # cost a second or more per kind): any change is still caught, and named.
        after = await bot.rows()
        if after != before:
            changed = sorted(t for t in after if after[t] != before.get(t))
            problems.append(f"{data!r}: changed {changed}")
            before = after
    assert not problems, "\n".join(problems[:40])


async def test_data_no_handler_knows_is_answered_and_changes_nothing(
    bot: Driver, presser: Presser
) -> None:
    where = await places(bot)
    before = await bot.rows()
    problems = []
    for data in NO_HANDLER:
        for name, user, message in where:
            problems += [
                f"{data!r} ({name}): {p}" for p in await presser.press(data, user, message)
            ]
    assert not problems, "\n".join(problems)
    assert await bot.rows() == before


async def test_a_press_nobody_knows_gets_a_short_localized_note(bot: Driver) -> None:
    [message] = await bot.send("/help", user=bot.user(5, "de"))
    since = len(bot.api.calls)
    assert await bot.press(message, "a" * 64, user=bot.user(5, "de")) == []
    assert bot.alerts(since) == ["Diese Schaltfläche funktioniert nicht mehr."]
    [answer] = [c for c in bot.api.calls[since:] if c.method == "answerCallbackQuery"]
    assert not answer.params.get("show_alert")  # a note that fades, not a box to close


@pytest.mark.parametrize("data", ["lang:xx", "lang:" + "e" * 40])
async def test_a_language_nobody_offers_gets_the_same_note(bot: Driver, data: str) -> None:
    [message] = await bot.send("/language", user=bot.user(5, "de"))
    since = len(bot.api.calls)
    assert await bot.press(message, data, user=bot.user(5, "de")) == []
    assert bot.alerts(since) == ["Diese Schaltfläche funktioniert nicht mehr."]


async def test_the_catch_all_is_the_last_button_handler(bot: Driver) -> None:
    from telegram.ext import CallbackQueryHandler

    from handlers import fallback

    buttons = [h for h in bot.app.handlers[0] if isinstance(h, CallbackQueryHandler)]
    assert buttons[-1].callback is fallback.unknown_button
    assert buttons[-1].pattern is None  # takes any data the others left
    assert all(h.callback is not fallback.unknown_button for h in buttons[:-1])


# -- numbers that are not ones, or refer to nothing (item 4) ---------------------------------


@pytest.mark.parametrize(
    "data", ["rsvp:y:²", "unsub:²", "rsvp:y:" + "9" * 50, "unsub:" + "9" * 30, "rsvp:n:-5"]
)
async def test_numbers_that_are_not_ones_are_answered_in_a_group(
    bot: Driver, presser: Presser, data: str
) -> None:
    group = bot.group(-1301, {ADMIN: "administrator"})
    [message] = await bot.send("/help", user=bot.user(ADMIN), chat=group)
    before = await bot.rows()
    assert await presser.press(data, bot.user(ADMIN), message) == []
    assert await bot.rows() == before


async def test_an_rsvp_to_a_post_that_does_not_exist_is_told_it_is_over(bot: Driver) -> None:
    group = bot.group(-1302, {ADMIN: "administrator"})
    [message] = await bot.send("/help", user=bot.user(MEMBER, "es"), chat=group)
    before = await bot.rows()
    since = len(bot.api.calls)
    assert await bot.press(message, "rsvp:y:987654321", user=bot.user(MEMBER, "es")) == []
    assert bot.alerts(since) == ["Esta reunión ya terminó: no se aceptan más respuestas."]
    assert await bot.rows() == before


async def test_unsubscribing_another_chats_subscription_changes_nothing(bot: Driver) -> None:
    theirs = bot.group(-1303, {ADMIN: "administrator"})
    ours = bot.group(-1304, {MEMBER: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=theirs)
    [their_sub] = await storage(bot).subscriptions.of_chat(-1303)
    [choice] = await bot.send("/help", user=bot.user(MEMBER), chat=ours)
    before = await bot.rows()
    [answer] = await bot.press(choice, f"unsub:{their_sub.id}", user=bot.user(MEMBER))
    assert answer["text"].startswith("This chat follows nothing yet.")  # its own list
    assert await bot.rows() == before
    assert await storage(bot).subscriptions.of_chat(-1303) == [their_sub]


# -- subscribing to something that does not exist (item 5) -----------------------------------

NOT_THERE = {
    "en": "That is no longer in the network: nothing changed.",
    "es": "Eso ya no está en la red: no cambió nada.",
}


@pytest.mark.parametrize("data", ["sub:a:nonexistent-town", "sub:h:p99", "sub:g:nope"])
@pytest.mark.parametrize("lang", sorted(NOT_THERE))
async def test_subscribing_to_something_that_does_not_exist_stores_nothing(
    bot: Driver, data: str, lang: str
) -> None:
    group = bot.group(-1305, {ADMIN: "administrator"})
    [message] = await bot.send("/help", user=bot.user(ADMIN, lang), chat=group)
    before = await bot.rows()
    since = len(bot.api.calls)
    assert await bot.press(message, data, user=bot.user(ADMIN, lang)) == []  # no "Done"
    assert bot.alerts(since) == [NOT_THERE[lang]]
    assert await bot.rows() == before
    assert await storage(bot).subscriptions.of_chat(-1305) == []


async def test_subscribing_by_button_to_what_exists_still_works(bot: Driver) -> None:
    group = bot.group(-1306, {ADMIN: "administrator"})
    [message] = await bot.send("/help", user=bot.user(COORDINATOR), chat=group)
    for data, label in [
        ("sub:h:p8", "Phase 8"),
        ("sub:g:kkp", "Municipal Climate Partnerships"),
        ("sub:a:bonn-la-paz", "Bonn – La Paz"),
    ]:
        [done] = await bot.press(message, data, user=bot.user(COORDINATOR))
        assert done["text"].startswith("Done: this chat now follows " + label)
    assert len(await storage(bot).subscriptions.of_chat(-1306)) == 3


# -- presses under an inline message (item 6) ------------------------------------------------


@pytest.mark.parametrize("data", [packed for _data, packed in ON_THE_WIRE])
async def test_a_real_looking_press_under_an_inline_message_changes_nothing(
    bot: Driver, presser: Presser, data: str
) -> None:
    """Our inline results carry no buttons, so such a press is forged: answered, no more."""
    group = bot.group(-1307, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    before = await bot.rows()
    assert await presser.press(data, bot.user(ADMIN), None) == []
    assert await bot.rows() == before


async def test_an_inline_press_cannot_unsubscribe_a_real_subscription(
    bot: Driver, presser: Presser
) -> None:
    group = bot.group(-1310, {ADMIN: "administrator"})
    await bot.send("/subscribe bonn", user=bot.user(ADMIN), chat=group)
    [subscription] = await storage(bot).subscriptions.of_chat(-1310)
    before = await bot.rows()
    assert await presser.press(f"unsub:{subscription.id}", bot.user(ADMIN), None) == []
    assert await bot.rows() == before
