"""The refusal calibration record: probes, storage format, when it is stale."""

from kb.answer.calibration import (
    MIN_POSITIVES,
    OFF_TOPIC,
    Calibration,
    calibrate,
    positive_probes,
    swap_number,
)

SENTENCES = [
    f"Im Jahr {2000 + i} richtete die Stadt Beispielhausen {10 + i} neue Beratungsstellen für "
    "junge Erwachsene ein."
    for i in range(80)
]


def test_positive_probes_are_content_words_of_prose_sentences() -> None:
    probes = positive_probes([*SENTENCES, "Zu kurz."])
    assert MIN_POSITIVES <= len(probes) <= 60
    assert all(p.endswith("?") and " die " not in p for p in probes)


def test_a_swapped_number_is_a_fact_the_corpus_cannot_hold() -> None:
    assert swap_number("Jahr 2019 Stadt 58 Bündnisse?") == "Jahr 2022 Stadt 58 Bündnisse?"
    assert swap_number("Stadt 58 Bündnisse?") == "Stadt 181 Bündnisse?"
    assert swap_number("keine Zahl?") is None


def similarity_of(question: str) -> tuple[float | None, bool]:
    """A deterministic stand-in for retrieval: on-topic probes land high, the fixed off-topic
    questions low; probes with a number the corpus lacks are flagged."""
    if question in OFF_TOPIC:
        return 0.80, False
    swapped = any(str(n) in question for n in range(2080, 2090)) or "2" + "2" in question
    return 0.94, swapped


def test_calibration_takes_its_range_from_the_probes() -> None:
    record = calibrate("model-a", 500, SENTENCES, similarity_of)
    assert record is not None
    assert (record.similarity_low, record.similarity_high) == (0.8, 0.94)
    assert record.positives >= MIN_POSITIVES and record.near_misses > 0
    assert Calibration.from_json(record.to_json()) == record


def test_a_small_corpus_keeps_the_fallback_range() -> None:
    assert calibrate("model-a", 3, SENTENCES[:5], similarity_of) is None


def test_a_record_is_stale_after_a_model_change_or_a_material_change_of_the_corpus() -> None:
    record = Calibration("model-a", 1000, 0.8, 0.94, 60, 10, 1.0)
    assert not record.stale("model-a", 1050)
    assert record.stale("model-a", 1200)
    assert record.stale("model-b", 1000)
    assert Calibration.from_json("not json") is None
    assert Calibration.from_json('{"version": 0}') is None
