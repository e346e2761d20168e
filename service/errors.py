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
    WriterBusy,
)

log = logging.getLogger("kb.service")

STATUS = [
    (NotFound, 404, "Nicht gefunden"),
    (InvalidInput, 422, "Ungültige Eingabe"),
    (EmptyKnowledgeBase, 503, "Die Wissensdatenbank ist noch leer"),
    (ModelMismatch, 503, "Der Index passt nicht zum Embedding-Modell"),
    (WriterBusy, 503, "Die Wissensdatenbank wird gerade aktualisiert"),
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
                return JSONResponse({"detail": detail(german, str(exc))}, status_code=status)
        return JSONResponse({"detail": detail("Fehler", str(exc))}, status_code=500)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = []
        for err in exc.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p != "body")
            problems.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return JSONResponse(
            {"detail": detail("Ungültige Anfrage", "; ".join(problems) or "invalid request")},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        text = exc.detail if isinstance(exc.detail, str) else "error"
        if exc.status_code == 404 and text == "Not Found":
            text = detail("Nicht gefunden", "not found")
        elif exc.status_code == 405:
            text = detail("Methode nicht erlaubt", "method not allowed")
        return JSONResponse({"detail": text}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(
            {"detail": detail("Interner Fehler", "internal error; see the server log")},
            status_code=500,
        )
