"""The one place where errors become HTTP responses: always {"detail": ...}, never a traceback.

Messages are German with the English in parentheses, for a German UI and English clients.
"""

import logging
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.errors import (
    AccessDenied,
    BackendError,
    ConfigError,
    Conflict,
    EmptyKnowledgeBase,
    Forbidden,
    IngestError,
    InvalidInput,
    KBError,
    ModelMismatch,
    NotFound,
    Overloaded,
    ReadOnly,
    StorageFull,
    StoreUnavailable,
    TooLarge,
    TooManyAttempts,
    UnsupportedFormat,
    WriterBusy,
)

log = logging.getLogger("kb.service")

STATUS = [
    (NotFound, 404, "Nicht gefunden"),
    (TooLarge, 413, "Zu groß"),
    (InvalidInput, 422, "Ungültige Eingabe"),
    (UnsupportedFormat, 415, "Dateityp nicht unterstützt"),
    (IngestError, 422, "Die Datei kann nicht verarbeitet werden"),
    (Conflict, 409, "Nicht möglich"),
    (Forbidden, 403, "Keine Berechtigung"),
    (TooManyAttempts, 429, "Zu viele Versuche"),
    (AccessDenied, 401, "Nicht angemeldet"),
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
    async def kb_error(request: Request, exc: KBError) -> Response:
        status, german = next(((s, g) for c, s, g in STATUS if isinstance(exc, c)), (500, "Fehler"))
        if _is_page(request) and isinstance(exc, AccessDenied):
            page = _page_error(request, exc, status, german)
            if page is not None:
                return page
        headers = {}
        if isinstance(exc, TooManyAttempts | Overloaded):
            headers["Retry-After"] = str(exc.retry_after_s)
        elif status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        return JSONResponse(
            {"detail": detail(german, str(exc))}, status_code=status, headers=headers
        )

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


def _is_page(request: Request) -> bool:
    return request.url.path == "/admin" or request.url.path.startswith("/admin/")


def _page_error(request: Request, exc: KBError, status: int, german: str) -> Response | None:
    """On the maintainers' pages: not signed in → the login page; a wrong role → a page."""
    if status == 401:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        if request.method != "GET":
            target = "/admin"
        return RedirectResponse(f"/admin/login?next={quote(target, safe='')}", status_code=303)
    if status == 403:
        from service.templating import templates

        return templates.TemplateResponse(
            request,
            "admin/error.html",
            {"title": german, "message": str(exc), "status": status},
            status_code=status,
        )
    return None
