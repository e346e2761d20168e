"""Extractive answers: real sentences from the retrieved passages, each with a citation.

Sentences are scored by how much of the question's (IDF-weighted) vocabulary they cover and by
the rank of their passage. A sentence that introduces a list ("… sechs Förderbausteine:") brings
its list items along. Quotes are exact spans of the cleaned page text.
"""

import re
from dataclasses import dataclass

from kb.models import Chunk, Citation, Hit
from kb.retrieval.catalog import Catalog
from kb.retrieval.retriever import Retrieval
from kb.text.sentences import split_sentences

_LIST_LINE = re.compile(r"- [^\n]+")


@dataclass(frozen=True)
class Sentence:
    hit_rank: int
    chunk: Chunk
    start: int  # offsets in the chunk's page text
    end: int
    coverage: float
    score: float


@dataclass(frozen=True)
class Extract:
    sentences: list[Sentence]
    citations: list[Citation]
    text: str  # the composed answer, sentences with [n] markers


class SentencePicker:
    def __init__(self, max_sentences: int = 3, passages: int = 5, max_list_items: int = 10) -> None:
        self.max_sentences = max_sentences
        self.passages = passages
        self.max_list_items = max_list_items

    def candidates(self, retrieval: Retrieval, catalog: Catalog) -> list[Sentence]:
        weights = _term_weights(retrieval.query_terms, catalog)
        total = sum(weights.values()) or 1.0
        hits = retrieval.hits[: self.passages]
        top_score = hits[0].score if hits else 1.0
        out: list[Sentence] = []
        for rank, hit in enumerate(hits):
            chunk = hit.chunk
            for s, e in split_sentences(chunk.text):
                text = chunk.text[s:e]
                terms = set(catalog.analyzer.terms(text))
                coverage = sum(w for t, w in weights.items() if t in terms) / total
                if len(text.split()) < 3 and coverage == 0:
                    continue
                prior = hit.score / top_score if top_score else 0.0
                score = 0.65 * coverage + 0.35 * prior - 0.02 * rank
                out.append(Sentence(rank, chunk, chunk.start + s, chunk.start + e, coverage, score))
        out.sort(key=lambda x: -x.score)
        return out

    def pick(self, retrieval: Retrieval, catalog: Catalog, page_text: dict[str, str]) -> Extract:
        """Choose sentences; ``page_text`` maps chunk id → the full cleaned text of its page."""
        ranked = self.candidates(retrieval, catalog)
        if not ranked:
            return Extract([], [], "")
        best = ranked[0]
        chosen = [best]
        covered = best.coverage
        for cand in ranked[1:]:
            if len(chosen) >= self.max_sentences:
                break
            if cand.score < 0.75 * best.score or cand.coverage <= 0:
                continue
            if any(_overlaps(cand, c) for c in chosen):
                continue
            chosen.append(cand)
            covered = max(covered, cand.coverage)
        return self._compose(chosen, page_text)

    def _compose(self, chosen: list[Sentence], page_text: dict[str, str]) -> Extract:
        citations: list[Citation] = []
        parts: list[str] = []
        for sentence in chosen:
            text = page_text[sentence.chunk.id]
            start, end = sentence.start, self._extend_list(text, sentence.end)
            quote = text[start:end]
            n = len(citations) + 1
            c = sentence.chunk
            citations.append(
                Citation(
                    n=n,
                    doc_id=c.doc_id,
                    file=c.file_name,
                    title=c.title,
                    page=c.page,
                    quote=quote,
                    section=c.section,
                    start=start,
                    end=end,
                )
            )
            parts.append(f"{quote} [{n}]")
        return Extract(
            chosen,
            citations,
            "\n".join(parts) if any("\n" in p for p in parts) else " ".join(parts),
        )

    def _extend_list(self, page: str, end: int) -> int:
        """If the sentence ends with ':' and list items follow, the quote includes them."""
        if not page[:end].rstrip().endswith(":"):
            return end
        pos = end
        for _ in range(self.max_list_items):
            m = _LIST_LINE.match(page, pos + 1) if page[pos : pos + 1] == "\n" else None
            if not m:
                break
            pos = m.end()
        return pos


def _overlaps(a: Sentence, b: Sentence) -> bool:
    return (
        a.chunk.doc_id == b.chunk.doc_id
        and a.chunk.page == b.chunk.page
        and (a.start < b.end and b.start < a.end)
    )


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
