"""The one place where errors become HTTP responses: always {"detail": ...}, never a traceback.

Messages are German with the English in parentheses, for a German UI and English clients.
"""

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import (
    BackendError,
    ConfigError,
    EmptyKnowledgeBase,
    InvalidInput,
    KBError,
    ModelMismatch,
    NotFound,
    Overloaded,
    ReadOnly,
    StorageFull,
    StoreUnavailable,
    WriterBusy,
)

log = logging.getLogger("kb.service")

STATUS = [
    (NotFound, 404, "Nicht gefunden"),
    (InvalidInput, 422, "Ungültige Eingabe"),
    (EmptyKnowledgeBase, 503, "Die Wissensdatenbank ist noch leer"),
    (ModelMismatch, 503, "Der Index passt nicht zum Embedding-Modell"),
    (WriterBusy, 503, "Die Wissensdatenbank wird gerade aktualisiert"),
    (Overloaded, 503, "Gerade sind zu viele Anfragen in Arbeit"),
    (ReadOnly, 503, "Der Dienst läuft nur lesend"),
    (StorageFull, 507, "Der Speicher ist voll"),
    (StoreUnavailable, 503, "Der Vektorspeicher ist nicht erreichbar"),
    (BackendError, 502, "Der Sprachmodell-Dienst ist nicht erreichbar"),
    (ConfigError, 500, "Fehlerhafte Konfiguration"),
]


def detail(german: str, english: str) -> str:
    return f"{german} ({english})"


def install(app: FastAPI) -> None:
    @app.exception_handler(KBError)
    async def kb_error(request: Request, exc: KBError) -> JSONResponse:
        for cls, status, german in STATUS:
            if isinstance(exc, cls):
                headers = (
                    {"Retry-After": str(exc.retry_after_s)} if isinstance(exc, Overloaded) else None
                )
                return JSONResponse(
                    {"detail": detail(german, str(exc))}, status_code=status, headers=headers
                )
        return JSONResponse({"detail": detail("Fehler", str(exc))}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        text = detail("Ungültige Anfrage", "; ".join(problems)[:2000] or "invalid request")
        # what the client sent is echoed: it must still encode (a lone surrogate cannot)
        text = text.encode("utf-8", "replace").decode("utf-8")
        return JSONResponse({"detail": text}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        text = exc.detail if isinstance(exc.detail, str) else "error"
        headers = dict(exc.headers or {})
        if exc.status_code == 404 and text == "Not Found":
            text = detail("Nicht gefunden", "not found")
        elif exc.status_code == 405:
            text = detail("Methode nicht erlaubt", "method not allowed")
        if exc.status_code in (408, 413):
            headers["Connection"] = "close"  # the rest of the body is not read
        return JSONResponse({"detail": text}, status_code=exc.status_code, headers=headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": detail("Interner Fehler", "internal error; see the server log")},
            status_code=500,
        )
