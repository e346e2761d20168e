"""Okapi BM25 over analyzed terms, in memory.

Postings live in flat arrays sorted by term (compressed sparse columns: ``indptr[t]`` to
``indptr[t + 1]`` are the chunks holding term id ``t``). They are assembled from per-document
parts (``Postings``), so a catalog update after one changed document recombines arrays instead
of re-analysing the corpus.
"""

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


class TermIds:
    """Term → column id, append-only (shared by the snapshots of one process)."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}

    def id(self, term: str) -> int:
        found = self.ids.get(term)
        if found is None:
            found = self.ids[term] = len(self.ids)
        return found

    def get(self, term: str) -> int | None:
        return self.ids.get(term)


@dataclass(frozen=True)
class Postings:
    """The term counts of some consecutive chunks (one document): row = chunk within them."""

    rows: npt.NDArray[np.int32]
    cols: npt.NDArray[np.int32]
    tf: npt.NDArray[np.float32]
    lengths: npt.NDArray[np.float32]  # terms per chunk, duplicates included

    @classmethod
    def from_counts(cls, counts: Iterable[Mapping[str, int]], ids: TermIds) -> "Postings":
        rows: list[int] = []
        cols: list[int] = []
        tf: list[int] = []
        lengths: list[int] = []
        for i, counter in enumerate(counts):
            for term, n in counter.items():
                rows.append(i)
                cols.append(ids.id(term))
                tf.append(n)
            lengths.append(sum(counter.values()))
        return cls(
            np.array(rows, dtype=np.int32),
            np.array(cols, dtype=np.int32),
            np.array(tf, dtype=np.float32),
            np.array(lengths, dtype=np.float32),
        )


class BM25Index:
    def __init__(
        self, documents: list[list[str]] | None = None, k1: float = 1.2, b: float = 0.75
    ) -> None:
        """From analyzed documents (lists of terms); see ``assemble`` for the incremental path."""
        self.k1 = k1
        self.b = b
        ids = TermIds()
        parts = [Postings.from_counts((Counter(d) for d in documents or []), ids)]
        self._set(parts, ids)

    @classmethod
    def assemble(
        cls, parts: list[Postings], ids: TermIds, k1: float = 1.2, b: float = 0.75
    ) -> "BM25Index":
        """The index over the chunks of ``parts``, in their order."""
        index = cls.__new__(cls)
        index.k1 = k1
        index.b = b
        index._set(parts, ids)
        return index

    def _set(self, parts: list[Postings], ids: TermIds) -> None:
        parts = parts or [Postings.from_counts([], ids)]
        offsets = np.cumsum([0] + [len(p.lengths) for p in parts])
        rows = np.concatenate([p.rows + offsets[i] for i, p in enumerate(parts)])
        cols = np.concatenate([p.cols for p in parts])
        tf = np.concatenate([p.tf for p in parts])
        order = np.argsort(cols, kind="stable")  # rows stay ascending within a term
        self._ids = ids
        self._columns = len(ids.ids)
        self._rows = rows[order].astype(np.int32)
        self._tf = tf[order].astype(np.float32)
        counts = np.bincount(cols, minlength=self._columns)
        self._indptr = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
        self._lengths = np.concatenate([p.lengths for p in parts]).astype(np.float32)
        self.size = len(self._lengths)
        self._avg = float(self._lengths.mean()) if self.size else 0.0

    def _posting(self, term: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]] | None:
        col = self._ids.get(term)
        if col is None or col >= self._columns:
            return None
        start, end = self._indptr[col], self._indptr[col + 1]
        if start == end:
            return None
        return self._rows[start:end], self._tf[start:end]

    def counts(self, term: str) -> tuple[npt.NDArray[np.int32], npt.NDArray[np.float32]]:
        """The chunks (row numbers) holding ``term`` and how often each holds it."""
        posting = self._posting(term)
        if posting is None:
            return np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.float32)
        return posting

    def document_frequency(self, term: str) -> int:
        """How many chunks hold ``term`` (0 for a word the corpus does not use)."""
        posting = self._posting(term)
        return len(posting[0]) if posting is not None else 0

    def idf(self, term: str) -> float:
        df = self.document_frequency(term)
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores
        norm = self.k1 * (1 - self.b + self.b * self._lengths / max(self._avg, 1e-9))
        for term in query_terms:
            posting = self._posting(term)
            if posting is None:
                continue
            idx, tf = posting
            scores[idx] += self.idf(term) * tf * (self.k1 + 1) / (tf + norm[idx])
        return scores

    def search(self, query_terms: list[str], k: int) -> list[tuple[int, float]]:
        scores = self.scores(query_terms)
        if not self.size or k <= 0:
            return []
        k = min(k, self.size)
        top = np.argpartition(-scores, k - 1)[:k]
        ranked = sorted(top.tolist(), key=lambda i: -scores[i])
        return [(i, float(scores[i])) for i in ranked if scores[i] > 0]
