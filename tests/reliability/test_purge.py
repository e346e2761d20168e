"""#8: a withdrawn document leaves no trace on disk: not its text (registry, its WAL, Chroma's
SQLite file and log, stored originals, caches) and not its vectors (Chroma's index files, the
embedding cache)."""

from pathlib import Path

import numpy as np
from conftest import make_settings
from helpers import FOERDER_TEXT, fresh_rng, random_sentence, run_kb

from ingest.pipeline import ingest_paths
from kb.knowledge_base import build_kb
from kb.retrieval.units import context_text

PHRASE = "Zebrakanu Quelltopf Paddelkurse"


def files_containing(root: Path, needle: bytes) -> list[str]:
    return [
        str(p.relative_to(root))
        for p in root.rglob("*")
        if p.is_file() and needle in p.read_bytes()
    ]


def withdrawn_document(folder: Path) -> Path:
    rng = fresh_rng()
    sentences = [random_sentence(rng) for _ in range(6)]
    sentences.insert(3, f"Das {PHRASE} Projekt bietet Kurse für junge Geflüchtete an.")
    path = folder / "vertraulich.md"
    path.write_text("# Vertraulich\n\n" + " ".join(sentences) + "\n", encoding="utf-8")
    return path


def test_a_removed_document_leaves_no_text_and_no_vectors_on_disk(tmp_path: Path) -> None:
    data, cache = tmp_path / "data", tmp_path / "cache"
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "bleibt.txt").write_text(FOERDER_TEXT[0], encoding="utf-8")
    secret = withdrawn_document(folder)
    kb = build_kb(make_settings(data, cache_dir=cache))
    try:
        assert [r.status for r in ingest_paths(kb, [folder]).results] == ["added", "added"]
        answer = kb.ask("Wer bietet Paddelkurse an?")
        assert any(PHRASE in c.quote for c in answer.citations)
        chunks = [c for c in kb.store.registry.active_chunks() if c.doc_id == "vertraulich-md"]
        vectors = kb.embedder.embed_passages([context_text(c) for c in chunks])
    finally:
        kb.close()
    needle = PHRASE.encode()
    assert files_containing(data, needle)  # the check can see it while it is there

    # a replace first: with no earlier versions kept for undo (KB_KEEP_VERSIONS=1), the old
    # version's text goes too (the new one no longer has the phrase)
    secret.write_text(secret.read_text(encoding="utf-8").replace(PHRASE, "Kanu"), "utf-8")
    result = run_kb(["ingest", str(secret)], data, KB_CACHE_DIR=str(cache), KB_KEEP_VERSIONS="1")
    assert result.returncode == 0 and "replaced" in result.stdout, result.stderr
    assert files_containing(data, needle) == []
    assert files_containing(cache, needle) == []

    result = run_kb(["docs", "remove", "vertraulich-md"], data, KB_CACHE_DIR=str(cache))
    assert result.returncode == 0, result.stderr
    for root in (data, cache):
        assert files_containing(root, needle) == []
        assert files_containing(root, b"Kanu Projekt") == []
        for vector in vectors:  # raw or normalized float32, as any store would keep it
            for form in (vector, vector / np.linalg.norm(vector)):
                raw = np.asarray(form, dtype=np.float32).tobytes()
                assert files_containing(root, raw[64:192]) == [], "a vector is still on disk"

    kb = build_kb(make_settings(data, cache_dir=cache))
    try:  # the rest still answers, from fresh collections
        assert [d.file_name for d in kb.documents()] == ["bleibt.txt"]
        assert not kb.ask("Was fördert die Landesinitiative?").refused
    finally:
        kb.close()
