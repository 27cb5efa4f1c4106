"""Texts every view shares: the example-data mark and the names and icons of exchanges."""

from __future__ import annotations

from collections.abc import Mapping

from bot.model.domain import EventKind
from bot.text.i18n import N_, Translator
from bot.text.markup import escape

KIND_LABELS: Mapping[EventKind, str] = {
    EventKind.DELEGATION_VISIT: N_("Delegation visit"),
    EventKind.EXPERT_SECONDMENT: N_("Expert secondment"),
    EventKind.WORKSHOP: N_("Workshop"),
    EventKind.NETWORK_MEETING: N_("Network meeting"),
    EventKind.KICKOFF: N_("Kick-off"),
    EventKind.VIRTUAL_MEETING: N_("Virtual meeting"),
}
KIND_ICONS: Mapping[EventKind, str] = {
    EventKind.DELEGATION_VISIT: "🤝",
    EventKind.EXPERT_SECONDMENT: "🧭",
    EventKind.WORKSHOP: "🛠",
    EventKind.NETWORK_MEETING: "🌐",
    EventKind.KICKOFF: "🚀",
    EventKind.VIRTUAL_MEETING: "💻",
}


def example_label(tr: Translator) -> str:
    """Marks demo data wherever it is shown."""
    label = tr.gettext("example")
    return f"<i>🧪 {escape(label)}</i>"
