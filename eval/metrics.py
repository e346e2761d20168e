"""Per-question judgements and their aggregates."""

import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from eval.dataset import QAItem

PAGE_TOLERANCE = 1


@dataclass
class Judgement:
    item: QAItem
    ranked: list[tuple[str, int | None]]  # (file, page) of the retrieved sources, in rank order
    answer: str | None = None  # None when the configuration only retrieves (baseline)
    refused: bool | None = None
    citations_valid: list[bool] = field(default_factory=list)
    confidence: float | None = None
    latency_ms: float = 0.0

    @property
    def first_hit(self) -> int | None:
        """1-based rank of the first source on a right page (PDF: ±1 page), or None."""
        for rank, (file, page) in enumerate(self.ranked, 1):
            for src in self.item.sources:
                if file == src.file and (
                    src.page is None
                    or (page is not None and abs(page - src.page) <= PAGE_TOLERANCE)
                ):
                    return rank
        return None

    @property
    def includes_facts(self) -> bool:
        if self.answer is None or self.refused:
            return False
        text = self.answer.lower()
        return all(any(alt.lower() in text for alt in group) for group in self.item.must_include)


def _rate(values: list[bool]) -> float | None:
    return round(sum(values) / len(values), 4) if values else None


def summarize(judgements: list[Judgement]) -> dict[str, float | int | None]:
    answerable = [j for j in judgements if j.item.answerable]
    unanswerable = [j for j in judgements if not j.item.answerable]
    ranks = [j.first_hit for j in answerable]
    out: dict[str, float | int | None] = {
        "n": len(judgements),
        "hit@1": _rate([r == 1 for r in ranks]),
        "hit@5": _rate([r is not None and r <= 5 for r in ranks]),
        "mrr": round(statistics.fmean([1 / r if r else 0.0 for r in ranks]), 4) if ranks else None,
    }
    if any(j.answer is not None for j in judgements):
        refused = [j for j in judgements if j.refused]
        cites = [ok for j in judgements for ok in j.citations_valid]
        out.update(
            {
                "must_include": _rate([j.includes_facts for j in answerable]),
                "citation_validity": _rate(cites) if cites else 1.0,
                "refusal_recall": _rate([bool(j.refused) for j in unanswerable]),
                "refusal_precision": _rate([not j.item.answerable for j in refused])
                if refused
                else None,
                "false_refusal_rate": _rate([bool(j.refused) for j in answerable]),
            }
        )
    latencies = sorted(j.latency_ms for j in judgements)
    if latencies:
        out["latency_p50_ms"] = round(percentile(latencies, 50), 1)
        out["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    return out


def percentile(values: list[float], p: float) -> float:
    sorted_values = sorted(values)
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = int(k), min(int(k) + 1, len(sorted_values) - 1)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def breakdown(
    judgements: list[Judgement], key: Callable[[Judgement], list[str]]
) -> dict[str, dict[str, float | int | None]]:
    groups: dict[str, list[Judgement]] = defaultdict(list)
    for j in judgements:
        for k in key(j):
            groups[k].append(j)
    return {k: summarize(v) for k, v in sorted(groups.items())}


def refusal_curve(judgements: list[Judgement], steps: int = 20) -> list[dict[str, float]]:
    """Refusal recall, false refusals and fact accuracy if the threshold were t (from a run
    with the gate open, so every answerable question has an answer and a confidence)."""
    rows = []
    for i in range(steps + 1):
        t = round(i / steps, 3)
        refused = {j.item.id for j in judgements if (j.confidence or 0.0) < t or j.refused}
        ans = [j for j in judgements if j.item.answerable]
        una = [j for j in judgements if not j.item.answerable]
        rows.append(
            {
                "threshold": t,
                "refusal_recall": _rate([j.item.id in refused for j in una]) or 0.0,
                "false_refusal_rate": _rate([j.item.id in refused for j in ans]) or 0.0,
                "must_include": _rate([j.item.id not in refused and j.includes_facts for j in ans])
                or 0.0,
            }
        )
    return rows
