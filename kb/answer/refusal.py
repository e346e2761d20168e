"""Is the question answered by the retrieved passages? A calibrated score, not a keyword rule.

Evidence: how much of the question's IDF-weighted vocabulary the best passages cover, and how
close the best passage is in embedding space (scaled to the embedder's observed range). The
weights and the threshold are calibrated on the curated Q&A set (see docs/retrieval.md).
"""

from dataclasses import dataclass

from kb.answer.extractive import best_passage_coverage
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import Retrieval


@dataclass(frozen=True)
class Evidence:
    coverage: float  # 0..1
    dense: float | None  # best cosine among the top passages

    def confidence(self, dense_low: float, dense_high: float, dense_weight: float) -> float:
        if self.dense is None:
            return self.coverage
        scaled = min(1.0, max(0.0, (self.dense - dense_low) / (dense_high - dense_low)))
        return (1 - dense_weight) * self.coverage + dense_weight * scaled


@dataclass(frozen=True)
class RefusalGate:
    threshold: float
    dense_low: float = 0.78
    dense_high: float = 0.90
    dense_weight: float = 0.5

    def evidence(self, retrieval: Retrieval, catalog: Catalog) -> Evidence:
        top = retrieval.hits[:3]
        dense = [h.dense_score for h in top if h.dense_score is not None]
        coverage = best_passage_coverage(top, retrieval.query_terms, catalog)
        return Evidence(coverage=coverage, dense=max(dense) if dense else None)

    def assess(self, retrieval: Retrieval, catalog: Catalog) -> tuple[float, bool]:
        """(confidence, answerable)."""
        if not retrieval.hits:
            return 0.0, False
        conf = self.evidence(retrieval, catalog).confidence(
            self.dense_low, self.dense_high, self.dense_weight
        )
        return conf, conf >= self.threshold
