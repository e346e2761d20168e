"""Result snippets: a window of the chunk text with the words that matched the query marked."""

import pytest

from kb.retrieval.analyzer import GermanAnalyzer
from kb.retrieval.highlight import Snippet, snippet

FILLER = "Füllwort " * 60


@pytest.fixture(scope="module")
def analyzer() -> GermanAnalyzer:
    return GermanAnalyzer()


def marked(s: Snippet) -> list[str]:
    return [s.text[start:end] for start, end in s.marks]


def test_marks_the_words_whose_terms_the_query_has(analyzer: GermanAnalyzer) -> None:
    text = "Die Förderung der Kommunen erfolgt über das Land. Die Ausbildungsduldung ist anders."
    s = snippet(text, analyzer.query_terms("Foerderung Kommune"), analyzer)
    assert marked(s) == ["Förderung", "Kommunen"]


def test_marks_a_hyphenated_compound_when_a_part_matches(analyzer: GermanAnalyzer) -> None:
    text = "Neue Teilhabemanagement-Stellen werden besetzt."
    s = snippet(text, analyzer.query_terms("Stellen"), analyzer)
    assert marked(s) == ["Teilhabemanagement-Stellen"]


def test_short_text_is_returned_whole(analyzer: GermanAnalyzer) -> None:
    text = "Die Duldung wird bei der Ausländerbehörde beantragt."
    s = snippet(text, analyzer.query_terms("Duldung"), analyzer)
    assert s == Snippet(text, [(4, 11)], truncated_start=False, truncated_end=False)


def test_no_match_gives_no_marks(analyzer: GermanAnalyzer) -> None:
    text = "Die Duldung wird bei der Ausländerbehörde beantragt."
    assert snippet(text, analyzer.query_terms("Sprachkurs"), analyzer).marks == []


def test_long_text_is_cut_to_a_window_around_the_densest_marks(
    analyzer: GermanAnalyzer,
) -> None:
    text = (
        "Duldung am Anfang. "
        + FILLER
        + "Die Ausbildungsduldung erteilt die Ausländerbehörde, die Duldung auch. "
        + FILLER
    )
    query = analyzer.query_terms("Ausbildungsduldung Ausländerbehörde Duldung")
    s = snippet(text, query, analyzer, width=120)
    assert len(s.text) < 150  # about the width, not the whole text
    assert s.truncated_start and s.truncated_end
    assert marked(s) == ["Ausbildungsduldung", "Ausländerbehörde", "Duldung"]
    assert s.text in text


def test_window_starts_and_ends_at_word_boundaries(analyzer: GermanAnalyzer) -> None:
    text = FILLER + "Die Duldung wird beantragt. " + FILLER
    s = snippet(text, analyzer.query_terms("Duldung"), analyzer, width=100)
    start = text.index(s.text)
    assert start > 0 and text[start - 1] == " "
    assert s.text.split()[0] == "Füllwort"
    assert text[start + len(s.text) - 1] == " "


@pytest.mark.parametrize("width", range(40, 48))
def test_marks_never_straddle_the_window_edge(analyzer: GermanAnalyzer, width: int) -> None:
    # The window ends at every offset within a "Duldung " for one of the widths.
    text = FILLER + "Duldung " * 20 + FILLER
    s = snippet(text, analyzer.query_terms("Duldung"), analyzer, width=width)
    assert s.marks
    assert s.text.split() == ["Füllwort"] + ["Duldung"] * len(s.marks)
    assert marked(s) == ["Duldung"] * len(s.marks)
    assert all(0 <= start < end <= len(s.text) for start, end in s.marks)


def test_a_match_in_the_last_words_of_a_long_text_is_shown(analyzer: GermanAnalyzer) -> None:
    text = FILLER + "Abschluss Anschluss Duldung."
    s = snippet(text, analyzer.query_terms("Duldung"), analyzer, width=120)
    assert marked(s) == ["Duldung"]
    assert not s.truncated_end
