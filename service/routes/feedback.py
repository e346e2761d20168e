"""Feedback on answers: anyone may send it; only maintainers (KB_ADMIN_TOKEN) may read it."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Header, HTTPException, Query, status

from service.deps import AppSettings, Feedback
from service.errors import detail
from service.schemas import FeedbackIn, FeedbackOut

router = APIRouter(prefix="/api", tags=["feedback"])


@router.post("/feedback", status_code=status.HTTP_201_CREATED, response_model=FeedbackOut)
def add_feedback(body: FeedbackIn, store: Feedback) -> FeedbackOut:
    row = store.add(
        body.answer_id,
        body.rating,
        body.question,
        body.answer,
        [dict(c) for c in body.citations],
        body.comment,
    )
    return FeedbackOut(**row)


@router.get("/feedback", response_model=list[FeedbackOut], summary="For maintainers (Bearer token)")
def list_feedback(
    store: Feedback,
    settings: AppSettings,
    authorization: Annotated[str | None, Header()] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[FeedbackOut]:
    token = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not token:
        raise HTTPException(
            403, detail("Feedback-Einsicht ist abgeschaltet", "set KB_ADMIN_TOKEN to enable it")
        )
    given = (authorization or "").removeprefix("Bearer ").strip()
    if not secrets.compare_digest(given.encode(), token.encode()):
        raise HTTPException(
            401,
            detail("Nicht berechtigt", "a valid Bearer token is required"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    return [FeedbackOut(**row) for row in store.list(limit, offset)]
