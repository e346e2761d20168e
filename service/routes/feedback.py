"""Feedback on answers: anyone may send it (within a rate limit and a storage budget); only
maintainers (a token or a session) may read it, a page at a time."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response, status

from service.admin.auth import require_maintainer
from service.deps import Feedback
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
    summary="For maintainers (Bearer token); newest first, paginated; see also /api/admin/feedback",
    response_description="a page; the Link header points to the next one when there is more",
    dependencies=[Depends(require_maintainer)],
)
def list_feedback(
    store: Feedback,
    response: Response,
    limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 50,
    offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
) -> list[FeedbackOut]:
    rows = store.list(limit + 1, offset)
    if len(rows) > limit:
        next_page = f"/api/feedback?limit={limit}&offset={offset + limit}"
        response.headers["Link"] = f'<{next_page}>; rel="next"'
    return [FeedbackOut(**row) for row in rows[:limit]]
