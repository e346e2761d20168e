"""The Chroma collections, used through llama-index's ChromaVectorStore: one for chunks, one for
the sentences inside them (sentence-level matching finds paraphrased facts in long chunks).

Each collection's metadata records the embedding model that built it; opening it with another
model is refused (ModelMismatch → `kb reindex`). Embeddings are always passed explicitly.
"""

import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import ConfigError, ModelMismatch
from kb.models import Chunk

MODEL_KEY = "embed_model"
SENTENCE_SUFFIX = "-s"


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
    return chromadb.PersistentClient(path=str(path), settings=settings)


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
        self, client: Any, name: str, model_id: str, create: bool, check_model: bool = True
    ) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.name = name
        self.model_id = model_id
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

    def query(self, vector: Any, k: int, doc_versions: list[str]) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks among the given versions."""
        return _query(self._chunk_store, vector, k, doc_versions)

    def query_sentences(
        self, vector: Any, k: int, doc_versions: list[str]
    ) -> list[tuple[str, str, float]]:
        """(sentence id, chunk id, cosine) of the k nearest sentences."""
        found = _query(self._sentence_store, vector, k, doc_versions, with_metadata=True)
        return [(sid, meta["chunk_id"], score) for sid, score, meta in found]

    def sentence_similarities(self, vector: Any, ids: list[str]) -> dict[str, float]:
        """Cosine of the query with the given sentences (for picking answer sentences)."""
        if not ids:
            return {}
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


def _open(client: Any, name: str, model_id: str, create: bool, check_model: bool = True) -> Any:
    if create:
        collection = client.get_or_create_collection(
            name,
            metadata={MODEL_KEY: model_id},
            configuration={"hnsw": {"space": "cosine"}},
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
            "configured model, or set KB_EMBED_BACKEND/KB_EMBED_MODEL back."
        )
    return collection


def _add(store: Any, entries: list[tuple[str, str, Chunk, dict[str, Any]]], vectors: Any) -> None:
    from llama_index.core.schema import TextNode

    if not entries:
        return
    nodes = [
        TextNode(
            id_=node_id,
            text=text,
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
        for (node_id, text, chunk, extra), vector in zip(entries, vectors, strict=True)
    ]
    store.delete_nodes(node_ids=[n.node_id for n in nodes])  # idempotent re-add
    store.add(list[Any](nodes))


def _query(
    store: Any, vector: Any, k: int, doc_versions: list[str], with_metadata: bool = False
) -> list[Any]:
    from llama_index.core.vector_stores.types import (
        FilterOperator,
        MetadataFilter,
        MetadataFilters,
        VectorStoreQuery,
    )

    if not doc_versions or k <= 0:
        return []
    filters = MetadataFilters(
        filters=[MetadataFilter(key="doc_version", value=doc_versions, operator=FilterOperator.IN)]
    )
    result = store.query(
        VectorStoreQuery(
            query_embedding=[float(x) for x in vector], similarity_top_k=k, filters=filters
        )
    )
    out: list[Any] = []
    for node, node_id, sim in zip(
        result.nodes or [], result.ids or [], result.similarities or [], strict=True
    ):
        # ChromaVectorStore reports exp(-distance); in cosine space, distance = 1 - cosine.
        cosine = 1.0 + math.log(max(sim, 1e-30))
        out.append((node_id, cosine, node.metadata) if with_metadata else (node_id, cosine))
    return out
