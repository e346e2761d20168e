"""The app factory: heavy objects are built in the lifespan and kept on app.state."""

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
from service.api_keys import verifier_from_settings
from service.errors import detail
from service.feedback import FeedbackStore
from service.routes import api, feedback, health, openai, pages

MAX_BODY_BYTES = 256 * 1024
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
        yield
        app.state.feedback.close()
        kb.close()

    app = FastAPI(
        title="Gemeinsam klappt's – Wissensdatenbank",
        description="Cited answers from the documents of the NRW initiative „Gemeinsam klappt's“.",
        version="0.1.0",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.started_at = time.time()
    app.state.api_keys = verifier_from_settings(settings)  # /v1 auth; None: open
    errors.install(app)
    app.add_middleware(
        CORSMiddleware,
        allow_origins=settings.cors_origins,
        allow_credentials=False,
        allow_methods=["GET", "POST"],
        allow_headers=["Content-Type", "Authorization"],
        max_age=600,
    )
    app.middleware("http")(_limits_and_headers)
    for router in (health.router, api.router, openai.router, feedback.router, pages.router):
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
    if length and length.isdigit() and int(length) > MAX_BODY_BYTES:
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
