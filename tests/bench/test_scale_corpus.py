"""The copies that make the ×10 and ×100 corpora: other documents to every layer of the system,
and still documents of the same kind."""

import re
from pathlib import Path

import pytest

from bench.scale import corpus
from ingest.chunking import Chunker
from ingest.parse import parse_bytes
from kb.models import ParsedDocument


def fingerprint(text: str) -> frozenset[str]:  # as the retriever's near-duplicate check
    return frozenset(re.findall(r"\w{3,}", text.lower()))


@pytest.fixture(scope="module")
def lexicon(corpus_dir: Path) -> corpus.Lexicon:
    files = sorted(p for p in corpus_dir.iterdir() if p.is_file())
    return corpus.Lexicon(corpus.source_texts(files))


def test_a_copy_is_another_document_of_the_same_kind(
    corpus_dir: Path, lexicon: corpus.Lexicon, parsed_corpus: dict[str, ParsedDocument]
) -> None:
    chunker = Chunker(110, 20)
    for path in sorted(p for p in corpus_dir.iterdir() if p.is_file()):
        original = parsed_corpus[path.name]
        data = corpus.vary(path, path.read_bytes(), lexicon, 1)
        copy = parse_bytes(corpus.copy_name(path, 1), data, chunker)
        assert copy.doc_id != original.doc_id and copy.kind == original.kind
        assert len(copy.pages) == len(original.pages)
        assert 0.8 * len(original.chunks) <= len(copy.chunks) <= 1.2 * len(original.chunks)
        prints = [fingerprint(c.text) for c in original.chunks]
        similarity = sorted(
            max(len(fingerprint(c.text) & p) / len(fingerprint(c.text) | p) for p in prints)
            for c in copy.chunks
        )
        assert similarity[len(similarity) // 2] < 0.75, path.name  # median
        near = sum(s >= 0.9 for s in similarity)  # what near-duplicate collapsing would hide
        assert near <= max(1, len(similarity) // 10), path.name
        if path.suffix == ".pdf":
            continue  # regenerating the long PDFs again adds time, not coverage
        again = parse_bytes(
            corpus.copy_name(path, 1), corpus.vary(path, path.read_bytes(), lexicon, 1), chunker
        )
        assert [c.text for c in again.chunks] == [c.text for c in copy.chunks]  # deterministic
        other = parse_bytes(
            corpus.copy_name(path, 2), corpus.vary(path, path.read_bytes(), lexicon, 2), chunker
        )
        assert [c.text for c in other.chunks] != [c.text for c in copy.chunks]


def test_corpora_are_folders_of_links_to_the_originals_and_copies(
    corpus_dir: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source"  # the short documents: quick to copy
    source.mkdir()
    for path in corpus_dir.iterdir():
        if path.suffix in (".md", ".html", ".docx"):
            (source / path.name).write_bytes(path.read_bytes())
    folders = corpus.build(source, tmp_path / "work", [1, 3], log=lambda _: None)
    assert folders[1] == source
    names = sorted(p.name for p in folders[3].iterdir())
    originals = sorted(p.name for p in source.iterdir())
    assert len(names) == 3 * len(originals)
    assert set(originals) <= set(names)
    assert all((folders[3] / n).resolve().is_file() for n in names)
    # regular files, not symbolic links: ingest skips links inside a folder
    assert not any((folders[3] / n).is_symlink() for n in names)
    before = {n: (folders[3] / n).resolve().stat().st_mtime_ns for n in names}
    corpus.build(source, tmp_path / "work", [3], log=lambda _: None)  # made once, reused
    assert before == {n: (folders[3] / n).resolve().stat().st_mtime_ns for n in names}
