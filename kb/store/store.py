"""Where everything lives under KB_DATA_DIR: registry, stored originals, Chroma collection."""

import uuid
from pathlib import Path
from typing import Any

from kb.store.files import OriginalFiles
from kb.store.registry import Registry
from kb.store.vectors import VectorStore, chroma_client

COLLECTION_KEY = "collection"


class Store:
    def __init__(self, data_dir: Path, model_id: str, chroma_url: str | None = None) -> None:
        self.data_dir = data_dir
        self.model_id = model_id
        self.chroma_url = chroma_url
        self.registry = Registry(data_dir / "registry.sqlite3")
        self.files = OriginalFiles(data_dir / "originals")
        self._client: Any = None
        self._vectors: VectorStore | None = None

    @property
    def client(self) -> Any:
        if self._client is None:
            self._client = chroma_client(self.data_dir / "chroma", self.chroma_url)
        return self._client

    def vectors(self, create: bool = False) -> VectorStore | None:
        """The active collection (checked against the embedding model), or None if none yet."""
        name = self.registry.get_meta(COLLECTION_KEY)
        if self._vectors is not None and self._vectors.name == name:
            return self._vectors
        if name is None:
            if not create:
                return None
            name = new_collection_name()
            self._vectors = VectorStore(self.client, name, self.model_id, create=True)
            self.registry.set_meta(COLLECTION_KEY, name)
            return self._vectors
        self._vectors = VectorStore(self.client, name, self.model_id, create=create)
        return self._vectors

    def vectors_for_deleting(self) -> VectorStore | None:
        """The active collections without the model check (deletes work across models)."""
        name = self.registry.get_meta(COLLECTION_KEY)
        if name is None:
            return None
        return VectorStore(self.client, name, self.model_id, create=False, check_model=False)

    def collection_names(self) -> list[str]:
        return [c.name for c in self.client.list_collections()]

    def close(self) -> None:
        self.registry.close()
        if self._client is not None and hasattr(self._client, "close"):
            self._client.close()  # refcounted by chromadb: other clients of the path stay open
            self._client = None


def new_collection_name() -> str:
    return f"chunks-{uuid.uuid4().hex[:12]}"
