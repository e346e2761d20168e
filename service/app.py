"""The app factory: heavy objects are built in the lifespan and kept on app.state."""

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from kb.knowledge_base import build_kb
from kb.settings import Settings
from service import errors
from service.accounts import AccountStore, AccountTokens
from service.admin.routes import ROUTERS as ADMIN_ROUTERS
from service.api_keys import AnyOf, verifier_from_settings
from service.audit import AuditLog
from service.errors import detail
from service.feedback import FeedbackStore
from service.jobs.changes import Changes
from service.jobs.runner import JobRunner
from service.jobs.store import JobStore
from service.library import Library
from service.routes import api, feedback, health, openai, pages
from service.templating import SiteCache
from service.workspace import Workspace

MAX_BODY_BYTES = 256 * 1024
ACCOUNTS_DB = "accounts.sqlite3"
JOBS_DB = "jobs.sqlite3"
# Where files are uploaded: bounded by KB_MAX_UPLOAD_MB while streaming (service/admin/upload).
UPLOAD_PATHS = ("/api/admin/documents", "/admin/documents")
# The service's own pages: scripts and styles only from here, nothing framed elsewhere.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'self'"
)


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        kb = build_kb(settings)
        await run_in_threadpool(kb.warm_up)
        app.state.kb = kb
        app.state.feedback = FeedbackStore(settings.data_dir / "feedback.sqlite3")
        app.state.accounts = AccountStore(settings.data_dir / ACCOUNTS_DB, settings)
        if app.state.api_keys is not None:  # /v1 then also takes the maintainers' tokens
            app.state.api_keys = AnyOf(
                app.state.api_keys, AccountTokens(app.state.accounts, settings)
            )
        audit = app.state.audit = AuditLog(settings.data_dir / ACCOUNTS_DB)
        changes = Changes()
        changes.bind(asyncio.get_running_loop())
        jobs = JobStore(settings.data_dir / JOBS_DB)
        space = app.state.workspace = Workspace(kb, jobs, audit, settings, changes)
        app.state.library = Library(kb, audit, settings, changes)
        await run_in_threadpool(space.sweep_incoming)
        runner = JobRunner(space)
        space.wake = runner.wake
        if settings.job_worker:
            runner.start()
        yield
        await run_in_threadpool(runner.stop)
        for closing in (jobs, audit, app.state.accounts, app.state.feedback, kb):
            closing.close()

    app = FastAPI(
        title="Wissensdatenbank",
        description="Cited answers from the documents of an initiative, and the maintainers' API.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.started_at = time.time()
    app.state.api_keys = verifier_from_settings(settings)  # /v1 auth; None: open
    app.state.site = SiteCache(settings.data_dir)
    errors.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST"],  # the maintainers' API is same-origin only
        allow_headers=["Content-Type", "Authorization"],
        max_age=600,
    )
    app.middleware("http")(_limits_and_headers)
    for router in (
        health.router,
        api.router,
        openai.router,
        feedback.router,
        pages.router,
        *ADMIN_ROUTERS,
    ):
        app.include_router(router)
    static = Path(__file__).resolve().parent / "static"
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (and its workers): each process reads the same KB_* settings."""
    return create_app(Settings())


async def _limits_and_headers(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    length = request.headers.get("content-length")
    uploading = request.url.path.startswith(UPLOAD_PATHS) and request.method in ("POST", "PUT")
    # uploads are bounded by their own reader (KB_MAX_UPLOAD_MB), counting bytes as they stream
    if not uploading and length and length.isdigit() and int(length) > MAX_BODY_BYTES:
        return JSONResponse(
            {"detail": detail("Anfrage zu groß", f"request body over {MAX_BODY_BYTES} bytes")},
            status_code=413,
        )
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    if response.headers.get("content-type", "").startswith("text/html"):
        response.headers.setdefault("Content-Security-Policy", CSP)
    return response
