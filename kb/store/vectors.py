"""The Chroma collections: one for chunks, one for the sentences inside them (sentence-level
matching finds paraphrased facts in long chunks). Vectors are added through llama-index's
ChromaVectorStore; searches go to the collection directly, asking only for ids, distances and
(for sentences) the owning chunk, not for texts the caller already has in its catalog.

Each collection's metadata records the embedding model that built it; opening it with another
model is refused (ModelMismatch → `kb reindex`). Embeddings are always passed explicitly.
"""

import logging
import math
import threading
from collections.abc import Callable, Container, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from kb.errors import ConfigError, ModelMismatch, StoreUnavailable
from kb.models import Chunk

MODEL_KEY = "embed_model"
ChunksOf = Callable[[list[str]], list[str | None]]
OVERSAMPLE = 1.5  # unfiltered searches ask for this many more (see _nearest)
# HNSW search breadth: with Chroma's default (100) an unfiltered search for the 188 nearest
# sentences misses some of the exact ones (a filtered search scans exactly at small sizes).
EF_SEARCH = 400
SENTENCE_SUFFIX = "-s"

log = logging.getLogger("kb.store")
T = TypeVar("T")
_OPENING = threading.Lock()


def chroma_client(path: Path, url: str | None = None) -> Any:
    """The embedded store under ``path``, or a Chroma server at ``url`` (several processes)."""
    from urllib.parse import urlparse

    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    if url:
        parsed = urlparse(url)
        if parsed.scheme not in ("http", "https") or not parsed.hostname:
            raise ConfigError(f"KB_CHROMA_URL must look like http://host:port, not '{url}'")
        try:
            return chromadb.HttpClient(
                host=parsed.hostname,
                port=parsed.port or (443 if parsed.scheme == "https" else 8000),
                ssl=parsed.scheme == "https",
                settings=settings,
            )
        except Exception as e:  # the client checks the server at once
            raise ConfigError(f"cannot reach the Chroma server at {url}: {e}") from e
    path.mkdir(parents=True, exist_ok=True)
    with _OPENING:
        _forget_system(path)  # never share a System another client of this path opened
        client = chromadb.PersistentClient(path=str(path), settings=settings)
        _forget_system(path)  # ...and never let another client share or release ours
    return client


def _forget_system(path: Path) -> None:
    """Drop chromadb's per-process cache entry for an embedded path.

    chromadb shares one System (Rust bindings, in-memory HNSW) per path in a process and can
    only reset that cache for all paths at once (``clear_system_cache``), which would break
    every other live client. A client keeps its own reference to its bindings, so removing
    just this path's entry gives the next client a fresh view of the files, while clients
    opened before keep working until they are released.
    """
    from chromadb.api.shared_system_client import SharedSystemClient as Shared

    with Shared._refcount_lock:
        Shared._identifier_to_system.pop(str(path), None)
        Shared._identifier_to_refcount.pop(str(path), None)


def release_client(client: Any) -> None:
    """Free a client for good: an embedded one stops its own System, a server one closes."""
    server = getattr(client, "_server", None)
    system = getattr(server, "_system", None)
    if system is not None and getattr(system.settings, "is_persistent", False):
        client._closed = True  # its System is private (see chroma_client): stop it directly
        system.stop()
    elif hasattr(client, "close"):
        client.close()


def vacuum(path: Path) -> None:
    """Rewrite the embedded store's SQLite file without its free pages (deleted records)."""
    import sqlite3

    db_path = path / "chroma.sqlite3"
    if not db_path.is_file():
        return
    db = sqlite3.connect(db_path, timeout=30, isolation_level=None)
    try:
        db.execute("VACUUM")
    finally:
        db.close()


def doc_version_key(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


@dataclass(frozen=True)
class SentenceUnit:
    """A sentence of a chunk, as indexed: id, owning chunk, offsets in the chunk's page text."""

    id: str
    chunk: Chunk
    start: int
    end: int
    text: str


class VectorStore:
    """``check_model=False`` is for deleting only: removing vectors doesn't depend on the model."""

    def __init__(
        self,
        client: Any,
        name: str,
        model_id: str,
        create: bool,
        check_model: bool = True,
        recover: "Callable[[], VectorStore | None] | None" = None,
    ) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.name = name
        self.model_id = model_id
        self._recover = recover
        self._chunks = _open(client, name, model_id, create, check_model)
        self._sentences = _open(client, name + SENTENCE_SUFFIX, model_id, create, check_model)
        self._chunk_store = ChromaVectorStore(chroma_collection=self._chunks)
        self._sentence_store = ChromaVectorStore(chroma_collection=self._sentences)

    def add(
        self,
        chunks: list[Chunk],
        chunk_vectors: Any,
        sentences: list[SentenceUnit],
        sentence_vectors: Any,
    ) -> None:
        _add(self._chunk_store, [(c.id, c.text, c, {}) for c in chunks], chunk_vectors)
        _add(
            self._sentence_store,
            [(s.id, s.text, s.chunk, {"chunk_id": s.chunk.id}) for s in sentences],
            sentence_vectors,
        )

    def delete_version(self, doc_id: str, version: str) -> None:
        where = {"doc_version": doc_version_key(doc_id, version)}
        self._chunks.delete(where=where)
        self._sentences.delete(where=where)

    def query(
        self, vector: Any, k: int, doc_versions: list[str], known: Container[str]
    ) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks of the given versions;
        ``known``: the chunk ids of exactly those versions (the reader's catalog)."""

        def chunks_of(ids: list[str]) -> list[str | None]:
            return [i if i in known else None for i in ids]

        empty: list[tuple[str, str, float]] = []
        found = self._guarded(
            lambda v: _nearest(v._chunks, vector, k, doc_versions, chunks_of), empty
        )
        return [(cid, score) for _, cid, score in found]

    def query_sentences(
        self, vector: Any, k: int, doc_versions: list[str], chunks_of: ChunksOf
    ) -> list[tuple[str, str, float]]:
        """(sentence id, chunk id, cosine) of the k nearest sentences; ``chunks_of`` maps
        sentence ids to their chunk ids (None: not a sentence of the given versions)."""
        empty: list[tuple[str, str, float]] = []
        return self._guarded(
            lambda v: _nearest(v._sentences, vector, k, doc_versions, chunks_of), empty
        )

    def sentence_similarities(self, vector: Any, ids: list[str]) -> dict[str, float]:
        """Cosine of the query with the given sentences (for picking answer sentences)."""
        if not ids:
            return {}
        return self._guarded(lambda v: v._similarities(vector, ids), {})

    def warm(self) -> None:
        """Load both indexes into memory now (a query loads them lazily otherwise)."""
        for collection in (self._chunks, self._sentences):
            got = collection.get(limit=1, include=["embeddings"])
            if got["embeddings"] is not None and len(got["embeddings"]):
                collection.query(query_embeddings=[list(got["embeddings"][0])], n_results=1)

    def _guarded(self, call: "Callable[[VectorStore], T]", empty: T) -> T:
        """Run a query; when the embedded store's in-memory view is stale (another process
        wrote), reopen it and retry once; if that is not possible, answer without vectors."""
        from chromadb.errors import ChromaError, InternalError, NotFoundError

        try:
            return call(self)
        except (InternalError, NotFoundError) as e:  # ids or a collection this view lacks
            log.warning("vector query failed (%s); reopening the vector store", e)
        except ChromaError as e:
            raise StoreUnavailable(f"the vector store failed: {e}") from e
        fresh = self._recover() if self._recover is not None else None
        if fresh is not None:
            try:
                return call(fresh)
            except ChromaError as e:
                log.warning("vector query failed again (%s); answering without vectors", e)
        return empty

    def _similarities(self, vector: Any, ids: list[str]) -> dict[str, float]:
        got = self._sentences.get(ids=ids, include=["embeddings"])
        if got["embeddings"] is None or len(got["ids"]) == 0:
            return {}
        matrix = np.asarray(got["embeddings"], dtype=np.float32)
        sims = matrix @ np.asarray(vector, dtype=np.float32)
        return {sid: float(s) for sid, s in zip(got["ids"], sims, strict=True)}

    def count(self) -> int:
        return int(self._chunks.count())

    def dump(self, batch: int = 1000) -> Iterator[tuple[str, dict[str, Any]]]:
        """Everything stored, for a backup: ("chunks"|"sentences", {ids, embeddings, documents,
        metadatas}) batches."""
        for part, collection in (("chunks", self._chunks), ("sentences", self._sentences)):
            total = int(collection.count())
            for offset in range(0, total, batch):
                got = collection.get(
                    include=["embeddings", "documents", "metadatas"], limit=batch, offset=offset
                )
                yield (
                    part,
                    {
                        "ids": list(got["ids"]),
                        "embeddings": np.asarray(got["embeddings"], dtype=np.float32),
                        "documents": list(got["documents"] or []),
                        "metadatas": list(got["metadatas"] or []),
                    },
                )

    def load(self, part: str, batch: dict[str, Any]) -> None:
        """Put back what ``dump`` gave (restore of a backup)."""
        collection = self._chunks if part == "chunks" else self._sentences
        if batch["ids"]:
            collection.upsert(
                ids=batch["ids"],
                embeddings=np.asarray(batch["embeddings"], dtype=np.float32),
                documents=batch["documents"],
                metadatas=batch["metadatas"],
            )

    @property
    def built_with(self) -> str:
        """The embedding model the collection's vectors come from."""
        return str((self._chunks.metadata or {}).get(MODEL_KEY) or self.model_id)

    def copy_into(self, target: "VectorStore", batch: int = 1000) -> int:
        """Copy every vector (ids, embeddings, metadata; no text) into ``target``."""
        copied = 0
        for source, sink in ((self._chunks, target._chunks), (self._sentences, target._sentences)):
            offset = 0
            while True:
                got = source.get(include=["embeddings", "metadatas"], limit=batch, offset=offset)
                if not len(got["ids"]):
                    break
                sink.add(ids=got["ids"], embeddings=got["embeddings"], metadatas=got["metadatas"])
                offset += len(got["ids"])
                copied += len(got["ids"])
        return copied


def _open(client: Any, name: str, model_id: str, create: bool, check_model: bool = True) -> Any:
    if create:
        collection = client.get_or_create_collection(
            name,
            metadata={MODEL_KEY: model_id},
            configuration={"hnsw": {"space": "cosine", "ef_search": EF_SEARCH}},
            embedding_function=None,
        )
    else:
        try:
            collection = client.get_collection(name, embedding_function=None)
        except Exception as e:  # chromadb raises its own NotFoundError type
            raise ModelMismatch(
                f"The vector collection '{name}' is missing (an index from an older version?). "
                "Run `kb reindex` to rebuild the vectors."
            ) from e
    built_with = (collection.metadata or {}).get(MODEL_KEY)
    if check_model and built_with != model_id:
        raise ModelMismatch(
            f"The index was built with the embedding model '{built_with}', but the configured "
            f"model is '{model_id}'. Run `kb reindex` to re-embed all documents with the "
            "configured model, or set KB_EMBED_BACKEND/KB_EMBED_MODEL/KB_CHUNK_VECTORS back."
        )
    return collection


def _add(store: Any, entries: list[tuple[str, str, Chunk, dict[str, Any]]], vectors: Any) -> None:
    from llama_index.core.schema import TextNode

    if not entries:
        return
    nodes = [
        TextNode(
            id_=node_id,
            text="",  # the text lives in the registry only: one place to purge it from
            embedding=[float(x) for x in vector],
            metadata={
                "doc_id": chunk.doc_id,
                "version": chunk.version,
                "doc_version": doc_version_key(chunk.doc_id, chunk.version),
                "page": chunk.page if chunk.page is not None else 0,
                "kind": chunk.kind,
                "position": chunk.position,
                **extra,
            },
        )
        for (node_id, _text, chunk, extra), vector in zip(entries, vectors, strict=True)
    ]
    store.delete_nodes(node_ids=[n.node_id for n in nodes])  # idempotent re-add
    store.add(list[Any](nodes))


def _nearest(
    collection: Any, vector: Any, k: int, doc_versions: list[str], chunks_of: ChunksOf
) -> list[tuple[str, str, float]]:
    """(id, chunk id, cosine) of the k nearest vectors whose chunk the caller knows.

    Chroma filters by metadata before it searches, which costs time in proportion to the whole
    collection (at 100 times the sample corpus, seconds per query), and fetching each result's
    metadata costs more than the search itself, so the owning chunk comes from the caller's
    catalog. Vectors outside the reader's snapshot are rare (a version being staged or purged,
    a crashed writer's leftovers): the search runs unfiltered with some room to spare and drops
    them; only when too many fall out does it ask Chroma to filter.
    """
    if not doc_versions or k <= 0:
        return []
    wanted = math.ceil(k * OVERSAMPLE) + 8
    found, seen = _search(collection, vector, wanted, None, chunks_of)
    if len(found) >= k or seen < wanted:  # enough, or the collection holds no more
        return found[:k]
    where = {"doc_version": {"$in": doc_versions}}
    return _search(collection, vector, k, where, chunks_of)[0]


def _search(
    collection: Any, vector: Any, n: int, where: dict[str, Any] | None, chunks_of: ChunksOf
) -> tuple[list[tuple[str, str, float]], int]:
    """The hits whose chunk is known, and how many vectors the search returned."""
    result = collection.query(
        query_embeddings=[[float(x) for x in vector]],
        n_results=n,
        where=where,
        include=["distances"],
    )
    ids = result["ids"][0]
    # In cosine space Chroma's distance is 1 - cosine.
    hits = [
        (node_id, chunk, 1.0 - float(d))
        for node_id, chunk, d in zip(ids, chunks_of(ids), result["distances"][0], strict=True)
        if chunk is not None
    ]
    return hits, len(ids)
