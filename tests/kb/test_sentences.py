"""German sentence splitting with exact character offsets."""

from itertools import pairwise

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from kb.models import ParsedDocument
from kb.text.sentences import sentence_texts, split_sentences


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    "sentence",
    [
        "Das gilt z. B. für Geduldete und Gestattete.",
        "Das gilt z.B. für Geduldete.",
        "Die Kommune bzw. der Kreis entscheidet.",
        "Laut Dr. Müller ist das Bündnis gut aufgestellt.",
        "Es gibt ggf. Probleme beim Zugang.",
        "Beteiligt sind u. a. Schulen und Träger.",
        "Beteiligt sind u.a. Jobcenter.",
        "Die 16. Auflage erscheint im Herbst.",
        "Am 29. Juni 2018 fand das Werkstattgespräch statt.",
        "Siehe dazu vgl. Abschnitt drei und Prof. Dr. Stöbe-Blossey.",
        "Es kostet ca. 50 Mio. Euro.",
    ],
)
def test_abbreviations_ordinals_and_dates_do_not_end_a_sentence(sentence: str) -> None:
    text = f"{sentence} Danach folgt ein zweiter Satz."
    assert sentences(text) == [sentence, "Danach folgt ein zweiter Satz."]


def test_exclamation_and_question_marks_end_sentences() -> None:
    assert sentences("Wirklich! Wer kommt mit? Niemand. Gut.") == [
        "Wirklich!",
        "Wer kommt mit?",
        "Niemand.",
        "Gut.",
    ]


def test_a_closing_quote_stays_with_its_sentence() -> None:
    assert sentences("Er sagte: „Das klappt gemeinsam.“ Dann ging er.") == [
        "Er sagte: „Das klappt gemeinsam.“",
        "Dann ging er.",
    ]


def test_a_newline_always_ends_a_sentence() -> None:
    text = "Aufgaben der Kerngruppe sind\n- Lenkungsfunktion\n- Planung von Angeboten"
    assert sentences(text) == [
        "Aufgaben der Kerngruppe sind",
        "- Lenkungsfunktion",
        "- Planung von Angeboten",
    ]


def test_offsets_are_exact_and_trimmed() -> None:
    text = "  Erster Satz.   Zweiter Satz!\n\n  Dritter Satz ohne Punkt  \n"
    spans = split_sentences(text)
    assert [text[s:e] for s, e in spans] == [
        "Erster Satz.",
        "Zweiter Satz!",
        "Dritter Satz ohne Punkt",
    ]
    assert spans == sorted(spans)
    assert all(s < e for s, e in spans)
    assert all(a[1] <= b[0] for a, b in pairwise(spans))


def test_a_lowercase_continuation_does_not_start_a_sentence() -> None:
    assert sentences("Das Bündnis tagt vierteljährl. und berät die Kommune.") == [
        "Das Bündnis tagt vierteljährl. und berät die Kommune."
    ]


def test_empty_and_blank_text_has_no_sentences() -> None:
    assert split_sentences("") == []
    assert split_sentences(" \n\t\n ") == []


def test_corpus_pages_split_into_ordered_non_overlapping_spans(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    for doc in parsed_corpus.values():
        for page in doc.pages:
            spans = split_sentences(page.text)
            assert all(a[1] <= b[0] for a, b in pairwise(spans))
            for s, e in spans:
                piece = page.text[s:e]
                assert piece == piece.strip() and piece, (doc.file_name, page.number)
                assert "\n" not in piece, (doc.file_name, page.number, piece)


# -- the linear splitter agrees with the old quadratic one ---------------------------------------

SENTENCE_ALPHABET = "aAbBzZäÄ019. \n!?…\"“”’')([„‚§\t\u00a0\u2009"


def test_the_linear_splitter_splits_the_whole_corpus_as_before(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    from sentences_reference import reference_split

    pages = [p.text for doc in parsed_corpus.values() for p in doc.pages]
    chunks = [c.text for doc in parsed_corpus.values() for c in doc.chunks]
    assert sum(len(t) for t in pages) > 100_000
    for text in pages + chunks:
        assert split_sentences(text) == reference_split(text)


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet=SENTENCE_ALPHABET, max_size=200))
@example("0\n. 0")  # a period opening a line: the word before it is not on the line above
def test_the_linear_splitter_agrees_on_odd_punctuation(text: str) -> None:
    from sentences_reference import reference_split

    assert split_sentences(text) == reference_split(text)


def test_a_question_mark_in_a_quoted_title_ends_no_sentence() -> None:
    title = (
        "- „Angekommen – und nun? Integration von Geflüchteten vor Ort“ (Bertelsmann Stiftung; "
        "Krefeld, Kreis Düren),"
    )
    assert sentence_texts(title) == [title]
    # ... but a quoted question that closes, and a quoted remark of several sentences, do
    assert sentence_texts("Er fragte: „Wie geht es weiter?“ Dann ging er.") == [
        "Er fragte: „Wie geht es weiter?“",
        "Dann ging er.",
    ]
    # ... also when an English quotation mark follows
    assert sentence_texts("Er fragte: „Wie geht es weiter?“ Sie sagte “nein”.") == [
        "Er fragte: „Wie geht es weiter?“",
        "Sie sagte “nein”.",
    ]
    assert sentence_texts("„Was tun? Wir wissen es nicht.“") == [
        "„Was tun?",
        "Wir wissen es nicht.“",
    ]
