"""The write side: add, replace and remove documents atomically; re-embed on model change.

A replace is: stage the new version (registry + Chroma, invisible to readers) → flip the active
version in one registry transaction → purge the old version. A crash at any point leaves the old
version visible; the leftovers are purged by ``recover`` on the next write.
"""

from collections.abc import Callable
from typing import Literal

import numpy as np

from kb.embedding.base import normalize_rows
from kb.embedding.cache import CachedEmbedder
from kb.errors import NotFound
from kb.models import Chunk, DocumentInfo, ParsedDocument
from kb.retrieval.analysis import (
    ANALYSIS_REVISION,
    Analyzer,
    corpus_lexicon,
    document_vocabulary,
    vocabulary_blob,
    vocabulary_from_blob,
)
from kb.retrieval.units import context_text, sentence_units
from kb.settings import ChunkVectors
from kb.store.analyses import Analysis
from kb.store.store import COLLECTION_KEY, Store, new_collection_name
from kb.store.vectors import SENTENCE_SUFFIX, VectorStore

Outcome = Literal["added", "replaced", "unchanged"]
Progress = Callable[[int], None]


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: CachedEmbedder,
        lexicon_refresh_drift: float = 0.1,
        chunk_vectors: ChunkVectors = "pooled",
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.chunk_vectors = chunk_vectors
        self.lexicon_refresh_drift = lexicon_refresh_drift
        self._analyzer: tuple[int, Analyzer] | None = None  # the stored lexicon's, once loaded

    def recover(self) -> int:
        """Purge versions and collections a crashed writer left behind; returns how many."""
        registry = self.store.registry
        leftovers = registry.inactive_versions()
        vectors = self.store.vectors_for_deleting() if leftovers else None
        for doc_id, version, _ in leftovers:
            self._purge(vectors, doc_id, version)
        swept = self.store.files.sweep(registry.original_paths())
        active = registry.get_meta(COLLECTION_KEY)
        keep = {active, f"{active}{SENTENCE_SUFFIX}"}
        stale = [
            n for n in self.store.collection_names() if n.startswith("chunks-") and n not in keep
        ]
        for name in stale:
            self.store.client.delete_collection(name)
        return len(leftovers) + len(stale) + swept

    def upsert(self, doc: ParsedDocument, on_progress: Progress | None = None) -> Outcome:
        registry = self.store.registry
        previous = registry.active_version(doc.doc_id)
        if previous == doc.version:
            return "unchanged"
        vectors = self.store.vectors(create=True)
        assert vectors is not None
        original = self.store.files.relative(doc.doc_id, doc.version, doc.file_name)
        registry.stage(doc, original)  # first the row, so a crash never orphans the file
        self.store.files.save(original, doc.source_bytes)
        self._embed_into(vectors, doc.chunks, on_progress)
        self._store_analysis(doc.doc_id, doc.version, doc.chunks)
        retired = registry.activate(doc.doc_id, doc.version)
        if retired:
            self._purge(vectors, doc.doc_id, retired)
        return "replaced" if previous else "added"

    def remove(self, doc_id: str) -> DocumentInfo:
        registry = self.store.registry
        info = registry.document(doc_id)
        if info is None:
            raise NotFound(f"no document with id '{doc_id}' (see `kb docs list`)")
        version = registry.deactivate(doc_id)
        vectors = self.store.vectors_for_deleting()
        if version and vectors is not None:
            self._purge(vectors, doc_id, version)
        return info

    def reindex(self, on_progress: Progress | None = None) -> int:
        """Re-embed all active chunks with the configured model into a new collection; switch."""
        registry = self.store.registry
        old = registry.get_meta(COLLECTION_KEY)
        name = new_collection_name()
        vectors = VectorStore(self.store.client, name, self.store.model_id, create=True)
        chunks = registry.active_chunks()
        for i in range(0, len(chunks), 256):
            self._embed_into(vectors, chunks[i : i + 256], on_progress)
        registry.switch_collection(COLLECTION_KEY, name)
        if old:
            for stale in (old, old + SENTENCE_SUFFIX):
                if stale in self.store.collection_names():
                    self.store.client.delete_collection(stale)
        return len(chunks)

    def _embed_into(
        self, vectors: VectorStore, chunks: list[Chunk], on_progress: Progress | None
    ) -> None:
        """Chunk vectors and sentence vectors; progress is counted in chunks."""
        sentences = [s for c in chunks for s in sentence_units(c)]
        pieces = [_pieces(c) for c in chunks] if self.chunk_vectors == "pooled" else []
        if pieces:
            texts = list(dict.fromkeys(t for p in pieces for t in p))
        else:
            texts = [context_text(c) for c in chunks] + [s.text for s in sentences]
        scale = len(chunks) / max(len(texts), 1)
        reported = 0
        embedded = 0

        def report(n: int) -> None:
            nonlocal reported, embedded
            embedded += n
            due = min(len(chunks), int(embedded * scale))
            if on_progress is not None and due > reported:
                on_progress(due - reported)
                reported = due

        matrix = self.embedder.embed_passages(texts, on_batch=report)
        if on_progress is not None and reported < len(chunks):
            on_progress(len(chunks) - reported)
        if pieces:
            row = {t: i for i, t in enumerate(texts)}
            chunk_matrix = normalize_rows(
                np.stack([sum(len(t) * matrix[row[t]] for t in p) for p in pieces])
            )
            sentence_matrix = matrix[[row[s.text] for s in sentences]]
            vectors.add(chunks, chunk_matrix, sentences, sentence_matrix)
            return
        vectors.add(chunks, matrix[: len(chunks)], sentences, matrix[len(chunks) :])

    # -- the catalog's stored parts (kb/retrieval/analysis.py) -------------------------------------
    def finish(self) -> None:
        """End of a write session: analyses stored for every active version, and the lexicon
        renewed when the corpus drifted from it (or there is none yet)."""
        registry = self.store.registry
        number = registry.lexicon_id()
        if number is None:
            self._renew_lexicon()
            return
        for (doc_id, version), stored in registry.active_analyses().items():
            if stored is None or (stored.lexicon, stored.revision) != (number, ANALYSIS_REVISION):
                self._store_analysis(doc_id, version, registry.chunks_of(doc_id, version))
        drift = registry.lexicon_drift()
        if drift is None or drift > self.lexicon_refresh_drift:
            self._renew_lexicon()

    def _current_analyzer(self) -> tuple[int, Analyzer] | None:
        number = self.store.registry.lexicon_id()
        if number is None:
            return None
        if self._analyzer is None or self._analyzer[0] != number:
            loaded, lexicon = self.store.registry.lexicon()
            splits = self.store.registry.lexicon_splits()
            self._analyzer = (loaded or number, Analyzer(lexicon, splits))
        return self._analyzer

    def _store_analysis(self, doc_id: str, version: str, chunks: list[Chunk]) -> None:
        """Before the version is activated, so readers find it stored (else they compute it)."""
        current = self._current_analyzer()
        if current is None:  # no lexicon yet: the end of the session makes one and analyses all
            return
        number, analyzer = current
        a = analyzer.document(chunks)
        record = Analysis(
            number, ANALYSIS_REVISION, a.tokens, vocabulary_blob(a.vocabulary), a.to_blob()
        )
        self.store.registry.store_analysis(doc_id, version, record)

    def _renew_lexicon(self) -> None:
        """The lexicon of the active corpus, and every version analysed against it."""
        registry = self.store.registry
        docs = []
        for (doc_id, version), stored in registry.active_analyses(vocabulary=True).items():
            chunks = registry.chunks_of(doc_id, version)
            vocab = (
                vocabulary_from_blob(stored.vocabulary)
                if stored is not None and stored.revision == ANALYSIS_REVISION
                else dict(document_vocabulary(chunks))
            )
            docs.append((doc_id, version, chunks, vocab))
        analyzer = Analyzer(corpus_lexicon(vocab for *_, vocab in docs))
        records = []
        for doc_id, version, chunks, vocab in docs:
            a = analyzer.document(chunks)
            tokens = sum(vocab.values())
            record = Analysis(0, ANALYSIS_REVISION, tokens, vocabulary_blob(vocab), a.to_blob())
            records.append((doc_id, version, record))
        number = registry.replace_lexicon(analyzer.lexicon, analyzer.splitter.decisions(), records)
        self._analyzer = (number, analyzer)

    def _purge(self, vectors: VectorStore | None, doc_id: str, version: str) -> None:
        """Delete a version everywhere: vectors, registry rows, stored original."""
        registry = self.store.registry
        original = registry.original_of(doc_id, version)
        if vectors is not None:
            vectors.delete_version(doc_id, version)
        registry.purge_version(doc_id, version)
        self.store.files.delete(original)


def texts_to_embed(chunks: list[Chunk], chunk_vectors: ChunkVectors) -> set[str]:
    """The distinct passages ingest embeds for these chunks (what the embedding cache holds)."""
    if chunk_vectors == "pooled":
        return {t for c in chunks for t in _pieces(c)}
    return {context_text(c) for c in chunks} | {s.text for c in chunks for s in sentence_units(c)}


def _pieces(chunk: Chunk) -> list[str]:
    """What a pooled chunk vector averages: its heading and every sentence (length-weighted, as
    the model's own mean over tokens would weigh them)."""
    head = chunk.section or chunk.title
    return [head] + [u.text for u in sentence_units(chunk, min_words=1)]
