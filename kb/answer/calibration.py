"""The refusal calibration of one collection: how close this embedder brings questions to this
corpus's sentences, measured at index time without any curated Q&A.

Three kinds of probe questions are run through retrieval:

- *off-topic*: a fixed set of everyday questions no document collection about a social
  programme answers (baking, weather, sports, programming; German and English). The middle of
  their best-sentence similarity is what "nothing here" looks like;
- *positive*: questions built from the corpus's own prose sentences (their content words, in
  order). The middle of their similarity is what "the answer is here" looks like;
- *near-miss*: the positive probes that hold a number, with the number changed, and probes from
  sentences that name a place, with the place swapped for another one the corpus names
  elsewhere (the fact is in the corpus, but for another town: the near-miss that similarity
  cannot see). The slot check (kb/answer/slots.py) should flag them; the shares it flags are
  recorded as a self-test, next to the share of unchanged positive probes it flags (what the
  check costs questions that the corpus does answer).

The record is stored with the collection (registry meta ``calibration``), recomputed by
``kb reindex`` and by ingest when the corpus changed materially (the model, or the number of
chunks by more than ``MATERIAL_CHANGE``). The refusal thresholds themselves live in Settings
and act on the similarity scaled into this record's range, so that they carry over to another
corpus or embedder.
"""

import json
import re
import statistics
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass

from kb.retrieval.analyzer import STOPWORDS, words

PROBE_VERSION = 1
MATERIAL_CHANGE = 0.1
MIN_POSITIVES = 20
PLACE_PROBES = 30
META_KEY = "calibration"

OFF_TOPIC = (
    "Wie backe ich einen Apfelkuchen?",
    "Wie wird das Wetter morgen in Hamburg?",
    "Wer hat die Fußball-Weltmeisterschaft 2014 gewonnen?",
    "Wie installiere ich Python unter Windows?",
    "Was kostet ein Flug nach Mallorca im August?",
    "Welche Zutaten braucht man für eine Lasagne?",
    "Wie wechsle ich einen Fahrradreifen?",
    "Wann ist die nächste Mondfinsternis?",
    "Wie lange muss ein Ei kochen?",
    "Welche Aktien steigen gerade?",
    "Wie hoch ist die Zugspitze?",
    "Wer schrieb den Faust?",
    "What is the capital of Australia?",
    "How do I reset my router?",
    "Who won the Champions League final?",
    "How many calories are in a banana?",
    "What time does the supermarket close on Sundays?",
    "How do I train for a marathon?",
)


@dataclass(frozen=True)
class Calibration:
    model: str
    chunks: int
    similarity_low: float  # where off-topic questions typically land (their median)
    similarity_high: float  # questions about the corpus's own sentences reach this
    positives: int
    near_misses: int
    near_miss_flagged: float  # self-test: share of number-swapped probes the slot check flags
    version: int = PROBE_VERSION
    # self-test of the scope check (defaults: a record written before it existed stays valid)
    place_swaps: int = 0
    place_swap_flagged: float = 0.0  # share of place-swapped probes the slot check flags
    positive_flagged: float = 0.0  # share of unchanged positive probes it flags

    def to_json(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_json(cls, text: str | None) -> "Calibration | None":
        if not text:
            return None
        try:
            data = json.loads(text)
            record = cls(**data)
        except (ValueError, TypeError):
            return None  # an older or damaged record: calibrate again
        return record if record.version == PROBE_VERSION else None

    def stale(self, model: str, chunks: int) -> bool:
        """Recompute when the model changed or the corpus grew or shrank materially."""
        return self.model != model or abs(chunks - self.chunks) > MATERIAL_CHANGE * max(
            self.chunks, 1
        )


def positive_probes(sentences: list[str], n: int = 60) -> list[str]:
    """Question-like probes from prose sentences: their content words in order, at most 12."""
    usable = [s for s in sentences if len(s.split()) >= 8]
    if not usable:
        return []
    step = max(1, len(usable) // n)
    probes = []
    for sentence in usable[::step][:n]:
        tokens = (w.strip(".,;:") for w in re.findall(r"[\wÄÖÜäöüß.,/-]+", sentence))
        content = [w for w in tokens if w and _content(w)]
        if len(content) >= 4:
            probes.append(" ".join(content[:12]) + "?")
    return probes


def swap_number(probe: str) -> str | None:
    """The probe with its first number of two or more digits changed (a fact it cannot hold)."""
    m = re.search(r"(?<![\d.,])(\d{2,4})(?![\d,])", probe)
    if m is None:
        return None
    n = int(m.group(1))
    other = n + 3 if 1900 <= n <= 2100 else n * 3 + 7
    return probe[: m.start(1)] + str(other) + probe[m.end(1) :]


Mention = tuple[str, int, int]  # a place's name as the text spells it, and where
PlaceFinder = Callable[[str], Sequence[Mention]]


def swap_place(probe: str, find: PlaceFinder, places: Sequence[str]) -> str | None:
    """The probe with its first place replaced by the next of ``places`` (the places the corpus
    names, in a fixed order) that the probe does not name; None without a place."""
    mentions = find(probe)
    if not mentions or len(places) < 2:
        return None
    name, start, end = mentions[0]
    others = [p for p in places if p != name and p not in probe]
    if not others:
        return None
    after = [p for p in others if p > name]
    return probe[:start] + (after or others)[0] + probe[end:]


def _content(word: str) -> bool:
    analyzed = words(word)
    return bool(analyzed) and analyzed[0] not in STOPWORDS


Probe = Callable[[str], tuple[float | None, bool]]  # question → (best similarity, slot flagged)


def calibrate(
    model: str,
    chunks: int,
    sentences: list[str],
    probe: Probe,
    find_places: PlaceFinder | None = None,
) -> Calibration | None:
    """Run the probes; None when the corpus is too small to measure anything."""
    positives = positive_probes(sentences)
    if len(positives) < MIN_POSITIVES:
        return None  # too small a corpus to measure: the fallback range of Settings applies
    measured = [probe(p) for p in positives]
    on_topic = [s for s, _ in measured if s is not None]
    off_topic = [s for s in (probe(q)[0] for q in OFF_TOPIC) if s is not None]
    if len(on_topic) < MIN_POSITIVES or not off_topic:
        return None
    swapped = [q for q in (swap_number(p) for p in positives) if q]
    flagged = [probe(q)[1] for q in swapped]
    moved = _place_swaps(sentences, find_places) if find_places else []
    moved_flagged = [probe(q)[1] for q in moved]
    low = statistics.median(off_topic)
    high = max(statistics.median(on_topic), low + 0.02)
    return Calibration(
        model=model,
        chunks=chunks,
        similarity_low=round(low, 4),
        similarity_high=round(high, 4),
        positives=len(on_topic),
        near_misses=len(swapped),
        near_miss_flagged=_share(flagged),
        place_swaps=len(moved),
        place_swap_flagged=_share(moved_flagged),
        positive_flagged=_share([f for _, f in measured]),
    )


def _place_swaps(sentences: list[str], find: PlaceFinder) -> list[str]:
    """Probes from sentences that name a place, the place swapped for another the corpus names."""
    mentions = {s: find(s) for s in sentences}
    named = [s for s in sentences if mentions[s]]
    places = sorted({name for s in named for name, _, _ in mentions[s]})
    probes = positive_probes(named, PLACE_PROBES)
    return [q for q in (swap_place(p, find, places) for p in probes) if q]


def _share(flags: list[bool]) -> float:
    return round(sum(flags) / len(flags), 3) if flags else 0.0
