"""Who may use /admin and /api/admin: a Bearer token (no CSRF needed: browsers never send it on
their own) or a session cookie plus the CSRF token (header X-CSRF-Token, or the form field
``csrf``). Routers put ``require_maintainer`` on every route; admin-only routes add
``require_admin``.
"""

import hmac
from typing import Annotated

from fastapi import Depends, Request, Response

from kb.errors import AccessDenied, Forbidden
from kb.settings import Settings
from service.accounts import AccountStore, Principal, verify_api_token
from service.deps import writable_state

SESSION_COOKIE = "kb_session"
LOGIN_CSRF_COOKIE = "kb_login_csrf"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class CsrfError(Forbidden):
    pass


def accounts_of(request: Request) -> AccountStore:
    return writable_state(request, "accounts")  # type: ignore[no-any-return]


def principal(request: Request) -> Principal | None:
    """The caller, from a Bearer token or a live session; AccessDenied for a bad token."""
    settings: Settings = request.app.state.settings
    accounts = accounts_of(request)
    header = request.headers.get("authorization")
    if header is not None:
        scheme, _, raw = header.partition(" ")
        found = verify_api_token(accounts, settings, raw) if scheme.lower() == "bearer" else None
        if found is None:
            raise AccessDenied("a valid Bearer token is required")
        return found
    cookie = request.cookies.get(SESSION_COOKIE)
    return accounts.session(cookie) if cookie else None


async def require_maintainer(request: Request) -> Principal:
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    who = principal(request)
    if who is None:
        raise AccessDenied("sign in or send a Bearer token")
    if who.via == "session" and request.method not in SAFE_METHODS:
        await check_csrf(request, who.csrf or "")
    request.state.principal = who
    return who


async def require_admin(who: Annotated[Principal, Depends(require_maintainer)]) -> Principal:
    if not who.is_admin:
        raise Forbidden("only admins may do this")
    return who


async def check_csrf(request: Request, expected: str) -> None:
    """Header first; urlencoded forms may carry the field; multipart forms carry it in the
    query string (their body is streamed to disk, not parsed before the check)."""
    given = request.headers.get(CSRF_HEADER, "")
    ctype = request.headers.get("content-type", "").lower()
    if not given and ctype.startswith(FORM_TYPES[0]):
        form = await request.form(max_files=0, max_fields=50)
        value = form.get(CSRF_FIELD)
        given = value if isinstance(value, str) else ""
    if not given and ctype.startswith(FORM_TYPES[1]):
        given = request.query_params.get(CSRF_FIELD, "")
    if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
        raise CsrfError("the CSRF token is missing or wrong: reload the page and try again")


def set_session_cookie(
    response: Response, request: Request, value: str, settings: Settings
) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        value,
        max_age=settings.session_max_hours * 3600,
        httponly=True,
        samesite="strict",
        secure=is_https(request, settings),
        path="/",
    )


def is_https(request: Request, settings: Settings) -> bool:
    return request.url.scheme == "https" or (settings.public_url or "").startswith("https://")


def actor(who: Principal) -> str:
    """How the audit log names the caller."""
    return who.name if who.via == "session" else f"{who.name} (API)"


Maintainer = Annotated[Principal, Depends(require_maintainer)]
Admin = Annotated[Principal, Depends(require_admin)]
