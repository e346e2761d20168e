"""Checking that a cited quote really occurs in the page text (kb/text/normalize.py)."""

import unicodedata

import pytest

from kb.text.normalize import quote_in_text

PAGE = (
    "Die Ausbildungsduldung wird bei der\nzuständigen Ausländerbehörde beantragt.\n\n"
    "Sie gilt für die Dauer der Ausbildung."
)


@pytest.mark.parametrize(
    "quote",
    [
        "zuständigen Ausländerbehörde beantragt.",
        "bei der zuständigen Ausländerbehörde",  # line break in the page, a space in the quote
        "beantragt.   Sie gilt",  # paragraph break vs. several spaces
        "  Sie gilt für die Dauer der Ausbildung.\n",  # surrounding whitespace
        unicodedata.normalize("NFD", "zuständigen Ausländerbehörde"),  # decomposed umlauts
    ],
)
def test_quote_found_despite_whitespace_and_unicode_differences(quote: str) -> None:
    assert quote_in_text(quote, PAGE)


def test_decomposed_page_text_matches_a_composed_quote() -> None:
    assert quote_in_text("Ausländerbehörde", unicodedata.normalize("NFD", PAGE))


@pytest.mark.parametrize(
    "quote",
    [
        "zuständige Ausländerbehörde",  # a different word form
        "Die Beschäftigungsduldung wird",
        "zuständigenAusländerbehörde",  # missing space is a different text
    ],
)
def test_quote_not_in_the_text_is_rejected(quote: str) -> None:
    assert not quote_in_text(quote, PAGE)


@pytest.mark.parametrize("quote", ["", "   ", "\n\t"])
def test_empty_quote_is_never_found(quote: str) -> None:
    assert not quote_in_text(quote, PAGE)
