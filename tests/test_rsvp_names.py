"""👥 under an invitation: who answered what, by name, toggled back to the counts; the
choice kept with the invitation (deliveries.shows_names) so that any later edit of it
keeps the names, through the real Application and the offline Bot API."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.model.chats import RsvpAnswer
from bot.model.domain import ChangeStatus, Dataset, MeetingChange
from bot.model.posts import Invitation
from bot.schedule.invitations import refresh_invitation
from bot.schedule.jobs import scheduler_of
from bot.schedule.replan import replan
from bot.telegram.limits import SCREEN_LINES, screen_lines
from storage.store import Storage
from tests.conftest import COORDINATOR, Driver

GROUP = -800


def store(bot: Driver) -> Storage:
    assert bot.app.bot_data.storage is not None
    return bot.app.bot_data.storage


async def invitation(bot: Driver, chat_id: int = GROUP) -> dict[str, Any]:
    """A group reading German and Spanish follows Bonn–La Paz and gets the invitation."""
    bot.group(chat_id)
    now = bot.app.bot_data.clock.now()
    await store(bot).subscriptions.add(
        chat_id, "supergroup", "Bonn – La Paz", "partnership", "bonn-la-paz", COORDINATOR, now
    )
    await store(bot).preferences.set_chat_languages(chat_id, "supergroup", None, ("de", "es"))
    settings = bot.app.bot_data.settings
    assert settings is not None
    await replan(store(bot), now, settings.timezone)
    await scheduler_of(bot.app).dispatcher.run(bot.app.bot)
    [post] = [
        c.result
        for c in bot.api.calls
        if c.method == "sendMessage" and c.result and c.result["chat"]["id"] == chat_id
    ]
    return dict(post)


QUESTIONS = ("Nehmen Sie teil? Antworten Sie unten.", "¿Participará? Responda abajo.")


def unasked(text: str) -> str:
    """The invitation as shown with the names: its question gives them its place."""
    return "\n".join(line for line in text.split("\n") if line not in QUESTIONS)


def now_shown(bot: Driver, post: dict[str, Any]) -> dict[str, Any]:
    return dict(bot.api.messages[(post["chat"]["id"], post["message_id"])])


def button(message: dict[str, Any], label: str) -> str:
    [data] = [
        k["callback_data"]
        for row in message["reply_markup"]["inline_keyboard"]
        for k in row
        if k["text"].startswith(label)
    ]
    return str(data)


def named(user_id: int, first_name: str, language_code: str = "de") -> dict[str, Any]:
    return {
        "id": user_id,
        "is_bot": False,
        "first_name": first_name,
        "language_code": language_code,
    }


async def test_names_are_shown_and_hidden_again_by_anyone(bot: Driver) -> None:
    post = await invitation(bot)
    counts_only = post["text"]
    for user, icon in (
        (named(1, "Ana"), "✅"),
        (named(2, "Bruno"), "✅"),
        (named(3, "Carla"), "❌"),
        (named(4, "Dieter"), "❔"),
    ):
        await bot.press(post, button(post, icon), user=user)
    assert now_shown(bot, post)["text"] == counts_only  # answers alone change only the counts
    await bot.press(post, button(post, "👥"), user=named(5, "Eva"))  # any member, no admin
    shown = now_shown(bot, post)
    assert shown["text"] == unasked(counts_only) + "\n✅ Ana, Bruno\n❌ Carla\n❔ Dieter"
    assert unasked(counts_only) != counts_only
    row = shown["reply_markup"]["inline_keyboard"][0]
    assert [k["text"] for k in row] == ["✅ 2", "❌ 1", "❔ 1", "🔢"]
    assert screen_lines(shown["text"]) <= SCREEN_LINES
    await bot.press(shown, button(shown, "🔢"), user=named(1, "Ana"))
    back = now_shown(bot, post)
    assert back["text"] == counts_only
    assert [k["text"] for k in back["reply_markup"]["inline_keyboard"][0]][-1] == "👥"


async def test_a_new_answer_while_names_are_shown_updates_them(bot: Driver) -> None:
    post = await invitation(bot)
    await bot.press(post, button(post, "👥"), user=named(5, "Eva"))
    assert now_shown(bot, post)["text"].endswith("👥 Noch keine Antworten.")
    await bot.press(post, button(post, "✅"), user=named(1, "Ana"))
    assert now_shown(bot, post)["text"] == unasked(post["text"]) + "\n✅ Ana"
    await bot.press(post, button(post, "❌"), user=named(1, "Ana"))  # changed her mind
    shown = now_shown(bot, post)
    assert shown["text"] == unasked(post["text"]) + "\n❌ Ana"
    assert [k["text"] for k in shown["reply_markup"]["inline_keyboard"][0]][:2] == ["✅ 0", "❌ 1"]


async def test_names_are_html_escaped(bot: Driver) -> None:
    post = await invitation(bot)
    await bot.press(post, button(post, "✅"), user=named(1, "<b>Eve</b> & Co"))
    await bot.press(post, button(post, "👥"), user=named(1, "<b>Eve</b> & Co"))
    [edit] = [c for c in bot.api.calls if c.method == "editMessageText"]
    assert "✅ &lt;b&gt;Eve&lt;/b&gt; &amp; Co" in edit.params["text"]
    assert now_shown(bot, post)["text"].endswith("✅ <b>Eve</b> & Co")  # shown as typed


async def test_many_answerers_fit_one_screen_with_the_rest_counted(bot: Driver) -> None:
    post = await invitation(bot)
    for user_id in range(1, 13):
        await bot.press(post, button(post, "✅"), user=named(user_id, f"Person {user_id}"))
    await bot.press(post, button(post, "❌"), user=named(20, "Maximiliane Müller-Lüdenscheidt"))
    await bot.press(post, button(post, "👥"), user=named(5, "Eva"))
    text = now_shown(bot, post)["text"]
    yes_line, no_line = text.split("\n")[-2:]
    assert yes_line.startswith("✅ Person 1, Person 2, Person 3")
    listed = yes_line.removeprefix("✅ ").split(" +")[0].split(", ")
    assert yes_line.endswith(f" +{12 - len(listed)}") and len(listed) <= 5
    assert no_line == "❌ Maximiliane…"  # cut after a whole word
    assert screen_lines(text) <= SCREEN_LINES


async def test_another_edit_of_the_invitation_keeps_the_names(bot: Driver) -> None:
    """What the agenda's edit does: recompose the invitation from its delivery."""
    post = await invitation(bot)
    await bot.press(post, button(post, "✅"), user=named(1, "Ana"))
    await bot.press(post, button(post, "👥"), user=named(1, "Ana"))
    shown = now_shown(bot, post)["text"]
    delivery_id = int(button(post, "✅").rsplit(":", 1)[1])
    delivery = await store(bot).outbox.get(delivery_id)
    assert delivery is not None and isinstance(delivery.payload, Invitation)
    now = bot.app.bot_data.clock.now()
    await store(bot).rsvps.answer(GROUP, delivery.payload, 2, RsvpAnswer.NO, now, "Bruno")
    settings, i18n = bot.app.bot_data.settings, bot.app.bot_data.i18n
    assert settings is not None and i18n is not None
    edited = await refresh_invitation(bot.app.bot, store(bot), i18n, settings.timezone, delivery)
    assert edited
    assert now_shown(bot, post)["text"] == shown + "\n❌ Bruno"
    assert await store(bot).rsvps.names_shown(delivery_id)


async def test_a_names_button_from_another_group_changes_nothing(bot: Driver) -> None:
    first, second = await invitation(bot, -801), await invitation(bot, -802)
    before = now_shown(bot, second)
    await bot.press(second, button(first, "👥"), user=named(1, "Ana"))
    assert now_shown(bot, second) == before
    delivery_id = int(button(first, "👥").rsplit(":", 1)[1])
    assert not await store(bot).rsvps.names_shown(delivery_id)


async def test_after_a_cancellation_an_answer_still_updates_the_counts(bot: Driver) -> None:
    """The text cannot be composed for a cancelled meeting: it stays, the counts move."""
    post = await invitation(bot)
    await bot.press(post, button(post, "👥"), user=named(1, "Ana"))
    text = now_shown(bot, post)["text"]
    cancelled = MeetingChange(
        "c-off", "bonn-la-paz-virtual", datetime(2026, 11, 24, 15, 0), ChangeStatus.CANCELLED
    )
    await store(bot).network.save(Dataset(meeting_changes=(cancelled,)))
    await bot.press(post, button(post, "✅"), user=named(2, "Bruno"))
    shown = now_shown(bot, post)
    assert shown["text"] == text
    assert [k["text"] for k in shown["reply_markup"]["inline_keyboard"][0]] == [
        "✅ 1",
        "❌ 0",
        "❔ 0",
        "🔢",
    ]


async def test_a_new_agenda_item_keeps_the_names_and_shows_the_item(bot: Driver) -> None:
    post = await invitation(bot)
    await bot.press(post, button(post, "✅"), user=named(1, "Ana"))
    await bot.press(post, button(post, "👥"), user=named(1, "Ana"))
    group = {"id": GROUP, "type": "supergroup", "title": "Bonn – La Paz"}
    await bot.send("/agenda Haushalt 2027", user=named(2, "Bruno"), chat=group)
    text = now_shown(bot, post)["text"]
    assert "1. Haushalt 2027 — Bruno" in text
    assert text.endswith("\n✅ Ana")
    assert screen_lines(text) <= SCREEN_LINES
    row = now_shown(bot, post)["reply_markup"]["inline_keyboard"][0]
    assert [k["text"] for k in row] == ["✅ 1", "❌ 0", "❔ 0", "🔢"]


async def test_forgetme_takes_the_name_off_the_invitations_that_showed_it(bot: Driver) -> None:
    post = await invitation(bot)
    zyx = named(77, "Zyxwvu")
    await bot.press(post, button(post, "✅"), user=named(1, "Ana"))
    await bot.press(post, button(post, "✅"), user=zyx)
    await bot.press(post, button(post, "👥"), user=named(1, "Ana"))
    group = {"id": GROUP, "type": "supergroup", "title": "Bonn – La Paz"}
    await bot.send("/agenda Mein Punkt", user=zyx, chat=group)
    assert "Zyxwvu" in now_shown(bot, post)["text"]
    [offer] = await bot.send("/forgetme", user=zyx)
    await bot.press(offer, "fm:y", user=zyx)
    shown = now_shown(bot, post)
    assert "Zyxwvu" not in shown["text"]
    [item] = await store(bot).agenda.items(("bonn-la-paz-virtual", "2026-11-24T15:00"))
    assert item.text.original == "Mein Punkt" and item.author_id is None  # the item stays
    assert shown["text"].endswith("\n✅ Ana")
    assert shown["reply_markup"]["inline_keyboard"][0][0]["text"] == "✅ 1"
