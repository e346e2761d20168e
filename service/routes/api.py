"""The JSON API: chat (plain and streamed), search, documents, pages, facets."""

import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, StreamingResponse

from kb.answer.events import AnswerEvent, Delta, Finished, Restart, Started
from kb.conversation import Turn
from kb.errors import InvalidInput, NotFound
from kb.facets.filters import Filters
from kb.knowledge_base import KnowledgeBase
from service.deps import CHAT, KB, SEARCH, AppSettings
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
from service.streaming import ThreadedEvents
from service.templating import site_of

log = logging.getLogger("kb.service")
router = APIRouter(prefix="/api", tags=["api"])

MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "markdown": "text/markdown; charset=utf-8",
    "text": "text/plain; charset=utf-8",
}


def _history(body: ChatRequest, max_turns: int) -> list[Turn]:
    if len(body.history) > max_turns:
        raise InvalidInput(
            f"history has {len(body.history)} turns, at most {max_turns} are allowed"
        )
    return [Turn(t.role, t.content) for t in body.history]


def _answer(kb: KnowledgeBase, body: ChatRequest, max_turns: int) -> AnswerOut:
    history = _history(body, max_turns)
    answer = kb.ask(body.question, history=history, filters=filters_in(body.filters))
    return answer_out(answer, uuid.uuid4().hex)


@router.post(
    "/chat",
    response_model=AnswerOut,
    summary="Answer a question with citations",
    dependencies=CHAT,
)
def chat(body: ChatRequest, kb: KB, settings: AppSettings) -> AnswerOut:
    return _answer(kb, body, settings.max_history_turns)


@router.post(
    "/chat/stream",
    summary="The same answer as Server-Sent Events",
    response_description="events: meta (with the passages found), answer (the text, or a "
    "model's pieces as they come), replace (the text so far is "
    "replaced: the generated answer could not be used), citations, done",
    dependencies=CHAT,
)
async def chat_stream(body: ChatRequest, kb: KB, settings: AppSettings) -> StreamingResponse:
    history = _history(body, settings.max_history_turns)
    events = ThreadedEvents(
        kb.ask_stream(body.question, history=history, filters=filters_in(body.filters))
    )
    first = await events.next()  # bad input and an empty KB fail here, with a proper status
    assert isinstance(first, Started)
    return StreamingResponse(
        _events(first, events, uuid.uuid4().hex),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def _events(
    first: Started, events: ThreadedEvents[AnswerEvent], answer_id: str
) -> AsyncIterator[str]:
    try:
        yield _sse(
            "meta",
            {
                "answer_id": answer_id,
                "question": first.question,
                "searched": first.searched,
                "sources": [s.model_dump() for s in sources_out(first.hits)],
            },
        )
        while (event := await events.next()) is not None:
            if isinstance(event, Delta):
                yield _sse("answer", {"text": event.text})
            elif isinstance(event, Restart):
                yield _sse("replace", {"text": event.text})
            elif isinstance(event, Finished):
                for name, data in _final(answer_out(event.answer, answer_id)):
                    yield _sse(name, data)
    except Exception:
        log.exception("the answer stream failed")
        yield _sse("error", {"detail": "Interner Fehler (internal error; see the server log)"})
    finally:
        await events.aclose()


def _final(out: AnswerOut) -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "citations",
            {
                "citations": [c.model_dump() for c in out.citations],
                "sources": [s.model_dump() for s in out.sources],
            },
        ),
        (
            "done",
            {
                "refused": out.refused,
                "uncertain": out.uncertain,
                "timings_ms": out.timings_ms,
                "mode": out.mode,
                "generation": out.generation,
            },
        ),
    ]


def _sse(event: str, data: object) -> str:
    return f"event: {event}\ndata: {json.dumps(data, ensure_ascii=False)}\n\n"


@router.get(
    "/search", response_model=SearchResponse, summary="Ranked passages", dependencies=SEARCH
)
def search(
    kb: KB,
    q: Annotated[str, Query(max_length=1000)] = "",
    kind: Annotated[str | None, Query(max_length=200)] = None,
    place: Annotated[str | None, Query(max_length=200)] = None,
    topic: Annotated[str | None, Query(max_length=200)] = None,
    doc_id: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchResponse:
    filters = Filters(
        place=place or None, topic=topic or None, kind=kind or None, doc_id=doc_id or None
    )
    if not q.strip() and filters.empty:
        raise InvalidInput("give a query (q) or at least one filter")
    return search_passages(kb, q, filters, limit)


@router.get("/site", summary="Name, welcome text, example questions and colours (the widget)")
def site(request: Request) -> dict[str, object]:
    site = site_of(request)
    keys = ("name", "title", "welcome", "examples", "primary_color", "accent_color", "contact")
    return {k: getattr(site, k) for k in keys}


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
