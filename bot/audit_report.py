"""`partnerbot audit`: the changes made from the chat, as lines for a coordinator at the
server (or JSON lines for a machine), chosen by --since and --record."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.model.audit import AuditEntry, RecordKind


class AuditQueryError(ValueError):
    """An `audit` option that cannot be read; the message names it."""


_SPAN = re.compile(r"([0-9]{1,6})([mhd])")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}
FORMER_MEMBER = "a former member"
VALUE_WIDTH = 80  # characters of a value before or after, in a line


@dataclass(frozen=True)
class AuditQuery:
    """Which changes to print: from `since` on, of `record` (kind, id) only."""

    since: datetime | None = None
    record: tuple[RecordKind, str] | None = None

    @classmethod
    def of(cls, since: str | None, record: str | None, now: datetime) -> AuditQuery:
        """From the command's --since and --record, or AuditQueryError saying what is wrong."""
        return cls(_since(since, now) if since else None, _record(record) if record else None)

    def wants(self, entry: AuditEntry) -> bool:
        if self.since is not None and entry.at < self.since:
            return False
        return self.record is None or (entry.kind, entry.record_id) == self.record


def audit_lines(
    entries: Iterable[AuditEntry], query: AuditQuery, *, as_json: bool = False
) -> Iterator[str]:
    """The changes the query asks for, oldest first, one line each (or one JSON object
    each)."""
    for entry in entries:
        if query.wants(entry):
            yield _json_line(entry) if as_json else _text_line(entry)


def _since(text: str, now: datetime) -> datetime:
    span = _SPAN.fullmatch(text.strip())
    if span is not None:
        return now.astimezone(UTC) - timedelta(**{_UNITS[span[2]]: int(span[1])})
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise AuditQueryError(
            f"--since {text!r}: expected a UTC date or time (2027-03-01, 2027-03-01T12:00) "
            "or a span back from now (30m, 12h, 7d)"
        ) from None
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _record(text: str) -> tuple[RecordKind, str]:
    kind, colon, record_id = text.partition(":")
    try:
        if colon and record_id:
            return RecordKind(kind), record_id
    except ValueError:
        pass
    kinds = ", ".join(k.value for k in RecordKind)
    raise AuditQueryError(f"--record {text!r}: expected KIND:ID, KIND one of {kinds}")


def _text_line(entry: AuditEntry) -> str:
    actor = FORMER_MEMBER if entry.actor is None else str(entry.actor)
    action = entry.action.value if entry.undoes is None else f"undo of #{entry.undoes}"
    if entry.undone_by is not None:
        action += f" (undone by #{entry.undone_by})"
    before, after = entry.before or {}, entry.after or {}
    fields = "; ".join(
        f"{name}: {_shown(before.get(name))} → {_shown(after.get(name))}"
        for name in entry.changed_fields()
    )
    at = entry.at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%SZ")
    line = f"#{entry.id}  {at}  {actor}  {entry.kind.value}:{entry.record_id}  {action}"
    return f"{line}  {fields}" if fields else line


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_WIDTH else text[: VALUE_WIDTH - 1] + "…"


def _json_line(entry: AuditEntry) -> str:
    return json.dumps(
        {
            "id": entry.id,
            "at": entry.at.astimezone(UTC).isoformat(),
            "actor": entry.actor,
            "kind": entry.kind.value,
            "record_id": entry.record_id,
            "action": entry.action.value,
            "fields": entry.changed_fields(),
            "before": entry.before,
            "after": entry.after,
            "undoes": entry.undoes,
            "undone_by": entry.undone_by,
        },
        ensure_ascii=False,
    )
