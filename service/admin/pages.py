"""The maintainers' pages (German, server-rendered, usable without JavaScript): login, overview,
documents, jobs with review. Every form carries the session's CSRF token; the file forms carry it
in their address (their body streams to disk before anything else is read)."""

import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from kb.errors import AccessDenied, KBError, NotFound, TooManyAttempts
from kb.facets.places import Gazetteer
from kb.facets.topics import TOPICS
from kb.models import DOCUMENT_KINDS
from service.admin.auth import (
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    Maintainer,
    actor,
    is_https,
    require_maintainer,
    set_session_cookie,
)
from service.admin.schemas import metadata_from_fields
from service.admin.upload import read_upload
from service.deps import Accounts, Audit, Jobs, LibraryDep, WorkspaceDep
from service.jobs.parsing import pipeline_for
from service.templating import templates
from service.workspace import INCOMING

public = APIRouter(include_in_schema=False)
router = APIRouter(include_in_schema=False, dependencies=[Depends(require_maintainer)])


def render(
    request: Request, name: str, who: Any, status: int = 200, **context: Any
) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        f"admin/{name}",
        {"who": who, "csrf": getattr(who, "csrf", None) or "", **context},
        status_code=status,
        headers={"Cache-Control": "no-store"},
    )


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


async def form_fields(request: Request) -> dict[str, list[str]]:
    form = await request.form(max_files=0, max_fields=60)
    fields: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(key, []).append(value)
    return fields


def field(fields: dict[str, list[str]], key: str) -> str:
    return (fields.get(key) or [""])[-1]


def form_choices() -> dict[str, Any]:
    return {
        "kinds": DOCUMENT_KINDS,
        "topics": TOPICS,
        "place_names": sorted(Gazetteer.load().by_name),
    }


# -- login -----------------------------------------------------------------------------------------


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/admin") and "//" not in target and "\\" not in target:
        return target
    return "/admin"


@public.get("/admin/login", response_class=HTMLResponse)
def login_page(
    request: Request, next: Annotated[str, Query(max_length=500)] = "/admin"
) -> HTMLResponse:
    return _login_form(request, next, None, 200)


def _login_form(request: Request, target: str, error: str | None, status: int) -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    response = render(
        request, "login.html", None, status, next=_safe_next(target), error=error, login_csrf=token
    )
    response.set_cookie(
        LOGIN_CSRF_COOKIE,
        token,
        max_age=3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request, request.app.state.settings),
        path="/admin/login",
    )
    return response


@public.post("/admin/login", response_class=HTMLResponse)
async def login(request: Request, accounts: Accounts, audit: Audit) -> Response:
    fields = await form_fields(request)
    target = _safe_next(field(fields, "next"))
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(field(fields, "csrf"), expected):
        return _login_form(request, target, "Die Anmeldeseite war veraltet: bitte erneut.", 403)
    name, password = field(fields, "name").strip(), field(fields, "password")
    client = request.client.host if request.client else "unknown"
    try:
        raw, who = await run_in_threadpool(accounts.login, name, password, client)
    except TooManyAttempts as e:
        response = _login_form(request, target, f"{e} (noch {e.retry_after_s} s).", 429)
        response.headers["Retry-After"] = str(e.retry_after_s)
        return response
    except AccessDenied as e:
        return _login_form(request, target, str(e), 401)
    audit.record(who.name, "login", None, None, client=client)
    response = see_other(target)
    set_session_cookie(response, request, raw, request.app.state.settings)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin/login")
    return response


@router.post("/admin/logout")
def logout(request: Request, accounts: Accounts, audit: Audit, who: Maintainer) -> Response:
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        accounts.logout(cookie)
    audit.record(actor(who), "logout")
    response = see_other("/admin/login?abgemeldet=1")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- overview and upload ----------------------------------------------------------------------


@router.get("/admin", response_class=HTMLResponse)
def overview(
    request: Request, who: Maintainer, library: LibraryDep, jobs: Jobs, audit: Audit
) -> HTMLResponse:
    return _overview(request, who, library, jobs, audit)


def _overview(
    request: Request,
    who: Any,
    library: Any,
    jobs: Any,
    audit: Any,
    error: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    return render(
        request,
        "overview.html",
        who,
        status,
        documents=library.rows(),
        jobs=jobs.recent(15),
        activity=audit.entries(12),
        error=error,
        max_upload_mb=request.app.state.settings.max_upload_mb,
        **form_choices(),
    )


async def _upload(request: Request, space: Any, who: Any, target: str | None) -> RedirectResponse:
    settings = space.settings
    upload = await read_upload(
        request,
        settings.max_upload_mb * 1024 * 1024,
        settings.data_dir / INCOMING,
        pipeline_for(settings),
    )
    try:
        metadata = metadata_from_fields(upload.fields)
        publish = field(upload.fields, "publish") == "1"
        job = await run_in_threadpool(space.submit, upload, actor(who), metadata, publish, target)
    finally:
        upload.path.unlink(missing_ok=True)
    return see_other(f"/admin/jobs/{job.id}")


@router.post("/admin/documents/upload")
async def upload_page(
    request: Request,
    who: Maintainer,
    space: WorkspaceDep,
    library: LibraryDep,
    jobs: Jobs,
    audit: Audit,
) -> Response:
    try:
        return await _upload(request, space, who, None)
    except KBError as e:
        return _overview(request, who, library, jobs, audit, str(e), _status(e))


def _status(e: KBError) -> int:
    from service.errors import STATUS

    return next((s for c, s, _ in STATUS if isinstance(e, c)), 500)


# -- jobs -------------------------------------------------------------------------------------


@router.get("/admin/jobs/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, who: Maintainer, jobs: Jobs) -> HTMLResponse:
    return _job(request, job_id, who, jobs)


def _job(
    request: Request, job_id: str, who: Any, jobs: Any, error: str | None = None, status: int = 200
) -> HTMLResponse:
    job = jobs.get(job_id)
    if job is None:
        raise NotFound(f"no job '{job_id}'")
    preview = job.preview or {}
    suggested = preview.get("suggested", {})
    current = {**suggested, **job.metadata}
    current.setdefault("title", (preview.get("detected") or {}).get("title"))
    current.setdefault("date", (preview.get("detected") or {}).get("date"))
    return render(
        request,
        "job.html",
        who,
        status,
        job=job,
        preview=preview,
        meta=current,
        error=error,
        **form_choices(),
    )


@router.post("/admin/jobs/{job_id}/publish")
async def publish_page(
    request: Request, job_id: str, who: Maintainer, space: WorkspaceDep, jobs: Jobs
) -> Response:
    fields = await form_fields(request)
    try:
        metadata = metadata_from_fields(fields)
        job = await run_in_threadpool(space.publish_job, job_id, actor(who), metadata)
    except KBError as e:
        return _job(request, job_id, who, jobs, str(e), _status(e))
    return see_other(f"/admin/documents/{quote(job.doc_id or '')}?ok=veroeffentlicht")


@router.post("/admin/jobs/{job_id}/discard")
async def discard_page(
    request: Request, job_id: str, who: Maintainer, space: WorkspaceDep, jobs: Jobs
) -> Response:
    try:
        await run_in_threadpool(space.discard_job, job_id, actor(who))
    except KBError as e:
        return _job(request, job_id, who, jobs, str(e), _status(e))
    return see_other(f"/admin/jobs/{job_id}")
