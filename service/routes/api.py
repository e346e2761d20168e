"""The JSON API: chat (plain and streamed), search, documents, pages, facets."""

import json
import uuid
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, StreamingResponse

from kb.conversation import Turn
from kb.errors import InvalidInput, NotFound
from kb.facets.filters import Filters
from kb.knowledge_base import KnowledgeBase, Searched
from service.deps import KB, AppSettings
from service.present import (
    answer_out,
    facets_out,
    file_url,
    filters_in,
    search_passages,
    sources_out,
)
from service.schemas import (
    AnswerOut,
    ChatRequest,
    DocumentOut,
    FacetsOut,
    PageOut,
    SearchResponse,
)

router = APIRouter(prefix="/api", tags=["api"])

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}


def _search(kb: KnowledgeBase, body: ChatRequest, max_turns: int) -> Searched:
    """The question checked and its passages found (bad input fails here, before any byte of a
    stream is sent, so it gets a proper error status)."""
    if len(body.history) > max_turns:
        raise InvalidInput(
            f"history has {len(body.history)} turns, at most {max_turns} are allowed"
        )
    history = [Turn(t.role, t.content) for t in body.history]
    return kb.search_for_answer(body.question, history=history, filters=filters_in(body.filters))


@router.post("/chat", response_model=AnswerOut, summary="Answer a question with citations")
def chat(body: ChatRequest, kb: KB, settings: AppSettings) -> AnswerOut:
    searched = _search(kb, body, settings.max_history_turns)
    return answer_out(kb.answer(searched), uuid.uuid4().hex)


@router.post(
    "/chat/stream",
    summary="The same answer as Server-Sent Events",
    response_description="events: meta (with the sources found), answer, citations, done",
)
async def chat_stream(body: ChatRequest, kb: KB, settings: AppSettings) -> StreamingResponse:
    searched = await run_in_threadpool(_search, kb, body, settings.max_history_turns)
    return StreamingResponse(
        _events(kb, searched, uuid.uuid4().hex),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(kb: KnowledgeBase, searched: Searched, answer_id: str) -> AsyncIterator[str]:
    """Meta and the passages as soon as they are found, then the answer when it exists; no
    pacing: every event leaves when its content does."""
    sources = sources_out(searched.retrieval.hits)
    yield _sse(
        "meta",
        {
            "answer_id": answer_id,
            "question": searched.question,
            "searched": searched.retrieval.expanded,
            "sources": [s.model_dump() for s in sources],
        },
    )
    out = answer_out(await run_in_threadpool(kb.answer, searched), answer_id)
    yield _sse("answer", {"text": out.answer})
    yield _sse(
        "citations",
        {
            "citations": [c.model_dump() for c in out.citations],
            "sources": [s.model_dump() for s in out.sources],
        },
    )
    yield _sse(
        "done", {"refused": out.refused, "uncertain": out.uncertain, "timings_ms": out.timings_ms}
    )


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get("/search", response_model=SearchResponse, summary="Ranked passages")
def search(
    kb: KB,
    q: Annotated[str, Query(max_length=1000)] = "",
    kind: str | None = None,
    place: str | None = None,
    topic: str | None = None,
    doc_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResponse:
    filters = Filters(
        place=place or None, topic=topic or None, kind=kind or None, doc_id=doc_id or None
    )
    if not q.strip() and filters.empty:
        raise InvalidInput("give a query (q) or at least one filter")
    return search_passages(kb, q, filters, limit)


@router.get("/facets", response_model=FacetsOut, summary="Places and topics with passage counts")
def facets(kb: KB) -> FacetsOut:
    return facets_out(kb.facets())


@router.get("/documents", response_model=list[DocumentOut], summary="Ingested documents")
def documents(kb: KB) -> list[DocumentOut]:
    return [
        DocumentOut(
            doc_id=d.doc_id,
            file=d.file_name,
            title=d.title,
            kind=d.kind,
            date=d.date,
            pages=d.pages,
            chunks=d.chunks,
            updated_at=d.updated_at,
            url=file_url(d.doc_id, None),
        )
        for d in kb.documents()
    ]


@router.get("/documents/{doc_id}/file", summary="The original file", response_class=FileResponse)
def document_file(doc_id: str, kb: KB) -> FileResponse:
    path, info = kb.original(doc_id)
    headers = {"X-Content-Type-Options": "nosniff"}
    if info.kind == "html":
        # an ingested web page is shown, never run: no scripts, no requests, own origin
        headers["Content-Security-Policy"] = (
            "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"
        )
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(info.kind, "application/octet-stream"),
        filename=info.file_name,
        content_disposition_type="inline",
        headers=headers,
    )


@router.get(
    "/documents/{doc_id}/pages/{number}", response_model=PageOut, summary="Cleaned page text"
)
def document_page(doc_id: str, number: int, kb: KB) -> PageOut:
    info = kb.document(doc_id)
    if info.kind != "pdf" and number != 1:
        raise NotFound(f"'{doc_id}' is not paged: its whole text is page 1")
    page = kb.page(doc_id, number if info.kind == "pdf" else None)
    return PageOut(
        doc_id=doc_id,
        title=info.title,
        page=page.number,
        pages=info.pages,
        text=page.text,
        headings=[h.title for h in page.headings],
    )
