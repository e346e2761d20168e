"""The sources of an answer: the passages it quotes first, in the order it cites them."""

from kb.answer.compose import cited_first
from kb.models import Chunk, Citation, Hit


def _hit(name: str, doc: str, page: int | None, start: int, end: int, text: str = "") -> Hit:
    chunk = Chunk(name, doc, "v1", start, page, None, text, start, end, f"{doc}.pdf", doc, "pdf")
    return Hit(chunk, score=1.0 / (start + 1))


def _cite(n: int, doc: str, page: int | None, start: int | None, quote: str = "x") -> Citation:
    end = None if start is None else start + len(quote)
    return Citation(n, doc, f"{doc}.pdf", doc, page, quote, start=start, end=end)


def test_the_quoted_passages_come_first_in_citation_order() -> None:
    a, b, c = _hit("a", "d", 1, 0, 100), _hit("b", "d", 1, 100, 200), _hit("c", "d", 2, 0, 100)
    order = cited_first([a, b, c], [_cite(1, "d", 2, 10), _cite(2, "d", 1, 50)])
    assert [h.chunk.id for h in order] == ["c", "a", "b"]


def test_a_quote_is_held_by_the_passage_it_begins_in() -> None:
    a, b = _hit("a", "d", 1, 0, 100), _hit("b", "d", 1, 100, 200)
    assert [h.chunk.id for h in cited_first([a, b], [_cite(1, "d", 1, 100)])] == ["b", "a"]
    # the same offsets on another page, or in another document, are another passage
    assert [h.chunk.id for h in cited_first([a, b], [_cite(1, "d", 2, 150)])] == ["a", "b"]
    assert [h.chunk.id for h in cited_first([a, b], [_cite(1, "e", 1, 150)])] == ["a", "b"]


def test_a_quote_continued_overleaf_keeps_the_retrieval_order_of_the_rest() -> None:
    a, b, c = _hit("a", "d", 1, 0, 100), _hit("b", "d", 3, 0, 100), _hit("c", "d", 4, 0, 100)
    # [1] begins in c and goes on to page 5, which no retrieved passage holds
    order = cited_first([a, b, c], [_cite(1, "d", 4, 80), _cite(2, "d", 5, 0)])
    assert [h.chunk.id for h in order] == ["c", "a", "b"]


def test_without_offsets_the_quote_text_finds_its_passage() -> None:
    a = _hit("a", "d", None, 0, 100, "Erster Absatz über etwas anderes.")
    b = _hit("b", "d", None, 100, 200, "Die Stelle koordiniert das Bündnis vor Ort.")
    cite = _cite(1, "d", None, None, "Die Stelle koordiniert das Bündnis")
    assert [h.chunk.id for h in cited_first([a, b], [cite])] == ["b", "a"]


def test_a_refusal_keeps_the_retrieval_order() -> None:
    hits = [_hit("a", "d", 1, 0, 100), _hit("b", "d", 1, 100, 200)]
    assert cited_first(hits, []) == hits
