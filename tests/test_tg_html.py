"""The offline Bot API refuses HTML that Telegram would refuse."""

from __future__ import annotations

import pytest

from bot.telegram.html import HtmlError, to_plain_text


def test_valid_html_becomes_the_text_a_user_sees() -> None:
    assert to_plain_text("<b>Bonn</b> &amp; La Paz &lt;3 &#8211; <a href='x'>ok</a>") == (
        "Bonn & La Paz <3 – ok"
    )


@pytest.mark.parametrize(
    "html",
    ["a < b", "<div>x</div>", "<b>open", "x</b>", "Tom & Jerry", "&nbsp;", "<b><i>x</b></i>"],
)
def test_invalid_html_is_refused(html: str) -> None:
    with pytest.raises(HtmlError):
        to_plain_text(html)
