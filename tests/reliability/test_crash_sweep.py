"""kill -9 of `kb ingest` at ten points spread over a replace: after each, the knowledge base
serves the old version or the new one, entirely, never a mix; the next writer cleans up and the
replace then completes.

Retention is set to one version (KB_KEEP_VERSIONS=1), so the replace also purges the old
version for good (rows, original, cached embeddings): every step of the write path is swept.

The points are exact: the writer kills itself (SIGKILL) at its N-th step (KB_CRASH_AT_STEP, a
fault-suite switch); a first run with -1 lists the steps of this replace. The new version's
embeddings are cached first, so every run takes the same steps.
"""

import re
import shutil
from pathlib import Path

from conftest import make_settings
from helpers import fresh_rng, random_paragraphs, run_kb, stored_originals

from ingest.chunking import Chunker
from ingest.parse import parse_bytes
from ingest.pipeline import ingest_paths
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.retrieval.units import context_text, sentence_units

DOC_ID = "bericht-md"
KEEP = {"KB_KEEP_VERSIONS": "1"}


def check_one_whole_version(kb: KnowledgeBase, versions: dict[str, list[str]]) -> str:
    """The active version of the document, after checking readers see exactly its chunks."""
    active = kb.document(DOC_ID).version
    assert active in versions
    chunks = [c for c in kb.store.registry.active_chunks() if c.doc_id == DOC_ID]
    assert [c.text for c in chunks] == versions[active]  # all of one version, nothing else
    retrieval = kb.search("Förderbericht Bündnis Kommune")
    ids = {c.id for c in chunks}
    assert all(h.chunk.id in ids for h in retrieval.hits if h.chunk.doc_id == DOC_ID)
    answer = kb.ask("Was steht im Förderbericht?")
    assert all(
        c.doc_id != DOC_ID or c.quote in " ".join(versions[active]) for c in answer.citations
    )
    return active


def check_clean(kb: KnowledgeBase, data: Path) -> None:
    assert kb.store.registry.inactive_versions() == []
    vectors = kb.store.vectors()
    assert vectors is not None and vectors.count() == len(kb.store.registry.active_chunks())
    version = kb.document(DOC_ID).version
    assert [o.split("/")[0] for o in sorted(stored_originals(data))] == [DOC_ID, "notiz-md"]
    assert any(o.startswith(f"{DOC_ID}/{version}") for o in stored_originals(data))


def test_kill_9_at_ten_points_of_a_replace(tmp_path: Path) -> None:
    rng = fresh_rng()
    doc, other = tmp_path / "bericht.md", tmp_path / "notiz.md"
    old_text = "# Förderbericht\n\n" + "\n\n".join(random_paragraphs(rng, 6, 2)) + "\n"
    new_text = old_text + "\n" + "\n\n".join(random_paragraphs(rng, 8, 2)) + "\n"
    other.write_text("# Notiz\n\nDie Kommune bildet ein Bündnis mit den Schulen.\n", "utf-8")
    doc.write_text(old_text, "utf-8")
    before = tmp_path / "before"
    assert run_kb(["ingest", str(doc), str(other)], before, **KEEP).returncode == 0
    doc.write_text(new_text, "utf-8")

    settings = make_settings(tmp_path / "unused", keep_versions=1)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    versions = {}
    warm = build_kb(settings)
    try:
        for text in (old_text, new_text):
            parsed = parse_bytes(doc.name, text.encode(), chunker)
            versions[parsed.version] = [c.text for c in parsed.chunks]
            texts = [context_text(c) for c in parsed.chunks]
            warm.embedder.embed_passages(
                texts + [u.text for c in parsed.chunks for u in sentence_units(c)]
            )
    finally:
        warm.close()
    old_version, new_version = list(versions)

    listing = shutil.copytree(before, tmp_path / "listing")
    steps = run_kb(["ingest", str(doc)], listing, KB_CRASH_AT_STEP="-1", **KEEP).stderr
    names = re.findall(r"writer step (\d+): (.+)", steps)
    total = len(names)
    assert total >= 10 and names[-1][1] == "checkpointed", steps
    points = sorted({round(1 + i * (total - 1) / 9) for i in range(10)})
    assert len(points) == 10

    outcomes = {}
    for point in points:
        data = shutil.copytree(before, tmp_path / f"kill-{point}")
        killed = run_kb(["ingest", str(doc)], data, KB_CRASH_AT_STEP=str(point), **KEEP)
        assert killed.returncode == -9, killed.stderr
        kb = build_kb(make_settings(data, keep_versions=1))
        try:
            outcomes[point] = check_one_whole_version(kb, versions)
            with kb.writer():
                pass  # the next writer recovers
            check_clean(kb, data)
            again = ingest_paths(kb, [doc]).results[0].status
            assert again == ("unchanged" if outcomes[point] == new_version else "replaced")
            assert check_one_whole_version(kb, versions) == new_version
            check_clean(kb, data)
        finally:
            kb.close()
    activated = int(next(n for n, name in names if name == "activated"))
    assert outcomes == {p: (new_version if p >= activated else old_version) for p in points}, names
