"""A hypothesis state machine over add / replace / remove / ask, with the real embedder and the
real stores: every answer cites only active versions, and every quote is verbatim in one.

Documents are a few sentences from a fixed pool (their embeddings stay cached across runs); a
small number of file names makes adds, replaces and removes of the same document frequent.
"""

import random
import shutil
import tempfile
from pathlib import Path

from conftest import make_settings
from helpers import random_sentence
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from ingest.pipeline import ingest_paths
from kb.errors import EmptyKnowledgeBase
from kb.knowledge_base import KnowledgeBase, build_kb

_rng = random.Random(7)
POOL = [random_sentence(_rng, words=8) for _ in range(24)]
NAMES = ["alpha.md", "beta.txt", "gamma.md"]


class KnowledgeBaseMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.root = Path(tempfile.mkdtemp(prefix="kb-state-"))
        self.kb: KnowledgeBase | None = None
        self.model: dict[str, list[str]] = {}  # file name -> its sentences, as last ingested

    @initialize()
    def open_kb(self) -> None:
        self.kb = build_kb(make_settings(self.root / "data"))

    def teardown(self) -> None:
        if self.kb is not None:
            self.kb.close()
        shutil.rmtree(self.root, ignore_errors=True)

    @rule(
        name=st.sampled_from(NAMES),
        picks=st.lists(st.integers(0, len(POOL) - 1), min_size=2, max_size=4, unique=True),
    )
    def add_or_replace(self, name: str, picks: list[int]) -> None:
        assert self.kb is not None
        sentences = [POOL[i] for i in picks]
        path = self.root / "docs" / name
        path.parent.mkdir(exist_ok=True)
        heading = "# Bericht\n\n" if name.endswith(".md") else ""
        path.write_text(heading + " ".join(sentences) + "\n", encoding="utf-8")
        result = ingest_paths(self.kb, [path]).results[0]
        expected = "unchanged" if self.model.get(name) == sentences else None
        assert result.status in ((expected,) if expected else ("added", "replaced")), result
        self.model[name] = sentences

    @precondition(lambda self: bool(self.model))
    @rule(data=st.data())
    def remove(self, data: st.DataObject) -> None:
        assert self.kb is not None
        name = data.draw(st.sampled_from(sorted(self.model)))
        doc_id = next(d.doc_id for d in self.kb.documents() if d.file_name == name)
        with self.kb.writer() as writer:
            writer.remove(doc_id)
        del self.model[name]

    @rule(pick=st.integers(0, len(POOL) - 1), words=st.integers(3, 8))
    def ask(self, pick: int, words: int) -> None:
        assert self.kb is not None
        question = " ".join(POOL[pick].rstrip(".").split()[:words]) + "?"
        try:
            answer = self.kb.ask(question)
        except EmptyKnowledgeBase:
            assert not self.model
            return
        active = {d.doc_id: d for d in self.kb.documents()}
        for citation in answer.citations:
            assert citation.doc_id in active, "a citation of a removed or retired document"
            page = self.kb.page(citation.doc_id, citation.page)
            assert citation.quote in page.text
            assert citation.quote.strip() in " ".join(self.model[citation.file])
        for hit in answer.sources:
            assert hit.chunk.version == active[hit.chunk.doc_id].version

    @invariant()
    def only_the_model_documents_are_active(self) -> None:
        if self.kb is None:
            return
        documents = {d.file_name: d for d in self.kb.documents()}
        assert set(documents) == set(self.model)
        registry = self.kb.store.registry
        assert registry.inactive_versions() == []
        for name, sentences in self.model.items():
            text = " ".join(c.text for c in registry.active_chunks() if c.file_name == name)
            assert all(s in text for s in sentences)


KnowledgeBaseMachine.TestCase.settings = settings(
    max_examples=4,
    stateful_step_count=10,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_add_replace_remove_ask = KnowledgeBaseMachine.TestCase
