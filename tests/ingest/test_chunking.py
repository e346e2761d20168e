"""Sentence-aware chunking: whole sentences, size and overlap honoured, never across pages."""

from itertools import pairwise
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import FOERDER_TEXT
from pydantic import ValidationError

from ingest.chunking import SECTION_SEPARATOR, Chunker, ChunkSpan
from ingest.pipeline import ingest_paths
from kb.knowledge_base import build_kb
from kb.models import Heading, Page, ParsedDocument
from kb.text.sentences import split_sentences

TOPICS = ["Ausbildung", "Sprachkurs", "Beratung", "Wohnung", "Arbeit", "Schule", "Jobcenter"]


def body(n: int, tag: str) -> str:
    """``n`` distinct sentences of eight words each."""
    return " ".join(
        f"Satz {tag}{i} handelt von {TOPICS[i % len(TOPICS)]} und vielen Dingen." for i in range(n)
    )


def page_with_headings(number: int | None, parts: list[tuple[str, int, str]]) -> Page:
    """``parts``: (heading title, level, body text) in order."""
    lines: list[str] = []
    heads: list[Heading] = []
    offset = 0
    for title, level, text in parts:
        heads.append(Heading(offset, level, title))
        lines += [title, text]
        offset += len(title) + 1 + len(text) + 1
    return Page(number, "\n".join(lines), heads)


def words(text: str) -> int:
    return len(text.split())


def assert_sentence_aligned(pages: list[Page], spans: list[ChunkSpan]) -> None:
    by_number = {p.number: p for p in pages}
    sentences = {p.number: split_sentences(p.text) for p in pages}
    for span in spans:
        starts = {s for s, _ in sentences[span.page]}
        ends = {e for _, e in sentences[span.page]}
        assert span.start in starts, f"starts mid-sentence: {span.text[:40]!r}"
        assert span.end in ends, f"ends mid-sentence: {span.text[-40:]!r}"
        assert by_number[span.page].text[span.start : span.end] == span.text


def test_chunks_hold_whole_sentences_within_the_size() -> None:
    page = Page(1, body(40, "a"))
    spans = Chunker(size=30, overlap=0).chunk([page])
    assert len(spans) >= 10
    assert_sentence_aligned([page], spans)
    assert all(words(s.text) <= 30 for s in spans[:-1])
    assert words(spans[-1].text) <= 45  # a small tail may join the chunk before it


def test_without_overlap_every_sentence_is_in_exactly_one_chunk() -> None:
    page = Page(None, body(25, "b"))
    spans = Chunker(size=30, overlap=0).chunk([page])
    covered = [span.text[s:e] for span in spans for s, e in split_sentences(span.text)]
    assert covered == [page.text[s:e] for s, e in split_sentences(page.text)]


@pytest.mark.parametrize(("size", "overlap"), [(30, 10), (40, 17), (60, 20)])
def test_consecutive_chunks_overlap_by_whole_sentences(size: int, overlap: int) -> None:
    page = Page(3, body(60, "c"))
    spans = Chunker(size=size, overlap=overlap).chunk([page])
    assert len(spans) >= 5
    assert_sentence_aligned([page], spans)
    starts = {s for s, _ in split_sentences(page.text)}
    for a, b in pairwise(spans):
        assert a.start < b.start < a.end, "consecutive chunks must overlap"
        shared = page.text[b.start : a.end]
        assert b.start in starts and words(shared) <= overlap
        assert shared.endswith(".")  # whole sentences only


def test_a_larger_chunk_size_gives_fewer_chunks() -> None:
    page = Page(1, body(60, "d"))
    counts = [len(Chunker(size=n, overlap=0).chunk([page])) for n in (20, 40, 80)]
    assert counts[0] > counts[1] > counts[2]


def test_a_chunk_never_spans_two_pages_and_keeps_its_page_number() -> None:
    pages = [Page(n, body(12, f"p{n}")) for n in (1, 2, 3)]
    spans = Chunker(size=40, overlap=10).chunk(pages)
    assert {s.page for s in spans} == {1, 2, 3}
    for span in spans:
        assert span.text in pages[span.page - 1].text  # type: ignore[operator]
        assert all(f"Satz p{n}" not in span.text for n in (1, 2, 3) if n != span.page)
    assert_sentence_aligned(pages, spans)


def test_headings_close_chunks_and_the_section_path_carries_across_pages() -> None:
    pages = [
        page_with_headings(1, [("1 Einleitung", 1, body(3, "e")), ("1.1 Ziele", 2, body(3, "z"))]),
        Page(2, body(3, "f")),
        page_with_headings(3, [("2 Umsetzung", 1, body(3, "u"))]),
    ]
    spans = Chunker(size=100, overlap=0).chunk(pages)
    sections = [(s.page, s.section, s.text.split()[1]) for s in spans]
    assert sections == [
        (1, "1 Einleitung", "e0"),
        (1, f"1 Einleitung{SECTION_SEPARATOR}1.1 Ziele", "z0"),
        (2, f"1 Einleitung{SECTION_SEPARATOR}1.1 Ziele", "f0"),
        (3, "2 Umsetzung", "u0"),
    ]
    assert not any("Einleitung" in s.text or "Umsetzung" in s.text for s in spans)


def test_invalid_sizes_are_rejected() -> None:
    with pytest.raises(ValueError):
        Chunker(size=5, overlap=0)
    with pytest.raises(ValueError):
        Chunker(size=30, overlap=30)
    with pytest.raises(ValidationError):
        make_settings(Path("unused"), chunk_size=50, chunk_overlap=50)


def test_kb_chunk_size_from_the_environment_is_used_by_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("KB_CHUNK_SIZE", "20")
    monkeypatch.setenv("KB_CHUNK_OVERLAP", "0")
    settings = make_settings(tmp_path / "data")
    assert (settings.chunk_size, settings.chunk_overlap) == (20, 0)
    doc = tmp_path / "foerderung.txt"
    doc.write_text("\n\n".join(FOERDER_TEXT), encoding="utf-8")
    kb = build_kb(settings)
    try:
        report = ingest_paths(kb, [doc])
        chunks = kb.store.registry.active_chunks()
    finally:
        kb.close()
    assert report.results[0].status == "added"
    assert len(chunks) == report.results[0].chunks >= 4
    assert all(words(c.text) <= 30 for c in chunks)
    assert [c.text for c in chunks if c.text in FOERDER_TEXT[0]] != []


# -- the real corpus ----------------------------------------------------------------------------


def test_corpus_chunks_are_sentence_aligned_and_point_into_their_page(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    for doc in parsed_corpus.values():
        assert doc.chunks, doc.file_name
        pages = {p.number: p for p in doc.pages}
        for chunk in doc.chunks:
            page = pages[chunk.page]
            assert page.text[chunk.start : chunk.end] == chunk.text
            assert not any(chunk.start <= h.offset < chunk.end for h in page.headings), chunk
        assert_sentence_aligned(
            doc.pages,
            [ChunkSpan(c.page, c.section, c.start, c.end, c.text) for c in doc.chunks],
        )


def test_corpus_chunks_have_one_page_for_pdfs_and_none_otherwise(
    parsed_corpus: dict[str, ParsedDocument],
) -> None:
    for doc in parsed_corpus.values():
        assert [c.position for c in doc.chunks] == list(range(len(doc.chunks)))
        for chunk in doc.chunks:
            assert (chunk.doc_id, chunk.file_name, chunk.kind) == (
                doc.doc_id,
                doc.file_name,
                doc.kind,
            )
            if doc.kind == "pdf":
                assert isinstance(chunk.page, int) and 1 <= chunk.page <= len(doc.pages)
            else:
                assert chunk.page is None
