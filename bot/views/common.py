"""Texts every view shares: the example-data mark, the names and icons of exchanges, flags,
languages named inside a sentence, and a text typed in one language marked as such."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.model.domain import EventKind, LocalizedText
from bot.telegram.commands import command_names
from bot.text import cldr
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


def flag(country: str) -> str:
    """The flag emoji of an ISO 3166 code, from regional indicator letters; none for
    anything that is not two letters A–Z."""
    code = country.upper()
    if len(code) != 2 or not all("A" <= c <= "Z" for c in code):
        return ""
    return "".join(chr(0x1F1E6 + ord(c) - ord("A")) for c in code)


def duration(tr: Translator, minutes: int) -> str:
    """A lead time in its largest whole unit: '1 day', '2 hours', '90 minutes'."""
    if minutes % 1440 == 0:
        return tr.ngettext("{n} day", "{n} days", minutes // 1440).format(n=minutes // 1440)
    if minutes % 60 == 0:
        return tr.ngettext("{n} hour", "{n} hours", minutes // 60).format(n=minutes // 60)
    return tr.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


def days_list(tr: Translator, days: Sequence[int]) -> str:
    """'3 days and 1 day' … as a list in the reader's language."""
    return tr.format_list([tr.ngettext("{n} day", "{n} days", d).format(n=d) for d in days])


def languages_in_text(languages: Sequence[str], tr: Translator) -> str:
    """Languages named inside a sentence of the reader's, joined as the reader's language
    joins a list: 'español y alemán', 'Spanisch und Deutsch'."""
    return tr.format_list([cldr.language_name(lang, tr.lang) or lang for lang in languages])


def marked(text: LocalizedText, lang: str) -> str:
    """A text an editor typed, for a reader of `lang`: their variant, else the original
    with its language, "Taller de energía (es)", until someone adds a translation. Plain
    text: the caller escapes it, as any data text."""
    shown, original = text.shown(lang)
    return shown if original is None else f"{shown} ({original})"


def not_its_group(tr: Translator, partnership: str) -> str:
    """Why an agenda or action item from here does not go to the partnership's meetings."""
    return escape(
        tr.gettext(
            "This chat does not speak for {partnership}: its meetings take items from its "
            "focal points and the coordinators, and from the groups one of them linked with "
            "/{cmd_subscribe}."
        ).format(partnership=partnership, **command_names(tr.lang))
    )


def no_such_partnership(tr: Translator, typed: str) -> str:
    """One wording wherever a typed partnership or town finds none."""
    return escape(tr.gettext("I found no partnership for “{what}”.").format(what=typed[:40]))


def ask_focal_points(tr: Translator, town: str | None, cmd_contacts: str) -> str:
    """After "only the focal points…": whom to ask, and how to find them (plain text).
    `town`: the one the user named, else a placeholder the user fills in."""
    if town:
        return tr.gettext("Ask one of them: /{cmd_contacts} {town}").format(
            cmd_contacts=cmd_contacts, town=town[:40]
        )
    return tr.gettext("Ask one of them: /{cmd_contacts} <town>").format(cmd_contacts=cmd_contacts)
