"""A line that ends in a few words after a finished sentence introduces the lines after it."""

import pytest

from kb.answer.extractive import _left_open


@pytest.mark.parametrize(
    ("line", "open_"),
    [
        ("Einige Merkmale sollten verstärkt vermittelt werden. Dazu gehören", True),
        ("Ansprechpartner ist Dr. Müller", False),  # after a title
        ("Das gilt ab 1. Januar", False),  # after a day's number
        ("## 3. Ergebnisse der Befragung", False),  # a numbered heading
        ("Die Mittel (z. B. Personal", False),  # after an abbreviation
        ("- Erstens. Dazu gehören", False),  # a list item itself
        ("Das war so. Dann kamen im Jahr 2019 viele weitere Kommunen hinzu", False),
    ],
)
def test_a_line_left_open_for_what_follows(line: str, open_: bool) -> None:
    assert _left_open(line, len(line)) is open_
