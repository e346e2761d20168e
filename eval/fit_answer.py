"""Fit the coefficients that choose the direct answer (Weights.direct_*, kb/answer/scoring.py).

For every answerable question of the ``tune`` split, each candidate sentence the answer may
quote is labelled by whether the quote it would start (the sentence with what joins it) holds
every must_include fact (eval.metrics.mentions). A listwise logistic regression — the softmax
over a question's candidates should put its mass on the labelled ones — with an L2 penalty
gives one coefficient per feature (12). Questions without a labelled candidate carry no
information about the choice and are left out. The ``test`` split is never read.

    python -m eval.fit_answer [--corpus ../shared/corpus] [--l2 0.1] [--folds 2]

prints the coefficients (as ``KB_ANSWER_WEIGHTS``) and, with ``--folds``, how often the
best candidate's quote holds the facts on held-out folds, fitted vs. the hand-set score.

The same sum also admits the supporting quotes (``Weights.support_margin``, on its scale):
after a refit, choose that margin again on tune (the folds here judge only the first quote).
"""

import argparse
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from eval.dataset import DEFAULT_QA, QAItem, load_items
from eval.harness import config_settings, prepare_kb
from eval.metrics import mentions
from kb.answer.scoring import DIRECT_FEATURES
from kb.knowledge_base import KnowledgeBase
from kb.settings import Settings
from kb.text.qtype import classify


@dataclass(frozen=True)
class Choice:
    """One question: its candidates' features (rows) and which of them would hold the facts."""

    item_id: str
    features: np.ndarray  # candidates × DIRECT_FEATURES
    holds: np.ndarray  # candidates, 0/1
    current: int  # the candidate the hand-set score ranks first (all direct_* weights 0)


def choices(kb: KnowledgeBase, items: list[QAItem]) -> list[Choice]:
    picker, out = kb.picker, []
    for item in items:
        catalog = kb.catalog()
        retrieval = kb.retriever.retrieve(item.question, catalog, kb.settings.top_k)
        pages = kb._pages(retrieval)
        similarity = kb.retriever.sentence_similarities(retrieval, picker.candidate_ids(retrieval))
        qtype = classify(item.question)
        ranked = picker.quotable(item.question, retrieval, catalog, similarity, pages, qtype)
        if not ranked:
            continue
        quotes = [
            picker.direct_quote(c, ranked, pages[c.chunk.id], qtype, retrieval, catalog)
            for c in ranked
        ]
        holds = [all(any(mentions(q, a) for a in g) for g in item.must_include) for q in quotes]
        out.append(
            Choice(
                item.id,
                np.array([c.features.vector() for c in ranked], dtype=float),
                np.array(holds, dtype=float),
                0,  # quotable() is in the order of the hand-set score
            )
        )
    return out


def fit(data: list[Choice], l2: float, steps: int = 3000, rate: float = 0.05) -> np.ndarray:
    """Coefficients minimising Σ −log P(a labelled candidate) + l2·|w|² (Adam steps)."""
    usable = [c for c in data if c.holds.any()]
    if not usable:
        raise SystemExit(
            "nothing to fit: no tune question has a candidate whose quote holds its facts"
        )
    x = np.vstack([c.features for c in usable])
    y = np.concatenate([c.holds for c in usable])
    sizes = [len(c.holds) for c in usable]
    starts = np.cumsum([0, *sizes[:-1]])
    group = np.repeat(np.arange(len(usable)), sizes)
    w = np.zeros(x.shape[1])
    m, v = np.zeros_like(w), np.zeros_like(w)
    for t in range(1, steps + 1):
        s = x @ w
        p = np.exp(s - np.maximum.reduceat(s, starts)[group])
        p /= np.add.reduceat(p, starts)[group]
        pos = p * y
        pos /= np.add.reduceat(pos, starts)[group]
        grad = (x.T @ (p - pos) + 2 * l2 * w) / len(usable)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= rate * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def holds_rate(data: list[Choice], w: np.ndarray | None) -> float:
    """Share of questions whose chosen candidate's quote holds the facts."""
    picks = [c.current if w is None else int(np.argmax(c.features @ w)) for c in data]
    return sum(float(c.holds[i]) for c, i in zip(data, picks, strict=True)) / max(len(data), 1)


def fold_of(item_id: str, folds: int) -> int:
    return int(hashlib.sha256(item_id.encode()).hexdigest(), 16) % folds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=Path("../shared/corpus"))
    parser.add_argument("--l2", type=float, default=0.1)
    parser.add_argument("--folds", type=int, default=2)
    args = parser.parse_args()
    items = [i for i in load_items(DEFAULT_QA, "tune") if i.answerable]
    # the knowledge base `kb eval` builds (KB_DATA_DIR/eval/…, embeddings from the cache)
    kb, _ = prepare_kb(config_settings(Settings(), {}), args.corpus)
    try:
        data = choices(kb, items)
    finally:
        kb.close()
    for k in range(args.folds if args.folds > 1 else 0):
        train = [c for c in data if fold_of(c.item_id, args.folds) != k]
        held = [c for c in data if fold_of(c.item_id, args.folds) == k]
        w = fit(train, args.l2)
        fitted, hand = holds_rate(held, w), holds_rate(held, None)
        print(f"fold {k}: the held-out quote holds the facts: {fitted:.3f} fitted, {hand:.3f} with")
        print(f"        the hand-set score ({len(held)} questions)")
    w = fit(data, args.l2)
    fitted, hand = holds_rate(data, w), holds_rate(data, None)
    print(f"all: {fitted:.3f} fitted (in-sample), {hand:.3f} with the hand-set score")
    names = [f"direct_{n}" for n in DIRECT_FEATURES]
    coefficients = {n: round(float(x), 3) for n, x in zip(names, w, strict=True)}
    print("KB_ANSWER_WEIGHTS=" + json.dumps(coefficients))


if __name__ == "__main__":
    main()
