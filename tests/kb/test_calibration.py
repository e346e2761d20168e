"""The refusal calibration record: probes, storage format, when it is stale."""

from kb.answer.calibration import (
    MIN_POSITIVES,
    OFF_TOPIC,
    Calibration,
    calibrate,
    positive_probes,
    swap_number,
    swap_place,
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


def find_towns(text: str) -> list[tuple[str, int, int]]:
    """A three-town gazetteer, shaped like the real one's mentions."""
    return [
        (name, text.index(name), text.index(name) + len(name))
        for name in ("Adorf", "Bedorf", "Cedorf")
        if name in text
    ]


def test_a_swapped_place_is_another_town_the_corpus_names() -> None:
    towns = ["Adorf", "Bedorf", "Cedorf"]
    assert (
        swap_place("Messe Adorf 500 Besucher?", find_towns, towns) == "Messe Bedorf 500 Besucher?"
    )
    assert swap_place("Messe Cedorf Besucher?", find_towns, towns) == "Messe Adorf Besucher?"
    assert swap_place("Messe Adorf Bedorf?", find_towns, towns) == "Messe Cedorf Bedorf?"
    assert swap_place("Messe Besucher?", find_towns, towns) is None
    assert swap_place("Messe Adorf?", find_towns, ["Adorf"]) is None


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
    assert record.place_swaps == 0  # no place finder: no place probes
    assert Calibration.from_json(record.to_json()) == record


def test_place_swapped_probes_test_the_slot_check() -> None:
    towns = [
        f"In Adorf gab es im Jahr {2000 + i} genau {10 + i} Kurse für junge Leute."
        for i in range(5)
    ]
    towns += [
        f"Die Stadt Bedorf baute {30 + i} Wohnungen für junge Familien mit Kindern."
        for i in range(5)
    ]

    def flags_bedorf_courses(question: str) -> tuple[float | None, bool]:
        if question in OFF_TOPIC:
            return 0.80, False
        return 0.94, "Bedorf" in question and "Kurse" in question

    record = calibrate("model-a", 500, SENTENCES + towns, flags_bedorf_courses, find_towns)
    assert record is not None and record.place_swaps > 0
    assert record.place_swap_flagged > 0 and record.positive_flagged == 0.0


def test_a_record_from_before_the_place_probes_is_still_read() -> None:
    old = '{"model": "m", "chunks": 9, "similarity_low": 0.8, "similarity_high": 0.9, '
    old += '"positives": 30, "near_misses": 2, "near_miss_flagged": 1.0, "version": 1}'
    record = Calibration.from_json(old)
    assert record is not None and record.place_swaps == 0


def test_a_small_corpus_keeps_the_fallback_range() -> None:
    assert calibrate("model-a", 3, SENTENCES[:5], similarity_of) is None


def test_a_record_is_stale_after_a_model_change_or_a_material_change_of_the_corpus() -> None:
    record = Calibration("model-a", 1000, 0.8, 0.94, 60, 10, 1.0)
    assert not record.stale("model-a", 1050)
    assert record.stale("model-a", 1200)
    assert record.stale("model-b", 1000)
    assert Calibration.from_json("not json") is None
    assert Calibration.from_json('{"version": 0}') is None
