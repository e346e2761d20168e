"""Liveness and readiness.

/healthz runs on the event loop and touches nothing: it answers while every worker thread is
busy. /readyz runs a real registry query and a real vector query, on threads of its own (not
the pool answers use), and says 503 when either fails or takes too long.
"""

import anyio
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])

READY_TIMEOUT_S = 5.0


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The knowledge base answers: registry and vectors queried")
async def readyz(request: Request) -> JSONResponse:
    state = request.app.state
    kb = getattr(state, "kb", None)
    if kb is None:
        return JSONResponse({"ready": False, "documents": 0, "chunks": 0}, status_code=503)
    if getattr(state, "ready_limiter", None) is None:
        state.ready_limiter = anyio.CapacityLimiter(2)
    try:
        with anyio.fail_after(READY_TIMEOUT_S):
            docs, chunks = await anyio.to_thread.run_sync(
                kb.readiness, limiter=state.ready_limiter, abandon_on_cancel=True
            )
    except Exception as e:  # any failure means: not ready
        problem = "timed out" if isinstance(e, TimeoutError) else type(e).__name__
        body = {"ready": False, "documents": 0, "chunks": 0, "problem": problem}
        return JSONResponse(body, status_code=503)
    body = {"ready": docs > 0, "documents": docs, "chunks": chunks}
    return JSONResponse(body, status_code=200 if docs else 503)
