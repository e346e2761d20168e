"""The maintainers' JSON API under /api/admin: every route needs a maintainer (Bearer token, or
a session cookie plus X-CSRF-Token); users and site settings need an admin."""

import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, status
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from sse_starlette.sse import EventSourceResponse

from kb.errors import NotFound
from service.admin.auth import Admin, Maintainer, actor, require_maintainer
from service.admin.present import audit_out, document_out, job_out, version_out
from service.admin.schemas import MetadataIn, PublishIn, RestoreIn, metadata_from_fields
from service.admin.upload import read_upload
from service.audit import to_csv
from service.deps import Audit, Feedback, JobChanges, Jobs, LibraryDep, WorkspaceDep
from service.jobs.parsing import pipeline_for
from service.routes.api import MEDIA_TYPES
from service.workspace import INCOMING

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_maintainer)])
Limit = Annotated[int, Query(ge=1, le=200)]
Offset = Annotated[int, Query(ge=0)]
TRUE = ("1", "true", "yes", "on", "ja")


async def _submit(
    request: Request, space: WorkspaceDep, who: Maintainer, target: str | None
) -> JSONResponse:
    settings = space.settings
    upload = await read_upload(
        request,
        settings.max_upload_mb * 1024 * 1024,
        settings.data_dir / INCOMING,
        pipeline_for(settings),
    )
    try:
        metadata = metadata_from_fields(upload.fields)
        publish = (upload.fields.get("publish") or [""])[-1].strip().lower() in TRUE
        job = await run_in_threadpool(space.submit, upload, actor(who), metadata, publish, target)
    finally:
        upload.path.unlink(missing_ok=True)
    return JSONResponse(
        {"job_id": job.id, "status_url": f"/api/admin/jobs/{job.id}", "status": job.status},
        status_code=status.HTTP_202_ACCEPTED,
        headers={"Location": f"/api/admin/jobs/{job.id}"},
    )


@router.post("/documents", status_code=202, summary="Upload a document (multipart field 'file')")
async def upload_document(request: Request, space: WorkspaceDep, who: Maintainer) -> JSONResponse:
    return await _submit(request, space, who, None)


@router.put("/documents/{doc_id}/file", status_code=202, summary="Upload a new version")
async def replace_document(
    doc_id: str, request: Request, space: WorkspaceDep, who: Maintainer
) -> JSONResponse:
    return await _submit(request, space, who, doc_id)


@router.get("/documents", summary="All documents: published, withdrawn, in review")
def list_documents(library: LibraryDep) -> list[dict[str, Any]]:
    return [document_out(r) for r in library.rows()]


@router.get("/documents/{doc_id}", summary="One document with its versions and metadata")
def get_document(doc_id: str, library: LibraryDep) -> dict[str, Any]:
    return document_out(library.row(doc_id))


@router.patch("/documents/{doc_id}", summary="Edit metadata")
def edit_document(
    doc_id: str, body: MetadataIn, library: LibraryDep, who: Maintainer
) -> dict[str, Any]:
    return document_out(library.edit(doc_id, actor(who), body))


@router.delete("/documents/{doc_id}", summary="Withdraw (undo with restore)")
def withdraw_document(doc_id: str, library: LibraryDep, who: Maintainer) -> dict[str, Any]:
    library.withdraw(doc_id, actor(who))
    return document_out(library.row(doc_id))


@router.get("/documents/{doc_id}/versions", summary="Kept versions, newest first")
def list_versions(doc_id: str, library: LibraryDep) -> list[dict[str, Any]]:
    return [version_out(v) for v in library.row(doc_id).versions]


@router.post("/documents/{doc_id}/restore", summary="Undo a replace or a withdrawal")
def restore_document(
    doc_id: str, body: RestoreIn, library: LibraryDep, who: Maintainer
) -> dict[str, Any]:
    library.restore(doc_id, body.version, actor(who))
    return document_out(library.row(doc_id))


@router.post("/documents/{doc_id}/purge", summary="Remove for good (admins)")
def purge_document(doc_id: str, library: LibraryDep, who: Admin) -> dict[str, Any]:
    gone = library.purge(doc_id, actor(who))
    return {"id": doc_id, "purged_versions": [v.version for v in gone]}


@router.get("/documents/{doc_id}/versions/{version}/file", response_class=FileResponse)
def version_file(doc_id: str, version: str, library: LibraryDep) -> FileResponse:
    path, info = library.version_original(doc_id, version)
    return FileResponse(
        path,
        media_type=MEDIA_TYPES.get(info.kind, "application/octet-stream"),
        filename=info.file_name,
        content_disposition_type="attachment",  # unpublished content: never rendered here
    )


@router.get("/jobs", summary="Recent jobs")
def list_jobs(jobs: Jobs, limit: Limit = 50, offset: Offset = 0) -> list[dict[str, Any]]:
    return [job_out(j) for j in jobs.recent(limit, offset)]


@router.get("/jobs/{job_id}", summary="Status, progress and preview of a job")
def get_job(job_id: str, jobs: Jobs) -> dict[str, Any]:
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job '{job_id}'")
    return job_out(job)


@router.get("/jobs/{job_id}/events", summary="Progress as server-sent events")
async def job_events(
    job_id: str, request: Request, jobs: Jobs, changes: JobChanges
) -> EventSourceResponse:
    if await run_in_threadpool(jobs.get, job_id) is None:
        raise NotFound(f"no job '{job_id}'")
    return EventSourceResponse(_events(job_id, request, jobs, changes), ping=15)


async def _events(
    job_id: str, request: Request, jobs: Jobs, changes: JobChanges
) -> AsyncIterator[dict[str, str]]:
    last: dict[str, Any] | None = None
    while not await request.is_disconnected():
        since = changes.version
        job = await run_in_threadpool(jobs.get, job_id)
        if job is None:
            return
        data = job_out(job)
        if data != last:
            yield {"event": "progress", "data": json.dumps(data, ensure_ascii=False)}
            last = data
        if job.status not in ("queued", "running"):
            yield {"event": "done", "data": json.dumps({"status": job.status})}
            return
        await changes.wait(since, 1.0)  # another process may run the job: poll as well


@router.patch("/jobs/{job_id}", summary="Correct the metadata of a job in review")
def edit_job(job_id: str, body: MetadataIn, space: WorkspaceDep) -> dict[str, Any]:
    return job_out(space.update_job_metadata(job_id, body))


@router.post("/jobs/{job_id}/publish", summary="Publish a job that is in review")
def publish_job(
    job_id: str, space: WorkspaceDep, who: Maintainer, body: PublishIn | None = None
) -> dict[str, Any]:
    return job_out(space.publish_job(job_id, actor(who), body.metadata if body else None))


@router.post("/jobs/{job_id}/discard", summary="Discard a job that is in review")
def discard_job(job_id: str, space: WorkspaceDep, who: Maintainer) -> dict[str, Any]:
    return job_out(space.discard_job(job_id, actor(who)))


@router.get("/audit", summary="The audit log (JSON, or CSV with ?format=csv)")
def audit_log(
    audit: Audit,
    format: Annotated[str, Query(pattern="^(json|csv)$")] = "json",
    limit: Annotated[int, Query(ge=1, le=10000)] = 200,
    offset: Offset = 0,
    doc_id: str | None = None,
) -> Response:
    entries = audit.entries(limit, offset, doc_id)
    if format == "csv":
        return Response(
            to_csv(entries),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="audit.csv"'},
        )
    return JSONResponse([audit_out(e) for e in entries])


@router.get("/feedback", summary="Rated answers, 👎 first")
def feedback_list(
    store: Feedback, limit: Limit = 50, offset: Offset = 0, handled: bool | None = None
) -> list[dict[str, Any]]:
    return store.for_review(limit, offset, handled)
