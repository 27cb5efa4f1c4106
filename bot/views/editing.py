"""What the bot says around a change from the chat: refusals, why a value is not saved
(the import's own check, the field named in the reader's language), saved and undone."""

from __future__ import annotations

from collections.abc import Mapping

from telegram import InlineKeyboardMarkup

from bot.model.audit import Action, AuditEntry, RecordKind
from bot.model.codec import DatasetError
from bot.telegram.callbacks import button
from bot.telegram.edit_callbacks import UndoEdit
from bot.telegram.limits import Keyboard
from bot.text.i18n import N_, Translator
from bot.text.markup import escape, fill

FIELD_LABELS: Mapping[str, str] = {
    "kind": N_("kind"),
    "title": N_("title"),
    "starts": N_("start date"),
    "ends": N_("end date"),
    "start_time": N_("start time"),
    "end_time": N_("end time"),
    "timezone": N_("time zone"),
    "online": N_("online"),
    "place": N_("place"),
    "join_url": N_("join link"),
    "note": N_("note"),
    "partnership_id": N_("partnership"),
    "phase_id": N_("phase"),
    "programme_id": N_("programme"),
    "due": N_("due date"),
    "position": N_("position"),
    "rrule": N_("rhythm"),
    "dtstart": N_("first meeting"),
    "duration_minutes": N_("duration"),
    "occurrence": N_("meeting"),
    "moved_to": N_("new date"),
    "reason": N_("reason"),
    "id": N_("id"),
    "side": N_("whose task"),
    "lead": N_("lead time"),
    "done_on": N_("ticked on"),
    "event_id": N_("exchange"),
}
"""The dataset's fields as an author knows them (a DatasetError's path names one)."""

REASONS: Mapping[str, str] = {
    "ends before it starts": N_("it ends before it starts"),
    "a time needs its IANA zone": N_("a time needs a time zone"),
    "a time needs a full date (YYYY-MM-DD)": N_("a time needs a full date"),
    "an end time needs a start time and full dates": N_(
        "an end time needs a start time and full dates"
    ),
    "the series has no meeting at that time": N_("the series has no meeting at that time"),
    "the rule gives no meeting": N_("this rhythm gives no meeting"),
    "a link has no spaces or line breaks": N_("a link has no spaces or line breaks"),
}
"""The check's reasons (bot/model/dataset.py) an author can meet from the chat; the rest
are said by prefix below, or as "not accepted"."""

PREFIXES: Mapping[str, str] = {
    "expected an http(s) link": N_("give a web link starting with https://"),
    "no ": N_("it refers to something no longer in the network"),
    "a meeting may be moved by at most": N_("a meeting may be moved by at most 31 days"),
    "unknown IANA time zone": N_("unknown time zone"),
    "use 1 to 40 lower-case letters": N_("the id is not usable"),
}


def refusal(tr: Translator) -> str:
    return tr.gettext(
        "Only the network's coordinators and this partnership's focal points may change "
        "this. Nothing was changed."
    )


def not_saved(tr: Translator, error: DatasetError) -> str:
    """ "Not saved: end date — it ends before it starts." The field from the error's path."""
    field = error.path.rsplit(".", 1)[-1] if "." in error.path else ""
    label = FIELD_LABELS.get(field)
    reason = REASONS.get(error.message) or next(
        (why for start, why in PREFIXES.items() if error.message.startswith(start)),
        N_("this value is not accepted"),
    )
    shown = tr.gettext(reason)
    if label is not None:
        shown = tr.gettext("{field}: {reason}").format(field=tr.gettext(label), reason=shown)
    return "⚠️ " + fill(tr.gettext("Not saved: {why}"), why=escape(shown))


def saved(tr: Translator, entry: AuditEntry) -> tuple[str, InlineKeyboardMarkup]:
    """The confirmation of a save, with ↩️ to take it back: what the groups that follow
    the item will see of it, and nothing more (a removal sends no post)."""
    if entry.kind is RecordKind.CHANGE:
        text = (
            tr.gettext(
                "✅ Back as planned. Groups told of the change are not told again: "
                "let them know if needed."
            )
            if entry.action is Action.DELETE
            else tr.gettext("✅ Saved. The groups that follow it are told at once.")
        )
    else:
        text = {
            Action.CREATE: tr.gettext("✅ Saved. Groups that follow it get its reminders."),
            Action.UPDATE: tr.gettext("✅ Changed. Reminders still to come follow the change."),
            Action.DELETE: tr.gettext("✅ Removed. No more reminders of it are sent."),
        }[entry.action]
    undo = button(tr.gettext("↩️ Undo (15 min)"), UndoEdit(entry.id))
    return escape(text), Keyboard([[undo]])


def undone(tr: Translator) -> str:
    return escape(tr.gettext("↩️ Taken back: it is as it was before."))


def not_undoable(tr: Translator) -> str:
    return tr.gettext(
        "This can no longer be taken back: only its author may, within 15 minutes, and "
        "only while nobody changed it since."
    )
