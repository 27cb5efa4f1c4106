"""Times as HTML, each inside Telegram's date_time entity (bot/text/markup.py: tg_time).

The reader's time ("Tue, Nov 24, 2026, 10:00 La Paz") carries a format, so a current app
writes it anew in the zone of the phone it is read on; a town's time ("15:00 Bonn")
carries none, so it stays that town's, and a tap shows the reader's. Older apps show the
text inside, which is what bot/text/dates.py writes.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from telegram.constants import MessageEntityDateTimeFormats as DateTimeFormat

from bot.text.dates import clock_time, day_with_weekday, time_in
from bot.text.i18n import Translator
from bot.text.markup import tg_time

FULL = DateTimeFormat.LOCALIZED_WEEKDAY_LONG_DATE_SHORT_TIME
"""'wDt': the weekday, the date and the time, as our own text gives them."""


def when(tr: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """The day and time of `moment` in the reader's zone: 'Tue, Nov 24, 2026, 3:00 PM Berlin'."""
    local = moment.astimezone(zone)
    return tg_time(moment, f"{day_with_weekday(tr, local)}, {time_in(tr, moment, zone)}", FULL)


def time_there(tr: Translator, moment: datetime, zone: ZoneInfo, place: str | None = None) -> str:
    """The time of `moment` in a named place: '15:00 Bonn'."""
    return tg_time(moment, time_in(tr, moment, zone, place))


def clock_there(tr: Translator, moment: datetime, zone: ZoneInfo) -> str:
    """The wall-clock time of `moment` in `zone`, unnamed: '10:00'."""
    return tg_time(moment, clock_time(tr, moment.astimezone(zone)))
