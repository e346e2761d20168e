"""Places and topics for the offer finder: the gazetteer, the topic classifier against the
labelled sample (eval/topics.jsonl), and filters."""

import json
from pathlib import Path

import pytest

from ingest.chunking import Chunker
from ingest.parse import parse_file
from kb.errors import InvalidInput
from kb.facets.filters import Filters
from kb.facets.places import Gazetteer
from kb.facets.topics import TOPIC_IDS, TopicClassifier
from kb.knowledge_base import KnowledgeBase

SAMPLE = Path(__file__).resolve().parents[2] / "eval" / "topics.jsonl"


def names(text: str) -> list[str]:
    return [p.name for p in Gazetteer.load().find(text)]


def test_the_gazetteer_holds_all_nrw_municipalities_and_districts() -> None:
    places = Gazetteer.load().places
    assert sum(p.kind in ("gemeinde", "kreisfreie_stadt") for p in places) == 396
    assert sum(p.kind == "kreis" for p in places) == 31


def test_places_are_found_in_their_usual_forms() -> None:
    assert names("Angebote in Viersen und im Kreis Viersen") == ["Viersen", "Kreis Viersen"]
    assert names("Die Münsteraner Schulen, das Bielefelder Modell") == ["Münster", "Bielefeld"]
    assert names("im Rhein-Kreis-Neuss, dem Rhein-Kreis Neuss") == ["Rhein-Kreis Neuss"]
    assert names("die Stadt Halle (Westf.)") == ["Halle (Westf.)"]
    # a district by its genitive, and one with a prefix by its short name ("Neuss" alone is
    # the town)
    assert names("die Schulen des Kreises Viersen") == ["Kreis Viersen"]
    assert names("im Kreis Neuss, des Kreises Neuss") == ["Rhein-Kreis Neuss"]
    assert names("Mitteilung des Rhein-Kreises Neuss") == ["Rhein-Kreis Neuss"]
    assert names("in der Stadt Neuss") == ["Neuss"]
    # ... and by its registration code with "-Kreis"; the code alone is no name
    assert names("die Berufskollegs des EN-Kreises") == ["Ennepe-Ruhr-Kreis"]
    assert names("im HSK-Kreis und im Märkischen Kreis") == [
        "Hochsauerlandkreis",
        "Märkischer Kreis",
    ]
    assert names("des Rheinisch-Bergischen Kreises") == ["Rheinisch-Bergischer Kreis"]
    assert names("EN und SO") == []


def test_place_names_that_are_ordinary_words_need_a_place_cue() -> None:
    assert names("Sie sind in der Lage, das Wetter zu ertragen. Wenden Sie sich an uns.") == []
    assert names("Ein Angebot in Lage und eins aus Wenden") == ["Lage", "Wenden"]


def test_a_district_filter_includes_its_municipalities() -> None:
    within = Gazetteer.load().within("Rhein-Kreis Neuss")
    assert {"Rhein-Kreis Neuss", "Neuss", "Dormagen", "Grevenbroich"} <= within
    assert "Münster" not in within


def test_unknown_filters_are_refused_with_a_reason() -> None:
    with pytest.raises(InvalidInput, match="unknown place"):
        Filters(place="Atlantis")
    with pytest.raises(InvalidInput, match="unknown topic"):
        Filters(topic="kochen")


def _labelled() -> list[tuple[str, set[str]]]:
    from kb.settings import Settings

    settings = Settings(_env_file=None)
    chunker = Chunker(settings.chunk_size, settings.chunk_overlap)
    corpus = Path(__file__).resolve().parents[3] / "shared" / "corpus"
    if not corpus.is_dir():
        pytest.skip("sample corpus missing")
    chunks = {
        (c.file_name, c.position): c
        for f in corpus.iterdir()
        for c in parse_file(f, chunker).chunks
    }
    out = []
    for line in SAMPLE.read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        chunk = chunks[(row["file"], row["position"])]
        assert chunk.text.startswith(row["text_start"][:40]), "chunking changed: relabel the sample"
        out.append((chunk.text, set(row["topics"])))
    return out


def test_the_topic_classifier_is_precise_enough_on_the_labelled_sample() -> None:
    classifier = TopicClassifier()
    tp = fp = fn = 0
    for text, gold in _labelled():
        predicted = set(classifier.classify(text))
        assert predicted <= set(TOPIC_IDS)
        tp += len(predicted & gold)
        fp += len(predicted - gold)
        fn += len(gold - predicted)
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    assert precision >= 0.72 and recall >= 0.62, (precision, recall)


@pytest.mark.slow
def test_search_filters_by_place_and_topic(corpus_kb: KnowledgeBase) -> None:
    hits = corpus_kb.search("Angebote für junge Geflüchtete", filters=Filters(place="Münster")).hits
    assert hits
    catalog = corpus_kb.catalog()
    assert all("Münster" in catalog.tags_of(h.chunk).places for h in hits)
    _, browsed = corpus_kb.browse(Filters(topic="wohnen"), limit=50)
    assert browsed and all("wohnen" in catalog.tags_of(c).topics for c in browsed)
