"""Extractive answers: real sentences from the retrieved passages, each with a citation.

A sentence's score mixes three signals: how close it is to the question in embedding space,
how much of the question's IDF-weighted vocabulary it covers, and the rank of its passage; a
sentence holding what the question asks for (a date for "wann", a number for "wie viele")
gets a small bonus. The best sentence brings the one after it (facts often sit right behind
the sentence that matches), and a sentence introducing a list ("… sechs Förderbausteine:")
brings its items. Quotes are exact spans of the cleaned page text.
"""

import re
from dataclasses import dataclass

from kb.models import Chunk, Citation, Hit
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import Retrieval
from kb.retrieval.units import MIN_SENTENCE_WORDS
from kb.text.sentences import split_sentences

_LIST_LINE = re.compile(r"- [^\n]+")
_DATE = re.compile(
    r"\b\d{1,2}\.\s?\d{1,2}\.\s?(19|20)\d\d\b|\b\d{1,2}\.\s(Januar|Februar|März|April|Mai|Juni|Juli|"
    r"August|September|Oktober|November|Dezember)\b|\b(Januar|Februar|März|April|Mai|Juni|Juli|"
    r"August|September|Oktober|November|Dezember|Sommer|Herbst|Frühjahr|Winter)\s(19|20)\d\d\b"
)
_NUMBER = re.compile(
    r"\d|\b(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert)\b"
)
_ASKS_DATE = re.compile(r"\b(wann|seit wann|bis wann|when|which date|what date)\b", re.I)
_ASKS_NUMBER = re.compile(
    r"\b(wie viele|wie viel|wie hoch|wie lange|wie alt|welches alter|altersgrenze|anzahl|anteil|"
    r"how many|how much|how long|how old|what age|what share|welcher anteil)\b",
    re.I,
)
# A sentence opening like this leans on the one before it, which the quote then includes.
_ANAPHORIC_START = re.compile(
    r"^(Diese[rsmn]?|Dies|Das|Dabei|Dazu|Dafür|Daher|Dort|Hier|Damit|Deshalb|Darüber hinaus|"
    r"Außerdem|Zudem|Sie|Er|Es|Ihr|Ihre|Denn|So)\b"
)

W_SIMILARITY = 0.3
W_COVERAGE = 0.5
W_RANK = 0.2
W_ANSWER_TYPE = 0.15


@dataclass(frozen=True)
class Sentence:
    hit_rank: int
    chunk: Chunk
    start: int  # offsets in the chunk's page text
    end: int
    score: float


@dataclass(frozen=True)
class Extract:
    citations: list[Citation]
    text: str  # the composed answer: quotes with [n] markers


class SentencePicker:
    def __init__(self, max_sentences: int = 3, passages: int = 5, max_list_items: int = 10) -> None:
        if max_sentences < 1 or passages < 1:
            raise ValueError("max_sentences and passages must be >= 1")
        self.max_sentences = max_sentences
        self.passages = passages
        self.max_list_items = max_list_items

    def candidate_ids(self, retrieval: Retrieval) -> list[str]:
        """Ids of the sentences the picker will want similarities for."""
        catalog = retrieval.catalog
        return [
            u.id
            for h in retrieval.hits[: self.passages]
            for u in catalog.sentences(h.chunk)
            if len(u.text.split()) >= MIN_SENTENCE_WORDS  # only those have vectors
        ]

    def candidates(
        self, question: str, retrieval: Retrieval, catalog: Catalog, similarity: dict[str, float]
    ) -> list[Sentence]:
        weights = _term_weights(retrieval.query_terms, catalog)
        total = sum(weights.values()) or 1.0
        hits = retrieval.hits[: self.passages]
        top_score = hits[0].score if hits else 1.0
        sims = list(similarity.values())
        lo, hi = (min(sims), max(sims)) if sims else (0.0, 1.0)
        wants = _answer_type(question)
        out: list[Sentence] = []
        for rank, hit in enumerate(hits):
            prior = W_RANK * (hit.score / top_score if top_score else 0.0)
            for unit in catalog.sentences(hit.chunk):
                terms = catalog.sentence_terms(unit)
                coverage = sum(w for t, w in weights.items() if t in terms) / total
                sim = similarity.get(unit.id)
                if coverage == 0 and sim is None:
                    continue  # a heading-like fragment with nothing to say
                sim_norm = (sim - lo) / (hi - lo) if sim is not None and hi > lo else 0.0
                score = W_COVERAGE * coverage + W_SIMILARITY * sim_norm + prior
                if wants is not None and wants.search(unit.text):
                    score += W_ANSWER_TYPE
                out.append(Sentence(rank, hit.chunk, unit.start, unit.end, score))
        out.sort(key=lambda x: -x.score)
        return out

    def pick(
        self,
        question: str,
        retrieval: Retrieval,
        catalog: Catalog,
        similarity: dict[str, float],
        page_text: dict[str, str],
    ) -> Extract:
        """Choose sentences; ``page_text`` maps chunk id → the cleaned text of its page."""
        ranked = [
            s
            for s in self.candidates(question, retrieval, catalog, similarity)
            if page_text.get(s.chunk.id)  # a version purged mid-question cannot be quoted
        ]
        if not ranked:
            return Extract([], "")
        chosen: list[Sentence] = []
        for cand in ranked:
            if len(chosen) >= self.max_sentences or cand.score < 0.6 * ranked[0].score:
                break
            if not any(_same_place(cand, c) for c in chosen):
                chosen.append(cand)
        spans = [self._span(s, page_text[s.chunk.id], i == 0) for i, s in enumerate(chosen)]
        return self._compose(_merge_adjacent(spans), page_text)

    def _span(self, sentence: Sentence, page: str, is_best: bool) -> tuple[Sentence, int, int]:
        """The quote for a sentence; the best one gets context: its list, or the next sentence,
        and the previous sentence when it opens with a reference back ("Dabei", "Diese")."""
        start, end = sentence.start, self._extend_list(page, sentence.end, always=is_best)
        if not is_best:
            return sentence, start, end
        if end == sentence.end:
            end = _next_sentence_end(page, end)
        if _ANAPHORIC_START.match(page[start:end]):
            start = _previous_sentence_start(page, start)
        return sentence, start, end

    def _compose(
        self,
        spans: list[tuple[Sentence, int, int]],
        page_text: dict[str, str],
    ) -> Extract:
        citations: list[Citation] = []
        parts: list[str] = []
        for sentence, start, end in spans:
            n = len(citations) + 1
            citation = Citation.of(n, sentence.chunk, start, end, page_text[sentence.chunk.id])
            citations.append(citation)
            parts.append(f"{citation.quote} [{n}]")
        joiner = "\n" if any("\n" in p for p in parts) else " "
        return Extract(citations, joiner.join(parts))

    def _extend_list(self, page: str, end: int, always: bool = False) -> int:
        """List items right after the sentence join the quote (if it ends with ':' or always)."""
        if not always and not page[:end].rstrip().endswith(":"):
            return end
        pos = end
        for _ in range(self.max_list_items):
            m = _LIST_LINE.match(page, pos + 1) if page[pos : pos + 1] == "\n" else None
            if not m:
                break
            pos = m.end()
        return pos


def _answer_type(question: str) -> re.Pattern[str] | None:
    if _ASKS_DATE.search(question):
        return _DATE
    if _ASKS_NUMBER.search(question):
        return _NUMBER
    return None


def _next_sentence_end(page: str, end: int) -> int:
    """End of the sentence after ``end`` when it continues the same paragraph."""
    if not page.startswith(" ", end):
        return end  # a line break (new paragraph, list item, table row) or the page end
    line_end = page.find("\n", end)
    rest = page[end : line_end if line_end >= 0 else len(page)]
    spans = split_sentences(rest)
    return end + spans[0][1] if spans else end


def _previous_sentence_start(page: str, start: int) -> int:
    """Start of the sentence before ``start`` when it is in the same paragraph."""
    line_start = page.rfind("\n", 0, start) + 1
    spans = split_sentences(page[line_start:start])
    return line_start + spans[-1][0] if spans else start


def _same_place(a: Sentence, b: Sentence) -> bool:
    return (a.chunk.doc_id, a.chunk.page) == (b.chunk.doc_id, b.chunk.page) and (
        a.start < b.end and b.start < a.end
    )


def _merge_adjacent(spans: list[tuple[Sentence, int, int]]) -> list[tuple[Sentence, int, int]]:
    """Quotes that touch or overlap on the same page become one quote (and one citation)."""
    out: list[tuple[Sentence, int, int]] = []
    for sentence, start, end in spans:
        for i, (other, s2, e2) in enumerate(out):
            same_page = (other.chunk.doc_id, other.chunk.page) == (
                sentence.chunk.doc_id,
                sentence.chunk.page,
            )
            if same_page and start <= e2 + 1 and s2 <= end + 1:
                out[i] = (other, min(s2, start), max(e2, end))
                break
        else:
            out.append((sentence, start, end))
    return out


def _term_weights(terms: list[str], catalog: Catalog) -> dict[str, float]:
    return {t: catalog.bm25.idf(t) for t in dict.fromkeys(terms)}


def best_passage_coverage(
    hits: list[Hit], terms: list[str], catalog: Catalog, top: int = 3
) -> float:
    """Share of the question's IDF-weighted terms found in the best of the top passages."""
    weights = _term_weights(terms, catalog)
    total = sum(weights.values())
    if not total:
        return 0.0
    best = 0.0
    for hit in hits[:top]:
        chunk_terms = set(catalog.analyzer.terms(hit.chunk.section or ""))
        chunk_terms |= set(catalog.analyzer.terms(hit.chunk.text))
        best = max(best, sum(w for t, w in weights.items() if t in chunk_terms) / total)
    return best
