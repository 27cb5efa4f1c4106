"""The buttons of changing the network's data and one's own entry from the chat: ✏️ and
the guided forms (exchanges, milestones, meeting series, one meeting), roles, the
directory and /forgetme, the audit's pages and translations. The same protocol as every
kind (bot/telegram/callbacks.py: a frozen dataclass with a prefix, packed and unpacked
there); the wire format of each is pinned in tests/test_callbacks.py."""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from bot.telegram.callbacks import CallbackData


class EditTarget(StrEnum):
    """What a ✏️ button changes."""

    EVENT = "e"
    MILESTONE = "m"
    SERIES = "s"


@dataclasses.dataclass(frozen=True)
class Edit(CallbackData, prefix="ed"):
    """✏️ on an event, a milestone or a meeting series: opens its guided edit."""

    target: EditTarget
    record_id: str


@dataclasses.dataclass(frozen=True)
class EditMeeting(CallbackData, prefix="eo"):
    """✏️ on one meeting of a series: move or cancel it. `start`: its original local
    start as the rule gives it, YYYYMMDDHHMM."""

    start: int
    series_id: str


@dataclasses.dataclass(frozen=True)
class UndoEdit(CallbackData, prefix="undo"):
    """↩️ under a saved change: its author takes it back (bot/model/audit.py UNDO_WINDOW)."""

    entry: int


@dataclasses.dataclass(frozen=True)
class New(CallbackData, prefix="new"):
    """/new's choice: make an event, a milestone or a meeting series."""

    target: EditTarget


@dataclasses.dataclass(frozen=True)
class History(CallbackData, prefix="hist"):
    """📜 on an item: its changes, newest first."""

    target: EditTarget
    record_id: str


@dataclasses.dataclass(frozen=True)
class Translate(CallbackData, prefix="tr"):
    """🌐 on an item: add a translation of its texts (typed by a person, never a machine)."""

    target: EditTarget
    record_id: str


# The guided edit of an event or a milestone (handlers/edit_form.py): a press answers the
# step it was asked for; the draft in the database holds the rest.


class FormStep(StrEnum):
    """A question of the guided edit, as its buttons name it."""

    KIND = "k"
    TITLE = "t"
    WHEN = "w"
    END = "e"
    PLACE = "p"
    LINK = "l"
    ZONE = "z"
    NOTE = "n"
    PHASE = "h"
    DUE = "d"
    POSITION = "o"
    FOR = "f"
    TRAVELLING = "v"


@dataclasses.dataclass(frozen=True)
class Fill(CallbackData, prefix="fill"):
    """A button's answer to a step. `value` by step: KIND an EventKind's value, ZONE an
    IANA zone, PHASE a phase id, PLACE "online"; "" skips an optional step (END, LINK,
    NOTE) or takes the default (POSITION: after the last). TRAVELLING: "north", "south",
    or "" (nobody, or not known)."""

    step: FormStep
    value: str


@dataclasses.dataclass(frozen=True)
class Change(CallbackData, prefix="chg"):
    """On the summary: ask this step again, then come back to the summary."""

    step: FormStep


class FormAction(StrEnum):
    SAVE = "s"
    CANCEL = "c"
    REMOVE = "r"  # asks first
    REMOVE_SURE = "y"
    BACK = "b"  # to the summary


@dataclasses.dataclass(frozen=True)
class FormDo(CallbackData, prefix="form"):
    action: FormAction


class WhomCode(StrEnum):
    PARTNERSHIP = "a"
    PHASE = "h"
    NETWORK = "n"


@dataclasses.dataclass(frozen=True)
class ForWhom(CallbackData, prefix="whom"):
    """Whom an event is for: a partnership, a phase, or the whole network (id "")."""

    whom: WhomCode
    target_id: str


@dataclasses.dataclass(frozen=True)
class WhomPage(CallbackData, prefix="whomp"):
    """A further page of the partnerships an author may choose."""

    page: int


# People: /appoint and /dismiss, /listme, /contacts, /forgetme.


class Choice(StrEnum):
    YES = "y"
    NO = "n"


class RoleChoice(StrEnum):
    COORDINATOR = "c"
    FOCAL = "f"


class SideCode(StrEnum):
    NORTH = "n"
    SOUTH = "s"


@dataclasses.dataclass(frozen=True)
class AppointRole(CallbackData, prefix="apr"):
    """/appoint: the role to give the person picked."""

    role: RoleChoice


@dataclasses.dataclass(frozen=True)
class AppointPartnership(CallbackData, prefix="app"):
    """/appoint, a focal point: of this partnership."""

    partnership_id: str


@dataclasses.dataclass(frozen=True)
class AppointPage(CallbackData, prefix="apg"):
    """/appoint: a page of the partnerships to pick from."""

    page: int


@dataclasses.dataclass(frozen=True)
class AppointSide(CallbackData, prefix="aps"):
    """/appoint, a focal point: for this town of the partnership."""

    side: SideCode


@dataclasses.dataclass(frozen=True)
class Dismissal(CallbackData, prefix="dis"):
    """/dismiss: the role to take away; '*' the coordinator's, else a partnership's id."""

    role: str


@dataclasses.dataclass(frozen=True)
class RoleConfirm(CallbackData, prefix="apc"):
    """/appoint and /dismiss: ✅ do it, ✖ leave it."""

    answer: Choice


@dataclasses.dataclass(frozen=True)
class ListMe(CallbackData, prefix="lm"):
    """/listme: ✅ list me (yes), ✖ leave me out (no, and unlist when listed)."""

    answer: Choice


@dataclasses.dataclass(frozen=True)
class ForgetMe(CallbackData, prefix="fm"):
    """/forgetme: ✅ erase everything about me, ✖ keep it."""

    answer: Choice


class ContactsBy(StrEnum):
    TOWN = "t"
    PARTNERSHIP = "a"
    PHASE = "h"
    QUERY = "q"


@dataclasses.dataclass(frozen=True)
class ContactsPage(CallbackData, prefix="ct"):
    """A page of /contacts: of a town, a partnership, a phase, or the partnerships found by
    the words typed."""

    page: int
    by: ContactsBy
    value: str


@dataclasses.dataclass(frozen=True)
class HistoryPage(CallbackData, prefix="hisp"):
    """A further page of an item's changes (the first is History)."""

    target: EditTarget
    page: int
    record_id: str


@dataclasses.dataclass(frozen=True)
class LatestPage(CallbackData, prefix="hisl"):
    """A page of /history: the latest changes the presser may see."""

    page: int


class TranslateChoice(StrEnum):
    """A step of 🌐's conversation: a language, a text, save, cancel."""

    LANGUAGE = "l"
    FIELD = "f"
    SAVE = "ok"
    CANCEL = "x"


@dataclasses.dataclass(frozen=True)
class TranslateStep(CallbackData, prefix="trs"):
    choice: TranslateChoice
    value: str


class MeetingDo(StrEnum):
    """A step of changing one meeting (handlers/meetings.py)."""

    MOVE = "m"
    CANCEL = "c"
    RESTORE = "r"  # back to the rule
    CLOSE = "x"
    YES = "y"  # confirm what is shown
    OTHER = "o"  # another day and time
    SKIP = "s"  # no reason given


@dataclasses.dataclass(frozen=True)
class MeetingAct(CallbackData, prefix="mt"):
    """A button of the one-meeting conversation; it names its meeting (as EditMeeting), so
    a button of an older message cannot act on another meeting."""

    act: MeetingDo
    start: int  # YYYYMMDDHHMM, the original local start
    series_id: str


class SeriesDo(StrEnum):
    """A step of making or changing a meeting series (handlers/series.py)."""

    PARTNERSHIP = "p"  # value: its id
    TITLE = "t"  # the default title
    EVERY = "n"  # value: weeks
    WEEKDAY = "w"  # value: MO..SU
    ZONE = "z"  # value: north or south
    FIRST = "f"  # the suggested first meeting
    NO_LINK = "l"
    SAVE = "y"
    FIELD = "e"  # value: the field to change
    END = "d"  # end the series (asks first)
    END_YES = "k"
    SUMMARY = "b"  # back to the summary
    CLOSE = "x"


@dataclasses.dataclass(frozen=True)
class SeriesAct(CallbackData, prefix="sr"):
    """A button of the series conversation."""

    act: SeriesDo
    value: str = ""


# -- the agenda before a meeting (handlers/agenda.py) --------------------------------------


@dataclasses.dataclass(frozen=True)
class AgendaAdd(CallbackData, prefix="ag"):
    """📝 under an invitation (or /agenda): asks the presser for an item. `delivery`: the
    invitation's outbox row in this chat, which names the meeting."""

    delivery: int


@dataclasses.dataclass(frozen=True)
class AgendaUp(CallbackData, prefix="agu"):
    """⬆️ on /agenda: the item goes one place up (focal points, coordinators)."""

    item: int


@dataclasses.dataclass(frozen=True)
class AgendaDrop(CallbackData, prefix="agd"):
    """🗑 on /agenda: the item is dropped (focal points, coordinators)."""

    item: int


@dataclasses.dataclass(frozen=True)
class AgendaPage(CallbackData, prefix="agx"):
    """◀ ▶ on /agenda: a page of this chat's next meeting's agenda; `arrange` 1 when the
    screen carries ⬆️ and 🗑 (shown to a focal point: the next page carries them too)."""

    page: int
    arrange: int


# -- action items after the call (handlers/actions.py): prefixes "ai…" and "act" ---------------


@dataclasses.dataclass(frozen=True)
class ActionAdd(CallbackData, prefix="ai"):
    """➕ under the post that asks a group, after a meeting, what was agreed: its outbox row
    names the meeting (as the RSVP buttons do)."""

    delivery_id: int


class ActionDo(StrEnum):
    """A step of adding an action item."""

    MEMBER = "m"  # value: the owner's user id
    ME = "i"  # the one adding it
    NORTH = "n"  # the partnership's northern side
    SOUTH = "s"
    PARTNERSHIP = "p"  # value: the partnership's id (a group following several)
    CANCEL = "x"


@dataclasses.dataclass(frozen=True)
class ActionStep(CallbackData, prefix="ais"):
    """A button of the conversation that adds an action item."""

    act: ActionDo
    value: str = ""


@dataclasses.dataclass(frozen=True)
class ActionPage(CallbackData, prefix="aip"):
    """◀ ▶ of /actions; `target`: a partnership's id, or empty for the chat's own (a
    group's followed partnerships, a user's own)."""

    page: int
    target: str = ""


@dataclasses.dataclass(frozen=True)
class ActionTick(CallbackData, prefix="act"):
    """✅ on an item of /actions: ticked done, the page edited in place."""

    page: int
    item_id: int
    target: str = ""


@dataclasses.dataclass(frozen=True)
class ActionDone(CallbackData, prefix="aid"):
    """✅ under an owner's private reminder: the item ticked done, the reminder says so."""

    item_id: int


# -- who is coming (👥) and personal reminders ---------------------------------------------


class NamesShown(StrEnum):
    """What 👥's button asks the invitation to show."""

    NAMES = "n"
    COUNTS = "c"


@dataclasses.dataclass(frozen=True)
class RsvpNames(CallbackData, prefix="rn"):
    """👥 under an invitation: show the answerers' names, or back to the counts. It says
    which, so a press on a button older than a neighbour's shows what it promised."""

    show: NamesShown
    delivery_id: int


# -- checklists of exchanges ------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ChecklistOpen(CallbackData, prefix="cko"):
    """☑️ on an exchange (/exchanges, its reminders): its checklist, as a new message."""

    event_id: str


@dataclasses.dataclass(frozen=True)
class ChecklistTick(CallbackData, prefix="ckt"):
    """A button of an open item under a checklist: ticked, the checklist edited in place."""

    item_id: str


@dataclasses.dataclass(frozen=True)
class ChecklistEdit(CallbackData, prefix="cke"):
    """✏️ under a checklist (for those who may edit the exchange): add, change or remove
    its items."""

    event_id: str


# -- the checklist on screen: pages, taking a tick back ---------------------------------------


class ChecklistMode(StrEnum):
    """What the buttons under a checklist do: tick an open item, or take a tick back."""

    TICK = "t"
    UNTICK = "u"


@dataclasses.dataclass(frozen=True)
class ChecklistView(CallbackData, prefix="ckv"):
    """◀ ▶, 🔄 and ↩️ under a checklist: its page `page` in `mode`, edited in place."""

    mode: ChecklistMode
    page: int
    event_id: str


@dataclasses.dataclass(frozen=True)
class ChecklistUntick(CallbackData, prefix="cku"):
    """A button of a ticked item in ↩️'s mode: the item open again (a tick by mistake)."""

    item_id: str


# -- changing an exchange's checklist (handlers/checklist_edit.py): prefix "ckd" -------------


class ChecklistDo(StrEnum):
    """A step of changing a checklist from its ✏️."""

    ITEM = "i"  # value: the item's id
    ADD = "a"
    TITLE = "t"
    LEAD = "l"  # ask; with a value (days): set
    SIDE = "s"  # ask; with a value (a ChecklistSide's): set
    NOTE = "n"  # ask; with the value "-": no note
    REMOVE = "r"  # asks first
    REMOVE_SURE = "y"
    LIST = "b"  # back to the items
    CLOSE = "x"


@dataclasses.dataclass(frozen=True)
class ChecklistStep(CallbackData, prefix="ckd"):
    """A button of the checklist's guided change; the draft names the exchange and item."""

    act: ChecklistDo
    value: str = ""
