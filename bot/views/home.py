"""Which town a user belongs to: the question /start asks in private and /iam asks again."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model import territories
from bot.model.domain import Municipality
from bot.telegram.callbacks import PickTown, SkipTown, TownPage, button, grid
from bot.telegram.commands import command_names
from bot.telegram.limits import Keyboard
from bot.telegram.paging import nav_row, page_of
from bot.text import places
from bot.text.i18n import Translator
from bot.text.markup import escape
from bot.text.moments import clock_there
from bot.views.common import flag, languages_in_text

PAGE_SIZE = 8  # four rows of two at most: the keyboard stays within a phone's screen
TOWNS_PER_ROW = 2  # a long name takes a row alone


def town_label(town: Municipality, lang: str) -> str:
    return f"{flag(town.country)} {town.name.get(lang)}".strip()


def page_with(towns: Sequence[Municipality], town_id: str | None) -> int:
    """The page that shows `town_id` (the user's current town), else the first."""
    ids = [t.id for t in towns]
    return ids.index(town_id) // PAGE_SIZE if town_id in ids else 0


def town_question(
    tr: Translator,
    towns: Sequence[Municipality],
    page: int = 0,
    current: str | None = None,
    typed: str | None = None,
) -> tuple[str, InlineKeyboardMarkup]:
    """The question, with a page of towns (or those matching what was typed) and "Skip"."""
    if typed is None:
        text = tr.gettext("Which town of the network do you belong to? Pick it, or type its name.")
    elif towns:
        text = tr.gettext("Towns for “{typed}”: pick yours, or type another name.").format(
            typed=escape(typed[:40])
        )
    else:
        text = tr.gettext("No town of the network matches “{typed}”. Type another name.").format(
            typed=escape(typed[:40])
        )
    shown, page, pages = page_of(towns, page, PAGE_SIZE)
    if typed is not None and len(towns) > len(shown):  # typed: one page, and a way on
        more = len(towns) - len(shown)
        text += "\n" + tr.ngettext(
            "{count} more: type more letters.", "{count} more: type more letters.", more
        ).format(count=more)
    rows = grid(
        [
            (("✓ " if t.id == current else "") + town_label(t, tr.lang), PickTown(t.id))
            for t in shown
        ],
        TOWNS_PER_ROW,
    )
    if typed is None and (nav := nav_row(TownPage, page, pages)):
        rows.append(nav)
    rows.append([button(tr.gettext("Skip"), SkipTown())])
    return text, Keyboard(rows)


def town_set(
    tr: Translator, town: Municipality, zone: ZoneInfo, now: datetime, language: str | None
) -> str:
    """The answer, in the user's language from now on (`tr`); `language` if it was set."""
    lines = [
        tr.gettext("Done: you belong to {town} ({country}).").format(
            town=escape(town.name.get(tr.lang)),
            country=escape(territories.name(town.country, tr.lang)),
        ),
        tr.gettext("Times are shown for {zone} (now {time} there).").format(
            zone=escape(places.city(zone, tr.lang)),
            time=clock_there(tr, now, zone),
        ),
    ]
    if language:
        lines.append(
            tr.gettext("I reply in {language}: /{cmd_language} changes it.").format(
                language=escape(languages_in_text([language], tr)), **command_names(tr.lang)
            )
        )
    lines.append(tr.gettext("Another town: /{cmd_iam}").format(**command_names(tr.lang)))
    lines.append(
        tr.gettext("Others in the network may find you, if you wish: /{cmd_listme}").format(
            **command_names(tr.lang)
        )
    )
    return "\n".join(lines)


def town_skipped(tr: Translator) -> str:
    return tr.gettext("All right. To tell me your town later, send /{cmd_iam}.").format(
        **command_names(tr.lang)
    )


def only_in_private(tr: Translator) -> str:
    return tr.gettext("Tell me your town in a private chat with me: send /{cmd_iam} there.").format(
        **command_names(tr.lang)
    )
