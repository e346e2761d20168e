"""An immutable snapshot of what readers may see: active chunks, BM25 index, glossary, tags.

Assembled from per-document parts (kb/retrieval/loader.py keeps them across generations), all
read in one registry transaction, so a query never mixes two versions of a document.
"""

from collections import OrderedDict
from dataclasses import dataclass, field

from kb.models import Chunk
from kb.retrieval.analysis import Analyzer, DocAnalysis, document_vocabulary
from kb.retrieval.analyzer import STOPWORDS, GermanAnalyzer
from kb.retrieval.bm25 import BM25Index, Postings, TermIds
from kb.retrieval.glossary import Glossary, GlossaryParts
from kb.retrieval.units import context_text, sentence_units
from kb.store.vectors import SentenceUnit, doc_version_key

_CACHED_CHUNKS = 4096  # sentence units kept per snapshot: the chunks questions keep hitting


@dataclass(frozen=True)
class Tags:
    places: tuple[str, ...]
    topics: tuple[str, ...]


@dataclass(frozen=True)
class DocPart:
    """One document version's share of a catalog, reused while the version stays active."""

    chunks: list[Chunk]
    postings: Postings
    tags: list[Tags]
    glossary: GlossaryParts

    @classmethod
    def of(cls, chunks: list[Chunk], analysis: DocAnalysis, ids: TermIds) -> "DocPart":
        return cls(
            chunks=chunks,
            postings=Postings.from_counts(analysis.terms, ids),
            tags=[Tags(p, t) for p, t in zip(analysis.places, analysis.topics, strict=True)],
            glossary=analysis.glossary,
        )


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
    # Filled on first use by a question (the same top chunks come back again and again).
    _sentences: OrderedDict[str, list[SentenceUnit]] = field(
        default_factory=OrderedDict, repr=False
    )
    _sentence_terms: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)

    def tags_of(self, chunk: Chunk) -> Tags:
        return self.tags[self.by_id[chunk.id]]

    def terms_of(self, chunk: Chunk) -> frozenset[str]:
        """The chunk's BM25 terms (analysed on demand: keeping them all costs memory)."""
        return frozenset(self.analyzer.terms(context_text(chunk)))

    def sentences(self, chunk: Chunk) -> list[SentenceUnit]:
        """All sentences of a chunk (also the short ones the vector index leaves out)."""
        units = self._sentences.get(chunk.id)
        if units is None:
            units = sentence_units(chunk, min_words=1)
            self._sentences[chunk.id] = units
            if len(self._sentences) > _CACHED_CHUNKS:
                try:  # first in, first out; another thread may have made room already
                    _, dropped = self._sentences.popitem(last=False)
                except KeyError:
                    dropped = []
                for unit in dropped:
                    self._sentence_terms.pop(unit.id, None)
        return units

    def sentence_terms(self, unit: SentenceUnit) -> frozenset[str]:
        terms = self._sentence_terms.get(unit.id)
        if terms is None:
            terms = frozenset(self.analyzer.terms(unit.text))
            self._sentence_terms[unit.id] = terms
        return terms

    @classmethod
    def assemble(
        cls, generation: int, parts: list[DocPart], analyzer: GermanAnalyzer, ids: TermIds
    ) -> "Catalog":
        """The snapshot of these documents, in this order."""
        chunks = [c for p in parts for c in p.chunks]
        return cls(
            generation=generation,
            chunks=chunks,
            analyzer=analyzer,
            bm25=BM25Index.assemble([p.postings for p in parts], ids),
            glossary=Glossary.merge([p.glossary for p in parts], STOPWORDS, analyzer.terms),
            by_id={c.id: i for i, c in enumerate(chunks)},
            doc_versions=sorted({doc_version_key(c.doc_id, c.version) for c in chunks}),
            tags=[t for p in parts for t in p.tags],
        )

    @classmethod
    def build(cls, generation: int, chunks: list[Chunk]) -> "Catalog":
        """From chunks alone (in document order), with the lexicon of exactly these chunks."""
        by_doc: dict[tuple[str, str], list[Chunk]] = {}
        for c in chunks:
            by_doc.setdefault((c.doc_id, c.version), []).append(c)
        lexicon = document_vocabulary(chunks)
        analyzer = Analyzer(lexicon)
        ids = TermIds()
        parts = [DocPart.of(c, analyzer.document(c), ids) for c in by_doc.values()]
        return cls.assemble(generation, parts, analyzer.terms, ids)
