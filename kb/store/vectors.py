"""The Chroma collection, used through llama-index's ChromaVectorStore.

The collection's metadata records the embedding model that built it; opening it with another
model is refused (ModelMismatch → `kb reindex`). Embeddings are always passed explicitly.
"""

import math
from pathlib import Path
from typing import Any

from kb.errors import ModelMismatch
from kb.models import Chunk

MODEL_KEY = "embed_model"


def chroma_client(path: Path) -> Any:
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(path), settings=ChromaSettings(anonymized_telemetry=False, allow_reset=False)
    )


def doc_version_key(doc_id: str, version: str) -> str:
    return f"{doc_id}@{version}"


class VectorStore:
    def __init__(self, client: Any, collection_name: str, model_id: str, create: bool) -> None:
        from llama_index.vector_stores.chroma import ChromaVectorStore

        if create:
            collection = client.get_or_create_collection(
                collection_name,
                metadata={MODEL_KEY: model_id},
                configuration={"hnsw": {"space": "cosine"}},
                embedding_function=None,
            )
        else:
            collection = client.get_collection(collection_name, embedding_function=None)
        built_with = (collection.metadata or {}).get(MODEL_KEY)
        if built_with != model_id:
            raise ModelMismatch(
                f"The index was built with the embedding model '{built_with}', but the configured "
                f"model is '{model_id}'. Run `kb reindex` to re-embed all documents with the "
                "configured model, or set KB_EMBED_BACKEND/KB_EMBED_MODEL back."
            )
        self.name = collection_name
        self.model_id = model_id
        self._collection = collection
        self._store = ChromaVectorStore(chroma_collection=collection)

    def add(self, chunks: list[Chunk], vectors: Any) -> None:
        from llama_index.core.schema import TextNode

        nodes = [
            TextNode(
                id_=c.id,
                text=c.text,
                embedding=[float(x) for x in v],
                metadata={
                    "doc_id": c.doc_id,
                    "version": c.version,
                    "doc_version": doc_version_key(c.doc_id, c.version),
                    "page": c.page if c.page is not None else 0,
                    "kind": c.kind,
                    "position": c.position,
                },
                excluded_embed_metadata_keys=[],
            )
            for c, v in zip(chunks, vectors, strict=True)
        ]
        self._store.delete_nodes(node_ids=[n.node_id for n in nodes])  # idempotent re-add
        self._store.add(list[Any](nodes))

    def delete_version(self, doc_id: str, version: str) -> None:
        self._collection.delete(where={"doc_version": doc_version_key(doc_id, version)})

    def query(self, vector: Any, k: int, doc_versions: list[str]) -> list[tuple[str, float]]:
        """(chunk id, cosine similarity) of the k nearest chunks among the given versions."""
        from llama_index.core.vector_stores.types import (
            FilterOperator,
            MetadataFilter,
            MetadataFilters,
            VectorStoreQuery,
        )

        if not doc_versions or k <= 0:
            return []
        filters = MetadataFilters(
            filters=[
                MetadataFilter(key="doc_version", value=doc_versions, operator=FilterOperator.IN)
            ]
        )
        result = self._store.query(
            VectorStoreQuery(
                query_embedding=[float(x) for x in vector], similarity_top_k=k, filters=filters
            )
        )
        # ChromaVectorStore reports exp(-distance); with cosine space, distance = 1 - cosine.
        return [
            (node_id, 1.0 + math.log(max(sim, 1e-30)))
            for node_id, sim in zip(result.ids or [], result.similarities or [], strict=True)
        ]

    def count(self) -> int:
        return int(self._collection.count())
