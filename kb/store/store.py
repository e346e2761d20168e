"""Where everything lives under KB_DATA_DIR: registry, stored originals, Chroma collection.

The embedded Chroma store keeps an in-memory view of its index per process: after another
process wrote, that view is stale, and querying ids it does not know fails. The registry counts
writer sessions; a reader whose view is older than the last one reopens it (``reopen``), and a
writer does so under the writer lock before it writes (``begin_writing``), so a stale in-memory
index is never queried for new ids nor written back. A Chroma server has no such view.
"""

import contextlib
import shutil
import tempfile
import threading
import uuid
from pathlib import Path
from typing import Any

from kb.errors import ConfigError
from kb.store.files import OriginalFiles
from kb.store.lock import writer_idle
from kb.store.registry import Registry
from kb.store.vectors import VectorStore, chroma_client, release_client

COLLECTION_KEY = "collection"


class Store:
    def __init__(
        self,
        data_dir: Path,
        model_id: str,
        chroma_url: str | None = None,
        read_only: bool = False,
        max_copy_mb: int = 1024,
    ) -> None:
        self.data_dir = data_dir
        self.model_id = model_id
        self.chroma_url = chroma_url
        self.read_only = read_only
        self.registry = Registry(data_dir / "registry.sqlite3", read_only=read_only)
        self.files = OriginalFiles(data_dir / "originals")
        self._max_copy_bytes = max_copy_mb * 1024 * 1024
        self._copy: Path | None = None  # read-only: a private copy of the embedded store
        self._lock = threading.RLock()
        self._client: Any = None
        self._client_writes = 0  # writer sessions the current client has seen
        self._vectors: VectorStore | None = None

    @property
    def embedded(self) -> bool:
        return not self.chroma_url

    @property
    def client(self) -> Any:
        with self._lock:
            if self._client is None:
                self._client_writes = self.registry.write_count()
                self._client = chroma_client(self._chroma_path(), self.chroma_url)
            return self._client

    def is_current(self) -> bool:
        """Has no writer session started (in any process) since the client was opened?"""
        if not self.embedded or self.read_only or self._client is None:
            return True
        return self.registry.write_count() == self._client_writes

    def reopen(self) -> None:
        """A fresh view of the embedded store. The previous client is not closed: queries still
        running on it finish, and it is freed when nothing refers to it any more."""
        if not self.embedded or self.read_only:
            return
        with self._lock:
            self._client = None
            self._vectors = None
            self.client  # noqa: B018  (opens it)

    def begin_writing(self) -> None:
        """Call under the writer lock, before writing: catch up with other writers, count this
        session."""
        with self._lock:
            if not self.is_current():
                self.reopen()
            self._client_writes = self.registry.begin_write()

    def vectors(self, create: bool = False) -> VectorStore | None:
        """The active collection (checked against the embedding model), or None if none yet."""
        with self._lock:
            name = self.registry.get_meta(COLLECTION_KEY)
            if self._vectors is not None and self._vectors.name == name:
                return self._vectors
            if name is None:
                if not create:
                    return None
                name = new_collection_name()
                self._vectors = self._open(name, create=True)
                self.registry.set_meta(COLLECTION_KEY, name)
                return self._vectors
            self._vectors = self._open(name, create=create)
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
        with self._lock:
            if self._client is not None:
                release_client(self._client)
                self._client = None
                self._vectors = None
        if self._copy is not None:
            shutil.rmtree(self._copy, ignore_errors=True)
            self._copy = None

    def _open(self, name: str, create: bool) -> VectorStore:
        return VectorStore(self.client, name, self.model_id, create=create, recover=self._recover)

    def _recover(self) -> VectorStore | None:
        """After a query failed on a stale view: reopen, unless a writer is at work right now."""
        if not self.embedded or self.read_only:
            return None
        with writer_idle(self.data_dir) as idle:
            if not idle:
                return None
            self.reopen()
            return self.vectors()

    def _chroma_path(self) -> Path:
        """The embedded store, or for a read-only data dir a private copy (Chroma's embedded
        store cannot open files it may not write)."""
        path = self.data_dir / "chroma"
        if not self.read_only or not self.embedded:
            return path
        if self._copy is None:
            size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
            if size > self._max_copy_bytes:
                raise ConfigError(
                    f"the data dir is read-only and its vector store ({size // 2**20} MB) is "
                    f"larger than KB_READONLY_COPY_MAX_MB ({self._max_copy_bytes // 2**20} MB); "
                    "make it writable or use a Chroma server (KB_CHROMA_URL)"
                )
            self._copy = Path(tempfile.mkdtemp(prefix="kb-readonly-chroma-"))
            with contextlib.suppress(FileNotFoundError):
                shutil.copytree(path, self._copy, dirs_exist_ok=True)
        return self._copy


def new_collection_name() -> str:
    return f"chunks-{uuid.uuid4().hex[:12]}"
