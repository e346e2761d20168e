"""Dependencies: the heavy objects live on app.state, built once in the lifespan."""

from typing import Annotated

from fastapi import Depends, Request

from kb.knowledge_base import KnowledgeBase
from kb.settings import Settings
from service.accounts import AccountStore
from service.audit import AuditLog
from service.feedback import FeedbackStore
from service.jobs.changes import Changes
from service.jobs.store import JobStore
from service.library import Library
from service.workspace import Workspace


def _kb(request: Request) -> KnowledgeBase:
    return request.app.state.kb  # type: ignore[no-any-return]


def _settings(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


def _feedback(request: Request) -> FeedbackStore:
    return request.app.state.feedback  # type: ignore[no-any-return]


def _accounts(request: Request) -> AccountStore:
    return request.app.state.accounts  # type: ignore[no-any-return]


def _audit(request: Request) -> AuditLog:
    return request.app.state.audit  # type: ignore[no-any-return]


def _workspace(request: Request) -> Workspace:
    return request.app.state.workspace  # type: ignore[no-any-return]


def _library(request: Request) -> Library:
    return request.app.state.library  # type: ignore[no-any-return]


def _jobs(request: Request) -> JobStore:
    return request.app.state.workspace.jobs  # type: ignore[no-any-return]


def _changes(request: Request) -> Changes:
    return request.app.state.workspace.changes  # type: ignore[no-any-return]


KB = Annotated[KnowledgeBase, Depends(_kb)]
Accounts = Annotated[AccountStore, Depends(_accounts)]
Audit = Annotated[AuditLog, Depends(_audit)]
WorkspaceDep = Annotated[Workspace, Depends(_workspace)]
LibraryDep = Annotated[Library, Depends(_library)]
Jobs = Annotated[JobStore, Depends(_jobs)]
JobChanges = Annotated[Changes, Depends(_changes)]
AppSettings = Annotated[Settings, Depends(_settings)]
Feedback = Annotated[FeedbackStore, Depends(_feedback)]
