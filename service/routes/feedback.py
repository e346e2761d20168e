"""Feedback on answers: anyone may send it; only maintainers (a token or a session) read it."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, status

from service.admin.auth import require_maintainer
from service.deps import Feedback
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


@router.get(
    "/feedback",
    response_model=list[FeedbackOut],
    summary="For maintainers (Bearer token); see also /api/admin/feedback",
    dependencies=[Depends(require_maintainer)],
)
def list_feedback(
    store: Feedback,
    limit: Annotated[int, Query(ge=1, le=1000)] = 200,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[FeedbackOut]:
    return [FeedbackOut(**row) for row in store.list(limit, offset)]
