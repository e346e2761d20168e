"""Core objects → API models (links to originals and to the cleaned page with the quote)."""

from urllib.parse import urlencode

from kb.facets.filters import Filters
from kb.models import Answer, Chunk, Citation, Hit
from service.schemas import AnswerOut, CitationOut, FiltersIn, SourceOut


def file_url(doc_id: str, page: int | None) -> str:
    return f"/api/documents/{doc_id}/file" + (f"#page={page}" if page else "")


def context_url(
    doc_id: str, page: int | None, start: int | None = None, end: int | None = None
) -> str:
    params: dict[str, int] = {}
    if page:
        params["seite"] = page
    if start is not None and end is not None:
        params.update({"von": start, "bis": end})
    query = f"?{urlencode(params)}" if params else ""
    return f"/dokumente/{doc_id}{query}" + ("#zitat" if start is not None else "")


def citation_out(c: Citation) -> CitationOut:
    return CitationOut(
        n=c.n,
        file=c.file,
        title=c.title,
        page=c.page,
        quote=c.quote,
        doc_id=c.doc_id,
        section=c.section,
        url=file_url(c.doc_id, c.page),
        context_url=context_url(c.doc_id, c.page, c.start, c.end),
    )


def source_out(h: Hit) -> SourceOut:
    c: Chunk = h.chunk
    return SourceOut(
        file=c.file_name,
        title=c.title,
        page=c.page,
        section=c.section,
        score=round(h.score, 6),
        text=c.text,
        doc_id=c.doc_id,
        url=context_url(c.doc_id, c.page, c.start, c.end),
    )


def answer_out(answer: Answer, answer_id: str) -> AnswerOut:
    return AnswerOut(
        id=None,
        question=answer.question,
        answer=answer.answer,
        refused=answer.refused,
        citations=[citation_out(c) for c in answer.citations],
        sources=[source_out(h) for h in answer.sources],
        timings_ms=answer.timings_ms,
        answer_id=answer_id,
        searched=answer.searched,
        uncertain=answer.uncertain,
    )


def filters_in(f: FiltersIn | None) -> Filters | None:
    if f is None:
        return None
    return Filters(
        place=f.place or None, topic=f.topic or None, kind=f.kind or None, doc_id=f.doc_id or None
    )
