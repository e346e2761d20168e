"""Feature-hashing vectors: no model, no meaning, for measuring the system at scale.

Embedding a corpus 100 times the sample with a real model takes hours on this machine, so the
scale benchmark (`make bench-scale`) stores the real text with these cheap vectors instead and
measures the real model's cost separately. Texts that share words get similar vectors, which
keeps nearest-neighbour search (Chroma's HNSW) doing real work; nothing else about them is
realistic. Never a production backend: ``model_id`` is distinct, so the embedding cache and the
vector collections never mix them with a real model's vectors.

``query_cost``: another embedder whose query embedding is computed as well and thrown away, so
that a serving process loads the real model and pays for its query embedding (CPU load, memory
and latency as in a real deployment) while searching with the hashed vectors.
"""

import hashlib
import math
import re
import threading
from collections import Counter

import numpy as np

from kb.embedding.base import Embedder, Vectors, normalize_rows

_TOKEN = re.compile(r"\w{3,}")
VERSION = "1"


class HashingEmbedder:
    def __init__(self, dim: int = 384, query_cost: Embedder | None = None) -> None:
        self.dim = dim
        self.model_id = f"hashing:v{VERSION}-d{dim}"
        self._query_cost = query_cost
        self._slots: dict[str, tuple[int, float]] = {}
        self._lock = threading.Lock()

    def _slot(self, token: str) -> tuple[int, float]:
        slot = self._slots.get(token)
        if slot is None:
            digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            slot = (value % self.dim, 1.0 if value >> 63 else -1.0)
            with self._lock:
                if len(self._slots) < 2_000_000:  # bounded: a hostile stream of new words
                    self._slots[token] = slot
        return slot

    def _vector(self, text: str) -> Vectors:
        counts = Counter(_TOKEN.findall(text.lower()))
        out = np.zeros(self.dim, dtype=np.float32)
        for token, n in counts.items():
            index, sign = self._slot(token)
            out[index] += sign * (1.0 + math.log(n))
        return out

    def embed_passages(self, texts: list[str]) -> Vectors:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize_rows(np.stack([self._vector(t) for t in texts]))

    def embed_query(self, text: str) -> Vectors:
        if self._query_cost is not None:
            self._query_cost.embed_query(text)
        return normalize_rows(self._vector(text))[0]
