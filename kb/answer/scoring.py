"""How a candidate sentence is scored: the evidence it brings (Features, each 0..1) and the
weights that add it up.

Two sums use the same evidence. ``score`` (hand-set weights) ranks the candidates. ``direct``
chooses the direct answer among the candidates that may answer, and the supporting quotes among
those it rates within ``support_margin`` of it: its coefficients were fitted on the tune split
(eval/fit_answer.py, a listwise logistic regression over which candidate's quote holds the asked
fact; docs/retrieval.md), which also weighs a sentence's neighbours — the fact often sits in the
sentence after the one that names the topic.
"""

import re
from dataclasses import dataclass, fields

_DIGIT = re.compile(r"\d")
_SPEECH = re.compile(r"^[„“\"»]")  # someone's remark quoted in a report or a workshop record

# The evidence the fitted ``direct`` sum uses, in the order of DirectWeights' fields.
DIRECT_FEATURES = (
    "coverage", "focus", "context", "similarity", "rank", "fits_type",
    "prev_coverage", "next_coverage", "length", "digits", "list_item", "speech",
)  # fmt: skip


@dataclass(frozen=True)
class Weights:
    """How a sentence's evidence adds up; defaults chosen on the tune split (docs/retrieval.md)."""

    similarity: float = 0.5
    coverage: float = 0.5
    focus: float = 0.0
    context: float = 0.5
    rank: float = 0.15
    answer_type: float = 0.3
    nonprose: float = 0.5
    similarity_span: float = 0.08  # cosine below the best that still earns some similarity credit
    # A supporting quote is among the candidates the fitted direct sum rates at most this far
    # below the direct answer (chosen on tune with the probes, twelfth round: docs/retrieval.md;
    # it is on the scale of the direct_* coefficients, so choose it again after a refit),
    support_margin: float = 3.0
    # ... and adds this share of the question's weight the answer lacks, another document's
    # view, or the asked kind of fact the direct answer lacks (a number, date or name question
    # answered by its topic)
    support_gain: float = 0.04
    window_chars: float = 450  # the next sentence joins when both together are no longer
    lean_chars: float = 550  # ... and one that leans on it ("Dazu gehören …") while no longer
    # ... and one that completes it (a next step, a qualification: extractive.completes_quote)
    complete_chars: float = 1100
    # the steps a quote has begun join while it is no longer; so does the rest of its paragraph
    # when a procedure is asked
    steps_chars: float = 700
    brief_chars: float = 60  # a sentence this short that points back joins the direct answer
    block_chars: float = 900  # the lines an introduction ending in ':' introduces join within
    # A date or number asked of a place: a sentence that names the place answers instead of the
    # chosen one that names none while its direct score is at least this share of the chosen's
    placed_share: float = 0.5
    # The direct answer's coefficients (fitted on tune by eval/fit_answer.py; see the module
    # docstring). With all of them 0 the direct answer is the best by ``score`` and every
    # candidate is within support_margin of it (the supports then follow in ranked order).
    direct_coverage: float = 2.717
    direct_focus: float = 2.297
    direct_context: float = 1.745
    direct_similarity: float = 3.071
    direct_rank: float = 2.022
    direct_fits_type: float = 1.873
    direct_prev_coverage: float = 2.811
    direct_next_coverage: float = 2.299
    direct_length: float = -1.784
    direct_digits: float = 1.027
    direct_list_item: float = 1.080
    direct_speech: float = -1.689

    def direct(self) -> tuple[float, ...]:
        return tuple(getattr(self, f"direct_{name}") for name in DIRECT_FEATURES)


@dataclass(frozen=True)
class Features:
    """The evidence a sentence brings, each 0..1, before weighting."""

    coverage: float  # share of the question's IDF weight the sentence holds
    focus: float  # ... weighting words by how few of the candidate sentences hold them
    context: float  # ... that only its document title or section heading holds
    similarity: float  # closeness to the best sentence's cosine with the question
    rank: float  # its passage's fused score relative to the top passage
    fits_type: float  # holds the asked kind of fact (qtype)
    nonprose: float  # 1 when the line is not prose and may not answer this question
    prev_coverage: float = 0.0  # coverage of the sentence before it in its passage
    next_coverage: float = 0.0  # ... and of the one after it
    length: float = 0.0  # its words, up to 40, over 40
    digits: float = 0.0  # 1 when it holds a digit
    list_item: float = 0.0  # 1 for a list item ("- …")
    speech: float = 0.0  # 1 when it opens with a quotation mark

    def score(self, w: Weights) -> float:
        return (
            w.coverage * self.coverage
            + w.focus * self.focus
            + w.context * self.context
            + w.similarity * self.similarity
            + w.rank * self.rank
            + w.answer_type * self.fits_type
            - w.nonprose * self.nonprose
        )

    def vector(self) -> tuple[float, ...]:
        """The evidence the direct sum weighs, in DIRECT_FEATURES order."""
        return tuple(getattr(self, name) for name in DIRECT_FEATURES)

    def direct(self, w: Weights) -> float:
        return sum(c * x for c, x in zip(w.direct(), self.vector(), strict=True))


def text_features(text: str) -> dict[str, float]:
    """The evidence read off the sentence's own text."""
    stripped = text.strip()
    return {
        "length": min(len(stripped.split()), 40) / 40,
        "digits": 1.0 if _DIGIT.search(stripped) else 0.0,
        "list_item": 1.0 if stripped.startswith("- ") else 0.0,
        "speech": 1.0 if _SPEECH.match(stripped) else 0.0,
    }


def weight_names() -> set[str]:
    """Every name Settings.answer_weights may override."""
    return {f.name for f in fields(Weights)}
