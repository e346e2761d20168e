"""Feedback on answers: anyone may send it (within a rate limit and a storage budget); only
maintainers (KB_ADMIN_TOKEN, as "Authorization: Bearer ...") may read it, a page at a time."""

import secrets
from typing import Annotated

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Response, status

from service.deps import AppSettings, Feedback
from service.errors import detail
from service.ratelimit import rate_limit
from service.schemas import FeedbackIn, FeedbackOut

router = APIRouter(prefix="/api", tags=["feedback"])

MAX_PAGE = 100


@router.post(
    "/feedback",
    status_code=status.HTTP_201_CREATED,
    response_model=FeedbackOut,
    dependencies=[Depends(rate_limit("feedback"))],
)
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


@router.get(
    "/feedback",
    response_model=list[FeedbackOut],
    summary="For maintainers (Bearer token); newest first, paginated",
    response_description="a page; the Link header points to the next one when there is more",
)
def list_feedback(
    store: Feedback,
    settings: AppSettings,
    response: Response,
    authorization: Annotated[str | None, Header()] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[FeedbackOut]:
    token = settings.admin_token.get_secret_value() if settings.admin_token else ""
    if not token:
        raise HTTPException(
            403, detail("Feedback-Einsicht ist abgeschaltet", "set KB_ADMIN_TOKEN to enable it")
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(
        given.strip().encode(), token.encode()
    ):
        raise HTTPException(
            401,
            detail("Nicht berechtigt", "a valid Bearer token is required"),
            headers={"WWW-Authenticate": "Bearer"},
        )
    rows = store.list(limit + 1, offset)
    if len(rows) > limit:
        next_page = f"/api/feedback?limit={limit}&offset={offset + limit}"
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    return [FeedbackOut(**row) for row in rows[:limit]]
