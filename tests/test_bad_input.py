"""Any argument to any command: a clear reply, no error, nothing changed."""

from __future__ import annotations

import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.dataset import dataset_to_yaml
from tests.conftest import Driver

COMMANDS = ["/partner", "/milestones", "/exchanges", "/timezone", "/language", "/phases"]
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
