import html

import pytest

from bot.text.markup import escape


@pytest.mark.parametrize(
    "text", ["Bonn – La Paz", "", "R&D", "<b>", "a > b", 'say "hi"', "l'été", "Köln 🇩🇪"]
)
def test_escape_is_html_escape(text: str) -> None:
    assert escape(text) == html.escape(text)
