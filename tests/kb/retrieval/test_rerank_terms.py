"""The re-scoring of the fused passages weighs only question words some passage holds: a word
the corpus never uses cannot tell passages apart, and must not be taken for the rarest one."""

from pathlib import Path

import pytest
from conftest import make_settings

from ingest.pipeline import ingest_paths
from kb.knowledge_base import build_kb
from kb.models import Hit
from kb.retrieval.rerank import Evidence, RerankWeights, rerank
from kb.text.qtype import classify

pytestmark = pytest.mark.slow

DOCS = {
    "a.md": "# Kerngruppen\n\nDie Kerngruppen treffen sich regelmäßig im Rathaus.\n",
    "b.md": "# Partner\n\nIn den Kerngruppen arbeiten Jobcenter und Schulen mit.\n",
    "c.md": "# Weiterbildung\n\nIn 22 Kerngruppen ist eine Volkshochschule vertreten.\n",
}


def test_a_word_no_passage_holds_does_not_count(tmp_path: Path) -> None:
    for name, text in DOCS.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    kb = build_kb(make_settings(tmp_path / "data"))
    try:
        ingest_paths(kb, [tmp_path / name for name in DOCS])
        catalog = kb.catalog()
        by_file = {c.file_name: c for c in catalog.chunks}
        hits = [Hit(by_file[f], 1.0) for f in ("a.md", "b.md", "c.md")]
        # the first stage put c.md far behind the other two
        ranks = {
            h.chunk.id: (rank, 1.0 - rank / 20) for h, rank in zip(hits, (0, 1, 10), strict=True)
        }
        question = "In wie vielen Kerngruppen sitzt ne Volkshochschule mit am Tisch?"
        terms = catalog.analyzer.query_terms(question)
        absent = [t for t in terms if not catalog.bm25.df(t)]
        assert absent  # "sitzt", "tisch": words the corpus never uses
        evidence = Evidence(ranks, ranks, ranks, terms, classify(question))
        ranked = rerank(hits, evidence, catalog, RerankWeights(), {})
    finally:
        kb.close()
    assert ranked[0].chunk.file_name == "c.md", [(h.chunk.file_name, h.score) for h in ranked]
