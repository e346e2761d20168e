"""Okapi BM25 ranking on tiny hand-made corpora of analyzed terms."""

import pytest

from kb.retrieval.bm25 import BM25Index


def ranked(index: BM25Index, query: list[str], k: int = 10) -> list[int]:
    return [i for i, _ in index.search(query, k)]


def test_a_rare_query_term_outranks_a_frequent_one() -> None:
    index = BM25Index(
        [
            ["antrag", "stellen", "formular"],
            ["duldung", "stellen", "formular"],
            ["antrag", "frist", "formular"],
            ["antrag", "kosten", "formular"],
        ]
    )
    assert ranked(index, ["antrag", "duldung"])[0] == 1


def test_repeating_a_term_helps_but_saturates() -> None:
    once = ["duldung"] + ["text"] * 9
    often = ["duldung"] * 10
    index = BM25Index([once, often, ["text"] * 10, ["andere"] * 10])
    scores = index.scores(["duldung"])
    assert scores[1] > scores[0]
    assert scores[1] < 2 * scores[0]  # ten times the occurrences, not ten times the score
    assert scores[1] < index.idf("duldung") * (index.k1 + 1)


def test_a_match_in_a_short_document_beats_the_same_match_in_a_long_one() -> None:
    short = ["duldung", "antrag"]
    long = ["duldung", "antrag"] + ["text"] * 40
    index = BM25Index([long, short, ["andere"] * 5])
    assert ranked(index, ["duldung"]) == [1, 0]


def test_without_length_normalisation_the_lengths_do_not_matter() -> None:
    index = BM25Index([["duldung"] + ["text"] * 40, ["duldung"], ["andere"]], b=0.0)
    scores = index.scores(["duldung"])
    assert scores[0] == pytest.approx(scores[1])


def test_unknown_terms_score_zero_and_find_nothing() -> None:
    index = BM25Index([["antrag"], ["duldung"]])
    assert index.scores(["unbekannt"]).tolist() == [0.0, 0.0]
    assert index.search(["unbekannt"], 5) == []
    assert ranked(index, ["unbekannt", "duldung"]) == [1]


def test_document_frequency_counts_the_documents_holding_a_term() -> None:
    index = BM25Index([["antrag", "antrag"], ["antrag", "duldung"], ["frist"]])
    assert index.document_frequency("antrag") == 2  # a document holding it twice counts once
    assert index.document_frequency("unbekannt") == 0


def test_documents_without_a_query_term_are_not_returned() -> None:
    index = BM25Index([["antrag"], ["duldung"], ["frist"]])
    assert sorted(ranked(index, ["duldung", "frist"])) == [1, 2]


def test_empty_index_finds_nothing() -> None:
    index = BM25Index([])
    assert index.size == 0
    assert index.scores(["duldung"]).shape == (0,)
    assert index.search(["duldung"], 5) == []


def test_k_larger_than_the_corpus_returns_all_matches_best_first() -> None:
    index = BM25Index([["duldung"], ["duldung", "duldung", "antrag"], ["antrag"]])
    results = index.search(["duldung", "antrag"], 100)
    assert sorted(i for i, _ in results) == [0, 1, 2]
    scores = [s for _, s in results]
    assert scores == sorted(scores, reverse=True)
    assert results[0][0] == 1


def test_k_limits_the_results_to_the_best() -> None:
    index = BM25Index([["duldung"] + ["text"] * n for n in range(6)] + [["andere"]])
    assert ranked(index, ["duldung"], k=2) == [0, 1]
    assert index.search(["duldung"], 0) == []
