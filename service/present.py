"""Core objects → what clients get: the answer object of `kb ask --json` (``answer_to_dict``)
and the API models, which add links to originals and to the cleaned page with the quote."""

import hashlib
from collections import Counter
from typing import Any
from urllib.parse import urlencode

from kb.facets.filters import Filters
from kb.facets.places import Gazetteer
from kb.facets.topics import TOPICS
from kb.knowledge_base import KnowledgeBase
from kb.models import Answer, Chunk, Citation, Hit
from kb.retrieval.catalog import Catalog
from kb.retrieval.highlight import snippet
from service.schemas import (
    AnswerOut,
    Facet,
    FacetsOut,
    FiltersIn,
    SearchResponse,
    SearchResult,
    SourceOut,
)


def file_url(doc_id: str, page: int | None) -> str:
    return f"/api/documents/{doc_id}/file" + (f"#page={page}" if page else "")


def quote_check(text: str) -> str:
    """A short fingerprint of a quote: the page viewer marks a span only while it still holds
    exactly this text (an old link into a replaced document marks nothing)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def context_url(doc_id: str, page: int | None, span: tuple[int, int, str] | None = None) -> str:
    """The cleaned page in the viewer; with ``span`` (start, end, quote) the quote is marked."""
    params: dict[str, int | str] = {}
    if page:
        params["seite"] = page
    if span is not None:
        start, end, quote = span
        params.update({"von": start, "bis": end, "h": quote_check(quote)})
    query = f"?{urlencode(params)}" if params else ""
    return f"/dokumente/{doc_id}{query}" + ("#zitat" if span is not None else "")


def answer_to_dict(answer: Answer, item_id: Any = None) -> dict[str, Any]:
    return {
        "id": item_id,
        "question": answer.question,
        "answer": answer.answer,
        "refused": answer.refused,
        "uncertain": answer.uncertain,
        "citations": [
            {"n": c.n, "file": c.file, "title": c.title, "page": c.page, "quote": c.quote}
            for c in answer.citations
        ],
        "sources": [_source_dict(h) for h in answer.sources],
        "timings_ms": dict(answer.timings_ms),
        "mode": answer.mode,
        "generation": answer.generation,
    }


def _source_dict(h: Hit) -> dict[str, Any]:
    return {
        "file": h.chunk.file_name,
        "title": h.chunk.title,
        "page": h.chunk.page,
        "section": h.chunk.section,
        "score": round(h.score, 6),
        "text": h.chunk.text,
    }


def answer_error(question: str, item_id: Any, message: str) -> dict[str, Any]:
    """The answer object for a question that could not be asked (batch mode)."""
    return {
        "id": item_id,
        "question": question,
        "answer": f"Error: {message}",
        "refused": True,
        "uncertain": False,
        "citations": [],
        "sources": [],
        "timings_ms": {"retrieve": 0.0, "answer": 0.0, "total": 0.0},
        "mode": "extractive",
        "generation": None,
    }


def answer_out(answer: Answer, answer_id: str) -> AnswerOut:
    """Exactly the `kb ask --json` object, plus what the widget needs to link and rate."""
    base = answer_to_dict(answer)
    base["citations"] = [
        {**d, **_citation_links(c)}
        for d, c in zip(base["citations"], answer.citations, strict=True)
    ]
    base["sources"] = [
        {**d, **_source_links(h.chunk)}
        for d, h in zip(base["sources"], answer.sources, strict=True)
    ]
    return AnswerOut(**base, answer_id=answer_id, searched=answer.searched)


def sources_out(hits: list[Hit]) -> list[SourceOut]:
    """The passages an answer draws on, as the API shows them (also before the answer)."""
    return [SourceOut(**_source_dict(h), **_source_links(h.chunk)) for h in hits]


def _citation_links(c: Citation) -> dict[str, Any]:
    span = (c.start, c.end, c.quote) if c.start is not None and c.end is not None else None
    return {
        "doc_id": c.doc_id,
        "section": c.section,
        "url": file_url(c.doc_id, c.page),
        "context_url": context_url(c.doc_id, c.page, span),
    }


def _source_links(c: Chunk) -> dict[str, Any]:
    return {
        "doc_id": c.doc_id,
        "url": file_url(c.doc_id, c.page),
        "context_url": context_url(c.doc_id, c.page, (c.start, c.end, c.text)),
    }


def filters_in(f: FiltersIn | None) -> Filters | None:
    if f is None:
        return None
    return Filters(
        place=f.place or None, topic=f.topic or None, kind=f.kind or None, doc_id=f.doc_id or None
    )


def search_result(
    catalog: Catalog, chunk: Chunk, score: float | None, terms: list[str]
) -> SearchResult:
    tags = catalog.tags_of(chunk)
    snip = snippet(chunk.text, terms, catalog.analyzer)
    return SearchResult(
        doc_id=chunk.doc_id,
        file=chunk.file_name,
        title=chunk.title,
        page=chunk.page,
        section=chunk.section,
        score=round(score, 6) if score is not None else None,
        snippet=snip.text,
        marks=snip.marks,
        truncated_start=snip.truncated_start,
        truncated_end=snip.truncated_end,
        places=list(tags.places),
        topics=list(tags.topics),
        url=file_url(chunk.doc_id, chunk.page),
        context_url=context_url(chunk.doc_id, chunk.page, (chunk.start, chunk.end, chunk.text)),
    )


def search_passages(kb: KnowledgeBase, query: str, filters: Filters, limit: int) -> SearchResponse:
    """Ranked passages for a query, or (no query) the passages matching the filters."""
    if not query.strip():
        catalog, chunks = kb.browse(filters, limit)
        results = [search_result(catalog, c, None, []) for c in chunks]
        return SearchResponse(query="", searched="", total=len(results), results=results)
    retrieval = kb.search(query, k=limit, filters=filters)
    results = [
        search_result(retrieval.catalog, h.chunk, h.score, retrieval.query_terms)
        for h in retrieval.hits
    ]
    return SearchResponse(
        query=query, searched=retrieval.expanded, total=len(results), results=results
    )


def facets_out(counts: dict[str, Counter[str]]) -> FacetsOut:
    gazetteer = Gazetteer.load()
    places = [
        Facet(value=name, label=gazetteer.by_name[name].label, count=n)
        for name, n in sorted(counts["places"].items(), key=lambda x: (-x[1], x[0]))
    ]
    topics = [Facet(value=t.id, label=t.label, count=counts["topics"].get(t.id, 0)) for t in TOPICS]
    return FacetsOut(places=places, topics=topics)
