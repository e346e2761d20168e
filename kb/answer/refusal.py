"""Is the question answered by the retrieved passages? A calibrated score, not a keyword rule.

Evidence: how close the best sentence of the top passages is to the question in embedding space
(scaled to the range the embedder produces for this corpus), and, for German questions, how much
of the question's IDF-weighted vocabulary the best passage covers. English questions are judged
by similarity alone (their words cannot match German text), shifted up by ``cross_lingual``
because an English question meets German text at a lower cosine than a German one. The
threshold is calibrated on the curated Q&A set; `kb eval` reports the trade-off curve
(docs/retrieval.md).
"""

from dataclasses import dataclass

from kb.answer.compose import is_english
from kb.answer.extractive import best_passage_coverage
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import Retrieval


@dataclass(frozen=True)
class Evidence:
    similarity: float | None  # best sentence (or chunk) cosine among the top passages
    coverage: float | None  # 0..1; None for English questions


@dataclass(frozen=True)
class RefusalGate:
    threshold: float
    similarity_low: float = 0.80
    similarity_high: float = 0.93
    coverage_weight: float = 0.5
    cross_lingual: float = 0.03

    def evidence(self, question: str, retrieval: Retrieval, catalog: Catalog) -> Evidence:
        top = retrieval.hits[:3]
        sims = [
            s
            for h in top
            if (s := h.sentence_score if h.sentence_score is not None else h.dense_score)
            is not None
        ]
        english = is_english(question)
        coverage = None if english else best_passage_coverage(top, retrieval.query_terms, catalog)
        similarity = max(sims) + (self.cross_lingual if english else 0.0) if sims else None
        return Evidence(similarity=similarity, coverage=coverage)

    def confidence(self, evidence: Evidence) -> float:
        parts: list[tuple[float, float]] = []
        if evidence.similarity is not None:
            span = self.similarity_high - self.similarity_low
            scaled = min(1.0, max(0.0, (evidence.similarity - self.similarity_low) / span))
            parts.append((scaled, 1 - self.coverage_weight))
        if evidence.coverage is not None:
            parts.append((evidence.coverage, self.coverage_weight))
        total = sum(w for _, w in parts)
        return sum(v * w for v, w in parts) / total if total else 0.0

    def assess(self, question: str, retrieval: Retrieval, catalog: Catalog) -> tuple[float, bool]:
        """(confidence, answerable)."""
        if not retrieval.hits:
            return 0.0, False
        conf = self.confidence(self.evidence(question, retrieval, catalog))
        return conf, conf >= self.threshold
