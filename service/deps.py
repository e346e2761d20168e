"""Dependencies: the heavy objects live on app.state, built once in the lifespan."""

from typing import Annotated

from fastapi import Depends, Request

from kb.knowledge_base import KnowledgeBase
from kb.settings import Settings
from service.feedback import FeedbackStore
from service.gate import AnswerSlot
from service.ratelimit import rate_limit


def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback  # type: ignore[no-any-return]


KB = Annotated[KnowledgeBase, Depends(_kb)]
AppSettings = Annotated[Settings, Depends(_settings)]
Feedback = Annotated[FeedbackStore, Depends(_feedback)]

# Public routes that compute answers: a budget per client IP (429), then a bounded number at
# once (503). A route opts in with ``dependencies=CHAT`` (e.g. /api/chat, /v1/chat/completions)
# or ``dependencies=SEARCH``.
CHAT = [Depends(rate_limit("chat")), AnswerSlot]
SEARCH = [Depends(rate_limit("search")), AnswerSlot]
