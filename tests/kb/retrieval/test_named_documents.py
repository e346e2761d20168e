"""Questions that name a document by its kind or title ("laut der Mitteilung", "im Bericht der
Stadt") lean towards that document; the words come from the documents' own titles and file
names (real ingest, embedder and store)."""

from collections.abc import Iterator

import pytest
from conftest import make_settings

from ingest.pipeline import ingest_paths
from kb.knowledge_base import KnowledgeBase, build_kb

pytestmark = pytest.mark.slow

DOCS = {
    "mitteilung-kreis-musterland.md": (
        "Mitteilung des Kreises Musterland",
        "Sprachkurse für junge Geflüchtete gibt es am Abend in der Volkshochschule.",
    ),
    "bericht-stadt-beispielheim.md": (
        "Bericht der Stadt Beispielheim",
        "Sprachkurse für junge Geflüchtete gibt es am Wochenende im Jugendzentrum.",
    ),
    "werkstatt-protokoll-2020.md": (
        "Protokoll der Werkstatt",
        "In der Werkstatt sprachen die Kreise und Städte über Praktika im Handwerk. Jeder Kreis "
        "stellte seine Partner vor. Ein Kreis wirbt mit Messen, ein anderer Kreis mit Besuchen "
        "in den Betrieben.",
    ),
}


@pytest.fixture(scope="module")
def named_kb(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeBase]:
    root = tmp_path_factory.mktemp("named")
    paths = []
    for name, (title, body) in DOCS.items():
        path = root / name
        path.write_text(f"# {title}\n\n{body}\n", encoding="utf-8")
        paths.append(path)
    kb = build_kb(make_settings(root / "data"))
    ingest_paths(kb, paths)
    yield kb
    kb.close()


def _first_file(kb: KnowledgeBase, question: str) -> str:
    return kb.search(question).hits[0].chunk.file_name


def test_the_named_kind_of_document_ranks_first(named_kb: KnowledgeBase) -> None:
    # The two passages say the same but for the time.
    asked = "Wann gibt es laut der Mitteilung Sprachkurse für junge Geflüchtete?"
    assert _first_file(named_kb, asked) == "mitteilung-kreis-musterland.md"
    asked = "Wann gibt es laut dem Bericht Sprachkurse für junge Geflüchtete?"
    assert _first_file(named_kb, asked) == "bericht-stadt-beispielheim.md"


def test_only_rare_words_of_a_name_name_a_document(
    named_kb: KnowledgeBase,
) -> None:
    catalog = named_kb.catalog()
    rare_names = named_kb.retriever._profiles_of(catalog).rare_names
    by_file = {c.file_name: rare_names[c.doc_id] for c in catalog.chunks}
    analyze = catalog.analyzer.terms
    assert set(analyze("Mitteilung")) <= by_file["mitteilung-kreis-musterland.md"]
    assert set(analyze("Bericht")) <= by_file["bericht-stadt-beispielheim.md"]
    # "Werkstatt" is in the protocol's name and only its passage uses it; "Kreis" is in the
    # Mitteilung's name, but more than one passage (of three) uses it.
    assert set(analyze("Werkstatt")) <= by_file["werkstatt-protokoll-2020.md"]
    assert not set(analyze("Kreis")) & by_file["mitteilung-kreis-musterland.md"]


def test_how_much_a_question_names_each_document(named_kb: KnowledgeBase) -> None:
    catalog = named_kb.catalog()
    retriever = named_kb.retriever
    doc = {c.file_name: c.doc_id for c in catalog.chunks}

    def named(question: str) -> dict[str, float]:
        return retriever._named(catalog.analyzer.query_terms(question), catalog)

    short = named("Was steht in der Mitteilung?")
    long = named("Welche Sprachkurse für junge Geflüchtete am Abend nennt die Mitteilung?")
    assert set(short) == set(long) == {doc["mitteilung-kreis-musterland.md"]}
    assert (
        0
        < long[doc["mitteilung-kreis-musterland.md"]]
        < short[doc["mitteilung-kreis-musterland.md"]]
        <= 1
    )
    assert named("Welche Sprachkurse gibt es für junge Geflüchtete?") == {}
    # A word that begins with a name word names its document too ("Musterländer").
    assert set(named("Was bieten die Musterländer Kurse?")) == {
        doc["mitteilung-kreis-musterland.md"]
    }


def test_a_year_in_a_file_name_stays_a_word_of_the_question(named_kb: KnowledgeBase) -> None:
    # "2020" is in the protocol's file name, "Mitteilung" in another's: only the name is dropped
    # from the words passages are ranked by; a question about 2020 asks about the year
    retrieval = named_kb.search("Was geschah 2020 laut der Mitteilung?")
    assert "2020" in retrieval.passage_terms
    assert not set(named_kb.catalog().analyzer.terms("Mitteilung")) & set(retrieval.passage_terms)
