"""Okapi BM25 over analyzed terms, in memory (rebuilt from the registry when it changes)."""

import math
from collections import Counter, defaultdict

import numpy as np


class BM25Index:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1 = k1
        self.b = b
        self.size = len(documents)
        self._lengths = np.array([len(d) for d in documents], dtype=np.float32)
        self._avg = float(self._lengths.mean()) if self.size else 0.0
        postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, terms in enumerate(documents):
            for term, tf in Counter(terms).items():
                postings[term].append((i, tf))
        self._postings = {
            t: (
                np.array([i for i, _ in p], dtype=np.int32),
                np.array([f for _, f in p], dtype=np.float32),
            )
            for t, p in postings.items()
        }

    def idf(self, term: str) -> float:
        df = len(self._postings[term][0]) if term in self._postings else 0
        return math.log(1 + (self.size - df + 0.5) / (df + 0.5))

    def scores(self, query_terms: list[str]) -> np.ndarray:
        scores = np.zeros(self.size, dtype=np.float32)
        if not self.size:
            return scores
        norm = self.k1 * (1 - self.b + self.b * self._lengths / max(self._avg, 1e-9))
        for term in query_terms:
            if term not in self._postings:
                continue
            idx, tf = self._postings[term]
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
