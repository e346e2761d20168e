"""The write side: atomic replace, remove, model mismatch, and recovery after a crash (kill -9)."""

import json
import os
import signal
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import (
    FOERDER_TEXT,
    docs_list,
    fresh_rng,
    german_word,
    make_pdf,
    random_paragraphs,
    registry_query,
    run_kb,
    start_kb,
    status,
    stored_originals,
    wait_until,
    writer_lock_held,
)

from ingest.chunking import Chunker
from ingest.parse import parse_file
from ingest.pipeline import ingest_paths
from kb.errors import ModelMismatch, NotFound
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.retrieval.units import context_text, sentence_units
from kb.settings import Settings

OLD = "# Förderbericht\n\n" + "\n\n".join(
    [*FOERDER_TEXT, "Diese Altfassung des Berichts stammt aus dem Frühjahr."]
)
NEW = "# Förderbericht\n\n" + "\n\n".join(
    [
        "Die Neufassung des Berichts ersetzt die frühere Version vollständig.",
        "Das Bündnis hat inzwischen zwölf Mitglieder und tagt jeden zweiten Monat im Rathaus.",
    ]
)


@pytest.fixture
def kb(settings: Settings) -> Iterator[KnowledgeBase]:
    kb = build_kb(settings)
    yield kb
    kb.close()


def active_texts(kb: KnowledgeBase) -> set[str]:
    return {c.text for c in kb.store.registry.active_chunks()}


def vector_count(kb: KnowledgeBase) -> int:
    vectors = kb.store.vectors()
    return vectors.count() if vectors is not None else 0


def assert_consistent(kb: KnowledgeBase) -> None:
    """Nothing half-written; vectors only for active versions; originals only of kept versions
    (the active one and up to KB_KEEP_VERSIONS - 1 retired ones, for undo)."""
    registry = kb.store.registry
    assert registry.inactive_versions() == []
    assert vector_count(kb) == len(registry.active_chunks())
    kept = [v for d in registry.all_doc_ids() for v in registry.versions_of(d)]
    assert all(v.state in ("active", "retired") for v in kept)
    for doc_id in registry.all_doc_ids():
        assert len(registry.versions_of(doc_id)) <= kb.settings.keep_versions
    expected = {registry.original_of(v.doc_id, v.version) for v in kept}
    assert stored_originals(kb.settings.data_dir) == expected


# -- atomic replace ------------------------------------------------------------------------------


def test_a_changed_file_replaces_the_old_version_everywhere(
    kb: KnowledgeBase, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "bericht.md"
    path.write_text(OLD, encoding="utf-8")
    assert ingest_paths(kb, [path]).results[0].status == "added"
    old = kb.document("bericht-md")
    old_original, _ = kb.original("bericht-md")
    reader = build_kb(settings)  # a second reader, e.g. the web service, open all along
    try:
        assert any("Altfassung" in h.chunk.text for h in reader.search("Altfassung Frühjahr").hits)

        path.write_text(NEW, encoding="utf-8")
        result = ingest_paths(kb, [path]).results[0]
        assert (result.status, result.doc_id) == ("replaced", "bericht-md")

        new = kb.document("bericht-md")
        assert new.version != old.version and new.added_at == old.added_at
        assert new.chunks == result.chunks
        new_texts = active_texts(kb)
        assert all("Altfassung" not in t for t in new_texts)
        for kb_ in (kb, reader):
            hits = kb_.search("Altfassung des Berichts aus dem Frühjahr").hits
            assert hits and all(h.chunk.version == new.version for h in hits)
            assert all(h.chunk.text in new_texts for h in hits)
            answer = kb_.ask("Wie viele Mitglieder hat das Bündnis?")
            assert all(h.chunk.version == new.version for h in answer.sources)
            assert all("Altfassung" not in c.quote for c in answer.citations)
    finally:
        reader.close()

    assert_consistent(kb)
    assert old_original.exists()  # kept for undo, but served nowhere
    assert [v.state for v in kb.store.registry.versions_of("bericht-md")] == ["active", "retired"]
    new_original, _ = kb.original("bericht-md")
    assert new_original.read_text(encoding="utf-8") == NEW
    assert "Neufassung" in kb.page("bericht-md", None).text


# -- remove --------------------------------------------------------------------------------------


def test_removing_a_document_deletes_its_chunks_vectors_and_original(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    keep = tmp_path / "bleibt.txt"
    keep.write_text(FOERDER_TEXT[0], encoding="utf-8")
    gone = tmp_path / "bericht.md"
    gone.write_text(OLD, encoding="utf-8")
    ingest_paths(kb, [keep, gone])
    original, _ = kb.original("bericht-md")

    with kb.writer() as writer:
        info = writer.remove("bericht-md")
    assert info.file_name == "bericht.md"
    assert [d.doc_id for d in kb.documents()] == ["bleibt-txt"]
    hits = kb.search("Geschäftsführende Stelle koordiniert das Bündnis").hits
    assert hits and all(h.chunk.doc_id == "bleibt-txt" for h in hits)
    assert not original.exists()
    assert_consistent(kb)
    with pytest.raises(NotFound, match="bericht-md"):
        kb.page("bericht-md", None)
    with (
        kb.writer() as writer,
        pytest.raises(NotFound, match="no document with id 'gibt-es-nicht'"),
    ):
        writer.remove("gibt-es-nicht")

    # the same file can come back later
    assert ingest_paths(kb, [gone]).results[0].status == "added"
    assert_consistent(kb)


# -- model mismatch ------------------------------------------------------------------------------


def test_a_kb_built_with_another_model_asks_for_reindex(settings: Settings, tmp_path: Path) -> None:
    path = tmp_path / "notiz.txt"
    path.write_text("\n\n".join(FOERDER_TEXT), encoding="utf-8")
    kb = build_kb(settings)
    try:
        ingest_paths(kb, [path])
        chunks = len(kb.store.registry.active_chunks())
    finally:
        kb.close()

    other = build_kb(make_settings(settings.data_dir, embed_backend="use"))
    try:
        with pytest.raises(ModelMismatch, match="kb reindex"):
            other.search("Wer koordiniert das Bündnis?")
        changed = tmp_path / "neu.txt"
        changed.write_text(NEW, encoding="utf-8")
        with pytest.raises(ModelMismatch):
            ingest_paths(other, [changed])  # stops the run: nothing is written with a wrong model
        assert [d.file_name for d in other.documents()] == ["notiz.txt"]

        with other.writer() as writer:
            assert writer.reindex() == chunks
        hits = other.search("Wer koordiniert das Bündnis?").hits
        assert hits and hits[0].dense_score is not None
        assert vector_count(other) == chunks
        active = other.store.vectors()
        assert active is not None
        names = {n for n in other.store.collection_names() if n.startswith("chunks-")}
        assert names == {active.name, active.name + "-s"}  # the old model's collections are gone
    finally:
        other.close()


# -- recovery ------------------------------------------------------------------------------------


def stage_without_activating(kb: KnowledgeBase, path: Path) -> str:
    """What a writer killed after staging and embedding, before the switch, leaves behind."""
    doc = parse_file(path, Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap))
    original = kb.store.files.relative(doc.doc_id, doc.version, doc.file_name)
    kb.store.registry.stage(doc, original)
    kb.store.files.save(original, doc.source_bytes)
    vectors = kb.store.vectors(create=True)
    assert vectors is not None
    sentences = [s for c in doc.chunks for s in sentence_units(c)]
    vectors.add(
        doc.chunks,
        kb.embedder.embed_passages([context_text(c) for c in doc.chunks]),
        sentences,
        kb.embedder.embed_passages([s.text for s in sentences]),
    )
    return doc.version


def test_the_next_writer_purges_a_crashed_writers_leftovers(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "bericht.md"
    path.write_text(OLD, encoding="utf-8")
    ingest_paths(kb, [path])
    old = kb.document("bericht-md")
    old_texts = active_texts(kb)

    path.write_text(NEW, encoding="utf-8")
    staged = stage_without_activating(kb, path)
    assert kb.document("bericht-md").version == old.version  # readers still see the old one
    hits = kb.search("Neufassung des Berichts").hits
    assert hits and all(h.chunk.text in old_texts for h in hits)
    assert vector_count(kb) > len(old_texts)

    with kb.writer():
        pass  # opening a writer recovers
    assert_consistent(kb)
    assert (
        registry_query(kb.settings.data_dir, "SELECT 1 FROM versions WHERE version=?", staged) == []
    )
    assert ingest_paths(kb, [path]).results[0].status == "replaced"
    assert_consistent(kb)


def test_recovery_deletes_an_original_saved_before_the_crash(
    kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = tmp_path / "bericht.md"
    path.write_text(OLD, encoding="utf-8")
    ingest_paths(kb, [path])
    orphan = kb.store.files.relative("bericht-md", "0123456789abcdef", "bericht.md")
    kb.store.files.save(orphan, NEW.encode())
    with kb.writer():
        pass
    assert_consistent(kb)


# -- kill -9 of a real `kb ingest` ---------------------------------------------------------------


def big_markdown(paragraphs: int = 40) -> str:
    """Unique nonsense text: every chunk must be embedded, which takes several seconds."""
    return "# Förderbericht\n\n" + "\n\n".join(random_paragraphs(fresh_rng(), paragraphs))


def assert_old_version_serves(data_dir: Path, name: str, old: dict[str, object]) -> None:
    docs = docs_list(data_dir)
    assert (docs[name]["version"], docs[name]["chunks"]) == (old["version"], old["chunks"])
    old_texts = {
        r[0]
        for r in registry_query(
            data_dir,
            "SELECT text FROM chunks WHERE doc_id=? AND version=?",
            old["doc_id"],
            old["version"],
        )
    }
    result = run_kb(
        ["ask", "--json", "Was macht die Geschäftsführende Stelle im Bündnis?"], data_dir
    )
    assert result.returncode == 0, result.stderr
    sources = json.loads(result.stdout)["sources"]
    assert any(s["file"] == name for s in sources)
    assert all(s["text"] in old_texts for s in sources if s["file"] == name)


def leftovers(data_dir: Path) -> int:
    """Staged versions: what a crashed writer left behind."""
    return registry_query(data_dir, "SELECT count(*) FROM versions WHERE state = 'staged'")[0][0]


def staged(data_dir: Path) -> int:
    rows = registry_query(data_dir, "SELECT count(*) FROM versions WHERE state = 'staged'")
    return rows[0][0] if rows else 0


def assert_vectors_match_active_chunks(data_dir: Path) -> None:
    st = status(data_dir)  # "documents: 2 (17 chunks)", "vectors: 17"
    assert st["documents"].endswith(f"({st['vectors']} chunks)"), st


def test_kill_during_embedding_keeps_the_old_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    target = docs / "bericht.md"
    target.write_text(OLD, encoding="utf-8")
    bystander = docs / "notiz.txt"
    bystander.write_text(FOERDER_TEXT[2], encoding="utf-8")
    assert run_kb(["ingest", str(docs)], data).returncode == 0
    old = docs_list(data)["bericht.md"]
    old_originals = stored_originals(data)

    target.write_text(big_markdown(), encoding="utf-8")
    proc = start_kb(["ingest", str(target)], data, tmp_path / "ingest.err")

    def embedding() -> bool:  # the row is staged first, then the original saved, then embedded
        return staged(data) > 0 and len(stored_originals(data)) > len(old_originals)

    wait_until(lambda: proc.poll() is not None or embedding(), timeout=120)
    assert proc.poll() is None, (
        "ingest ended before it could be killed: " + (tmp_path / "ingest.err").read_text()
    )
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL
    assert leftovers(data) == 1  # the staged new version, invisible to readers
    assert len(stored_originals(data)) == len(old_originals) + 1

    assert_old_version_serves(data, "bericht.md", old)

    # the next writer (here: an ingest with nothing to change) purges the leftovers
    again = run_kb(["ingest", str(bystander)], data)
    assert again.returncode == 0 and "unchanged" in again.stdout, again.stderr
    assert leftovers(data) == 0
    assert_vectors_match_active_chunks(data)
    assert stored_originals(data) == old_originals

    # and a normal ingest of the changed file now replaces cleanly
    retry = run_kb(["ingest", str(target)], data)
    assert retry.returncode == 0, retry.stderr
    assert "replaced" in retry.stdout
    new = docs_list(data)["bericht.md"]
    assert new["version"] != old["version"]
    assert_vectors_match_active_chunks(data)
    # the bystander, the new version and the old one (kept for undo)
    assert leftovers(data) == 0 and len(stored_originals(data)) == 3


def test_kill_while_parsing_keeps_the_old_version(tmp_path: Path) -> None:
    data = tmp_path / "data"
    target = make_pdf(tmp_path / "bericht.pdf", [OLD.replace("# ", "")])
    assert run_kb(["ingest", str(target)], data).returncode == 0
    old = docs_list(data)["bericht.pdf"]

    # a long PDF: parsing it takes a second or two, so a kill right after the writer took its
    # lock lands while the new version is read and parsed, before anything is staged
    rng = fresh_rng()
    lines = [" ".join(german_word(rng) for _ in range(7)) + "." for _ in range(200 * 40)]
    make_pdf(target, ["\n".join(lines[i : i + 40]) for i in range(0, len(lines), 40)])
    proc = start_kb(["ingest", str(target)], data, tmp_path / "ingest.err")
    assert wait_until(lambda: proc.poll() is not None or writer_lock_held(data), timeout=60)
    os.kill(proc.pid, signal.SIGKILL)
    assert proc.wait(timeout=30) == -signal.SIGKILL, (tmp_path / "ingest.err").read_text()
    assert leftovers(data) == 0  # killed before staging

    assert_old_version_serves(data, "bericht.pdf", old)
    assert not writer_lock_held(data)  # the dead writer's lock is gone with it

    # a following normal ingest (a small correction of the file) replaces cleanly
    make_pdf(target, [NEW.replace("# ", "")])
    retry = run_kb(["ingest", str(target)], data)
    assert retry.returncode == 0 and "replaced" in retry.stdout, retry.stderr
    assert leftovers(data) == 0
    assert_vectors_match_active_chunks(data)
    # the new version and the old one (kept for undo)
    new_version = docs_list(data)["bericht.pdf"]["version"]
    assert {p.split("/")[1].split(".")[0] for p in stored_originals(data)} == {
        new_version,
        old["version"],
    }


# -- two views of one embedded store in one process ----------------------------------------------


def test_reopening_one_view_leaves_every_other_client_working(
    kb: KnowledgeBase, settings: Settings, tmp_path: Path
) -> None:
    """chromadb caches one System per path; reopening must not break other live clients (another
    KB on the same path, or a query still running on the client being replaced)."""
    path = tmp_path / "bericht.md"
    path.write_text(OLD, encoding="utf-8")
    ingest_paths(kb, [path])
    other = build_kb(settings)
    try:
        question = "Was macht die Geschäftsführende Stelle?"
        before = [h.chunk.id for h in other.search(question).hits]
        in_flight = kb.store.vectors()  # a query holding the old client
        assert in_flight is not None
        vector = kb.embedder.embed_query(question)
        catalog = kb.catalog()
        kb.store.reopen()
        assert in_flight.query(vector, 3, catalog.doc_versions, catalog.by_id)  # still answers
        assert [h.chunk.id for h in other.search(question).hits] == before
        assert [h.chunk.id for h in kb.search(question).hits] == before
        path.write_text(NEW, encoding="utf-8")
        assert ingest_paths(other, [path]).results[0].status == "replaced"  # the other view writes
        hits = kb.search("Neufassung des Berichts").hits  # and this one follows, no errors
        assert hits and all(h.chunk.text in active_texts(other) for h in hits)
        assert any(h.dense_score is not None for h in hits)  # with vectors, not BM25 alone
    finally:
        other.close()
