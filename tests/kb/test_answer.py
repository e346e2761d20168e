"""Answers as users get them: the JSON shape, quotes found verbatim in their page, refusals."""

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from helpers import check_schema

from ingest.pipeline import ingest_paths
from kb.errors import EmptyKnowledgeBase, InvalidInput
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import Answer, document_id
from kb.settings import Settings
from kb.text.normalize import quote_in_text
from service.present import answer_to_dict

pytestmark = pytest.mark.slow

ANSWERABLE = [
    "Welche Aufgaben hat die Geschäftsführende Stelle?",
    "Wer übernimmt die wissenschaftliche Begleitung?",
    "Was ist das Ziel der Initiative Gemeinsam klappt's?",
    "Welche Aufgaben hat die Bündniskerngruppe?",
    "Was ist die Ausbildungsduldung?",
]
OFF_TOPIC = {
    "Wie backe ich einen Apfelkuchen?": "nichts gefunden",
    "What is the capital of Australia?": "nothing",
}


Ask = Callable[[str], Answer]


@pytest.fixture(scope="module")
def ask(corpus_kb: KnowledgeBase) -> Ask:
    """corpus_kb.ask, each question answered once per module."""
    answers: dict[str, Answer] = {}

    def cached(question: str) -> Answer:
        if question not in answers:
            answers[question] = corpus_kb.ask(question)
        return answers[question]

    return cached


@pytest.mark.parametrize("question", ANSWERABLE + list(OFF_TOPIC))
def test_answer_json_schema(ask: Ask, question: str) -> None:
    d = answer_to_dict(ask(question), item_id="q1")
    check_schema(d)
    assert (d["id"], d["question"]) == ("q1", question)
    assert len(d["sources"]) >= 5  # the corpus has far more than five chunks


@pytest.mark.parametrize("question", ANSWERABLE)
def test_every_quote_is_found_verbatim_on_its_page(
    corpus_kb: KnowledgeBase, ask: Ask, question: str
) -> None:
    answer = ask(question)
    assert not answer.refused and answer.citations, answer.answer
    for c in answer_to_dict(answer)["citations"]:
        page = corpus_kb.page(document_id(c["file"]), c["page"])
        assert quote_in_text(c["quote"], page.text), (c["file"], c["page"], c["quote"])
    for c in answer.citations:  # the offsets a viewer highlights point at the quote
        assert corpus_kb.page(c.doc_id, c.page).text[c.start : c.end] == c.quote


@pytest.mark.parametrize("question", ANSWERABLE)
def test_answer_markers_and_citations_match(ask: Ask, question: str) -> None:
    answer = ask(question)
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {c.n for c in answer.citations}


def test_citation_pages_match_the_document_kind(corpus_kb: KnowledgeBase, ask: Ask) -> None:
    kinds = {d.file_name: d for d in corpus_kb.documents()}
    for question in ANSWERABLE:
        for c in ask(question).citations:
            info = kinds[c.file]
            if info.kind == "pdf":
                assert c.page is not None and 1 <= c.page <= info.pages
            else:
                assert c.page is None


@pytest.mark.parametrize(("question", "phrase"), OFF_TOPIC.items())
def test_off_topic_questions_are_refused(ask: Ask, question: str, phrase: str) -> None:
    answer = ask(question)
    assert answer.refused
    assert answer.citations == []
    assert phrase in answer.answer
    assert not re.search(r"\[\d+\]", answer.answer)


def test_questions_are_validated(corpus_kb: KnowledgeBase) -> None:
    with pytest.raises(InvalidInput, match="empty"):
        corpus_kb.ask("   \n ")
    with pytest.raises(InvalidInput, match="too long"):
        corpus_kb.ask("Förderung " * 500)


def test_an_empty_kb_says_so(empty_kb: KnowledgeBase) -> None:
    with pytest.raises(EmptyKnowledgeBase, match="empty"):
        empty_kb.ask("Was ist das Ziel der Initiative?")


# -- rank order --------------------------------------------------------------------------------

FOCUS = [
    ("Aufgaben", "Die Geschäftsführende Stelle koordiniert das lokale Bündnis und lädt ein."),
    ("Daten", "Die Geschäftsführende Stelle sammelt Daten über die jungen Geflüchteten."),
    ("Kerngruppe", "Die Geschäftsführende Stelle bereitet die Sitzungen der Kerngruppe vor."),
    ("Angebote", "Die Geschäftsführende Stelle plant mit den Partnern neue Angebote."),
    ("Berichte", "Die Geschäftsführende Stelle schreibt jedes Jahr einen Bericht an das Land."),
]


@pytest.fixture
def lopsided_kb(settings: Settings, tmp_path: Path) -> Iterator[KnowledgeBase]:
    """Five relevant chunks in one document, one unrelated chunk in another."""
    focus = tmp_path / "stelle.md"
    focus.write_text("\n\n".join(f"## {h}\n\n{t}" for h, t in FOCUS), encoding="utf-8")
    other = tmp_path / "kuchen.txt"
    other.write_text("Für einen Apfelkuchen braucht man Mehl, Zucker, Butter und Äpfel.", "utf-8")
    kb = build_kb(settings)
    ingest_paths(kb, [focus, other])
    yield kb
    kb.close()


def test_sources_are_in_rank_order(lopsided_kb: KnowledgeBase) -> None:
    d = answer_to_dict(lopsided_kb.ask("Was macht die Geschäftsführende Stelle?"))
    scores = [s["score"] for s in d["sources"]]
    assert len(scores) == 5
    assert scores == sorted(scores, reverse=True), [(s["file"], s["score"]) for s in d["sources"]]
