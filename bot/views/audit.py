"""The audit trail as a reader sees it: an item's changes (📜), the latest changes
(/history), and what /undo took back or why it could not. Plain functions of values."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum
from typing import Any
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardMarkup

from bot.model.audit import Action, AuditEntry, NotUndoable, RecordKind
from bot.model.domain import ChangeStatus, EventKind, LocalizedText, PartialDate
from bot.telegram.callbacks import CallbackData
from bot.telegram.commands import command_names
from bot.telegram.limits import SCREEN_ROOM, Keyboard, fit, screen_lines
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.dates import partial_date
from bot.text.i18n import N_, Translator
from bot.text.markup import escape
from bot.text.moments import when
from bot.views.checklist_edit import checklist_value
from bot.views.common import KIND_ICONS, KIND_LABELS, marked
from bot.views.editing import FIELD_LABELS


class ActorKind(Enum):
    """Who made a change, as far as the reader may know."""

    YOU = "you"
    NAMED = "named"
    COORDINATOR = "coordinator"
    FOCAL_POINT = "focal"
    FORMER_EDITOR = "former-editor"
    FORMER_MEMBER = "former-member"


@dataclass(frozen=True)
class Actor:
    kind: ActorKind
    name: str | None = None
    """The person's name, when the bot knows it (ActorKind.NAMED)."""


ACTOR_LABELS: Mapping[ActorKind, str] = {
    ActorKind.YOU: N_("you"),
    ActorKind.COORDINATOR: N_("a coordinator"),
    ActorKind.FOCAL_POINT: N_("a focal point"),
    ActorKind.FORMER_EDITOR: N_("a former editor"),
    ActorKind.FORMER_MEMBER: N_("a former member"),
}

STATUS_LABELS: Mapping[str, str] = {
    ChangeStatus.CANCELLED.value: N_("cancelled"),
    ChangeStatus.MOVED.value: N_("moved"),
}

EXTRA_LABELS: Mapping[str, str] = {"status": N_("status"), "languages": N_("languages")}

NOT_SHOWN = frozenset({"start_time", "end_time", "dtstart", "occurrence", "moved_to", "example"})
"""Fields named but not quoted: a clock time is shown only inside Telegram's time entity,
which needs an instant these values alone do not give."""

VALUE_ROOM = 22
"""Characters a value before or after may take; a longer one is only named."""

RECORD_ICONS: Mapping[RecordKind, str] = {
    RecordKind.MILESTONE: "🏁",
    RecordKind.SERIES: "🔁",
    RecordKind.CHANGE: "📆",
    RecordKind.CHECKLIST_ITEM: "☑️",
}


def actor_label(tr: Translator, actor: Actor) -> str:
    if actor.kind is ActorKind.NAMED and actor.name:
        return actor.name
    return tr.gettext(ACTOR_LABELS.get(actor.kind, ACTOR_LABELS[ActorKind.FORMER_EDITOR]))


def localized(value: Any) -> LocalizedText | None:
    """A text field in the dataset file's form (a string, or language → text)."""
    if isinstance(value, str) and value:
        return LocalizedText.of(value)
    if isinstance(value, dict) and value:
        return LocalizedText(tuple((str(k), str(v)) for k, v in value.items()))
    return None


def record_label(
    tr: Translator, entry: AuditEntry, series_titles: Mapping[str, LocalizedText]
) -> str:
    """What record a change was about, as HTML: its icon and title in the reader's language
    ('🛠 Taller de energía (es)'); a meeting by its series and day."""
    plain = entry.after or entry.before or {}
    return label_of(tr, entry.kind, entry.record_id, plain, series_titles)


def label_of(
    tr: Translator,
    kind: RecordKind,
    record_id: str,
    plain: Mapping[str, Any],
    series_titles: Mapping[str, LocalizedText],
) -> str:
    """A record in the dataset file's form, as record_label names it."""
    if kind is RecordKind.CHANGE:
        series = series_titles.get(str(plain.get("series_id")))
        name = marked(series, tr.lang) if series else str(plain.get("series_id", ""))
        day = str(plain.get("occurrence", ""))[:10]
        with contextlib.suppress(ValueError):
            name += " · " + partial_date(tr, PartialDate.parse(day))
        return f"{RECORD_ICONS[kind]} {escape(name)}"
    if kind is RecordKind.EVENT:
        try:
            icon = KIND_ICONS[EventKind(str(plain.get("kind")))]
        except ValueError:
            icon = "📅"
    else:
        icon = RECORD_ICONS[kind]
    title = localized(plain.get("title"))
    return f"{icon} {escape(marked(title, tr.lang) if title else record_id)}"


def field_label(tr: Translator, field: str) -> str:
    label = FIELD_LABELS.get(field) or EXTRA_LABELS.get(field)
    return tr.gettext(label) if label else field


def shown_value(tr: Translator, field: str, value: Any) -> str | None:
    """A field's value in a line of the history, or None when it is only named (a clock
    time, a long text)."""
    if field in NOT_SHOWN:
        return None
    if value is None:
        shown = "—"
    elif isinstance(value, bool):
        shown = "✓" if value else "✗"
    elif field == "status":
        shown = tr.gettext(STATUS_LABELS.get(str(value), str(value)))
    elif field == "kind":
        try:
            shown = tr.gettext(KIND_LABELS[EventKind(value)])
        except ValueError:
            shown = str(value)
    elif field in ("lead", "side") and isinstance(value, str):
        shown = checklist_value(tr, field, value)
    elif field in ("starts", "ends", "due", "done_on") and isinstance(value, str):
        try:
            shown = partial_date(tr, PartialDate.parse(value))
        except ValueError:
            shown = value
    elif isinstance(value, (str, dict)):
        text = localized(value)
        shown = marked(text, tr.lang) if text else "—"
    elif isinstance(value, (int, float)):
        shown = str(value)
    else:
        return None
    return shown if len(shown) <= VALUE_ROOM else None


def action_line(tr: Translator, entry: AuditEntry) -> str:
    """What the change did: created, the fields changed, removed, took back a change."""
    if entry.undoes is not None:
        said = "↩️ " + escape(tr.gettext("took back a change"))
    elif entry.action is Action.CREATE:
        said = "➕ " + escape(tr.gettext("created"))
    elif entry.action is Action.DELETE:
        said = "🗑 " + escape(tr.gettext("removed"))
    else:
        fields = [field_label(tr, f) for f in entry.changed_fields()]
        said = "✏️ " + escape(tr.format_list(fields) if fields else tr.gettext("no change"))
    if entry.undone_by is not None:
        said += " · <i>" + escape(tr.gettext("taken back")) + "</i>"
    return said


def value_lines(tr: Translator, entry: AuditEntry, most: int = 2) -> list[str]:
    """Before → after of the short fields an update changed (a few at most)."""
    if entry.action is not Action.UPDATE or entry.undoes is not None:
        return []
    before, after = entry.before or {}, entry.after or {}
    lines = []
    for field in entry.changed_fields():
        old, new = (
            shown_value(tr, field, before.get(field)),
            shown_value(tr, field, after.get(field)),
        )
        if old is None or new is None:
            continue
        lines.append(f"   {escape(field_label(tr, field))}: {escape(old)} → {escape(new)}")
        if len(lines) == most:
            break
    return lines


def entry_block(
    tr: Translator, entry: AuditEntry, actor: Actor, zone: ZoneInfo, record: str | None = None
) -> str:
    """One change in a few lines: (the record,) when, who and what, before → after."""
    lines = [record] if record else []
    lines.append("🕓 " + when(tr, entry.at, zone))
    lines.append(f"👤 {escape(actor_label(tr, actor))} · {action_line(tr, entry)}")
    lines += value_lines(tr, entry)
    return "\n".join(lines)


def changes_page(
    tr: Translator,
    heading: str,
    blocks: Sequence[str],
    page: int,
    page_data: Callable[[int], CallbackData],
) -> tuple[str, InlineKeyboardMarkup | None]:
    """A screen of changes under `heading` (HTML), newest first, ◀ ▶ between pages."""
    if not blocks:
        return heading + "\n" + escape(tr.gettext("No changes made from the chat yet.")), None
    room = SCREEN_ROOM - screen_lines(heading)
    shown, page, more = page_by_lines(blocks, lambda b: screen_lines(b) + 1, room, page)
    pages = page + 2 if more else page + 1
    text = fit(heading + "\n\n" + "\n\n".join(shown))
    row = nav_row(page_data, page, pages)
    return text, Keyboard([row]) if row else None


def item_heading(tr: Translator, record: str) -> str:
    changes = tr.gettext("Changes")
    return f"📜 <b>{escape(changes)}</b>\n{record}"


def latest_heading(tr: Translator) -> str:
    latest = tr.gettext("Latest changes")
    return f"📜 <b>{escape(latest)}</b>"


def not_allowed(tr: Translator) -> str:
    return tr.gettext(
        "Only the network's coordinators and this partnership's focal points may see its changes."
    )


def not_an_editor(tr: Translator) -> str:
    return tr.gettext("Only the network's coordinators and focal points see the changes.")


def in_private(tr: Translator, name: str) -> str:
    """A command of the editors', sent in a group: where it works."""
    return escape(
        tr.gettext("Send /{cmd} to me in a private chat.").format(
            cmd=command_names(tr.lang)[f"cmd_{name}"]
        )
    )


UNDO_REFUSALS: Mapping[NotUndoable, str] = {
    NotUndoable.NOTHING: N_("You have no change to take back."),
    NotUndoable.WINDOW: N_("Your last change is more than 15 minutes old: it stays."),
    NotUndoable.CHANGED: N_("Someone changed it after you, so your change stays."),
}


def not_undone(tr: Translator, why: NotUndoable) -> str:
    return escape(tr.gettext(UNDO_REFUSALS[why]))


def taken_back(tr: Translator, undone: AuditEntry, record: str) -> str:
    """What /undo (or ↩️) took back: the record and the change, as it is now."""
    lines = [
        escape(tr.gettext("↩️ Taken back: it is as it was before.")),
        record,
        action_line(tr, undone),
    ]
    if undone.kind is RecordKind.CHANGE:  # no post says a meeting is back as planned
        lines.append(
            escape(
                tr.gettext("Groups told of the change are not told again: let them know if needed.")
            )
        )
    return "\n".join(lines)
