"""An immutable snapshot of what readers may see: active chunks, BM25 index, glossary.

Built from one registry transaction, so a query never mixes two versions of a document.
"""

from dataclasses import dataclass, field

from kb.models import Chunk
from kb.retrieval.analyzer import STOPWORDS, CompoundSplitter, GermanAnalyzer, vocabulary
from kb.retrieval.bm25 import BM25Index
from kb.retrieval.glossary import Glossary
from kb.retrieval.units import context_text
from kb.store.vectors import doc_version_key


@dataclass
class Catalog:
    generation: int
    chunks: list[Chunk]
    analyzer: GermanAnalyzer
    bm25: BM25Index
    glossary: Glossary
    by_id: dict[str, int] = field(default_factory=dict)
    doc_versions: list[str] = field(default_factory=list)

    @classmethod
    def build(cls, generation: int, chunks: list[Chunk]) -> "Catalog":
        texts = [context_text(c) for c in chunks]
        vocab = vocabulary(texts)
        analyzer = GermanAnalyzer(CompoundSplitter(vocab), vocab)
        bm25 = BM25Index([analyzer.terms(t) for t in texts])
        glossary = Glossary.from_texts([c.text for c in chunks], STOPWORDS, analyzer.terms)
        return cls(
            generation=generation,
            chunks=chunks,
            analyzer=analyzer,
            bm25=bm25,
            glossary=glossary,
            by_id={c.id: i for i, c in enumerate(chunks)},
            doc_versions=sorted({doc_version_key(c.doc_id, c.version) for c in chunks}),
        )

    def __len__(self) -> int:
        return len(self.chunks)
