"""Run the curated questions through `KnowledgeBase.ask` (the path of `kb ask` and the API)
under several configurations, and judge the answers."""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.dataset import QAItem
from eval.metrics import Judgement, Passage, breakdown, refusal_curve, summarize
from kb.errors import KBError
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import Answer, document_id
from kb.settings import Settings
from kb.text.normalize import quote_in_text

INGEST_KEYS = ("embed_backend", "embed_model", "chunk_vectors", "chunk_size", "chunk_overlap")


@dataclass(frozen=True)
class Configuration:
    name: str
    description: str
    overrides: dict[str, Any] = field(default_factory=dict)
    baseline: bool = False


CONFIGURATIONS = {
    c.name: c
    for c in [
        Configuration(
            "baseline",
            "plain llama-index: SentenceSplitter, VectorStoreIndex on Chroma, top-5, same embedder",
            baseline=True,
        ),
        Configuration(
            "dense", "dense only: chunk and sentence vectors", {"retrieval_mode": "dense"}
        ),
        Configuration("bm25", "BM25 with the German analyzer only", {"retrieval_mode": "bm25"}),
        Configuration(
            "hybrid-no-sentences",
            "hybrid without the sentence-vector ranking",
            {"sentence_weight": 0.0},
        ),
        Configuration(
            "hybrid-no-acronyms", "hybrid without acronym expansion", {"expand_acronyms": False}
        ),
        Configuration(
            "hybrid-no-rerank",
            "hybrid without the second-stage re-scoring of the fused passages",
            {"rerank_pool": 0},
        ),
        Configuration(
            "hybrid-no-slots",
            "hybrid without the slot check of the refusal gate (similarity and coverage only)",
            {"refusal_check_slots": False},
        ),
        Configuration(
            "hybrid",
            "chunk vectors + sentence vectors + BM25 fused and re-scored, acronyms, slot check"
            " (the default)",
            {},
        ),
        Configuration(
            "hybrid-chunk60", "hybrid with 60-word chunks", {"chunk_size": 60, "chunk_overlap": 10}
        ),
        Configuration(
            "hybrid-chunk200",
            "hybrid with 200-word chunks",
            {"chunk_size": 200, "chunk_overlap": 30},
        ),
    ]
}
DEFAULT_RUN = [
    "baseline",
    "dense",
    "bm25",
    "hybrid-no-sentences",
    "hybrid-no-acronyms",
    "hybrid-no-rerank",
    "hybrid-no-slots",
    "hybrid",
]

# `kb eval --answer-mode generative`: the deployment's LLM (KB_LLM_*) next to the extractive
# default, on the same retrieval; fallback_rate is the share answered extractively instead.
CONFIGURATIONS["generative"] = Configuration(
    "generative",
    "hybrid retrieval, answers written by the configured LLM (KB_LLM_*)",
    {"answer_mode": "generative"},
)
GENERATIVE_RUN = ["hybrid", "generative"]


@dataclass
class ConfigResult:
    config: Configuration
    judgements: list[Judgement]
    ingest_seconds: float
    summary: dict[str, Any] = field(default_factory=dict)  # all items
    by_split: dict[str, Any] = field(default_factory=dict)  # "tune" and "test"
    by_type: dict[str, Any] = field(default_factory=dict)  # test split only
    by_tag: dict[str, Any] = field(default_factory=dict)
    by_document: dict[str, Any] = field(default_factory=dict)
    breakdown_split: str = "test"  # the split the breakdowns describe

    def __post_init__(self) -> None:
        self.summary = summarize(self.judgements)
        self.by_split = breakdown(self.judgements, lambda j: [j.item.split])
        test = [j for j in self.judgements if j.item.split == "test"]
        if not test:  # a run of the tune split alone: its breakdowns describe tune
            test = self.judgements
            self.breakdown_split = "/".join(sorted({j.item.split for j in test})) or "test"
        self.by_type = breakdown(test, lambda j: [j.item.type])
        self.by_tag = breakdown(test, lambda j: list(j.item.tags) or ["(none)"])
        self.by_document = breakdown(test, lambda j: j.item.documents or ["(unanswerable)"])

    def split_summary(self, split: str) -> dict[str, Any]:
        return self.by_split.get(split, {})


def config_settings(base: Settings, overrides: dict[str, Any]) -> Settings:
    """Settings for a configuration; its own data dir when it changes what ingest produces."""
    merged = base.model_copy(update=overrides)
    key = "|".join(f"{k}={getattr(merged, k)}" for k in INGEST_KEYS)
    digest = hashlib.sha256(key.encode()).hexdigest()[:10]
    return merged.model_copy(
        update={"data_dir": base.data_dir / "eval" / digest, "cache_dir": base.embedding_cache_dir}
    )


def prepare_kb(settings: Settings, corpus: Path) -> tuple[KnowledgeBase, float]:
    from ingest.pipeline import ingest_paths

    kb = build_kb(settings)
    report = ingest_paths(kb, [corpus])
    if report.failed:
        failed = [f"{r.path}: {r.reason}" for r in report.results if r.status == "failed"]
        raise KBError("the eval corpus did not ingest cleanly: " + "; ".join(failed))
    kb.warm_up()
    return kb, report.seconds


def judge(kb: KnowledgeBase, item: QAItem, answer: Answer) -> Judgement:
    valid = []
    for c in answer.citations:
        try:
            page = kb.page(document_id(c.file), c.page)
            valid.append(quote_in_text(c.quote, page.text))
        except KBError:
            valid.append(False)
    return Judgement(
        item=item,
        ranked=[Passage(h.chunk.file_name, h.chunk.page, h.chunk.text) for h in answer.sources],
        answer=answer.answer,
        refused=answer.refused,
        uncertain=answer.uncertain,
        citations_valid=valid,
        confidence=answer.confidence,
        latency_ms=answer.timings_ms["total"],
    )


def ask_all(
    kb: KnowledgeBase,
    items: list[QAItem],
    on_item: Callable[[], None] | None = None,
    modes: list[str] | None = None,
) -> list[Judgement]:
    out = []
    for item in items:
        answer = kb.ask(item.question)
        out.append(judge(kb, item, answer))
        if modes is not None:
            modes.append(answer.mode)
        if on_item:
            on_item()
    return out


def run_config(
    config: Configuration,
    base: Settings,
    corpus: Path,
    items: list[QAItem],
    on_item: Callable[[], None] | None = None,
) -> ConfigResult:
    if config.baseline:
        return _run_baseline(config, base, corpus, items, on_item)
    kb, seconds = prepare_kb(config_settings(base, config.overrides), corpus)
    try:
        modes: list[str] = []
        result = ConfigResult(config, ask_all(kb, items, on_item, modes), seconds)
        if config.overrides.get("answer_mode") == "generative" and modes:
            fallbacks = modes.count("extractive-fallback")
            result.summary["fallback_rate"] = round(fallbacks / len(modes), 4)
        return result
    finally:
        kb.close()


def calibration_run(base: Settings, corpus: Path, items: list[QAItem]) -> list[dict[str, float]]:
    """The default configuration with the refusal gate open, on the ``tune`` items only: the
    threshold trade-off curve thresholds may be chosen from."""
    kb, _ = prepare_kb(config_settings(base, {"refusal_threshold": 0.0}), corpus)
    try:
        return refusal_curve(ask_all(kb, [i for i in items if i.split == "tune"]))
    finally:
        kb.close()


def _run_baseline(
    config: Configuration,
    base: Settings,
    corpus: Path,
    items: list[QAItem],
    on_item: Callable[[], None] | None,
) -> ConfigResult:
    from eval.baseline import Baseline
    from kb.embedding import make_embedder
    from kb.embedding.cache import CachedEmbedder, EmbeddingCache

    cache = EmbeddingCache(base.embedding_cache_dir / "embeddings.sqlite3")
    baseline = None
    try:
        embedder = CachedEmbedder(make_embedder(base), cache, base.embed_batch_size)
        baseline = Baseline(corpus, base.data_dir / "eval" / "baseline", embedder)
        judgements = []
        for item in items:
            t0 = time.perf_counter()
            ranked = [Passage(*p) for p in baseline.retrieve(item.question)]
            latency = (time.perf_counter() - t0) * 1000
            judgements.append(Judgement(item, ranked, latency_ms=latency))
            if on_item:
                on_item()
        return ConfigResult(config, judgements, baseline.ingest_seconds)
    finally:
        if baseline is not None:
            baseline.close()
        cache.close()
