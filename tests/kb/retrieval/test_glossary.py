"""Acronyms learned from the documents, and query expansion with them."""

import pytest

from kb.retrieval.analyzer import STOPWORDS, GermanAnalyzer
from kb.retrieval.glossary import Glossary

TEXTS = [
    "Abkürzungsverzeichnis\nGfS\tGeschäftsführende Stelle\nBEST\tBeratungsstelle\n",
    "Ein Kommunales Integrationszentrum (KI) koordiniert die Angebote vor Ort.",
    "Das Landesprogramm KAoA (Kein Abschluss ohne Anschluss) begleitet Jugendliche.",
]


@pytest.fixture(scope="module")
def glossary() -> Glossary:
    return Glossary.from_texts(TEXTS, STOPWORDS, GermanAnalyzer().terms)


def test_learns_from_table_rows_long_form_first_and_short_form_first(
    glossary: Glossary,
) -> None:
    assert glossary.entries == {
        "GfS": "Geschäftsführende Stelle",
        "BEST": "Beratungsstelle",
        "KI": "Kommunales Integrationszentrum",
        "KAoA": "Kein Abschluss ohne Anschluss",
    }


def test_long_form_starts_at_the_word_spelling_the_first_letter() -> None:
    learned = Glossary.from_texts(
        ["Anträge prüft in Köln die Zentrale Ausländerbehörde (ZAB) des Landes."]
    )
    assert learned.entries == {"ZAB": "Zentrale Ausländerbehörde"}


def test_parentheses_whose_letters_do_not_match_are_ignored() -> None:
    learned = Glossary.from_texts(
        ["Die Stadt (NRW) plant.", "Das Angebot FAQ (siehe unten) hilft."]
    )
    assert learned.entries == {}


def test_an_acronym_that_is_also_a_lowercase_word_is_dropped() -> None:
    learned = Glossary.from_texts([*TEXTS, "Wir geben unser best mögliches."])
    assert "BEST" not in learned.entries
    assert "GfS" in learned.entries


def test_lowercase_words_in_addresses_do_not_drop_an_acronym() -> None:
    learned = Glossary.from_texts([*TEXTS, "Mail an gfs@stadt.de oder www.best-koeln.de"])
    assert {"GfS", "BEST"} <= learned.entries.keys()


@pytest.mark.parametrize("query", ["Was macht die GfS?", "was macht die gfs"])
def test_acronym_in_the_query_adds_the_long_form(glossary: Glossary, query: str) -> None:
    expansion = glossary.expand(query)
    assert expansion.text == f"{query} (Geschäftsführende Stelle)"
    assert [long for _, long in expansion.added] == ["Geschäftsführende Stelle"]


def test_mixed_case_acronym_typed_in_lowercase_is_expanded(glossary: Glossary) -> None:
    assert "Kein Abschluss ohne Anschluss" in glossary.expand("Wo gibt es kaoa?").text


def test_short_all_caps_acronym_typed_in_lowercase_is_not_expanded(glossary: Glossary) -> None:
    # "ki" could be any word; only "KI" as typed means the Integrationszentrum.
    assert glossary.expand("ki").added == []
    assert glossary.expand("Was macht das KI?").added == [("KI", "Kommunales Integrationszentrum")]


def test_inflected_long_form_in_the_query_adds_the_acronym(glossary: Glossary) -> None:
    query = "Aufgaben der Geschäftsführenden Stelle"
    expansion = glossary.expand(query)
    assert expansion.text == f"{query} (GfS)"
    assert expansion.added == [("GfS", "Geschäftsführende Stelle")]


def test_long_form_already_in_the_query_is_not_added_again(glossary: Glossary) -> None:
    query = "Was macht die GfS (Geschäftsführende Stelle)?"
    assert glossary.expand(query).text == query


def test_query_without_acronyms_or_long_forms_is_unchanged(glossary: Glossary) -> None:
    query = "Wer bezahlt die Sprachkurse?"
    expansion = glossary.expand(query)
    assert expansion.text == query
    assert expansion.added == []
