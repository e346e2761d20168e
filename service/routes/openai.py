"""The knowledge base as an OpenAI-compatible model: GET /v1/models, POST /v1/chat/completions.

Errors on these routes have OpenAI's shape ({"error": {...}}); the rest of the API keeps
{"detail"}. Auth: Bearer keys (service.api_keys) when configured, else open like /api/chat.
"""

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, StreamingResponse
from fastapi.routing import APIRoute
from openai.types import Model
from openai.types.chat.chat_completion_chunk import ChoiceDelta
from starlette.exceptions import HTTPException as StarletteHTTPException

from kb.answer.events import AnswerEvent, Delta, Finished, Restart, Started
from kb.errors import (
    BackendError,
    ConfigError,
    EmptyKnowledgeBase,
    InvalidInput,
    KBError,
    ModelMismatch,
    NotFound,
    Overloaded,
    StoreUnavailable,
    WriterBusy,
)
from service.deps import CHAT, KB, AppSettings
from service.openai_format import (
    FALLBACK_NOTE,
    ChatCompletionRequest,
    OpenAIError,
    answer_text,
    check_model,
    chunk,
    completion,
    conversation,
    extras,
    sources_markdown,
    usage,
)
from service.present import answer_out
from service.schemas import AnswerOut
from service.streaming import ThreadedEvents

log = logging.getLogger("kb.service")
KNOWN = {"/v1/models": "GET", "/v1/chat/completions": "POST"}


class OpenAIRoute(APIRoute):
    """Every error of a /v1 route in OpenAI's shape."""

    def get_route_handler(self) -> Callable[[Request], Awaitable[Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                return await handler(request)
            except Exception as e:  # mapped here once, for all /v1 routes
                err = openai_error(e, request)
                return JSONResponse(err.body(), status_code=err.status, headers=err.headers)

        return route


def openai_error(e: Exception, request: Request) -> OpenAIError:
    if isinstance(e, OpenAIError):
        return e
    if isinstance(e, RequestValidationError):
        first = e.errors()[0] if e.errors() else {}
        loc = [str(p) for p in first.get("loc", ()) if p != "body"]
        param = "".join(f"[{p}]" if p.isdigit() else f".{p}" for p in loc).lstrip(".") or None
        message = str(first.get("msg", "invalid request"))
        if first.get("type") == "json_invalid":
            message, param = "The request body is not valid JSON.", None
        return OpenAIError(400, f"{message} ({param})" if param else message, param=param)
    if isinstance(e, KBError):
        return _kb_error(e)
    if isinstance(e, StarletteHTTPException):
        kind = "invalid_request_error" if e.status_code < 500 else "server_error"
        if e.status_code == 429:
            return OpenAIError(
                429, str(e.detail), "requests", code="rate_limit_exceeded", headers=e.headers
            )
        return OpenAIError(e.status_code, str(e.detail), kind, headers=e.headers)
    log.exception("unhandled error on %s %s", request.method, request.url.path)
    return OpenAIError(500, "Internal error; see the server log.", "server_error")


def _kb_error(e: KBError) -> OpenAIError:
    if isinstance(e, InvalidInput):
        return OpenAIError(400, str(e))
    if isinstance(e, NotFound):
        return OpenAIError(404, str(e))
    if isinstance(e, Overloaded):
        return OpenAIError(
            503,
            str(e),
            "server_error",
            code="service_unavailable",
            headers={"Retry-After": str(e.retry_after_s)},
        )
    if isinstance(e, EmptyKnowledgeBase | WriterBusy | ModelMismatch | StoreUnavailable):
        return OpenAIError(503, str(e), "server_error", code="service_unavailable")
    if isinstance(e, BackendError):
        return OpenAIError(502, str(e), "server_error")
    if isinstance(e, ConfigError):
        return OpenAIError(500, str(e), "server_error")
    return OpenAIError(500, str(e), "server_error")


async def require_key(request: Request) -> None:
    verifier = getattr(request.app.state, "api_keys", None)
    if verifier is None:
        return  # no keys configured: as open as /api/chat (README)
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    challenge = {"WWW-Authenticate": "Bearer"}
    if scheme.lower() != "bearer" or not token.strip():
        raise OpenAIError(
            401,
            "You didn't provide an API key: send it as 'Authorization: Bearer KEY'.",
            code="missing_api_key",
            headers=challenge,
        )
    principal = verifier.verify(token.strip())
    if principal is None:
        raise OpenAIError(
            401, "Incorrect API key provided.", code="invalid_api_key", headers=challenge
        )
    request.state.principal = principal


router = APIRouter(
    prefix="/v1", tags=["openai"], route_class=OpenAIRoute, dependencies=[Depends(require_key)]
)


def _model(settings: AppSettings, request: Request) -> dict[str, Any]:
    created = int(getattr(request.app.state, "started_at", 0))
    return Model(
        id=settings.openai_model_id, object="model", created=created, owned_by="knowledge-base"
    ).model_dump(mode="json", exclude_none=True)


@router.get("/models", summary="The one model: the knowledge base")
def models(settings: AppSettings, request: Request) -> dict[str, Any]:
    return {"object": "list", "data": [_model(settings, request)]}


@router.get("/models/{model_id:path}", summary="The model, by id")
def model(model_id: str, settings: AppSettings, request: Request) -> dict[str, Any]:
    check_model(model_id, settings)
    return _model(settings, request)


@router.post(
    "/chat/completions",
    summary="A cited answer in the OpenAI chat format",
    dependencies=CHAT,  # the chat rate limit per client IP and the answer gate of /api/chat
)
async def chat_completions(
    body: ChatCompletionRequest, request: Request, kb: KB, settings: AppSettings
) -> Response:
    question, history = conversation(body, settings)
    reply = Reply(
        completion_id=f"chatcmpl-{uuid.uuid4().hex}",
        created=int(time.time()),
        model=settings.openai_model_id,
        base=(settings.public_url or str(request.base_url)).rstrip("/"),
        prompt="\n".join([*(t.content for t in history), question]),  # for the usage estimate
    )
    if not body.stream:
        answer = await run_in_threadpool(kb.ask, question, history)
        out = answer_out(answer, reply.completion_id.removeprefix("chatcmpl-"))
        content = answer_text(out.answer, out.mode == "generative", reply.base)
        content += sources_markdown(out.citations, reply.base)
        return JSONResponse(
            completion(reply.completion_id, reply.created, reply.model, content, out, reply.prompt)
        )
    events = ThreadedEvents(kb.ask_stream(question, history=history))
    first = await events.next()  # bad input and an empty KB fail here, as an error response
    assert isinstance(first, Started)
    include_usage = bool(body.stream_options and body.stream_options.include_usage)
    return StreamingResponse(
        reply.stream(events, include_usage),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


class Reply:
    """One streamed completion: chunks with the same id, in OpenAI's order."""

    def __init__(self, completion_id: str, created: int, model: str, base: str, prompt: str):
        self.completion_id, self.created, self.model = completion_id, created, model
        self.base, self.prompt = base, prompt
        self.content = ""
        self.usage_field: dict[str, Any] = {}

    def _chunk(self, delta: ChoiceDelta | None, **extra: Any) -> str:
        if delta is not None and delta.content:
            self.content += delta.content
        fields = {**self.usage_field, **extra}
        return chunk(self.completion_id, self.created, self.model, delta, **fields)

    async def stream(
        self, events: ThreadedEvents[AnswerEvent], include_usage: bool
    ) -> AsyncIterator[str]:
        if include_usage:
            self.usage_field = {"usage": None}  # null on every chunk but the last (as OpenAI)
        answer_id = self.completion_id.removeprefix("chatcmpl-")
        try:
            yield self._chunk(ChoiceDelta(role="assistant", content=""))
            while (event := await events.next()) is not None:
                if isinstance(event, Delta):
                    text = answer_text(event.text, event.generated, self.base)
                    yield self._chunk(ChoiceDelta(content=text))
                elif isinstance(event, Restart):  # what was sent stays; say why more follows
                    text = FALLBACK_NOTE + answer_text(event.text, False, self.base)
                    yield self._chunk(ChoiceDelta(content=text))
                elif isinstance(event, Finished):
                    for piece in self._final(answer_out(event.answer, answer_id), include_usage):
                        yield piece
            yield "data: [DONE]\n\n"
        except Exception:
            log.exception("the /v1 answer stream failed")
            err = OpenAIError(500, "Internal error; see the server log.", "server_error")
            yield f"data: {json.dumps(err.body())}\n\n"
        finally:
            await events.aclose()

    def _final(self, out: AnswerOut, include_usage: bool) -> list[str]:
        pieces = []
        sources = sources_markdown(out.citations, self.base)
        if sources:
            pieces.append(self._chunk(ChoiceDelta(content=sources)))
        pieces.append(self._chunk(ChoiceDelta(), finish="stop", **extras(out)))
        if include_usage:
            self.usage_field = {}
            pieces.append(self._chunk(None, usage=usage(self.prompt, self.content)))
        return pieces


@router.api_route(
    "/{path:path}", methods=["GET", "POST", "PUT", "PATCH", "DELETE"], include_in_schema=False
)
def unknown(path: str, request: Request) -> None:
    where = f"/v1/{path}"
    if where in KNOWN:
        raise OpenAIError(405, f"Use {KNOWN[where]} for {where}.", code="method_not_allowed")
    raise OpenAIError(404, f"Unknown request URL: {request.method} {where}.", code="unknown_url")
