"""The write side: add, replace, withdraw, restore and purge documents atomically; re-embed on
model change.

A replace is: stage the new version (registry + Chroma, invisible to readers) → flip the active
version in one registry transaction → retire the old version (its vectors go, its rows and
original stay for undo, up to KB_KEEP_VERSIONS). A crash at any point leaves the old version
visible; a half-staged version is purged by ``recover`` on the next write. A version staged for
review waits, invisible, until a maintainer publishes or discards it.

Purged text leaves no trace (``finish``, at the end of every writer session): registry rows are
overwritten (secure_delete) and the write-ahead log emptied, the cached embeddings of texts no
longer stored in any version are dropped, stored originals deleted. Chroma never holds the text,
only vectors; after a document is purged for good its collections are rebuilt from the remaining
vectors and its file vacuumed, so its vectors are gone as well. A withdrawal is undoable, so the
withdrawn version's rows and original stay (not public) until purged or beyond KB_KEEP_VERSIONS.
"""

import hashlib
from collections.abc import Callable
from typing import Literal

import numpy as np

from kb.embedding.base import normalize_rows
from kb.embedding.cache import CachedEmbedder
from kb.errors import InvalidInput, NotFound
from kb.models import Chunk, DocumentInfo, ParsedDocument, VersionInfo, document_id
from kb.retrieval.analysis import (
    Analyzer,
    analysis_revision,
    corpus_lexicon,
    document_vocabulary,
    vocabulary_blob,
    vocabulary_from_blob,
)
from kb.retrieval.units import context_text, sentence_units
from kb.settings import ChunkVectors
from kb.store.analyses import Analysis
from kb.store.store import COLLECTION_KEY, Store, new_collection_name
from kb.store.vectors import SENTENCE_SUFFIX, VectorStore, vacuum

Outcome = Literal["added", "replaced", "unchanged"]
Progress = Callable[[int], None]
Step = Callable[[str], None]  # told at every point where a crash must leave a consistent KB


class Indexer:
    def __init__(
        self,
        store: Store,
        embedder: CachedEmbedder,
        keep_versions: int = 3,
        on_step: Step | None = None,
        lexicon_refresh_drift: float = 0.1,
        chunk_vectors: ChunkVectors = "pooled",
    ) -> None:
        self.store = store
        self.embedder = embedder
        self.keep_versions = keep_versions
        self._step = on_step or (lambda name: None)
        self._purged_texts: set[str] = set()
        self._compact = False
        self.chunk_vectors = chunk_vectors
        self.lexicon_refresh_drift = lexicon_refresh_drift
        self._analyzer: tuple[int, Analyzer] | None = None  # the stored lexicon's, once loaded

    def recover(self) -> int:
        """Purge versions and collections a crashed writer left behind; returns how many."""
        registry = self.store.registry
        leftovers = registry.inactive_versions()
        retiring = registry.retiring()
        vectors = self.store.vectors_for_deleting() if leftovers or retiring else None
        for doc_id, version, _ in leftovers:
            self._purge(vectors, doc_id, version)
        for doc_id, version in retiring:  # a writer died between the flip and its clean-up
            self._keep_latest(doc_id)
            self._retire(doc_id, version)
        swept = self.store.files.sweep(registry.original_paths())
        active = registry.get_meta(COLLECTION_KEY)
        keep = {active, f"{active}{SENTENCE_SUFFIX}"}
        stale = [
            n for n in self.store.collection_names() if n.startswith("chunks-") and n not in keep
        ]
        for name in stale:
            self.store.client.delete_collection(name)
        return len(leftovers) + len(retiring) + len(stale) + swept

    def document_id_for(self, file_name: str, taken: set[str] | None = None) -> tuple[str, str]:
        """(id, warning) for a file: the id of the document already stored from a file of this
        name, else the name's slug; if that belongs to a document from another file (or to one
        in ``taken``), the slug with a short hash of the name, and a warning saying so. A
        different file never silently replaces a document."""
        known = self.store.registry.documents_named(file_name)
        if known:
            return known[0], ""
        base = document_id(file_name)
        owner = self.store.registry.document(base)
        if owner is None and base not in (taken or set()):
            return base, ""
        alt = f"{base[:100]}-{hashlib.sha256(file_name.encode()).hexdigest()[:8]}"
        other = f"'{owner.file_name}'" if owner else "another file in this run"
        return alt, f"the id '{base}' belongs to {other}; this document gets the id '{alt}'"

    def upsert(self, doc: ParsedDocument, on_progress: Progress | None = None) -> Outcome:
        """Stage and publish in one go (the command line's ingest)."""
        previous = self.store.registry.active_version(doc.doc_id)
        if previous == doc.version:
            return "unchanged"
        self.stage(doc, on_progress)
        self.publish(doc.doc_id, doc.version)
        return "replaced" if previous else "added"

    def stage(
        self, doc: ParsedDocument, on_progress: Progress | None = None, review: bool = False
    ) -> None:
        """Store a version with its vectors, invisible to readers; ``review`` keeps it for a
        maintainer (otherwise the next writer purges it unless it is published now)."""
        registry = self.store.registry
        if registry.active_version(doc.doc_id) == doc.version:
            raise InvalidInput(f"this version of '{doc.doc_id}' is already published")
        vectors = self.store.vectors(create=True)
        assert vectors is not None
        original = self.store.files.relative(doc.doc_id, doc.version, doc.file_name)
        registry.stage(doc, original)  # first the row, so a crash never orphans the file
        self._step("staged")
        self.store.files.save(original, doc.source_bytes)
        self._step("original saved")
        self._embed_into(vectors, doc.chunks, on_progress)
        self._step("vectors added")
        if review:
            registry.mark_review(doc.doc_id, doc.version)

    def publish(self, doc_id: str, version: str) -> str | None:
        """The atomic flip; the version it replaces is retired (kept for undo, without vectors)."""
        registry = self.store.registry
        self._store_analysis(doc_id, version, registry.version_chunks(doc_id, version))
        retired = registry.activate(doc_id, version)
        self._step("activated")
        if retired and self._same_original(doc_id, retired, version):
            # the same file parsed by older code (kb/fingerprint.py): nothing to undo to, and it
            # must not push a real earlier version out of the kept ones
            self._purge(self.store.vectors_for_deleting(), doc_id, retired)
            return retired
        self._keep_latest(doc_id)
        if retired:  # last: until its vectors are gone, recovery redoes both steps
            self._retire(doc_id, retired)
        return retired

    def _same_original(self, doc_id: str, old: str, new: str) -> bool:
        """Are the stored originals of two versions the same bytes?"""
        files, registry = self.store.files, self.store.registry
        old_rel, new_rel = registry.original_of(doc_id, old), registry.original_of(doc_id, new)
        if old_rel is None or new_rel is None:
            return False
        try:
            a, b = files.path(old_rel), files.path(new_rel)
            return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
        except (OSError, NotFound):  # an original lost on disk: keep the version, as before
            return False

    def withdraw(self, doc_id: str) -> DocumentInfo:
        """Hide a document from readers; its versions stay for undo (see ``restore``)."""
        info = self.store.registry.document(doc_id)
        if info is None:
            raise NotFound(f"no published document with id '{doc_id}'")
        version = self.store.registry.deactivate(doc_id)
        self._keep_latest(doc_id)
        if version:
            self._retire(doc_id, version)
        return info

    def restore(self, doc_id: str, version: str, on_progress: Progress | None = None) -> None:
        """Make a kept (retired) version active again: undo of a replace or a withdrawal."""
        info = self.store.registry.version_info(doc_id, version)
        if info is None or info.state == "staged":
            raise NotFound(f"'{doc_id}' has no kept version '{version}'")
        if info.state != "retired":
            raise InvalidInput(f"version '{version}' of '{doc_id}' is {info.state}, not retired")
        vectors = self.store.vectors(create=True)
        assert vectors is not None
        chunks = self.store.registry.version_chunks(doc_id, version)
        self._embed_into(vectors, chunks, on_progress)  # cached embeddings: fast
        self.publish(doc_id, version)

    def discard(self, doc_id: str, version: str) -> None:
        """Drop a version that waits for review."""
        info = self.store.registry.version_info(doc_id, version)
        if info is None:
            return
        if info.state != "review":
            raise InvalidInput(f"version '{version}' of '{doc_id}' is {info.state}, not in review")
        self._purge(self.store.vectors_for_deleting(), doc_id, version)

    def purge_document(self, doc_id: str) -> list[VersionInfo]:
        """Remove a document for good: every version, active, in review or kept for undo."""
        registry = self.store.registry
        versions = registry.versions_of(doc_id)
        if not versions:
            raise NotFound(f"no document with id '{doc_id}' (see `kb docs list`)")
        registry.deactivate(doc_id)
        vectors = self.store.vectors_for_deleting()
        for v in versions:
            self._purge(vectors, doc_id, v.version)
        registry.delete_doc_meta(doc_id)
        self._compact = True
        return versions

    def remove(self, doc_id: str) -> DocumentInfo:
        """`kb docs remove`: the published document and everything kept for it, for good."""
        info = self.store.registry.document(doc_id)
        if info is None:
            raise NotFound(f"no document with id '{doc_id}' (see `kb docs list`)")
        self.purge_document(doc_id)
        return info

    def finish(self) -> None:
        """End of a writer session: purge every trace of what was purged (see the docstring)."""
        registry = self.store.registry
        if self._compact:  # a purge: no word of the purged text may stay in the lexicon either
            self._renew_lexicon()
        else:
            self._finish_analyses()
        self._step("analysed")
        if self._purged_texts:
            still_used = _indexed_texts(registry.stored_chunks())
            self.embedder.forget(sorted(self._purged_texts - still_used))
            self._purged_texts.clear()
            self._step("embeddings forgotten")
        if self._compact:
            self.compact()
            self._compact = False
            self._step("compacted")
        registry.checkpoint()
        self._step("checkpointed")

    def compact(self) -> int:
        """Rebuild the collections from the remaining vectors (no re-embedding) and drop the old
        ones: vectors of purged versions are gone from the index files too. Returns how many
        vectors were kept."""
        registry = self.store.registry
        old = registry.get_meta(COLLECTION_KEY)
        source = self.store.vectors_for_deleting()
        if old is None or source is None:
            return 0
        name = new_collection_name()
        target = VectorStore(self.store.client, name, source.built_with, create=True)
        kept = source.copy_into(target)
        registry.switch_collection(COLLECTION_KEY, name)
        for stale in (old, old + SENTENCE_SUFFIX):
            self.store.client.delete_collection(stale)
        if self.store.embedded:
            vacuum(self.store.data_dir / "chroma")
        return kept

    def reindex(self, on_progress: Progress | None = None) -> int:
        """Re-embed all active chunks with the configured model into a new collection; switch."""
        registry = self.store.registry
        old = registry.get_meta(COLLECTION_KEY)
        name = new_collection_name()
        vectors = VectorStore(self.store.client, name, self.store.model_id, create=True)
        chunks = registry.active_chunks() + self._review_chunks()
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
            self._step("embedded a batch")
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
    def _finish_analyses(self) -> None:
        """Analyses stored for every active version, and the lexicon renewed when the corpus
        drifted from it, other analyzer code split its words, or there is none yet."""
        registry = self.store.registry
        number, revision = registry.lexicon_id(), analysis_revision()
        if number is None or registry.lexicon_revision() != revision:
            self._renew_lexicon()  # which analyses every version once
            return
        for (doc_id, version), stored in registry.active_analyses().items():
            if stored is None or (stored.lexicon, stored.revision) != (number, revision):
                self._store_analysis(doc_id, version, registry.chunks_of(doc_id, version))
        drift = registry.lexicon_drift()
        if drift is None or drift > self.lexicon_refresh_drift:
            self._renew_lexicon()

    def _current_analyzer(self) -> tuple[int, Analyzer] | None:
        number = self.store.registry.lexicon_id()
        if number is None or self.store.registry.lexicon_revision() != analysis_revision():
            return None  # the end of the session renews the lexicon and analyses all
        if self._analyzer is None or self._analyzer[0] != number:
            loaded, lexicon = self.store.registry.lexicon()
            splits = self.store.registry.lexicon_splits(analysis_revision())
            self._analyzer = (loaded or number, Analyzer(lexicon, splits))
        return self._analyzer

    def _store_analysis(self, doc_id: str, version: str, chunks: list[Chunk]) -> None:
        """Before the version is activated, so readers find it stored (else they compute it)."""
        current = self._current_analyzer()
        if current is None:  # no lexicon of this code yet: the session end makes one, analyses all
            return
        number, analyzer = current
        a = analyzer.document(chunks)
        record = Analysis(
            number, analysis_revision(), a.tokens, vocabulary_blob(a.vocabulary), a.to_blob()
        )
        self.store.registry.store_analysis(doc_id, version, record)

    def _renew_lexicon(self) -> None:
        """The lexicon of the active corpus, and every version analysed against it."""
        registry, revision = self.store.registry, analysis_revision()
        docs = []
        for (doc_id, version), stored in registry.active_analyses(vocabulary=True).items():
            chunks = registry.chunks_of(doc_id, version)
            vocab = (
                vocabulary_from_blob(stored.vocabulary)
                if stored is not None and stored.revision == revision
                else dict(document_vocabulary(chunks))
            )
            docs.append((doc_id, version, chunks, vocab))
        analyzer = Analyzer(corpus_lexicon(vocab for *_, vocab in docs))
        records = []
        for doc_id, version, chunks, vocab in docs:
            a = analyzer.document(chunks)
            tokens = sum(vocab.values())
            record = Analysis(0, revision, tokens, vocabulary_blob(vocab), a.to_blob())
            records.append((doc_id, version, record))
        splits = analyzer.splitter.decisions()
        number = registry.replace_lexicon(analyzer.lexicon, splits, records, revision)
        self._analyzer = (number, analyzer)

    def _review_chunks(self) -> list[Chunk]:
        registry = self.store.registry
        return [
            c
            for doc_id in registry.all_doc_ids()
            for v in registry.versions_of(doc_id)
            if v.state == "review"
            for c in registry.version_chunks(doc_id, v.version)
        ]

    def _retire(self, doc_id: str, version: str) -> None:
        """A retired version keeps its rows and original (for undo) but no vectors."""
        vectors = self.store.vectors_for_deleting()
        if vectors is not None:
            vectors.delete_version(doc_id, version)
            self._step("old vectors deleted")
        self.store.registry.retired_vectors_gone(doc_id, version)

    def _keep_latest(self, doc_id: str) -> None:
        """Purge retired versions beyond KB_KEEP_VERSIONS (the active one counts)."""
        beyond = self.store.registry.kept_beyond(doc_id, self.keep_versions)
        if beyond:
            vectors = self.store.vectors_for_deleting()
            for version in beyond:
                self._purge(vectors, doc_id, version)

    def _purge(self, vectors: VectorStore | None, doc_id: str, version: str) -> None:
        """Delete a version everywhere: vectors, registry rows, stored original (cached
        embeddings of its texts at the end of the session)."""
        registry = self.store.registry
        original = registry.original_of(doc_id, version)
        self._purged_texts.update(_indexed_texts(registry.version_chunks(doc_id, version)))
        if vectors is not None:
            vectors.delete_version(doc_id, version)
            self._step("old vectors deleted")
        registry.purge_version(doc_id, version)
        registry.retired_vectors_gone(doc_id, version)
        self._step("old rows purged")
        self.store.files.delete(original)
        self._step("old original deleted")


def _indexed_texts(chunks: list[Chunk]) -> set[str]:
    """What may have been embedded for these chunks, with either kind of chunk vectors."""
    return texts_to_embed(chunks, "pooled") | texts_to_embed(chunks, "embedded")


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
