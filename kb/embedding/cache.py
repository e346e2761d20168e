"""Disk cache of passage embeddings keyed by (model id, text hash), shared across KBs and runs."""

import hashlib
import logging
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np

from kb.embedding.base import Embedder, Vectors
from kb.store.sqlite import checkpoint, connect

log = logging.getLogger("kb")
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS embeddings (model TEXT, hash TEXT, vector BLOB,"
    " PRIMARY KEY (model, hash));"
)


class EmbeddingCache:
    def __init__(self, path: Path | None) -> None:
        """``path`` None: a cache in memory only (for a read-only data dir)."""
        if path is None:
            self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            self._db.executescript(_SCHEMA)
        else:
            self._db = connect(path, _SCHEMA)
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: Path) -> "EmbeddingCache":
        """The cache at ``path``, or one in memory when it cannot be written there."""
        try:
            return cls(path)
        except (OSError, sqlite3.Error) as e:
            log.warning("embedding cache %s not writable (%s): caching in memory only", path, e)
            return cls(None)

    def get_many(self, model: str, hashes: list[str]) -> dict[str, Vectors]:
        found: dict[str, Vectors] = {}
        with self._lock:
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                marks = ",".join("?" * len(part))
                rows = self._db.execute(
                    f"SELECT hash, vector FROM embeddings WHERE model=? AND hash IN ({marks})",
                    [model, *part],
                )
                for h, blob in rows:
                    found[h] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, items: dict[str, Vectors]) -> None:
        with self._lock, self._db:
            self._db.execute("BEGIN")
            self._db.executemany(
                "INSERT OR REPLACE INTO embeddings VALUES (?, ?, ?)",
                [(model, h, np.asarray(v, dtype=np.float32).tobytes()) for h, v in items.items()],
            )

    def delete_many(self, model: str, hashes: list[str]) -> None:
        """Forget vectors of withdrawn texts (overwritten on disk, WAL emptied)."""
        with self._lock:
            for i in range(0, len(hashes), 500):
                part = hashes[i : i + 500]
                marks = ",".join("?" * len(part))
                self._db.execute(
                    f"DELETE FROM embeddings WHERE model=? AND hash IN ({marks})", [model, *part]
                )
            checkpoint(self._db)

    def close(self) -> None:
        self._db.close()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class CachedEmbedder:
    """Wraps an embedder: passages come from the cache when known; queries are not cached,
    except the calibration probes (``embed_queries_cached``)."""

    def __init__(self, inner: Embedder, cache: EmbeddingCache, batch_size: int = 16) -> None:
        self.inner = inner
        self.cache = cache
        self.batch_size = batch_size

    @property
    def model_id(self) -> str:
        return self.inner.model_id

    def forget(self, texts: list[str]) -> None:
        """Drop the cached vectors of these passages (withdrawn text leaves no trace here)."""
        self.cache.delete_many("passage:" + self.model_id, sorted({text_hash(t) for t in texts}))

    def embed_query(self, text: str) -> Vectors:
        return self.inner.embed_query(text)

    def embed_queries_cached(self, texts: list[str]) -> list[Vectors]:
        """Query vectors through the cache: for the fixed probe questions of the refusal
        calibration, re-run on every material change of the corpus. Users' questions are
        never stored."""
        key = "query:" + self.model_id
        hashes = [text_hash(t) for t in texts]
        known = self.cache.get_many(key, list(set(hashes)))
        new = {
            h: self.inner.embed_query(t)
            for h, t in zip(hashes, texts, strict=True)
            if h not in known
        }
        if new:
            self.cache.put_many(key, new)
            known.update(new)
        return [known[h] for h in hashes]

    def embed_passages(
        self, texts: list[str], on_batch: Callable[[int], None] | None = None
    ) -> Vectors:
        """Embed with the cache; ``on_batch(n)`` reports progress as texts are done."""
        key = "passage:" + self.model_id
        hashes = [text_hash(t) for t in texts]
        known = self.cache.get_many(key, list(set(hashes)))
        # Similar lengths per batch: the models pad to the longest text (3x faster when sorted).
        missing = sorted(
            {h: i for i, h in enumerate(hashes) if h not in known}.values(),
            key=lambda i: len(texts[i]),
        )
        if on_batch and len(texts) - len(missing):
            on_batch(len(texts) - len(missing))
        for i in range(0, len(missing), self.batch_size):
            idx = missing[i : i + self.batch_size]
            vectors = self.inner.embed_passages([texts[j] for j in idx])
            new = {hashes[j]: vectors[k] for k, j in enumerate(idx)}
            self.cache.put_many(key, new)
            known.update(new)
            if on_batch:
                on_batch(len(idx))
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        return np.stack([known[h] for h in hashes]).astype(np.float32)
