"""A supporting quote goes on with the next sentence of its paragraph when that one holds
question words the answer lacks so far (SentencePicker._adds_words)."""

from kb.answer.extractive import Sentence, SentencePicker
from kb.answer.scoring import Features
from kb.models import Chunk

PAGE = (
    "Angestoßen wurde die Initiative vom Familienministerium des Landes. "
    "Ebenfalls beteiligt sind die Ministerien für Schule und für Arbeit. "
    "Im Sommer gibt es ein Fest.\nEin neuer Absatz beginnt hier."
)


def analyze(text: str) -> list[str]:
    return [w.strip(".,").lower() for w in text.split()]


def _first_sentence() -> Sentence:
    end = PAGE.index(" Ebenfalls")
    chunk = Chunk("c", "d", "v1", 0, 1, None, PAGE, 0, len(PAGE), "d.pdf", "d", "pdf")
    features = Features(0.5, 0.5, 0.0, 1.0, 1.0, 0.0, 0.0)
    return Sentence(0, chunk, 0, end, PAGE[:end], 1.0, features, None)


WEIGHTS = {"ministerien": 2.0, "beteiligt": 2.0, "initiative": 1.0, "familienministerium": 1.0}


def test_the_next_sentence_joins_when_it_holds_question_words_the_answer_lacks() -> None:
    quote = _first_sentence()
    covered = set(analyze(quote.text))
    end = SentencePicker()._adds_words(quote, PAGE, quote.end, WEIGHTS, covered, analyze)
    assert PAGE[quote.start : end].endswith("Schule und für Arbeit.")
    assert {"ministerien", "beteiligt"} <= covered  # the answer now holds them


def test_a_sentence_without_new_question_words_stays_out() -> None:
    quote = _first_sentence()
    covered = set(analyze(quote.text)) | {"ministerien", "beteiligt"}
    end = SentencePicker()._adds_words(quote, PAGE, quote.end, WEIGHTS, covered, analyze)
    assert end == quote.end


def test_the_paragraph_ends_the_quote() -> None:
    quote = _first_sentence()
    last = PAGE.index("\n")  # after "Fest.": the next line is another paragraph
    end = SentencePicker()._adds_words(quote, PAGE, last, WEIGHTS, set(), analyze)
    assert end == last


def _candidate(doc: str, text: str, score: float, features: Features) -> Sentence:
    chunk = Chunk(doc, doc, "v1", 0, 1, None, text, 0, len(text), f"{doc}.pdf", doc, "pdf")
    return Sentence(0, chunk, 0, len(text), text, score, features, None)


def test_supporting_quotes_follow_the_direct_sum_within_its_margin() -> None:
    """Supports are admitted in the order of the fitted direct sum, while it rates them at most
    ``support_margin`` below the direct answer — not by the hand-set ``score``."""
    best = _candidate(
        "a", "Die Initiative hat sechs Bausteine.", 1.0, Features(1, 1, 0, 1, 1, 0, 0)
    )
    # the hand-set score rates this one highest, the direct sum far below the margin
    loud = _candidate(
        "b", "Die Initiative ist neu und wichtig.", 5.0, Features(0, 0, 0, 0, 0, 0, 0)
    )
    # ... and this one low, but the direct sum within the margin (10.1 against 7.8)
    near = _candidate("c", "Einer davon ist das Coaching.", 0.1, Features(1, 0, 0, 1, 1, 0, 0))
    ranked = [best, loud, near]
    pages = {c.chunk.id: c.text for c in ranked}
    picker = SentencePicker()
    spans = [(best, best.start, best.end)]
    chosen = picker._supports(best, spans, ranked, {"initiative": 1.0}, 0.0, 3, pages, analyze)
    assert [c for c, _, _ in chosen] == [near]


def test_a_list_quote_comes_with_the_items_a_next_dazu_gehoeren_leads_into() -> None:
    page = (
        "Inhaltlich sollten einige zentrale Merkmale der Initiative verstärkt vermittelt "
        "werden. Dazu gehören\n- die Nutzung lokaler Ressourcen,\n- die Öffnung des "
        "Regelsystems.\nEin neuer Abschnitt beginnt hier."
    )
    end = page.index(" Dazu")
    joined = SentencePicker()._introduced(page, end)
    assert page[:joined].endswith("Öffnung des Regelsystems."), page[:joined]
    # a next sentence that names the members itself ends with them
    named = "Sie brauchen Hilfen. Dazu gehören Leitfäden und Muster.\n- ein Punkt\n"
    joined = SentencePicker()._introduced(named, named.index(" Dazu"))
    assert named[:joined].endswith("Muster."), named[:joined]
