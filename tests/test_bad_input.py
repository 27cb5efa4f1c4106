"""Any argument to any command: a clear reply, no error, nothing changed."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.model.dataset import dataset_to_yaml
from tests.conftest import Driver

COMMANDS = ["/partner", "/milestones", "/exchanges", "/timezone", "/iam", "/language", "/phases"]
NASTY = [
    "",
    "   ",
    "a" * 5000,
    "<b>bold</b> <script>alert(1)</script> &amp; &",
    "'; DROP TABLE partnerships; --",
    '" OR 1=1 -- NEAR( * ) ^',
    "🌍🤝🏽👩🏿‍🌾",
    "مرحبا بالعالم",  # right-to-left
    "\u202eevil\u202c",
    "fase 999",
    "\x00\x01",
    "Kédougou " * 600,
]


async def _no_harm(bot: Driver, caplog: pytest.LogCaptureFixture, text: str) -> None:
    storage = bot.app.bot_data.storage
    assert storage is not None
    before = dataset_to_yaml(await storage.network.load(examples=True))
    caplog.clear()
    for command in COMMANDS:
        replies = await bot.send(f"{command} {text}".strip(), user=bot.user(77, "es"))
        assert replies, f"{command} {text[:30]!r} got no reply"
        assert all(0 < len(r["text"]) <= 4096 for r in replies)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]
    assert dataset_to_yaml(await storage.network.load(examples=True)) == before


@pytest.mark.parametrize("text", NASTY)
async def test_nasty_arguments(bot: Driver, caplog: pytest.LogCaptureFixture, text: str) -> None:
    await _no_harm(bot, caplog, text)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=st.text(min_size=0, max_size=300))
async def test_any_text(bot: Driver, caplog: pytest.LogCaptureFixture, text: str) -> None:
    await _no_harm(bot, caplog, text)


async def test_forged_callback_data_is_answered_quietly(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    [message] = await bot.send("/partner")
    for data in [
        "pl:x:q:bonn",
        "pl:9999:q:bonn",
        "pa:nope",
        "ms:nope",
        "ex:abc",
        "ics:e:nope",
        "ics:s:",
        "pb:zz",
        "lang:xx",
        "pl:0:c:ZZ",
        "pe:nope",
    ]:
        await bot.press(message, data)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]


async def test_unknown_command_answers_about_the_first_command(bot: Driver) -> None:
    group = bot.group(-4001)
    assert await bot.send("/foo@otherbot x /bar@partnerbot", chat=group) == []
    [reply] = await bot.send("/foo@partnerbot and /bar", chat=group)
    assert reply["text"].startswith("I do not know the command /foo.")


async def test_odd_page_numbers_and_sources_are_answered_quietly(
    bot: Driver, caplog: pytest.LogCaptureFixture
) -> None:
    [message] = await bot.send("/partner")
    before = len(bot.api.calls)
    for data in ("ex:²:u:", "pl:²:q:x", "pl:0:zz:", "pl:0:q:", "ms:P4"):
        await bot.press(message, data)
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], caplog.text[:2000]
    sent = [c for c in bot.api.calls[before:] if c.method in ("sendMessage", "editMessageText")]
    assert all("Sorry" not in (c.result or {}).get("text", "") for c in sent)
