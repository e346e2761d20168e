"""The app factory: heavy objects are built in the lifespan and kept on app.state."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from kb.knowledge_base import KnowledgeBase, build_kb
from kb.settings import Settings
from kb.store.lock import ServerLock
from service import errors
from service.feedback import FeedbackStore
from service.gate import AnswerGate
from service.middleware import BodyGuard, SecurityHeaders
from service.ratelimit import RateLimits
from service.routes import api, docs, feedback, health, pages

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
        owner = _own_data_dir(kb, settings)
        try:
            await run_in_threadpool(kb.warm_up)
            app.state.kb = kb
            app.state.feedback = FeedbackStore(
                settings.data_dir / "feedback.sqlite3",
                max_bytes=settings.feedback_max_mb * 2**20,
                read_only=kb.store.read_only,
            )
            app.state.rate_limits = RateLimits(settings)
            app.state.gate = AnswerGate(
                settings.max_concurrent_answers, settings.answer_queue, settings.answer_wait_s
            )
            if kb.store.read_only:
                log.warning("%s is read-only: serving without feedback", settings.data_dir)
            yield
            app.state.feedback.close()
        finally:
            if owner is not None:
                owner.release()
            kb.close()

    app = FastAPI(
        title="Gemeinsam klappt's – Wissensdatenbank",
        description="Cited answers from the documents of the NRW initiative „Gemeinsam klappt's“.",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # served by routes/docs.py with local assets (offline, strict CSP)
        redoc_url=None,
    )
    app.state.settings = settings
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
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Authorization"],
        expose_headers=["Retry-After"],
        max_age=600,
    )
    for router in (health.router, api.router, feedback.router, pages.router, docs.router):
        app.include_router(router)
    static = Path(__file__).resolve().parent / "static"
    app.mount(docs.ASSETS_URL, StaticFiles(directory=docs.assets()), name="swagger")
    app.mount("/static", StaticFiles(directory=static), name="static")
    return app


def body_limits(settings: Settings) -> dict[str, int]:
    """Routes whose bodies may be larger than KB_MAX_BODY_KB, by path prefix (e.g. uploads:
    ``{"/api/admin/uploads": settings.max_upload_mb * 2**20}``)."""
    return {}


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
