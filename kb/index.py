"""The write side: add, replace, withdraw, restore and purge documents atomically; re-embed on
model change.

A replace is: stage the new version (registry + Chroma, invisible to readers) → flip the active
version in one registry transaction → retire the old version (its vectors go, its rows and
original stay for undo, up to KB_KEEP_VERSIONS). A crash at any point leaves the old version
visible; a half-staged version is purged by ``recover`` on the next write. A version staged for
review waits, invisible, until a maintainer publishes or discards it.
"""

from collections.abc import Callable
from typing import Literal

from kb.embedding.cache import CachedEmbedder
from kb.errors import InvalidInput, NotFound
from kb.models import Chunk, DocumentInfo, ParsedDocument, VersionInfo
from kb.retrieval.units import context_text, sentence_units
from kb.store.store import COLLECTION_KEY, Store, new_collection_name
from kb.store.vectors import SENTENCE_SUFFIX, VectorStore

Outcome = Literal["added", "replaced", "unchanged"]
Progress = Callable[[int], None]


class Indexer:
    def __init__(self, store: Store, embedder: CachedEmbedder, keep_versions: int = 3) -> None:
        self.store = store
        self.embedder = embedder
        self.keep_versions = keep_versions

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
        self.store.files.save(original, doc.source_bytes)
        self._embed_into(vectors, doc.chunks, on_progress)
        if review:
            registry.mark_review(doc.doc_id, doc.version)

    def publish(self, doc_id: str, version: str) -> str | None:
        """The atomic flip; the version it replaces is retired (kept for undo, without vectors)."""
        retired = self.store.registry.activate(doc_id, version)
        if retired:
            self._retire(doc_id, retired)
        self._keep_latest(doc_id)
        return retired

    def withdraw(self, doc_id: str) -> DocumentInfo:
        """Hide a document from readers; its versions stay for undo (see ``restore``)."""
        info = self.store.registry.document(doc_id)
        if info is None:
            raise NotFound(f"no published document with id '{doc_id}'")
        version = self.store.registry.deactivate(doc_id)
        if version:
            self._retire(doc_id, version)
        self._keep_latest(doc_id)
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
        return versions

    def remove(self, doc_id: str) -> DocumentInfo:
        """`kb docs remove`: the published document and everything kept for it, for good."""
        info = self.store.registry.document(doc_id)
        if info is None:
            raise NotFound(f"no document with id '{doc_id}' (see `kb docs list`)")
        self.purge_document(doc_id)
        return info

    def reindex(self, on_progress: Progress | None = None) -> int:
        """Re-embed all active chunks with the configured model into a new collection; switch."""
        registry = self.store.registry
        old = registry.get_meta(COLLECTION_KEY)
        name = new_collection_name()
        vectors = VectorStore(self.store.client, name, self.embedder.model_id, create=True)
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
        vectors.add(chunks, matrix[: len(chunks)], sentences, matrix[len(chunks) :])

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

    def _keep_latest(self, doc_id: str) -> None:
        """Purge retired versions beyond KB_KEEP_VERSIONS (the active one counts)."""
        beyond = self.store.registry.kept_beyond(doc_id, self.keep_versions)
        if beyond:
            vectors = self.store.vectors_for_deleting()
            for version in beyond:
                self._purge(vectors, doc_id, version)

    def _purge(self, vectors: VectorStore | None, doc_id: str, version: str) -> None:
        """Delete a version everywhere: vectors, registry rows, stored original."""
        registry = self.store.registry
        original = registry.original_of(doc_id, version)
        if vectors is not None:
            vectors.delete_version(doc_id, version)
        registry.purge_version(doc_id, version)
        self.store.files.delete(original)
