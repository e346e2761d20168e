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
from kb.retrieval.units import context_text, sentence_units
from kb.store.vectors import SentenceUnit, doc_version_key


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
    terms: list[frozenset[str]] = field(default_factory=list)  # of each chunk's context text
    # Filled on first use by a question (the same top chunks come back again and again).
    _sentences: dict[str, list[SentenceUnit]] = field(default_factory=dict, repr=False)
    _sentence_terms: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def tags_of(self, chunk: Chunk) -> Tags:
        return self.tags[self.by_id[chunk.id]]

    def terms_of(self, chunk: Chunk) -> frozenset[str]:
        return self.terms[self.by_id[chunk.id]]

    def sentences(self, chunk: Chunk) -> list[SentenceUnit]:
        """All sentences of a chunk (also the short ones the vector index leaves out)."""
        units = self._sentences.get(chunk.id)
        if units is None:
            units = sentence_units(chunk, min_words=1)
            self._sentences[chunk.id] = units
        return units

    def sentence_terms(self, unit: SentenceUnit) -> frozenset[str]:
        terms = self._sentence_terms.get(unit.id)
        if terms is None:
            terms = frozenset(self.analyzer.terms(unit.text))
            self._sentence_terms[unit.id] = terms
        return terms

    @classmethod
    def build(cls, generation: int, chunks: list[Chunk]) -> "Catalog":
        texts = [context_text(c) for c in chunks]
        vocab = vocabulary(texts)
        analyzer = GermanAnalyzer(CompoundSplitter(vocab), vocab)
        analyzed = [analyzer.terms(t) for t in texts]
        bm25 = BM25Index(analyzed)
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
            terms=[frozenset(t) for t in analyzed],
            generation=generation,
            chunks=chunks,
            analyzer=analyzer,
            bm25=bm25,
            glossary=glossary,
            by_id={c.id: i for i, c in enumerate(chunks)},
            doc_versions=sorted({doc_version_key(c.doc_id, c.version) for c in chunks}),
        )
