"""Dependencies: the heavy objects live on app.state, built once in the lifespan."""

from typing import Annotated, Any

from fastapi import Depends, Request

from kb.errors import ReadOnly
from kb.knowledge_base import KnowledgeBase
from kb.settings import Settings
from service.accounts import AccountStore
from service.audit import AuditLog
from service.feedback import FeedbackStore
from service.gate import AnswerSlot
from service.jobs.changes import Changes
from service.jobs.store import JobStore
from service.library import Library
from service.ratelimit import rate_limit
from service.workspace import Workspace


def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback  # type: ignore[no-any-return]


def writable_state(request: Request, name: str) -> Any:
    """A part of the maintainers' workspace; a read-only data dir has none (503)."""
    value = getattr(request.app.state, name, None)
    if value is None:
        raise ReadOnly("the data dir is read-only: the maintainers' workspace is switched off")
    return value


def _accounts(request: Request) -> AccountStore:
    return writable_state(request, "accounts")  # type: ignore[no-any-return]


def _audit(request: Request) -> AuditLog:
    return writable_state(request, "audit")  # type: ignore[no-any-return]


def _workspace(request: Request) -> Workspace:
    return writable_state(request, "workspace")  # type: ignore[no-any-return]


def _library(request: Request) -> Library:
    return writable_state(request, "library")  # type: ignore[no-any-return]


def _jobs(request: Request) -> JobStore:
    return _workspace(request).jobs


def _changes(request: Request) -> Changes:
    return _workspace(request).changes


KB = Annotated[KnowledgeBase, Depends(_kb)]
Accounts = Annotated[AccountStore, Depends(_accounts)]
Audit = Annotated[AuditLog, Depends(_audit)]
WorkspaceDep = Annotated[Workspace, Depends(_workspace)]
LibraryDep = Annotated[Library, Depends(_library)]
Jobs = Annotated[JobStore, Depends(_jobs)]
JobChanges = Annotated[Changes, Depends(_changes)]
AppSettings = Annotated[Settings, Depends(_settings)]
Feedback = Annotated[FeedbackStore, Depends(_feedback)]

# Public routes that compute answers: a budget per client IP (429), then a bounded number at
# once (503). A route opts in with ``dependencies=CHAT`` (e.g. /api/chat, /v1/chat/completions)
# or ``dependencies=SEARCH``.
CHAT = [Depends(rate_limit("chat")), AnswerSlot]
SEARCH = [Depends(rate_limit("search")), AnswerSlot]
