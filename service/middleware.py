"""Pure ASGI middleware: request bodies bounded while they stream, security headers.

``BodyGuard`` refuses a declared Content-Length over the route's limit at once (413), counts the
bytes of a body sent without one (chunked) and stops reading past the limit (413), gives a body
that does not arrive within ``timeout_s`` a 408 (a slow or half-sent request cannot hold a
connection), and rejects JSON whose strings hold lone UTF-16 surrogates (422: they cannot be
stored or sent back as UTF-8). Errors met while the app reads the body are raised inside the
app, so they get the usual ``{"detail"}`` shape and CORS headers.

(FastAPI's own ``max_body_size`` is not used: it answers a declared oversize body in plain text.)
"""

import asyncio
import json
from collections.abc import Mapping
from typing import Any

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import detail

CLOSE = {"Connection": "close"}
# A larger body (an upload) may take as long as it would at this rate, at least ``timeout_s``.
MIN_UPLOAD_BYTES_PER_S = 100 * 1024


class BodyGuard:
    """``limit`` bytes for every route, except paths under a prefix in ``prefix_limits`` (the
    longest matching prefix wins), e.g. ``{"/api/admin/uploads": 50 * 2**20}``."""

    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        prefix_limits: Mapping[str, int] | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        self.app = app
        self.limit = limit
        self.prefixes = sorted((prefix_limits or {}).items(), key=lambda kv: -len(kv[0]))
        self.timeout_s = timeout_s

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.prefixes:
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return limit
        return self.limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length", b"").decode("latin-1").strip()
        if declared.isdigit() and int(declared) > limit:
            await _reply(send, 413, _too_large(limit))
            return
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip().endswith(b"json")
        timeout = self.timeout_s
        if limit > self.limit:
            expected = int(declared) if declared.isdigit() else limit
            timeout = max(timeout, expected / MIN_UPLOAD_BYTES_PER_S)
        reader = _BodyReader(receive, limit, timeout, check_json=is_json)
        await self.app(scope, reader.receive, send)


class _BodyReader:
    def __init__(self, receive: Receive, limit: int, timeout_s: float, check_json: bool) -> None:
        self._receive = receive
        self._limit = limit
        self._size = 0
        self._timeout_s = timeout_s
        self._check_json = check_json
        self._parts: list[bytes] = []
        self._deadline: float | None = None
        self._done = False

    async def receive(self) -> Message:
        if self._done:  # e.g. a streaming response listening for the client to go away
            return await self._receive()
        loop = asyncio.get_running_loop()
        if self._deadline is None:
            self._deadline = loop.time() + self._timeout_s
        try:
            message = await asyncio.wait_for(
                self._receive(), timeout=max(self._deadline - loop.time(), 0)
            )
        except TimeoutError:
            raise HTTPException(
                408,
                detail(
                    "Anfrage unvollständig",
                    f"the request body did not arrive within {self._timeout_s:g} s",
                ),
                headers=CLOSE,
            ) from None
        if message["type"] != "http.request":
            self._done = True
            return message
        body = message.get("body", b"")
        self._size += len(body)
        if self._size > self._limit:
            raise HTTPException(413, _too_large(self._limit), headers=CLOSE)
        if self._check_json:
            self._parts.append(body)
        if not message.get("more_body", False):
            self._done = True
            if self._check_json:
                _check_unicode(b"".join(self._parts))
                self._parts = []
        return message


def _check_unicode(body: bytes) -> None:
    """422 for JSON strings (keys or values) with a lone surrogate such as "\\ud800"."""
    if b"\\u" not in body and b"\\U" not in body:
        return  # surrogates can only come from escapes: raw ones are invalid UTF-8 already
    try:
        parsed = json.loads(body)
    except ValueError:
        return  # malformed JSON gets FastAPI's own 422
    if _has_lone_surrogate(parsed):
        raise HTTPException(
            422,
            detail(
                "Ungültige Zeichen",
                "the JSON body contains an invalid Unicode escape (a lone surrogate)",
            ),
        )


def _has_lone_surrogate(value: Any) -> bool:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return True
        return False
    if isinstance(value, dict):
        return any(_has_lone_surrogate(k) or _has_lone_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_lone_surrogate(v) for v in value)
    return False


def _too_large(limit: int) -> str:
    if limit >= 2**20:
        size = f"{limit / 2**20:.3g} MB"
    elif limit >= 1024:
        size = f"{limit / 1024:.3g} KB"
    else:
        size = f"{limit} bytes"
    return detail("Anfrage zu groß", f"the request body is over {size}")


async def _reply(send: Send, status: int, text: str) -> None:
    body = json.dumps({"detail": text}, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class SecurityHeaders:
    """nosniff, referrer policy and no framing on every response; the strict CSP on HTML."""

    def __init__(self, app: ASGIApp, csp: str, html_csp: Mapping[str, str] | None = None) -> None:
        self.app = app
        self.csp = csp.encode()
        self.html_csp = {k: v.encode() for k, v in (html_csp or {}).items()}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers") or [])
                present = {k.lower() for k, _ in headers}
                extra = [
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"same-origin"),
                    (b"x-frame-options", b"DENY"),
                ]
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    extra.append((b"content-security-policy", self.html_csp.get(path, self.csp)))
                headers += [(k, v) for k, v in extra if k not in present]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)
