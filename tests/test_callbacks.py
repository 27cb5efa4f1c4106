"""Callback data: one typed kind per button, packed and unpacked in one place."""

from __future__ import annotations

import dataclasses

import pytest

from bot.telegram.callbacks import (
    Answer,
    Browse,
    BrowseBy,
    CalendarFile,
    CalendarOf,
    CallbackData,
    CallbackDataError,
    ExchangePage,
    HelpPage,
    ListBy,
    MilestonePage,
    PartnerCard,
    PartnerExchanges,
    PartnerList,
    Period,
    PhaseMilestones,
    PickAllDay,
    PickDay,
    PickHour,
    PickLanguage,
    PickMonth,
    PickNothing,
    PickTime,
    PickTown,
    Rsvp,
    SkipTown,
    Subscribe,
    TargetCode,
    TownPage,
    Unsubscribe,
)
from bot.telegram.edit_callbacks import (
    ActionAdd,
    ActionDo,
    ActionDone,
    ActionPage,
    ActionStep,
    ActionTick,
    AppointPage,
    AppointPartnership,
    AppointRole,
    AppointSide,
    Change,
    ChecklistDo,
    ChecklistEdit,
    ChecklistOpen,
    ChecklistStep,
    ChecklistTick,
    Choice,
    ContactsBy,
    ContactsPage,
    Dismissal,
    Edit,
    EditMeeting,
    EditTarget,
    Fill,
    ForgetMe,
    FormAction,
    FormDo,
    FormStep,
    ForWhom,
    History,
    HistoryPage,
    LatestPage,
    ListMe,
    MeetingAct,
    MeetingDo,
    NamesShown,
    New,
    RoleChoice,
    RoleConfirm,
    RsvpNames,
    SeriesAct,
    SeriesDo,
    SideCode,
    Translate,
    TranslateChoice,
    TranslateStep,
    UndoEdit,
    WhomCode,
    WhomPage,
)
from bot.telegram.limits import MAX_CALLBACK_BYTES
from bot.telegram.start_links import RemindMe, start_link, start_payload

# What buttons already posted in chats carry: the wire format must not change under them.
ON_THE_WIRE = [
    (PickLanguage("es"), "lang:es"),
    (PickTown("kedougou"), "iam:kedougou"),
    (TownPage(2), "iamp:2"),
    (SkipTown(), "iam0"),
    (PhaseMilestones("p4"), "ms:p4"),
    (PartnerCard("bonn-la-paz"), "pa:bonn-la-paz"),
    (PartnerList(2, ListBy.QUERY, "bonn la"), "pl:2:q:bonn la"),
    (PartnerList(0, ListBy.COUNTRY, "TZ"), "pl:0:c:TZ"),
    (PartnerExchanges("bonn-la-paz"), "pe:bonn-la-paz"),
    (Browse(BrowseBy.PHASE), "pb:p"),
    (ExchangePage(1, Period.PAST, ""), "ex:1:p:"),
    (ExchangePage(0, Period.UPCOMING, "@bonn-la-paz"), "ex:0:u:@bonn-la-paz"),
    (CalendarFile(CalendarOf.SERIES, "bonn-la-paz-virtual"), "ics:s:bonn-la-paz-virtual"),
    (Subscribe(TargetCode.PHASE, "p8"), "sub:h:p8"),
    (Unsubscribe(12), "unsub:12"),
    (Rsvp(Answer.MAYBE, 345), "rsvp:m:345"),
    (HelpPage(1), "help:1"),
    (MilestonePage("p4", 1), "msp:p4:1"),
    (PickMonth(202703), "dpm:202703"),
    (PickDay(20270315), "dpd:20270315"),
    (PickHour(20270315, 15), "dph:20270315:15"),
    (PickTime(20270315, 1530), "dpt:20270315:1530"),
    (PickAllDay(20270315), "dpa:20270315"),
    (PickNothing(), "dp0"),
    (Edit(EditTarget.EVENT, "taller-2027"), "ed:e:taller-2027"),
    (EditMeeting(202703151500, "bonn-la-paz-virtual"), "eo:202703151500:bonn-la-paz-virtual"),
    (UndoEdit(17), "undo:17"),
    (New(EditTarget.SERIES), "new:s"),
    (History(EditTarget.MILESTONE, "p8-m1"), "hist:m:p8-m1"),
    (Translate(EditTarget.EVENT, "taller"), "tr:e:taller"),
    (Fill(FormStep.ZONE, "America/La_Paz"), "fill:z:America/La_Paz"),
    (Fill(FormStep.NOTE, ""), "fill:n:"),
    (Change(FormStep.WHEN), "chg:w"),
    (FormDo(FormAction.SAVE), "form:s"),
    (ForWhom(WhomCode.PARTNERSHIP, "bonn-la-paz"), "whom:a:bonn-la-paz"),
    (ForWhom(WhomCode.NETWORK, ""), "whom:n:"),
    (WhomPage(2), "whomp:2"),
    (AppointRole(RoleChoice.FOCAL), "apr:f"),
    (AppointPartnership("bonn-la-paz"), "app:bonn-la-paz"),
    (AppointPage(2), "apg:2"),
    (AppointSide(SideCode.SOUTH), "aps:s"),
    (Dismissal("*"), "dis:*"),
    (Dismissal("bonn-la-paz"), "dis:bonn-la-paz"),
    (RoleConfirm(Choice.YES), "apc:y"),
    (ListMe(Choice.NO), "lm:n"),
    (ForgetMe(Choice.YES), "fm:y"),
    (ContactsPage(1, ContactsBy.TOWN, "bonn"), "ct:1:t:bonn"),
    (ContactsPage(0, ContactsBy.QUERY, "la paz"), "ct:0:q:la paz"),
    (HistoryPage(EditTarget.SERIES, 2, "bonn-la-paz-virtual"), "hisp:s:2:bonn-la-paz-virtual"),
    (LatestPage(3), "hisl:3"),
    (TranslateStep(TranslateChoice.LANGUAGE, "de"), "trs:l:de"),
    (TranslateStep(TranslateChoice.SAVE, ""), "trs:ok:"),
    (
        MeetingAct(MeetingDo.MOVE, 202703151500, "bonn-la-paz-virtual"),
        "mt:m:202703151500:bonn-la-paz-virtual",
    ),
    (SeriesAct(SeriesDo.PARTNERSHIP, "bonn-la-paz"), "sr:p:bonn-la-paz"),
    (SeriesAct(SeriesDo.SAVE), "sr:y:"),
    # -- action items after the call (handlers/actions.py) --
    (ActionAdd(17), "ai:17"),
    (ActionStep(ActionDo.MEMBER, "4711"), "ais:m:4711"),
    (ActionStep(ActionDo.ME), "ais:i:"),
    (ActionStep(ActionDo.NORTH), "ais:n:"),
    (ActionStep(ActionDo.SOUTH), "ais:s:"),
    (ActionStep(ActionDo.PARTNERSHIP, "bonn-la-paz"), "ais:p:bonn-la-paz"),
    (ActionStep(ActionDo.CANCEL), "ais:x:"),
    (ActionPage(2, "bonn-la-paz"), "aip:2:bonn-la-paz"),
    (ActionPage(0), "aip:0:"),
    (ActionTick(1, 42, "bonn-la-paz"), "act:1:42:bonn-la-paz"),
    (ActionTick(0, 42), "act:0:42:"),
    (ActionDone(42), "aid:42"),
]


@pytest.mark.parametrize(("data", "packed"), ON_THE_WIRE)
def test_each_kind_packs_to_its_wire_format_and_back(data: CallbackData, packed: str) -> None:
    assert data.pack() == packed
    assert type(data).unpack(packed) == data
    assert type(data).owns(packed)


def test_every_kind_is_covered_here_and_prefixes_are_unique() -> None:
    kinds = {type(data) for data, _packed in ON_THE_WIRE}
    assert kinds == set(CallbackData._kinds.values())
    with pytest.raises(TypeError):

        @dataclasses.dataclass(frozen=True)
        class Again(CallbackData, prefix="rsvp"):  # taken
            x: str


@pytest.mark.parametrize(
    "forged",
    [
        "rsvp:y:²",  # a digit to isdigit(), not to int()
        "rsvp:y:" + "9" * 50,  # beyond SQLite's integers
        "rsvp:x:1",  # no such answer
        "rsvp:y",  # a field missing
        "rsvp:y:1:2",  # one too many
        "rsvp",
        "unsub:" + "9" * 30,
        "unsub:-1",
        "unsub:",
        "pl:" + "1" * 19 + ":q:bonn",  # beyond SQLite's integers
        "pl:0:z:bonn",
        "pb:x",
        "pb:",
        "ics:x:bonn",
        "sub:z:p8",
        "rsvpx:y:1",  # another prefix that merely starts the same
        ":",
        "a" * 64,
        None,
    ],
)
def test_forged_or_malformed_data_unpacks_to_nothing(forged: str | None) -> None:
    assert all(kind.unpack(forged) is None for kind in CallbackData._kinds.values())


def test_the_last_field_may_hold_colons_the_others_may_not() -> None:
    assert PartnerCard.unpack("pa:a:b") == PartnerCard("a:b")
    assert ExchangePage.unpack("ex:0:u:a:b") == ExchangePage(0, Period.UPCOMING, "a:b")

    @dataclasses.dataclass(frozen=True)
    class Pair(CallbackData, prefix="test-pair"):
        first: str
        second: str

    try:
        assert Pair("a", "b:c").pack() == "test-pair:a:b:c"
        with pytest.raises(CallbackDataError):
            Pair("a:b", "c").pack()
    finally:
        del CallbackData._kinds["test-pair"]


def test_telegrams_64_bytes_are_checked_where_data_is_packed() -> None:
    room = PartnerList.room()
    fits = PartnerList(999, ListBy.QUERY, "é" * (room // 2))  # two bytes each in UTF-8
    assert len(fits.pack().encode()) <= MAX_CALLBACK_BYTES
    with pytest.raises(CallbackDataError):
        PartnerList(999, ListBy.QUERY, "x" * (room + 1)).pack()
    with pytest.raises(CallbackDataError):
        PartnerCard("x" * 62).pack()


def test_a_kind_may_only_have_fields_that_unpack_safely() -> None:
    """A bool would read "0" as True, an optional would fail inside unpack: refused when
    the kind is first used."""

    @dataclasses.dataclass(frozen=True)
    class Flag(CallbackData, prefix="test-flag"):
        on: bool

    try:
        with pytest.raises(TypeError):
            Flag.unpack("test-flag:0")
    finally:
        del CallbackData._kinds["test-flag"]


# -- the agenda (handlers/agenda.py): buttons already posted under invitations carry these --

from bot.telegram.edit_callbacks import AgendaAdd, AgendaDrop, AgendaPage, AgendaUp  # noqa: E402

AGENDA_WIRE: list[tuple[CallbackData, str]] = [
    (AgendaAdd(17), "ag:17"),
    (AgendaUp(42), "agu:42"),
    (AgendaDrop(42), "agd:42"),
    (AgendaPage(2, 1), "agx:2:1"),
]
ON_THE_WIRE += AGENDA_WIRE  # so that the test of every kind being covered counts them


@pytest.mark.parametrize(("data", "packed"), AGENDA_WIRE)
def test_agenda_kinds_pack_to_their_wire_format_and_back(data: CallbackData, packed: str) -> None:
    assert data.pack() == packed
    assert type(data).unpack(packed) == data


def test_agenda_kinds_refuse_what_is_not_theirs() -> None:
    assert AgendaAdd.unpack("ag:x") is None and AgendaUp.unpack("agu:") is None
    assert AgendaDrop.unpack("agu:42") is None
    assert AgendaPage.unpack("agx:2") is None  # the arrange flag is not optional


# -- who is coming (👥) and personal reminders ---------------------------------------------

WHO_IS_COMING_ON_THE_WIRE: list[tuple[CallbackData, str]] = [
    (RsvpNames(NamesShown.NAMES, 17), "rn:n:17"),
    (RsvpNames(NamesShown.COUNTS, 17), "rn:c:17"),
]
ON_THE_WIRE += WHO_IS_COMING_ON_THE_WIRE  # counted by the test of every kind being covered


@pytest.mark.parametrize(("data", "packed"), WHO_IS_COMING_ON_THE_WIRE)
def test_who_is_coming_kinds_pack_to_their_wire_format_and_back(
    data: CallbackData, packed: str
) -> None:
    assert data.pack() == packed
    assert type(data).unpack(packed) == data


@pytest.mark.parametrize("forged", ["rn:x:17", "rn:n:", "rn:n:17:1", "rn:n:-1", "rn:n:1e3"])
def test_a_forged_names_button_does_not_unpack(forged: str) -> None:
    assert RsvpNames.unpack(forged) is None


# -- changing a checklist (handlers/checklist_edit.py) and who travels in the exchange form ----

CHECKLIST_EDIT_ON_THE_WIRE: list[tuple[CallbackData, str]] = [  # ✏️ itself: the screen's
    (ChecklistStep(ChecklistDo.ITEM, "la-paz-to-bonn-2027-c3"), "ckd:i:la-paz-to-bonn-2027-c3"),
    (ChecklistStep(ChecklistDo.ADD), "ckd:a:"),
    (ChecklistStep(ChecklistDo.LEAD, "56"), "ckd:l:56"),
    (ChecklistStep(ChecklistDo.SIDE, "travelling"), "ckd:s:travelling"),
    (ChecklistStep(ChecklistDo.NOTE, "-"), "ckd:n:-"),
    (ChecklistStep(ChecklistDo.REMOVE_SURE), "ckd:y:"),
    (ChecklistStep(ChecklistDo.LIST), "ckd:b:"),
    (ChecklistStep(ChecklistDo.CLOSE), "ckd:x:"),
    (Fill(FormStep.TRAVELLING, "south"), "fill:v:south"),
]
ON_THE_WIRE += CHECKLIST_EDIT_ON_THE_WIRE


@pytest.mark.parametrize(("data", "packed"), CHECKLIST_EDIT_ON_THE_WIRE)
def test_checklist_edit_kinds_pack_to_their_wire_format_and_back(
    data: CallbackData, packed: str
) -> None:
    assert data.pack() == packed
    assert type(data).unpack(packed) == data


@pytest.mark.parametrize("forged", ["ckd:q:", "ckd", "ckd:"])
def test_a_forged_checklist_step_does_not_unpack(forged: str) -> None:
    assert ChecklistStep.unpack(forged) is None


def test_the_start_link_payload_packs_and_unpacks_only_its_own_form() -> None:
    assert RemindMe(17).pack() == "r-17"
    assert start_payload(["r-17"]) == RemindMe(17)
    for other in (None, [], ["r-"], ["r-x"], ["r-17", "x"], ["R-17"], ["r-١٧"], ["remind"]):
        assert start_payload(other) is None
    link = start_link("partnerbot", RemindMe(17))
    assert link == "https://t.me/partnerbot?start=r-17"
    assert len(RemindMe(10**18 - 1).pack()) <= 64  # Telegram's limit for a start payload


# -- checklists (handlers/checklist.py): under checklists, /exchanges and reminders ------------

from bot.telegram.edit_callbacks import (  # noqa: E402
    ChecklistMode,
    ChecklistUntick,
    ChecklistView,
)

CHECKLIST_WIRE: list[tuple[CallbackData, str]] = [
    (ChecklistOpen("la-paz-to-bonn-2027"), "cko:la-paz-to-bonn-2027"),
    (ChecklistTick("la-paz-to-bonn-2027-c3"), "ckt:la-paz-to-bonn-2027-c3"),
    (ChecklistEdit("la-paz-to-bonn-2027"), "cke:la-paz-to-bonn-2027"),
    (ChecklistView(ChecklistMode.TICK, 1, "la-paz-to-bonn-2027"), "ckv:t:1:la-paz-to-bonn-2027"),
    (ChecklistView(ChecklistMode.UNTICK, 0, "x"), "ckv:u:0:x"),
    (ChecklistUntick("la-paz-to-bonn-2027-c3"), "cku:la-paz-to-bonn-2027-c3"),
]
ON_THE_WIRE += CHECKLIST_WIRE  # counted by the test of every kind being covered


@pytest.mark.parametrize(("data", "packed"), CHECKLIST_WIRE)
def test_checklist_kinds_pack_to_their_wire_format_and_back(
    data: CallbackData, packed: str
) -> None:
    assert data.pack() == packed
    assert type(data).unpack(packed) == data


@pytest.mark.parametrize("forged", ["ckv:x:0:e", "ckv:t:-1:e", "ckv:t:e", "ckv:t:1e3:e"])
def test_a_forged_checklist_page_does_not_unpack(forged: str) -> None:
    assert ChecklistView.unpack(forged) is None
