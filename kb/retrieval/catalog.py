"""An immutable snapshot of what readers may see: active chunks, BM25 index, glossary, tags.

Assembled from per-document parts (kb/retrieval/loader.py keeps them across generations), all
read in one registry transaction, so a query never mixes two versions of a document.
"""

import re
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from kb.facets.countries import Countries
from kb.facets.places import TYPED_CUE, Gazetteer
from kb.models import Chunk
from kb.retrieval.analysis import Analyzer, DocAnalysis, document_vocabulary
from kb.retrieval.analyzer import STOPWORDS, GermanAnalyzer
from kb.retrieval.bm25 import BM25Index, Postings, TermIds
from kb.retrieval.glossary import Glossary, GlossaryParts
from kb.retrieval.units import context_text, sentence_units
from kb.store.vectors import SentenceUnit, doc_version_key
from kb.text.casing import Casing

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
    sentence_keys: npt.NDArray[np.uint64]  # of the sentences with a vector (see sentence_key)
    sentence_chunks: npt.NDArray[np.int32]  # their chunk, counted within the document

    @classmethod
    def of(cls, chunks: list[Chunk], analysis: DocAnalysis, ids: TermIds) -> "DocPart":
        keys = [sentence_key(sid) for sentences in analysis.sentences for sid in sentences]
        owners = [i for i, sentences in enumerate(analysis.sentences) for _ in sentences]
        return cls(
            chunks=chunks,
            postings=Postings.from_counts(analysis.terms, ids),
            tags=[Tags(p, t) for p, t in zip(analysis.places, analysis.topics, strict=True)],
            glossary=analysis.glossary,
            sentence_keys=np.array(keys, dtype=np.uint64),
            sentence_chunks=np.array(owners, dtype=np.int32),
        )


# A document's lead is its first passages up to this many characters (Catalog.lead)
LEAD_CHARS = 300
RARE_NAME_SHARE = 0.1  # a name is in at most this share of the passages (Catalog.names_rarely)


def file_words(file_name: str) -> str:
    """ "rhein-kreis-neuss-mitteilung-2019.docx" → "rhein kreis neuss mitteilung 2019", with the
    ASCII spellings of umlauts ("gespraech") restored, so a file name can be matched to words."""
    stem = re.sub(r"\.[a-z0-9]+$", "", file_name.lower())
    words = re.split(r"[^a-z0-9äöüß]+", stem)
    umlauts = (("ae", "ä"), ("oe", "ö"), ("ue", "ü"))
    out = []
    for w in words:
        out.append(w)
        restored = w
        for a, b in umlauts:
            restored = restored.replace(a, b)
        if restored != w:
            out.append(restored)
    return " ".join(out)


def document_name(chunk: Chunk) -> str:
    """The name of a chunk's document: its title and the words of its file name."""
    return f"{chunk.title} {file_words(chunk.file_name)}"


def sentence_key(sentence_id: str) -> int:
    """A sentence id (hex digest) as a number: sorted arrays instead of a dict of strings."""
    return int(sentence_id[:16], 16)


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
    # Sentence key → chunk index, sorted by key (see chunks_of_sentences).
    sentence_keys: npt.NDArray[np.uint64] = field(
        default_factory=lambda: np.zeros(0, dtype=np.uint64), repr=False
    )
    sentence_chunks: npt.NDArray[np.int32] = field(
        default_factory=lambda: np.zeros(0, dtype=np.int32), repr=False
    )
    # Filled on first use by a question (the same top chunks come back again and again).
    _sentences: OrderedDict[str, list[SentenceUnit]] = field(
        default_factory=OrderedDict, repr=False
    )
    _sentence_terms: dict[str, frozenset[str]] = field(default_factory=dict, repr=False)
    _document_names: dict[str, frozenset[str]] | None = field(default=None, repr=False)
    _name_terms: frozenset[str] | None = field(default=None, repr=False)
    _firsts: dict[str, Chunk] | None = field(default=None, repr=False)
    _leads: dict[str, str] | None = field(default=None, repr=False)
    _places: dict[str, str | None] | None = field(default=None, repr=False)
    _captions: dict[tuple[str, str, str], Chunk] | None = field(default=None, repr=False)
    _casing: Casing | None = field(default=None, repr=False)

    def tags_of(self, chunk: Chunk) -> Tags:
        return self.tags[self.by_id[chunk.id]]

    def terms_of(self, chunk: Chunk) -> frozenset[str]:
        """The chunk's BM25 terms (analysed on demand: keeping them all costs memory)."""
        return frozenset(self.analyzer.terms(context_text(chunk)))

    def chunks_holding(self, word: str) -> list[Chunk] | None:
        """The chunks whose index terms hold ``word`` (its whole-word term), in corpus order,
        from the BM25 postings; None when the word gives no term to look up."""
        terms = self.analyzer.terms(word)
        if not terms:
            return None
        return [self.chunks[i] for i in sorted(self.bm25.counts(terms[0])[0].tolist())]

    def chunks_of_sentences(self, sentence_ids: list[str]) -> list[str | None]:
        """The chunk of each indexed sentence of this snapshot (None: not in it)."""
        if not sentence_ids or not len(self.sentence_keys):
            return [None] * len(sentence_ids)
        keys = np.array([sentence_key(s) for s in sentence_ids], dtype=np.uint64)
        at = np.searchsorted(self.sentence_keys, keys).clip(0, len(self.sentence_keys) - 1)
        found = self.sentence_keys[at] == keys
        return [
            self.chunks[int(self.sentence_chunks[i])].id if hit else None
            for i, hit in zip(at.tolist(), found.tolist(), strict=True)
        ]

    def sentences(self, chunk: Chunk) -> list[SentenceUnit]:
        """All sentences of a chunk (also the short ones the vector index leaves out)."""
        # Keyed by the span too: a passage carried on to the end of its list (Retriever) keeps
        # its chunk's id, and its first sentences keep theirs.
        key = f"{chunk.id}:{chunk.end}"
        units = self._sentences.get(key)
        if units is None:
            units = sentence_units(chunk, min_words=1)
            self._sentences[key] = units
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

    def document_names(self) -> dict[str, frozenset[str]]:
        """Doc id → the terms of its name (title and file name), once per snapshot."""
        if self._document_names is None:
            names: dict[str, str] = {}
            for c in self.chunks:
                names.setdefault(c.doc_id, document_name(c))
            self._document_names = {d: frozenset(self.analyzer.terms(n)) for d, n in names.items()}
        return self._document_names

    def lead(self, doc_id: str) -> str:
        """The text of a document's first passages, at least LEAD_CHARS of it (its lead: where a
        report or a workshop record says what and where it is about; a council paper's title,
        file number and heading are passages of their own), once per snapshot."""
        if self._leads is None:
            parts: dict[str, list[str]] = {}
            held: dict[str, int] = {}  # characters of each lead so far
            for c in sorted(self.chunks, key=lambda c: c.position):
                if held.get(c.doc_id, 0) < LEAD_CHARS:
                    parts.setdefault(c.doc_id, []).append(c.text)
                    held[c.doc_id] = held.get(c.doc_id, 0) + len(c.text)
            self._leads = {d: "\n".join(texts) for d, texts in parts.items()}
        return self._leads.get(doc_id, "")

    def captioned(self, chunk: Chunk, label: str) -> Chunk | None:
        """The first passage of ``chunk``'s document whose section is captioned with ``label``
        ("Übersicht 7: Themenfelder der Entwicklungs-Workshops" for "Übersicht 7"); the captions
        are gathered once per snapshot."""
        if self._captions is None:
            captions: dict[tuple[str, str, str], Chunk] = {}
            for c in self.chunks:
                if c.section:
                    caption = c.section.rsplit("›", 1)[-1].split(":", 1)[0].strip()
                    captions.setdefault((c.doc_id, c.version, caption), c)
            self._captions = captions
        return self._captions.get((chunk.doc_id, chunk.version, label))

    def document_place(self, doc_id: str) -> str | None:
        """The one town, district or country a document is about: the one its lead names, else,
        when the lead names none, the one its file name names ("rhein-kreis-neuss-2019.docx");
        None when they name none or several. Once per snapshot."""
        if self._places is None:
            places, countries = Gazetteer.load(), Countries.load()
            word_towns = set(places.word_towns())
            found: dict[str, str | None] = {}
            for d, first in self.first_chunks().items():
                lead = self.lead(d)
                named = {p.name for p in places.find(lead)} | {c.name for c in countries.find(lead)}
                if not named:  # ... not a town that is a word too ("essen-und-trinken.pdf")
                    words = " ".join(w.capitalize() for w in file_words(first.file_name).split())
                    named = {p.name for p in places.find(words) if p.label not in word_towns}
                found[d] = named.pop() if len(named) == 1 else None
            self._places = found
        return self._places.get(doc_id)

    def first_chunks(self) -> dict[str, Chunk]:
        """Doc id → the document's first passage, in the order the documents first appear;
        found once per snapshot."""
        if self._firsts is None:
            first: dict[str, Chunk] = {}
            for c in self.chunks:
                if c.doc_id not in first or c.position < first[c.doc_id].position:
                    first[c.doc_id] = c
            self._firsts = first
        return self._firsts

    def casing(self) -> Casing:
        """How the documents write their words (to restore a lower-case question's capitals),
        once per snapshot."""
        if self._casing is None:
            places = Gazetteer.load()
            self._casing = Casing.of(
                (c.text for c in self.chunks),
                self.analyzer.stem,
                STOPWORDS,
                places.word_towns(),
                TYPED_CUE.search,
            )
        return self._casing

    def name_terms(self) -> frozenset[str]:
        """The terms of every document's name, once per snapshot."""
        if self._name_terms is None:
            self._name_terms = frozenset().union(*self.document_names().values())
        return self._name_terms

    def rarest_name(self, terms: Iterable[str]) -> str | None:
        """The rarest of ``terms`` that can name someone or something (names_rarely), the
        first of equals; None when none can."""
        return max((t for t in terms if self.names_rarely(t)), key=self.bm25.idf, default=None)

    def names_rarely(self, term: str) -> bool:
        """Is the term rare enough to name someone or something (a town, an institute, a
        document: "Mitteilung", "Borchers")? In at least one passage and at most a tenth of
        them; the topic words every document uses ("Projekt", "Ausbildung") are not."""
        held = self.bm25.document_frequency(term)
        return 1 <= held <= max(1.0, RARE_NAME_SHARE * len(self.chunks))

    @classmethod
    def assemble(
        cls, generation: int, parts: list[DocPart], analyzer: GermanAnalyzer, ids: TermIds
    ) -> "Catalog":
        """The snapshot of these documents, in this order."""
        chunks = [c for p in parts for c in p.chunks]
        offsets = np.cumsum([0] + [len(p.chunks) for p in parts])
        keys = np.concatenate([p.sentence_keys for p in parts] or [np.zeros(0, np.uint64)])
        owners = np.concatenate(
            [p.sentence_chunks + offsets[i] for i, p in enumerate(parts)] or [np.zeros(0, np.int32)]
        )
        order = np.argsort(keys, kind="stable")
        return cls(
            generation=generation,
            chunks=chunks,
            analyzer=analyzer,
            bm25=BM25Index.assemble([p.postings for p in parts], ids),
            glossary=Glossary.merge([p.glossary for p in parts], STOPWORDS, analyzer.terms),
            by_id={c.id: i for i, c in enumerate(chunks)},
            doc_versions=sorted({doc_version_key(c.doc_id, c.version) for c in chunks}),
            tags=[t for p in parts for t in p.tags],
            sentence_keys=keys[order],
            sentence_chunks=owners[order].astype(np.int32),
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
