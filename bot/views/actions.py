"""Action items as readers see them: the posts after a meeting, an owner's reminder, the
weekly overdue digest, "open from last time" on an invitation, /actions and the steps of
adding one. Plain functions of values.

Posts the bot sends to a group on its own (the digest, the invitation's lines) never name
a member: an item a person owns is shown without its owner there, one a side owns as
"the Bonn side". /actions, which someone asked for, names the owners.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence
from datetime import date
from html import escape

from bot.model.actions import ActionItem, Member, Owner
from bot.model.domain import LocalizedText, PartnershipView
from bot.model.roles import Side
from bot.telegram.callbacks import button, grid
from bot.telegram.commands import command_names
from bot.telegram.edit_callbacks import (
    ActionAdd,
    ActionDo,
    ActionDone,
    ActionPage,
    ActionStep,
    ActionTick,
)
from bot.telegram.limits import SCREEN_ROOM, Button, Keyboard, screen_lines
from bot.telegram.paging import nav_row, page_by_lines
from bot.text.dates import days_until
from bot.text.i18n import Translator
from bot.text.markup import fill
from bot.views.common import ask_focal_points, marked, no_such_partnership

MAX_TEXT = 300
"""Characters of an item's text: a line or two on a phone."""
OPEN_LINES = 2
"""Items "open from last time" an invitation lists, then "…and 2 more": a post in two
languages holds them once (each line is the same in both), and a heading per language."""
DIGEST_LINES = 6

Shown = Callable[[LocalizedText], str]


def side_town(view: PartnershipView | None, side: Side, lang: str) -> str:
    if view is None:
        return ""
    town = view.north if side is Side.NORTH else view.south
    return town.name.get(lang)


def side_label(tr: Translator, view: PartnershipView | None, side: Side) -> str:
    """'Bonn team' (plain text)."""
    town = side_town(view, side, tr.lang)
    if not town:
        return tr.gettext("Northern team") if side is Side.NORTH else tr.gettext("Southern team")
    return tr.gettext("{town} team").format(town=town)


def owner_label(tr: Translator, owner: Owner, view: PartnershipView | None) -> str:
    """The owner as /actions names them (plain text)."""
    if isinstance(owner, Side):
        return side_label(tr, view, owner)
    return owner.name or tr.gettext("a former member")


def due_label(tr: Translator, due: date, today: date) -> str:
    """'📅 3 Dec 2026', '⏰ 3 Dec 2026' once it passed (HTML)."""
    icon = "⏰" if due < today else "📅"
    return f"{icon} {escape(tr.format_date(due))}"


def _names(tr: Translator) -> dict[str, str]:
    return dict(command_names(tr.lang))


# -- posts -------------------------------------------------------------------------------------


def ask_post(tr: Translator, title: str) -> str:
    """After a meeting: what did you agree? (HTML)"""
    return "\n".join(
        [
            "📋 <b>"
            + escape(tr.gettext("The meeting is over: {title}").format(title=title))
            + "</b>",
            escape(tr.gettext("What did you agree? Add each action item with ➕ below.")),
        ]
    )


def ask_keyboard(tr: Translator, delivery_id: int) -> Keyboard:
    return Keyboard([[button("➕ " + tr.gettext("Add an action item"), ActionAdd(delivery_id))]])


def reminder_post(
    tr: Translator,
    item: ActionItem,
    view: PartnershipView | None,
    shown: Shown,
    today: date,
) -> str:
    """An owner's private reminder (HTML)."""
    left = days_until(tr, item.due, today)
    lines = [
        "📋 <b>" + escape(tr.gettext("Your action item is due {left}").format(left=left)) + "</b>",
        escape(shown(item.text)),
        due_label(tr, item.due, today),
    ]
    if isinstance(item.owner, Side):
        lines.append("👥 " + escape(side_label(tr, view, item.owner)))
    if view is not None:
        lines.append("🤝 " + escape(view.pair_name(tr.lang)))
    lines.append(escape(tr.gettext("Done? Tick it with ✅ below.")))
    return "\n".join(lines)


def reminder_keyboard(tr: Translator, item_id: int) -> Keyboard:
    return Keyboard([[button("✅ " + tr.gettext("Done"), ActionDone(item_id))]])


def _public_line(
    tr: Translator, item: ActionItem, view: PartnershipView | None, shown: Shown, today: date
) -> str:
    """An item as a group's post shows it: no member named, a side as "the Bonn side"."""
    parts = [escape(shown(item.text))]
    if isinstance(item.owner, Side):
        parts.append(escape(side_label(tr, view, item.owner)))
    parts.append(due_label(tr, item.due, today))
    return "• " + " · ".join(parts)


def _more(tr: Translator, count: int) -> str:
    said = tr.ngettext(
        "…and {count} more: /{cmd_actions}", "…and {count} more: /{cmd_actions}", count
    )
    return escape(said.format(count=count, **_names(tr)))


def digest_post(
    tr: Translator,
    items: Sequence[ActionItem],
    view: PartnershipView | None,
    shown: Shown,
    today: date,
) -> str:
    """The weekly list of a partnership's overdue items (HTML); owners not named."""
    pair = view.pair_name(tr.lang) if view is not None else ""
    lines = ["⏰ <b>" + escape(tr.gettext("Overdue action items")) + "</b>"]
    if pair:
        lines.append("🤝 " + escape(pair))
    lines += [_public_line(tr, i, view, shown, today) for i in items[:DIGEST_LINES]]
    if len(items) > DIGEST_LINES:
        lines.append(_more(tr, len(items) - DIGEST_LINES))
    said = tr.gettext("Done already? Tick it in /{cmd_actions}.")
    lines.append(escape(said.format(**_names(tr))))
    return "\n".join(lines)


def open_from_last_time(
    tr: Translator, items: Sequence[ActionItem], shown: Shown, today: date, detail: int = 2
) -> list[str]:
    """An invitation's lines on the action items still open (HTML), none if there are none.
    `detail` 2: the first few items; 1: how many (a post in two languages that would not
    fit a screen otherwise); 0: nothing."""
    if not items or detail <= 0:
        return []
    if detail == 1:
        said = tr.ngettext(
            "📋 Still open: {count} item, /{cmd_actions}",
            "📋 Still open: {count} items, /{cmd_actions}",
            len(items),
        )
        return [escape(said.format(count=len(items), **_names(tr)))]
    lines = ["📋 " + escape(tr.gettext("Open from last time:"))]
    # The text alone (⏰ once due): the same line in every language of the post, so said
    # once; owners and dates are a press of /actions away.
    lines += [
        "• " + escape(shown(i.text)) + (" ⏰" if i.due < today else "") for i in items[:OPEN_LINES]
    ]
    if len(items) > OPEN_LINES:
        lines.append(_more(tr, len(items) - OPEN_LINES))
    return lines


# -- /actions ----------------------------------------------------------------------------------


def _listed(
    tr: Translator,
    number: int,
    item: ActionItem,
    view: PartnershipView | None,
    today: date,
    named: bool,
) -> str:
    """`named`: the reader sees who owns it (else a member is "a member": names are for the
    partnership's people and groups, as /contacts shows only who chose to be listed)."""
    if named or not isinstance(item.owner, Member):
        owner = escape(owner_label(tr, item.owner, view))
    else:
        owner = escape(tr.gettext("a member"))
    text = escape(marked(item.text, tr.lang))
    return f"{number}. {text}\n👤 {owner} · {due_label(tr, item.due, today)}"


def listing(
    tr: Translator,
    title: str,
    items: Sequence[ActionItem],
    views: dict[str, PartnershipView],
    page: int,
    target: str,
    today: date,
    note: str = "",
    named: Collection[str] = (),
) -> tuple[str, Keyboard | None]:
    """One screen of open items, oldest first, ✅ under each; ◀ ▶ between pages. `named`:
    the partnerships whose members' names the reader sees."""
    head = ["📋 <b>" + escape(tr.gettext("Open action items")) + "</b>"]
    if title:
        head.append("🤝 " + escape(title))
    if note:
        head.insert(0, note)
    if not items:
        return "\n".join([*head, escape(tr.gettext("Nothing is open."))]), None
    numbered = [(n, item) for n, item in enumerate(items, 1)]
    blocks = {
        n: _listed(tr, n, item, views.get(item.partnership_id), today, item.partnership_id in named)
        for n, item in numbered
    }
    room = SCREEN_ROOM - sum(screen_lines(h) for h in head)
    shown, page, more = page_by_lines(numbered, lambda p: screen_lines(blocks[p[0]]), room, page)
    text = "\n".join([*head, *(blocks[n] for n, _ in shown)])
    ticks = [(f"☑️ {n}", ActionTick(page, item.id, target)) for n, item in shown]
    rows: list[list[Button]] = grid(ticks, 4)
    nav = nav_row(lambda p: ActionPage(p, target), page, page + 2 if more else page + 1)
    if nav:
        rows.append(nav)
    return text, Keyboard(rows)


def ticked(tr: Translator, item: ActionItem) -> str:
    """The pop-up after ✅."""
    return tr.gettext("Done: {text}").format(text=marked(item.text, tr.lang))[:190]


def not_yours(tr: Translator) -> str:
    """A pop-up (plain text)."""
    said = tr.gettext(
        "Only the item's owner, the partnership's focal points and coordinators may tick it."
    )
    return said + " " + ask_focal_points(tr, None, _names(tr)["cmd_contacts"])


def already_done(tr: Translator) -> str:
    return tr.gettext("This item was ticked done already.")


def reminder_done(tr: Translator, item: ActionItem) -> str:
    """The private reminder once its ✅ was pressed (HTML)."""
    return "✅ " + escape(tr.gettext("Done: {text}").format(text=marked(item.text, tr.lang)))


def nothing_followed(tr: Translator) -> str:
    return escape(
        tr.gettext("This group follows no partnership. Follow one first: /{cmd_subscribe}").format(
            **_names(tr)
        )
    )


def none_of_yours(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Which partnership? Add a town, for example /{cmd_actions} Bonn. "
            "Or tell me your town first: /{cmd_iam}"
        ).format(**_names(tr))
    )


def not_found(tr: Translator, query: str) -> str:
    return no_such_partnership(tr, query)


# -- adding one --------------------------------------------------------------------------------


def ask_text(tr: Translator, mention: str) -> str:
    """HTML; `mention` (HTML) names the one asked, so that a selective ForceReply reaches them."""
    said = tr.gettext(
        "{name}, what was agreed? Reply with the action item's text (/{cmd_cancel} to stop)."
    )
    return fill(said, name=mention, **_names(tr))


def ask_owner(tr: Translator, text: LocalizedText) -> str:
    return "\n".join(
        [
            "📋 " + escape(marked(text, tr.lang)),
            escape(
                tr.gettext("Who will do it? Pick below (/{cmd_cancel} to stop).").format(
                    **_names(tr)
                )
            ),
        ]
    )


def owner_keyboard(
    tr: Translator, answerers: Sequence[tuple[int, str]], view: PartnershipView | None
) -> Keyboard:
    """The ✅ answerers, me, both sides, and ✖."""
    people = [(f"👤 {name}", ActionStep(ActionDo.MEMBER, str(uid))) for uid, name in answerers]
    people.append(("🙋 " + tr.gettext("Me"), ActionStep(ActionDo.ME)))
    sides = [
        ("👥 " + side_label(tr, view, Side.NORTH), ActionStep(ActionDo.NORTH)),
        ("👥 " + side_label(tr, view, Side.SOUTH), ActionStep(ActionDo.SOUTH)),
    ]
    rows = grid(people, 3) + grid(sides, 2)
    rows.append([cancel_button(tr)])
    return Keyboard(rows)


def cancel_button(tr: Translator) -> Button:
    return button("✖ " + tr.gettext("Cancel"), ActionStep(ActionDo.CANCEL))


def partnership_keyboard(tr: Translator, views: Sequence[PartnershipView]) -> Keyboard:
    labelled = [
        (v.pair_name(tr.lang), ActionStep(ActionDo.PARTNERSHIP, v.partnership.id)) for v in views
    ]
    return Keyboard([*grid(labelled, 2), [cancel_button(tr)]])


def ask_partnership(tr: Translator) -> str:
    return escape(tr.gettext("Which partnership is it for?"))


def ask_due(tr: Translator, owner: str, heading: str, mention: str) -> str:
    """HTML: by when, typed (a reply) or picked on the calendar below."""
    said = tr.gettext(
        "{name}, by when? Reply with the date (for example “15 March”) or pick it below."
    )
    return "\n".join(["👤 " + escape(owner), fill(said, name=mention), heading])


def saved(tr: Translator, item: ActionItem, view: PartnershipView | None, today: date) -> str:
    """The group's short confirmation (HTML)."""
    return "\n".join(
        [
            "✅ <b>" + escape(tr.gettext("Action item added")) + "</b>",
            "📋 " + escape(marked(item.text, tr.lang)),
            "👤 " + escape(owner_label(tr, item.owner, view)),
            due_label(tr, item.due, today),
        ]
    )


def cancelled(tr: Translator) -> str:
    return escape(tr.gettext("No action item was added."))


def empty_text(tr: Translator) -> str:
    return escape(tr.gettext("The action item needs a text. Please reply with it."))


def text_too_long(tr: Translator) -> str:
    said = tr.gettext("That is too long: at most {count} characters, please.")
    return escape(said.format(count=MAX_TEXT))


def may_not_add(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Action items are added in the partnership's group, or here by its focal points."
        )
    )
