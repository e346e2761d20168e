"""Per-question judgements and their aggregates.

Scoring rules (docs/retrieval.md):
- a retrieved passage is a hit for a PDF source when it is on the right file and page ±1; for an
  unpaged source (Markdown, HTML, DOCX) it must hold the expected quote (or its first or last
  half, when the quote straddles two passages) — the right file alone is not enough;
- fact_in_top5: every must_include group is mentioned in the text of the top-5 passages
  (what the answer step can quote at best), matched like must_include;
- a must_include fact counts when it starts at a word beginning and the word ends there or with
  an inflection ("Kommunalen" for "Kommunale"), so "acht" misses "beachtet" and "vier" misses
  "Viersen";
- a refusal has no citations; a hedge is an answer that says no clear answer was found
  (``uncertain``); both are reported separately.
"""

import re
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

from eval.dataset import QAItem, Source
from kb.text.normalize import for_matching

PAGE_TOLERANCE = 1
# Endings a fact may carry in running text: "Kommunale" → "Kommunalen", "Bündnis" → "Bündnisse".
_INFLECTION = r"(?:e|en|er|es|em|n|s|ern|ens|se)?"
# Numbers never take an ending: "vier" must not match "vierten", "acht" not "achten".
_NUMBER_WORDS = frozenset(
    "ein eine zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig hundert tausend"
    " one two three four five six seven eight nine ten eleven twelve".split()
)


@dataclass(frozen=True)
class Passage:
    file: str
    page: int | None
    text: str


@dataclass
class Judgement:
    item: QAItem
    ranked: list[Passage]  # the retrieved sources, in rank order
    answer: str | None = None  # None when the configuration only retrieves (baseline)
    refused: bool | None = None
    uncertain: bool = False
    citations_valid: list[bool] = field(default_factory=list)
    confidence: float | None = None
    latency_ms: float = 0.0

    @property
    def first_hit(self) -> int | None:
        """1-based rank of the first passage that is a hit for one of the sources, or None."""
        for rank, passage in enumerate(self.ranked, 1):
            if any(is_hit(passage, src) for src in self.item.sources):
                return rank
        return None

    @property
    def answered(self) -> bool:
        return self.answer is not None and not self.refused

    @property
    def fact_in_top5(self) -> bool:
        """Every must_include group is mentioned in the text of the top-5 retrieved passages:
        the answer step can only quote a fact that retrieval handed it."""
        text = "\n".join(p.text for p in self.ranked[:5])
        return all(any(mentions(text, alt) for alt in group) for group in self.item.must_include)

    @property
    def includes_facts(self) -> bool:
        if self.answer is None or self.refused:
            return False
        return all(
            any(mentions(self.answer, alt) for alt in group) for group in self.item.must_include
        )


def is_hit(passage: Passage, source: Source) -> bool:
    if passage.file != source.file:
        return False
    if source.page is not None:
        return passage.page is not None and abs(passage.page - source.page) <= PAGE_TOLERANCE
    return holds_quote(passage.text, source.quote)


def holds_quote(passage: str, quote: str) -> bool:
    text = for_matching(passage)
    words = for_matching(quote).split()
    half = (len(words) + 1) // 2
    return any(" ".join(part) in text for part in (words, words[:half], words[-half:]) if part)


@lru_cache(maxsize=4096)
def _fact_pattern(fact: str) -> re.Pattern[str]:
    words = for_matching(fact).split()
    last = words[-1].lower() if words else ""
    ending = "" if last in _NUMBER_WORDS or not last[-1:].isalpha() else _INFLECTION
    body = r"\s+".join(re.escape(w) for w in words)
    return re.compile(r"(?<![\w])" + body + ending + r"(?![\w])", re.I)


def mentions(text: str, fact: str) -> bool:
    """``fact`` occurs in ``text`` as whole words (the last one possibly inflected)."""
    return bool(_fact_pattern(fact).search(for_matching(text)))


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
        "fact_in_top5": _rate([j.fact_in_top5 for j in answerable if j.item.must_include]),
    }
    if any(j.answer is not None for j in judgements):
        out.update(_answer_metrics(judgements, answerable, unanswerable))
    latencies = sorted(j.latency_ms for j in judgements)
    if latencies:
        out["latency_p50_ms"] = round(percentile(latencies, 50), 1)
        out["latency_p95_ms"] = round(percentile(latencies, 95), 1)
    return out


def _answer_metrics(
    judgements: list[Judgement], answerable: list[Judgement], unanswerable: list[Judgement]
) -> dict[str, float | int | None]:
    cites = [ok for j in judgements for ok in j.citations_valid]
    lengths = sorted(len(j.answer or "") for j in judgements if j.answered)
    hedged = [j.answered and j.uncertain for j in unanswerable]
    return {
        "must_include": _rate([j.includes_facts for j in answerable]),
        "citation_validity": _rate(cites) if cites else 1.0,
        "answerable_refused": _rate([bool(j.refused) for j in answerable]),
        "answerable_hedged": _rate([j.answered and j.uncertain for j in answerable]),
        "near_miss_refused": _rate([bool(j.refused) for j in unanswerable]),
        "near_miss_hedged": _rate(hedged),
        "near_miss_declined": _rate(
            [bool(j.refused) or h for j, h in zip(unanswerable, hedged, strict=True)]
        ),
        "answer_chars_median": round(percentile(lengths, 50)) if lengths else None,
        "answer_chars_p90": round(percentile(lengths, 90)) if lengths else None,
    }


def percentile(values: list[float] | list[int], p: float) -> float:
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


def refusal_curve(
    judgements: list[Judgement], thresholds: list[float] | None = None
) -> list[dict[str, float]]:
    """Declined near-misses, refused answerable questions and fact accuracy if answers below a
    confidence of t were refused (from a run with the gate open, so every question has an
    answer and a confidence)."""
    rows = []
    ans = [j for j in judgements if j.item.answerable]
    una = [j for j in judgements if not j.item.answerable]
    for t in thresholds or [round(i / 20, 3) for i in range(21)]:
        refused = {j.item.id for j in judgements if (j.confidence or 0.0) < t or j.refused}
        rows.append(
            {
                "threshold": t,
                "near_miss_refused": _rate([j.item.id in refused for j in una]) or 0.0,
                "answerable_refused": _rate([j.item.id in refused for j in ans]) or 0.0,
                "must_include": _rate([j.item.id not in refused and j.includes_facts for j in ans])
                or 0.0,
            }
        )
    return rows
