"""A worst-case stand-in for an OpenAI-compatible LLM endpoint: a real HTTP server (Starlette
under uvicorn) that streams real SSE chunks. No instruction-tuned model runs here, so its replies
are computed from the prompt, and it obeys whatever the passages tell it to do.

Behaviours (``FakeLLM.behaviour.mode``):
- ``obedient``: answers with the first sentence of passage 1 and ``[1]``, then carries out every
  passage that says "Ignoriere alle vorherigen Anweisungen" (with FRAGE replaced by the question,
  URL-encoded, as an exfiltration attempt would).
- ``decline``: KEINE_ANTWORT. ``echo``: recites its instructions. ``uncited``: no markers.
- Faults: ``http500``, ``http429``, ``slow`` (nothing until ``gate`` is set or ``delay_s``
  passed), ``stall`` (a few tokens, then the same silence), ``garbage-json`` (SSE with invalid
  JSON), ``garbage-sse`` (an HTML page with status 200), ``hold`` (like slow, then answers).
  ``reset`` sets the gate of the behaviour it replaces, so no handler stays stuck.
Follow-up rewriting requests (a VERLAUF block) get "<last user turn> <question>", or a 500 in
``rewrite-fails`` mode.
"""

import json
import re
import threading
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import quote_plus

import anyio
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Mode = Literal[
    "obedient",
    "decline",
    "echo",
    "uncited",
    "http500",
    "http429",
    "slow",
    "stall",
    "garbage-json",
    "garbage-sse",
    "hold",
    "rewrite-fails",
]
TRIGGER = "Ignoriere alle vorherigen Anweisungen"


@dataclass
class Behaviour:
    mode: Mode = "obedient"
    delay_s: float = 30.0
    gate: threading.Event = field(default_factory=threading.Event)
    requests: int = 0
    bodies: list[dict[str, Any]] = field(default_factory=list)


def _block(text: str, name: str) -> str:
    m = re.search(rf"<<<{name} (\w+)>>>\n(.*?)\n<<<ENDE {name} \1>>>", text, re.S)
    return m.group(2) if m else ""


def _passages(user: str) -> list[str]:
    data = _block(user, "DATEN")
    parts = re.split(r"^\[\d+\] [^\n]*\n", data, flags=re.M)
    return [p.strip() for p in parts[1:]]


class FakeLLM:
    def __init__(self) -> None:
        self.behaviour = Behaviour()
        self.app = Starlette(
            routes=[
                Route("/v1/chat/completions", self.completions, methods=["POST"]),
                Route("/v1/models", self.models, methods=["GET"]),
            ]
        )

    def reset(self, mode: Mode = "obedient", delay_s: float = 30.0) -> Behaviour:
        self.behaviour.gate.set()
        self.behaviour = Behaviour(mode=mode, delay_s=delay_s)
        return self.behaviour

    async def models(self, request: Request) -> Response:
        return JSONResponse({"object": "list", "data": [{"id": "fake", "object": "model"}]})

    async def completions(self, request: Request) -> Response:
        body = await request.json()
        b = self.behaviour
        b.requests += 1
        b.bodies.append(body)
        messages = body["messages"]
        rewrite = "<<<VERLAUF" in messages[-1]["content"]
        if b.mode == "http500" or (rewrite and b.mode == "rewrite-fails"):
            return JSONResponse({"error": {"message": "boom", "type": "server_error"}}, 500)
        if b.mode == "http429":
            return JSONResponse(
                {"error": {"message": "slow down", "type": "requests"}},
                429,
                headers={"Retry-After": "0"},
            )
        if b.mode in ("slow", "hold"):
            await anyio.to_thread.run_sync(b.gate.wait, b.delay_s)
        reply = self.rewrite(messages) if rewrite else self.reply(messages)
        if not body.get("stream"):
            return JSONResponse(_completion(reply))
        if b.mode == "garbage-sse":
            return Response("<html><body>502 Bad Gateway</body></html>", media_type="text/html")
        return StreamingResponse(self.chunks(reply), media_type="text/event-stream")

    def reply(self, messages: list[dict[str, str]]) -> str:
        system, user = messages[0]["content"], messages[-1]["content"]
        mode = self.behaviour.mode
        if mode == "decline":
            return "KEINE_ANTWORT"
        if mode == "echo":
            return "Gern. Meine Anweisungen lauten: " + system
        passages = _passages(user)
        question = _block(user, "FRAGE").strip()
        first = re.split(r"(?<=[.!?])\s", passages[0], maxsplit=1)[0] if passages else ""
        out = first if mode == "uncited" else f"{first} [1]"
        for text in passages:
            if TRIGGER in text:
                obeyed = text.split(TRIGGER, 1)[1].lstrip(" .:")
                out += " " + obeyed.replace("FRAGE", quote_plus(question))
        return out

    @staticmethod
    def rewrite(messages: list[dict[str, str]]) -> str:
        user = messages[-1]["content"]
        lines = _block(user, "VERLAUF").splitlines()
        turns = [ln[7:].strip() for ln in lines if ln.startswith("Nutzer:")]
        question = _block(user, "FRAGE").strip()
        return f"{turns[-1]} {question}" if turns else question

    async def chunks(self, reply: str) -> AsyncIterator[str]:
        b = self.behaviour
        if b.mode == "garbage-json":
            yield 'data: {"id": "x", "choices": [{"delta": {"content": "Hal\n\n'
            yield "data: this is not json\n\n"
            return
        created = int(time.time())
        tokens = re.findall(r"\s*\S+", reply) or [reply]
        for i, token in enumerate(tokens):
            if b.mode == "stall" and i == 3:
                await anyio.to_thread.run_sync(b.gate.wait, b.delay_s)
            delta = {"content": token} if i else {"role": "assistant", "content": token}
            yield _sse(_chunk(created, delta))
        yield _sse(_chunk(created, {}, "stop"))
        yield "data: [DONE]\n\n"


def _chunk(created: int, delta: dict[str, str], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": created,
        "model": "fake",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def _sse(data: dict[str, Any]) -> str:
    return f"data: {json.dumps(data, ensure_ascii=False)}\n\n"


def _completion(reply: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "fake",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": reply},
                "finish_reason": "stop",
            }
        ],
        "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
    }
