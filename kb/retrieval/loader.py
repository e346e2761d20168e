"""Keeps a process' catalog up to date with the registry, one changed document at a time.

Per active document version the loader keeps its part of the catalog (chunks, BM25 postings,
tags, glossary candidates). When the generation moves it reads only the versions it does not
have yet (with their stored analyses), drops the retired ones and recombines the parts into a
new immutable Catalog. Every part is a function of the registry alone (stored analyses, or the
same analysis computed here when none is stored), so any process on any host that loads the
same generation gets the same catalog, however it got there.
"""

from collections import Counter
from dataclasses import dataclass

from kb.retrieval.analysis import Analyzer, DocAnalysis, analysis_revision, document_vocabulary
from kb.retrieval.bm25 import TermIds
from kb.retrieval.catalog import Catalog, DocPart
from kb.store.analyses import CatalogState
from kb.store.registry import Registry


@dataclass
class _Lexicon:
    id: int | None  # None: no stored lexicon yet (a registry from before, or a new one)
    analyzer: Analyzer


class CatalogLoader:
    def __init__(self) -> None:
        self._ids = TermIds()
        self._parts: dict[tuple[str, str], DocPart] = {}
        self._lexicon: _Lexicon | None = None

    def load(self, registry: Registry) -> Catalog:
        known = set(self._parts)
        have = self._lexicon.id if self._lexicon is not None else None
        state = registry.catalog_state(known, have, analysis_revision())
        if state.lexicon_id is None:
            return self._load_unstored(state)
        if state.lexicon is not None:  # a new lexicon: every document is analysed again
            self._lexicon = _Lexicon(state.lexicon_id, Analyzer(state.lexicon, state.splits))
            self._parts = {}
        assert self._lexicon is not None
        parts: dict[tuple[str, str], DocPart] = {}
        for key in state.active:
            part = self._parts.get(key)
            if part is None:
                part = self._part(key, state, self._lexicon)
            parts[key] = part
        self._parts = parts
        return self._assemble(state.generation, state.active)

    def _part(self, key: tuple[str, str], state: CatalogState, lexicon: _Lexicon) -> DocPart:
        chunks = state.chunks[key]
        stored = state.analyses.get(key)
        if stored and stored.lexicon == lexicon.id and stored.revision == analysis_revision():
            analysis = DocAnalysis.from_blob(stored.data)
        else:  # not stored (yet), or by other code: the same analysis, computed here
            analysis = lexicon.analyzer.document(chunks)
        return DocPart.of(chunks, analysis, self._ids)

    def _load_unstored(self, state: CatalogState) -> Catalog:
        """No stored lexicon: the lexicon is the whole active corpus, so every change means
        analysing everything again (until a writer stores a lexicon and analyses)."""
        chunks = {
            key: state.chunks[key] if key in state.chunks else self._parts[key].chunks
            for key in state.active
        }
        lexicon: Counter[str] = Counter()
        for doc_chunks in chunks.values():
            lexicon.update(document_vocabulary(doc_chunks))
        analyzer = Analyzer(lexicon)
        self._lexicon = _Lexicon(None, analyzer)
        self._parts = {
            key: DocPart.of(c, analyzer.document(c), self._ids) for key, c in chunks.items()
        }
        return self._assemble(state.generation, state.active)

    def _assemble(self, generation: int, order: list[tuple[str, str]]) -> Catalog:
        assert self._lexicon is not None
        return Catalog.assemble(
            generation, [self._parts[k] for k in order], self._lexicon.analyzer.terms, self._ids
        )
