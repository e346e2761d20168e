"""The document pages of the maintainers: metadata, versions with undo, withdraw, replace, purge,
and the text of any kept version (also one still in review)."""

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from kb.errors import KBError
from service.admin.auth import Admin, Maintainer, actor, require_maintainer
from service.admin.pages import (
    _status,
    _upload,
    field,
    form_choices,
    form_fields,
    render,
    see_other,
)
from service.admin.present import meta_out
from service.admin.schemas import metadata_from_fields
from service.deps import Audit, Jobs, LibraryDep, WorkspaceDep
from service.library import STATE_LABELS

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_maintainer)])
OK_MESSAGES = {
    "veroeffentlicht": "Veröffentlicht: die Fassung ist jetzt für alle sichtbar.",
    "zurueckgezogen": "Zurückgezogen: das Dokument ist nicht mehr öffentlich. "
    "Über „Wiederherstellen“ lässt sich das rückgängig machen.",
    "wiederhergestellt": "Wiederhergestellt: diese Fassung ist wieder veröffentlicht.",
    "gespeichert": "Metadaten gespeichert.",
}


@router.get("/admin/documents/{doc_id}", response_class=HTMLResponse)
def document_page(
    request: Request,
    doc_id: str,
    who: Maintainer,
    library: LibraryDep,
    audit: Audit,
    jobs: Jobs,
    ok: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _document(request, doc_id, who, library, audit, jobs, ok=OK_MESSAGES.get(ok))


def _document(
    request: Request,
    doc_id: str,
    who: Any,
    library: Any,
    audit: Any,
    jobs: Any,
    error: str | None = None,
    status: int = 200,
    ok: str | None = None,
) -> HTMLResponse:
    row = library.row(doc_id)
    head = row.active or row.versions[0]
    in_review = [j for j in jobs.recent(50, status="review") if j.doc_id == doc_id]
    return render(
        request,
        "document.html",
        who,
        status,
        row=row,
        meta=meta_out(row.meta, head),
        history=audit.entries(30, 0, doc_id),
        in_review=in_review,
        state_labels=STATE_LABELS,
        error=error,
        ok=ok,
        max_upload_mb=request.app.state.settings.max_upload_mb,
        keep_versions=request.app.state.settings.keep_versions,
        **form_choices(),
    )


async def _act(
    request: Request, doc_id: str, who: Any, library: Any, audit: Any, jobs: Any, action: Any
) -> Response:
    """Run a change; on success back to the page with a message, else the page with the error."""
    try:
        ok = await action()
    except KBError as e:
        return _document(request, doc_id, who, library, audit, jobs, str(e), _status(e))
    return see_other(f"/admin/documents/{quote(doc_id)}?ok={ok}")


@router.post("/admin/documents/{doc_id}/metadata")
async def metadata_page(
    request: Request, doc_id: str, who: Maintainer, library: LibraryDep, audit: Audit, jobs: Jobs
) -> Response:
    async def action() -> str:
        metadata = metadata_from_fields(await form_fields(request))
        await run_in_threadpool(library.edit, doc_id, actor(who), metadata)
        return "gespeichert"

    return await _act(request, doc_id, who, library, audit, jobs, action)


@router.post("/admin/documents/{doc_id}/withdraw")
async def withdraw_page(
    request: Request, doc_id: str, who: Maintainer, library: LibraryDep, audit: Audit, jobs: Jobs
) -> Response:
    async def action() -> str:
        await run_in_threadpool(library.withdraw, doc_id, actor(who))
        return "zurueckgezogen"

    return await _act(request, doc_id, who, library, audit, jobs, action)


@router.post("/admin/documents/{doc_id}/restore")
async def restore_page(
    request: Request, doc_id: str, who: Maintainer, library: LibraryDep, audit: Audit, jobs: Jobs
) -> Response:
    async def action() -> str:
        version = field(await form_fields(request), "version")
        await run_in_threadpool(library.restore, doc_id, version, actor(who))
        return "wiederhergestellt"

    return await _act(request, doc_id, who, library, audit, jobs, action)


@router.post("/admin/documents/{doc_id}/replace")
async def replace_page(
    request: Request,
    doc_id: str,
    who: Maintainer,
    space: WorkspaceDep,
    library: LibraryDep,
    audit: Audit,
    jobs: Jobs,
) -> Response:
    try:
        return await _upload(request, space, who, doc_id)
    except KBError as e:
        return _document(request, doc_id, who, library, audit, jobs, str(e), _status(e))


@router.post("/admin/documents/{doc_id}/purge")
async def purge_page(
    request: Request, doc_id: str, who: Admin, library: LibraryDep, audit: Audit, jobs: Jobs
) -> Response:
    fields = await form_fields(request)
    if field(fields, "confirm") != doc_id:
        return _document(
            request,
            doc_id,
            who,
            library,
            audit,
            jobs,
            "Zum endgültigen Löschen die Dokument-ID genau abtippen.",
            422,
        )
    try:
        await run_in_threadpool(library.purge, doc_id, actor(who))
    except KBError as e:
        return _document(request, doc_id, who, library, audit, jobs, str(e), _status(e))
    return see_other("/admin?geloescht=1")


@router.get("/admin/documents/{doc_id}/versions/{version}", response_class=HTMLResponse)
def version_page(
    request: Request, doc_id: str, version: str, who: Maintainer, library: LibraryDep
) -> HTMLResponse:
    info = library.version(doc_id, version)
    return render(
        request,
        "version.html",
        who,
        info=info,
        pages=library.version_pages(doc_id, version),
        state_labels=STATE_LABELS,
    )
