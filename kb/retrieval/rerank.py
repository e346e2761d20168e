"""Second stage: the fused candidates re-scored by the evidence reciprocal-rank fusion flattens.

RRF with k=60 hardly tells rank 1 from rank 10 of one ranking; a passage that one ranking puts
first then loses to one that all three put eighth. Re-scoring the pool with a steep reciprocal
rank per ranking plus direct evidence puts the passage holding the fact first more often:
how much of the question's IDF-weighted vocabulary it holds (and its rarest words), the
closeness of its best sentence, whether it holds the asked kind of fact (a number for "wie
viele", a date for "wann"), and how much of it is form fields, contents or reference lines.
The weights were chosen on the tune split (docs/retrieval.md); the features are generic.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

from kb.models import Hit
from kb.retrieval.catalog import Catalog
from kb.text.holds import counted_terms, type_fit
from kb.text.layout import NOISE, nonprose_share
from kb.text.qtype import QuestionType

Ranks = Mapping[str, tuple[int, float]]  # chunk id → (0-based rank, score) in one ranking


@dataclass(frozen=True)
class RerankWeights:
    k: float = 5.0  # steepness of the reciprocal rank: k / (k + rank)
    dense: float = 0.25
    sentence: float = 0.25
    bm25: float = 0.25
    coverage: float = 0.25
    rare: float = 0.25
    closeness: float = 0.1
    answer_type: float = 0.25
    nonprose: float = -0.5
    named: float = 0.75


@dataclass(frozen=True)
class Evidence:
    """What the re-scoring needs from the first stage."""

    dense: Ranks
    sentences: Ranks
    lexical: Ranks
    terms: list[str]  # the question's analyzed terms
    qtype: QuestionType
    named: Mapping[str, float] = field(default_factory=dict)  # doc id → share naming it


def rerank(
    hits: list[Hit],
    evidence: Evidence,
    catalog: Catalog,
    w: RerankWeights,
    nonprose: dict[str, float],
) -> list[Hit]:
    """``hits`` re-scored and re-sorted; ``nonprose`` caches each chunk's non-prose share."""
    if not hits:
        return hits
    weights = {t: catalog.bm25.idf(t) for t in dict.fromkeys(evidence.terms)}
    total = sum(weights.values()) or 1.0
    rarest = sorted(weights, key=lambda t: -weights[t])[:2]
    rare_total = sum(weights[t] for t in rarest) or 1.0
    best_sentence = max((h.sentence_score for h in hits if h.sentence_score is not None), default=0)
    analyze = catalog.analyzer.terms
    counted = counted_terms(evidence.qtype, analyze)

    def reciprocal(ranks: Ranks, chunk_id: str) -> float:
        return w.k / (w.k + ranks[chunk_id][0]) if chunk_id in ranks else 0.0

    out = []
    for h in hits:
        cid = h.chunk.id
        held = catalog.terms_of(h.chunk)
        share = nonprose.get(cid)
        if share is None:
            share = nonprose[cid] = _noise_share(h)
        closeness = (
            max(0.0, 1 - (best_sentence - h.sentence_score) / 0.05)
            if h.sentence_score is not None
            else 0.0
        )
        fits = max(
            (
                type_fit(u.text, evidence.qtype, counted, analyze)
                for u in catalog.sentences(h.chunk)
            ),
            default=0.0,
        )
        score = (
            w.dense * reciprocal(evidence.dense, cid)
            + w.sentence * reciprocal(evidence.sentences, cid)
            + w.bm25 * reciprocal(evidence.lexical, cid)
            + w.coverage * sum(v for t, v in weights.items() if t in held) / total
            + w.rare * sum(weights[t] for t in rarest if t in held) / rare_total
            + w.closeness * closeness
            + w.answer_type * fits
            + w.nonprose * share
            + w.named * evidence.named.get(h.chunk.doc_id, 0.0)
        )
        out.append(Hit(h.chunk, score, h.dense_score, h.bm25_score, h.sentence_score))
    out.sort(key=lambda h: (-h.score, h.chunk.file_name, h.chunk.position))
    return out


def _noise_share(hit: Hit) -> float:
    """The share of the passage on lines that never answer, from the tags of ingest (or, for
    passages indexed before tagging, from the text)."""
    c = hit.chunk
    if not c.layout:
        return nonprose_share(c.text)
    noise = sum(min(e, c.end) - max(s, c.start) for s, e, kind in c.layout if kind in NOISE)
    return noise / max(c.end - c.start, 1)
