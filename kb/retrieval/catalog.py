"""An immutable snapshot of what readers may see: active chunks, BM25 index, glossary.

Built from one registry transaction, so a query never mixes two versions of a document.
"""

from dataclasses import dataclass, field

from kb.facets.places import Gazetteer
from kb.facets.topics import TopicClassifier
from kb.models import Chunk
from kb.retrieval.analyzer import STOPWORDS, CompoundSplitter, GermanAnalyzer, vocabulary
from kb.retrieval.bm25 import BM25Index
from kb.retrieval.glossary import Glossary
from kb.retrieval.units import context_text
from kb.store.vectors import doc_version_key


@dataclass(frozen=True)
class Tags:
    places: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass
class Catalog:
    generation: int
    chunks: list[Chunk]
    analyzer: GermanAnalyzer
    bm25: BM25Index
    glossary: Glossary
    by_id: dict[str, int] = field(default_factory=dict)
    doc_versions: list[str] = field(default_factory=list)
    tags: list[Tags] = field(default_factory=list)  # parallel to chunks

    def tags_of(self, chunk: Chunk) -> Tags:
        return self.tags[self.by_id[chunk.id]]

    @classmethod
    def build(cls, generation: int, chunks: list[Chunk]) -> "Catalog":
        texts = [context_text(c) for c in chunks]
        vocab = vocabulary(texts)
        analyzer = GermanAnalyzer(CompoundSplitter(vocab), vocab)
        bm25 = BM25Index([analyzer.terms(t) for t in texts])
        glossary = Glossary.from_texts([c.text for c in chunks], STOPWORDS, analyzer.terms)
        gazetteer = Gazetteer.load()
        classifier = TopicClassifier()
        tags = [
            Tags(
                places=tuple(
                    p.name for p in gazetteer.find(f"{c.title}\n{c.section or ''}\n{c.text}")
                ),
                topics=tuple(classifier.classify(c.text)),
            )
            for c in chunks
        ]
        return cls(
            tags=tags,
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
