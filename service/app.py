"""The app factory: heavy objects are built in the lifespan and kept on app.state."""

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from ingest.parse import parsing_code_fingerprint
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.settings import Settings
from kb.store.lock import ServerLock
from service import errors
from service.accounts import AccountStore, AccountTokens
from service.admin.routes import ROUTERS as ADMIN_ROUTERS
from service.api_keys import AnyOf, verifier_from_settings
from service.audit import AuditLog
from service.feedback import FeedbackStore
from service.gate import AnswerGate
from service.jobs.changes import Changes
from service.jobs.runner import JobRunner
from service.jobs.store import JobStore
from service.library import Library
from service.middleware import BodyGuard, SecurityHeaders
from service.ratelimit import RateLimits
from service.routes import api, docs, feedback, health, openai, pages
from service.templating import SiteCache
from service.workspace import Workspace

ACCOUNTS_DB = "accounts.sqlite3"
JOBS_DB = "jobs.sqlite3"
# Where files are uploaded: bounded by KB_MAX_UPLOAD_MB while streaming (service/admin/upload).
UPLOAD_PATHS = ("/api/admin/documents", "/admin/documents")

log = logging.getLogger("kb.service")

# The service's own pages: scripts and styles only from here, never framed (the widget is a
# script on the host page, not a frame).
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def create_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        kb = build_kb(settings)
        parsing_code_fingerprint()  # the parsing code this process runs, named before uploads
        owner = _own_data_dir(kb, settings)
        runner: JobRunner | None = None
        closing: list[Any] = []
        try:
            await run_in_threadpool(kb.warm_up)
            app.state.kb = kb
            app.state.feedback = FeedbackStore(
                settings.data_dir / "feedback.sqlite3",
                max_bytes=settings.feedback_max_mb * 2**20,
                read_only=kb.store.read_only,
            )
            closing.append(app.state.feedback)
            app.state.rate_limits = RateLimits(settings)
            app.state.gate = AnswerGate(
                settings.max_concurrent_answers, settings.answer_queue, settings.answer_wait_s
            )
            if kb.store.read_only:
                log.warning(
                    "%s is read-only: serving without feedback and workspace", settings.data_dir
                )
            else:
                runner = await _open_workspace(app, kb, settings, closing)
            yield
        finally:
            if runner is not None:
                await run_in_threadpool(runner.stop)
            for part in reversed(closing):
                part.close()
            if owner is not None:
                owner.release()
            kb.close()

    app = FastAPI(
        title="Wissensdatenbank",
        description="Cited answers from the documents of an initiative, and the maintainers' API.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by routes/docs.py with local assets (offline, strict CSP)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.started_at = time.time()
    app.state.api_keys = verifier_from_settings(settings)  # /v1 auth; None: open
    app.state.site = SiteCache(settings.data_dir)
    errors.install(app)
    # innermost first: the body guard raises inside the app, CORS wraps every response
    app.add_middleware(
        BodyGuard,
        limit=settings.max_body_kb * 1024,
        prefix_limits=body_limits(settings),
        timeout_s=settings.body_timeout_s,
    )
    app.add_middleware(SecurityHeaders, csp=CSP, html_csp={"/docs": docs.CSP})
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST"],  # the maintainers' API is same-origin only
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    for router in (
        health.router,
        api.router,
        openai.router,
        feedback.router,
        pages.router,
        docs.router,
        *ADMIN_ROUTERS,
    ):
        app.include_router(router)
    static = Path(__file__).resolve().parent / "static"
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app


async def _open_workspace(
    app: FastAPI, kb: KnowledgeBase, settings: Settings, closing: list[Any]
) -> JobRunner | None:
    """Accounts, audit log, job queue and its worker (a writable data dir only)."""
    app.state.accounts = AccountStore(settings.data_dir / ACCOUNTS_DB, settings)
    closing.append(app.state.accounts)
    if app.state.api_keys is not None:  # /v1 then also takes the maintainers' tokens
        app.state.api_keys = AnyOf(app.state.api_keys, AccountTokens(app.state.accounts, settings))
    audit = app.state.audit = AuditLog(settings.data_dir / ACCOUNTS_DB)
    closing.append(audit)
    changes = Changes()
    changes.bind(asyncio.get_running_loop())
    jobs = JobStore(settings.data_dir / JOBS_DB)
    closing.append(jobs)
    space = app.state.workspace = Workspace(kb, jobs, audit, settings, changes)
    app.state.library = Library(kb, audit, settings, changes)
    await run_in_threadpool(space.sweep_incoming)
    runner = JobRunner(space)
    space.wake = runner.wake
    if not settings.job_worker:
        return None
    runner.start()
    return runner


def body_limits(settings: Settings) -> dict[str, int]:
    """Routes whose bodies may be larger than KB_MAX_BODY_KB, by path prefix: uploads, with
    room for the multipart envelope and the metadata fields."""
    upload = settings.max_upload_mb * 2**20 + 256 * 1024
    return {prefix: upload for prefix in UPLOAD_PATHS}


def _own_data_dir(kb: KnowledgeBase, settings: Settings) -> ServerLock | None:
    """One server per embedded store (its in-memory index is per process); with a Chroma
    server, or read-only, several may share the data dir."""
    if settings.chroma_url or kb.store.read_only:
        return None
    lock = ServerLock(settings.data_dir)
    try:
        lock.acquire(f"http://{settings.host}:{settings.port}")
    except BaseException:
        kb.close()
        raise
    return lock


def app_from_environment() -> FastAPI:
    """Factory for uvicorn (and its workers): each process reads the same KB_* settings."""
    return create_app(Settings())
