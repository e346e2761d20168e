"""A passage that stops inside a list is carried on to the list's end (real ingest, embedder and
store: chunk boundaries come from the real chunker)."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings

from ingest.pipeline import ingest_paths
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import Hit

pytestmark = pytest.mark.slow

ITEMS = [
    "Sprachkurse für junge Geflüchtete am Abend",
    "Begleitung zu Terminen beim Jobcenter",
    "Hilfe bei der Suche nach einem Praktikum",
    "Nachhilfe in Mathematik und Deutsch",
    "Patenschaften mit Auszubildenden",
    "Beratung zur Anerkennung von Zeugnissen",
    "Freizeitangebote im Stadtteil",
    "Unterstützung bei Bewerbungsschreiben",
]
INTRO = (
    "Die Koordinierungsstelle im Kreis Musterland hat in den letzten Monaten mit vielen "
    "Partnern gesprochen und die vorhandenen Angebote gesammelt. Sie hat dabei festgestellt, "
    "dass viele Angebote bekannt sind, manche aber nur wenigen Familien. Eine Übersicht der "
    "Ehrenamtlichen soll helfen, die Angebote besser zu verteilen und Lücken zu erkennen. "
    "Folgende Angebote der Ehrenamtlichen gibt es im Kreis Musterland:"
)


@pytest.fixture
def list_kb(tmp_path: Path) -> Iterator[KnowledgeBase]:
    doc = tmp_path / "angebote.md"
    items = "\n".join(f"- {i}" for i in ITEMS)
    doc.write_text(f"# Angebote\n\n{INTRO}\n\n{items}\n\nDanach folgt ein neuer Absatz.\n", "utf-8")
    kb = build_kb(make_settings(tmp_path / "data", chunk_size=70, chunk_overlap=10))
    ingest_paths(kb, [doc])
    yield kb
    kb.close()


def _intro_hit(kb: KnowledgeBase, tail: int) -> Hit:
    kb.settings.list_tail_chars = tail
    hits = kb.search("Welche Angebote der Ehrenamtlichen gibt es im Kreis Musterland?").hits
    return next(h for h in hits if INTRO[-40:] in h.chunk.text)


def test_the_passage_holding_the_list_intro_ends_with_the_list(list_kb: KnowledgeBase) -> None:
    cut = _intro_hit(list_kb, 0).chunk
    assert ITEMS[-1] not in cut.text, "the fixture must cut the list at a chunk boundary"
    whole = _intro_hit(list_kb, 800).chunk
    assert whole.id == cut.id and whole.start == cut.start
    assert all(item in whole.text for item in ITEMS)
    assert "neuer Absatz" not in whole.text  # the list's end, not the next paragraph
    page = list_kb.page(whole.doc_id, whole.page).text
    assert page[whole.start : whole.end] == whole.text  # still a span of its page: quotable


def test_the_tail_is_bounded(list_kb: KnowledgeBase) -> None:
    cut = _intro_hit(list_kb, 0).chunk
    short = _intro_hit(list_kb, 60).chunk
    added = short.text[len(cut.text) :]
    assert short.text.startswith(cut.text) and 0 < len(added) <= 60
    assert ITEMS[-1] not in short.text  # whole items only, as many as fit
    assert all(line.startswith("- ") for line in added.strip().split("\n")[1:])
