"""CI regression gate: the default configuration on the frozen ``test`` split of the curated
Q&A must not fall below the checked-in thresholds (eval/thresholds.json, raised as quality
improves; nothing is ever tuned on these items)."""

import json
from pathlib import Path

import pytest

from eval.dataset import load_items
from eval.harness import ask_all
from eval.metrics import summarize
from kb.knowledge_base import KnowledgeBase

THRESHOLDS = Path(__file__).resolve().parents[2] / "eval" / "thresholds.json"


@pytest.mark.slow
def test_quality_does_not_regress(corpus_kb: KnowledgeBase) -> None:
    limits = json.loads(THRESHOLDS.read_text(encoding="utf-8"))
    assert limits["split"] == "test"
    summary = summarize(ask_all(corpus_kb, load_items(split="test")))
    below = {
        name: (summary[name], floor)
        for name, floor in limits["min"].items()
        if summary[name] is None or summary[name] < floor
    }
    above = {
        name: (summary[name], ceiling)
        for name, ceiling in limits["max"].items()
        if summary[name] is None or summary[name] > ceiling
    }
    assert not below and not above, f"quality regressed: below={below} above={above}; {summary}"
