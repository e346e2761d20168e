"""Liveness and readiness."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="The knowledge base is loaded and has documents")
def readyz(request: Request) -> JSONResponse:
    kb = getattr(request.app.state, "kb", None)
    if kb is None:
        return JSONResponse({"ready": False, "documents": 0, "chunks": 0}, status_code=503)
    docs = kb.documents()
    body = {"ready": bool(docs), "documents": len(docs), "chunks": sum(d.chunks for d in docs)}
    return JSONResponse(body, status_code=200 if docs else 503)
