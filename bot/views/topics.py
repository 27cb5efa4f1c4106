"""Forum topics: where a group's posts go, and what /topic answers."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from bot.telegram.commands import command_names
from bot.text.i18n import Translator

TOPIC_LOST_SEPARATOR = "\n\n"


def topic_chosen(tr: Translator) -> str:
    return escape(tr.gettext("Done: my posts for this group will come to this topic."))


def back_to_general(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "Done: my posts will come to General again. To choose a topic, send /{cmd_topic} "
            "inside it."
        ).format(**command_names(tr.lang))
    )


def in_general(tr: Translator) -> str:
    return escape(
        tr.gettext(
            "My posts come to General. To have them in a topic, send /{cmd_topic} inside it."
        ).format(**command_names(tr.lang))
    )


def no_topics(tr: Translator) -> str:
    return escape(tr.gettext("This chat has no topics: my posts come to the chat itself."))


def topic_lost(translators: Iterable[Translator]) -> str:
    """Told once, in General, in each of the group's languages: the topic is gone."""
    return TOPIC_LOST_SEPARATOR.join(
        "⚠️ "
        + escape(
            tr.gettext(
                "The topic for my posts was closed or deleted, so they come here to General "
                "now. An administrator can choose a topic again: send /{cmd_topic} inside it."
            ).format(**command_names(tr.lang))
        )
        for tr in translators
    )
