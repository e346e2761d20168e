"""Versions over time: staged for review, published, withdrawn, restored, kept for undo up to
KB_KEEP_VERSIONS, purged for good. Readers only ever see the active version."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import FOERDER_TEXT, stored_originals

from ingest.chunking import Chunker
from ingest.parse import parse_bytes
from kb.errors import InvalidInput, NotFound
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import ParsedDocument


def text_doc(kb: KnowledgeBase, name: str, body: str) -> ParsedDocument:
    chunker = Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap)
    return parse_bytes(name, body.encode("utf-8"), chunker)


VERSION_TEXT = [
    "Die erste Fassung nennt das Sprachcafé im Bürgerhaus am Montag.",
    "Die zweite Fassung nennt das Sprachcafé in der Stadtbibliothek am Dienstag.",
    "Die dritte Fassung nennt das Sprachcafé im Jugendzentrum am Mittwoch.",
    "Die vierte Fassung nennt das Sprachcafé im Rathaus am Donnerstag.",
]


@pytest.fixture
def kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    kb = build_kb(make_settings(tmp_path / "data", keep_versions=3))
    with kb.writer() as w:
        w.upsert(text_doc(kb, "grundlagen.txt", "\n\n".join(FOERDER_TEXT)))
    yield kb
    kb.close()


def visible(kb: KnowledgeBase, doc_id: str) -> str | None:
    """The text readers get for a document (None: not published)."""
    try:
        return kb.page(doc_id, None).text
    except NotFound:
        return None


def searchable(kb: KnowledgeBase, word: str) -> bool:
    return any(word in h.chunk.text for h in kb.search(f"Sprachcafé {word}", k=10).hits)


def test_a_version_in_review_is_invisible_and_survives_the_next_writer(kb: KnowledgeBase) -> None:
    doc = text_doc(kb, "cafe.txt", VERSION_TEXT[0])
    with kb.writer() as w:
        w.stage(doc, review=True)
    with kb.writer():
        pass  # recovery of a crashed writer must not take a version that waits for review
    (v,) = kb.store.registry.versions_of("cafe-txt")
    assert (v.state, v.version) == ("review", doc.version)
    assert visible(kb, "cafe-txt") is None and not searchable(kb, "Montag")
    assert "cafe-txt" not in [d.doc_id for d in kb.documents()]
    with pytest.raises(NotFound):
        kb.original("cafe-txt")

    with kb.writer() as w:
        w.publish("cafe-txt", doc.version)
    assert VERSION_TEXT[0] in (visible(kb, "cafe-txt") or "")
    assert searchable(kb, "Montag")


def test_withdraw_and_restore(kb: KnowledgeBase) -> None:
    doc = text_doc(kb, "cafe.txt", VERSION_TEXT[0])
    with kb.writer() as w:
        w.upsert(doc)
        w.withdraw("cafe-txt")
    assert visible(kb, "cafe-txt") is None and not searchable(kb, "Montag")
    assert kb.store.registry.original_of("cafe-txt", doc.version) in stored_originals(
        kb.settings.data_dir
    )
    with kb.writer() as w:
        with pytest.raises(NotFound):
            w.withdraw("cafe-txt")  # already withdrawn
        w.restore("cafe-txt", doc.version)
    assert searchable(kb, "Montag") and visible(kb, "cafe-txt")


def test_a_replace_can_be_undone_and_only_the_newest_versions_are_kept(
    kb: KnowledgeBase,
) -> None:
    docs = [text_doc(kb, "cafe.txt", t) for t in VERSION_TEXT]
    with kb.writer() as w:
        for d in docs:
            w.upsert(d)
    kept = kb.store.registry.versions_of("cafe-txt")
    assert [v.version for v in kept] == [docs[3].version, docs[2].version, docs[1].version]
    assert [v.state for v in kept] == ["active", "retired", "retired"]
    assert kb.store.registry.version_info("cafe-txt", docs[0].version) is None
    assert kb.store.registry.original_of("cafe-txt", docs[0].version) is None
    assert len([p for p in stored_originals(kb.settings.data_dir) if p.startswith("cafe")]) == 3
    assert searchable(kb, "Donnerstag") and not searchable(kb, "Mittwoch")

    with kb.writer() as w:  # undo the last replace
        w.restore("cafe-txt", docs[2].version)
    assert searchable(kb, "Mittwoch") and not searchable(kb, "Donnerstag")
    vectors = kb.store.vectors()
    assert vectors is not None and vectors.count() == len(kb.store.registry.active_chunks())
    states = {v.version: v.state for v in kb.store.registry.versions_of("cafe-txt")}
    assert states == {
        docs[2].version: "active",
        docs[3].version: "retired",
        docs[1].version: "retired",
    }

    with kb.writer() as w:
        with pytest.raises(InvalidInput, match="active"):
            w.restore("cafe-txt", docs[2].version)
        with pytest.raises(NotFound):
            w.restore("cafe-txt", docs[0].version)  # purged beyond the kept count


def test_discard_and_purge(kb: KnowledgeBase) -> None:
    first, second = (text_doc(kb, "cafe.txt", t) for t in VERSION_TEXT[:2])
    with kb.writer() as w:
        w.upsert(first)
        w.stage(second, review=True)
        with pytest.raises(InvalidInput):
            w.discard("cafe-txt", first.version)  # the published one cannot be discarded
        w.discard("cafe-txt", second.version)
    assert [v.version for v in kb.store.registry.versions_of("cafe-txt")] == [first.version]

    with kb.writer() as w:
        w.stage(second, review=True)
        w.publish("cafe-txt", second.version)
        gone = w.purge_document("cafe-txt")
    assert {v.version for v in gone} == {first.version, second.version}
    assert kb.store.registry.versions_of("cafe-txt") == []
    assert not any(p.startswith("cafe-txt/") for p in stored_originals(kb.settings.data_dir))
    assert not searchable(kb, "Dienstag")
    with kb.writer() as w, pytest.raises(NotFound):
        w.purge_document("cafe-txt")


def test_reindex_keeps_versions_in_review_publishable(kb: KnowledgeBase) -> None:
    doc = text_doc(kb, "cafe.txt", VERSION_TEXT[1])
    with kb.writer() as w:
        w.stage(doc, review=True)
        w.reindex()
        w.publish("cafe-txt", doc.version)
    hits = kb.search("Sprachcafé Stadtbibliothek Dienstag").hits
    assert hits[0].chunk.doc_id == "cafe-txt" and hits[0].dense_score is not None
