"""Planned posts: their keys (which match rows already in the outbox) and their payloads
as the outbox stores them."""

from __future__ import annotations

import pytest

from bot.model.domain import ChangeStatus
from bot.model.posts import (
    DeadlineReminder,
    EventReminder,
    Invitation,
    MeetingCorrection,
    MeetingReminder,
    Payload,
    PostKind,
    payload_from_json,
    payload_to_json,
)

# The keys rows already in an outbox carry: a new version must plan the very same ones.
KEYS: list[tuple[Payload, str]] = [
    (DeadlineReminder("p4-m1", "2014-11", 3), "deadline:p4-m1:2014-11:3d"),
    (
        Invitation("bonn-la-paz-virtual", "2027-01-05T15:00"),
        "invite:bonn-la-paz-virtual:2027-01-05T15:00",
    ),
    (
        MeetingReminder("bonn-la-paz-virtual", "2027-01-05T15:00", 60),
        "meeting:bonn-la-paz-virtual:2027-01-05T15:00:60m",
    ),
    (
        MeetingCorrection("c1", "s", "2027-01-05T15:00", ChangeStatus.MOVED, "2027-01-07T16:00"),
        "change:s:2027-01-05T15:00:moved:2027-01-07T16:00",
    ),
    (
        MeetingCorrection("c2", "s", "2027-01-05T15:00", ChangeStatus.CANCELLED, ""),
        "change:s:2027-01-05T15:00:cancelled:",
    ),
    (EventReminder("ws", "2026-12-09", 7), "event:ws:2026-12-09:7d"),
]


@pytest.mark.parametrize(("payload", "key"), KEYS)
def test_keys_and_a_round_trip_through_the_outbox(payload: Payload, key: str) -> None:
    assert payload.key == key
    assert payload_from_json(payload.kind, key, payload_to_json(payload)) == payload


def test_stored_payloads_read_as_before() -> None:
    """Rows written before the payloads were typed: the same JSON; event rows had no days."""
    stored = '{"change_id": "c2", "moved_to": "", "occurrence": "2027-01-05T15:00", '
    stored += '"series_id": "s", "status": "cancelled"}'
    assert payload_to_json(KEYS[4][0]) == stored
    old_event = '{"event_id": "ws", "starts": "2026-12-09"}'
    assert payload_from_json(PostKind.EVENT, "event:ws:2026-12-09:7d", old_event) == KEYS[5][0]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        (PostKind.DEADLINE, '{"milestone_id": "m", "due": "2014", "days": "3"}'),  # a str
        (PostKind.DEADLINE, '{"milestone_id": "m", "due": "2014", "days": true}'),  # a bool
        (PostKind.INVITE, '{"series_id": 7, "occurrence": "2027-01-05T15:00"}'),
        (PostKind.INVITE, '{"series_id": "s"}'),  # a field missing
        (PostKind.INVITE, '{"series_id": "s", "occurrence": "x", "extra": 1}'),
        (
            PostKind.CHANGE,
            '{"change_id": "c", "series_id": "s", "occurrence": "x", "status": "postponed", '
            '"moved_to": ""}',
        ),
    ],
)
def test_a_payload_of_the_wrong_shape_is_refused(kind: PostKind, text: str) -> None:
    with pytest.raises((TypeError, ValueError)):
        payload_from_json(kind, "k", text)
