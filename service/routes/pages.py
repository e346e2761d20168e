"""Server-rendered pages: the demo page with the widget, the offer finder, the page viewer.

Everything shown is escaped by Jinja's autoescape; the offer finder works without JavaScript.
"""

from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, Response

from kb.errors import KBError
from kb.facets.filters import Filters
from service.cards import Card, good_practice_cards
from service.deps import KB, SEARCH, AppSettings
from service.present import facets_out, file_url, quote_check, search_passages
from service.schemas import SearchResult
from service.templating import site_of, templates

HERE = Path(__file__).resolve().parent.parent
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def demo(request: Request, kb: KB, settings: AppSettings) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        "demo.html",
        {
            "documents": kb.documents(),
            "kb_url": (settings.public_url or str(request.base_url)).rstrip("/"),
        },
    )


@router.get("/widget.js")
def widget_js() -> FileResponse:
    return FileResponse(
        HERE / "static" / "widget.js",
        media_type="text/javascript; charset=utf-8",
        headers={"Cache-Control": "no-cache"},
    )


@router.get("/site.css")
def site_css(request: Request) -> Response:
    """The deployment's colours as CSS variables (pages allow no inline styles)."""
    site = site_of(request)
    css = f":root{{--kb-primary:{site.primary_color};--kb-accent:{site.accent_color};}}\n"
    return Response(css, media_type="text/css", headers={"Cache-Control": "no-cache"})


@router.get("/angebote", response_class=HTMLResponse, dependencies=SEARCH)
def offers(
    request: Request,
    kb: KB,
    q: Annotated[str, Query(max_length=300)] = "",
    place: Annotated[str, Query(max_length=200)] = "",
    topic: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    results: list[SearchResult] = []
    cards: list[Card] = []
    error = None
    try:
        filters = Filters(place=place or None, topic=topic or None)
        if q.strip() or not filters.empty:
            results = search_passages(kb, q, filters, 20 if q.strip() else 30).results
        cards = good_practice_cards(kb, q, place, topic, {r.doc_id for r in results})
    except KBError as e:  # an unknown place or topic, an empty knowledge base
        error = str(e)
    return templates.TemplateResponse(
        request,
        "angebote.html",
        {
            "q": q,
            "place": place,
            "topic": topic,
            "facets": facets_out(kb.facets()),
            "results": results,
            "cards": cards,
            "error": error,
            "searched": bool(q.strip() or place or topic),
        },
    )


@router.get("/dokumente/{doc_id}", response_class=HTMLResponse)
def viewer(
    request: Request,
    doc_id: str,
    kb: KB,
    seite: Annotated[int | None, Query(ge=1)] = None,
    von: Annotated[int | None, Query(ge=0)] = None,
    bis: Annotated[int | None, Query(ge=0)] = None,
    h: Annotated[str | None, Query(max_length=64)] = None,
) -> HTMLResponse:
    info = kb.document(doc_id)
    number = (seite or 1) if info.kind == "pdf" else None
    page = kb.page(doc_id, number)
    text = page.text
    if (
        von is not None
        and bis is not None
        and 0 <= von < bis <= len(text)
        and h == quote_check(text[von:bis])
    ):
        parts = (text[:von], text[von:bis], text[bis:])
    else:
        parts = (text, "", "")
    return templates.TemplateResponse(
        request,
        "dokument.html",
        {
            "doc": info,
            "page": number,
            "before": parts[0],
            "quote": parts[1],
            "after": parts[2],
            "file_url": file_url(doc_id, number),
        },
    )
