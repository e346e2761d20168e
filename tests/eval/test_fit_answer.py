"""The fit of the direct answer's coefficients (eval/fit_answer.py), on made-up choices."""

import numpy as np

from eval.fit_answer import Choice, fit, holds_rate
from kb.answer.scoring import DIRECT_FEATURES, Features, Weights, text_features

N = len(DIRECT_FEATURES)


def _choices(seed: int, questions: int = 60) -> list[Choice]:
    """Questions whose fact sits in the candidate with the most of feature 6 (the next
    sentence's coverage), while feature 0 (its own coverage) is noise."""
    rng = np.random.default_rng(seed)
    out = []
    for q in range(questions):
        x = rng.random((8, N))
        holds = np.zeros(8)
        holds[int(np.argmax(x[:, 6]))] = 1.0
        out.append(Choice(f"q{q}", x, holds, int(np.argmax(x[:, 0]))))
    return out


def test_the_fit_finds_the_feature_that_tells_where_the_fact_is() -> None:
    w = fit(_choices(1), l2=0.1, steps=1500)
    assert int(np.argmax(w)) == 6
    held_out = _choices(2)
    assert holds_rate(held_out, w) > 0.8 > 0.3 > holds_rate(held_out, None)


def test_a_question_without_a_labelled_candidate_does_not_count() -> None:
    data = _choices(3, questions=20)
    empty = Choice("none", np.ones((3, N)), np.zeros(3), 0)
    assert np.allclose(fit([*data, empty], 0.1, steps=200), fit(data, 0.1, steps=200))


def test_the_shipped_coefficients_follow_the_feature_order() -> None:
    w = Weights()
    f = Features(0.5, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, **text_features("- Am 3. Mai: ein Kurs."))
    assert f.vector()[DIRECT_FEATURES.index("digits")] == 1.0
    assert f.vector()[DIRECT_FEATURES.index("list_item")] == 1.0
    assert f.direct(w) == sum(c * x for c, x in zip(w.direct(), f.vector(), strict=True))
    zero = Weights(**{f"direct_{n}": 0.0 for n in DIRECT_FEATURES})
    assert f.direct(zero) == 0.0
