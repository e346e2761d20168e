"""More of /api/admin: feedback actions (maintainers), users, tokens and site settings
(admins only)."""

from typing import Any

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field

from kb.errors import NotFound
from kb.site import load_site, save_site
from service.accounts import Role
from service.admin.auth import Admin, Maintainer, actor, require_admin, require_maintainer
from service.deps import Accounts, AppSettings, Audit, Feedback
from service.eval_drafts import append_draft, draft_item

router = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_maintainer)])
admin_only = APIRouter(prefix="/api/admin", tags=["admin"], dependencies=[Depends(require_admin)])


class EvalDraftIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str | None = Field(default=None, max_length=1000)
    answer: str = Field(default="", max_length=5000)
    sources: list[int] = Field(default_factory=list, max_length=20)  # citation numbers
    unanswerable: bool = False


class HandledIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    handled: bool = True


class UserIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=64)
    role: Role = "maintainer"
    password: str = Field(min_length=1, max_length=1024)


class TokenIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    label: str | None = Field(default=None, max_length=100)


class SiteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    title: str | None = None
    subject: str | None = None
    welcome: str | None = None
    examples: list[str] | None = None
    primary_color: str | None = None
    accent_color: str | None = None
    contact: str | None = None
    footer: str | None = None


@router.post("/feedback/{feedback_id}/handled", summary="Mark a rated answer as handled")
def feedback_handled(
    feedback_id: str, store: Feedback, audit: Audit, who: Maintainer, body: HandledIn | None = None
) -> dict[str, Any]:
    handled = body.handled if body else True
    if not store.mark_handled(feedback_id, actor(who), handled):
        raise NotFound(f"no feedback '{feedback_id}'")
    audit.record(actor(who), "feedback_handled", None, None, feedback=feedback_id, handled=handled)
    return store.get(feedback_id) or {}


@router.post("/feedback/{feedback_id}/eval", status_code=201, summary="als Testfrage übernehmen")
def feedback_to_eval(
    feedback_id: str,
    body: EvalDraftIn,
    store: Feedback,
    audit: Audit,
    settings: AppSettings,
    who: Maintainer,
) -> dict[str, Any]:
    row = store.get(feedback_id)
    if row is None:
        raise NotFound(f"no feedback '{feedback_id}'")
    item = draft_item(row, body.answer, body.sources, body.unanswerable, body.question)
    path = append_draft(settings.data_dir, item)
    audit.record(actor(who), "feedback_to_eval", None, None, feedback=feedback_id, qa=item["id"])
    return {"item": item, "file": str(path)}


@admin_only.get("/users", summary="Accounts (admins)")
def list_users(accounts: Accounts) -> list[dict[str, Any]]:
    tokens = accounts.tokens()
    return [
        {
            "name": u.name,
            "role": u.role,
            "tokens": [
                {"id": t.id, "label": t.label, "revoked": t.revoked_at is not None}
                for t in tokens
                if t.user == u.name
            ],
        }
        for u in accounts.users()
    ]


@admin_only.post("/users", status_code=201, summary="Add an account (admins)")
def add_user(body: UserIn, accounts: Accounts, audit: Audit, who: Admin) -> dict[str, Any]:
    user = accounts.add_user(body.name, body.role, body.password)
    audit.record(actor(who), "user_add", None, None, user=user.name, role=user.role)
    return {"name": user.name, "role": user.role}


@admin_only.delete("/users/{name}", summary="Remove an account (admins)")
def remove_user(name: str, accounts: Accounts, audit: Audit, who: Admin) -> dict[str, Any]:
    accounts.remove_user(name)
    audit.record(actor(who), "user_remove", None, None, user=name)
    return {"removed": name}


@admin_only.post("/users/{name}/tokens", status_code=201, summary="New API token (admins)")
def create_token(
    name: str, accounts: Accounts, audit: Audit, who: Admin, body: TokenIn | None = None
) -> dict[str, Any]:
    token, raw = accounts.create_token(name, body.label if body else None)
    audit.record(actor(who), "token_create", None, None, user=name, token=token.id)
    return {"id": token.id, "user": name, "token": raw}


@admin_only.delete("/tokens/{token_id}", summary="Revoke an API token (admins)")
def revoke_token(token_id: str, accounts: Accounts, audit: Audit, who: Admin) -> dict[str, Any]:
    token = accounts.revoke_token(token_id)
    audit.record(actor(who), "token_revoke", None, None, user=token.user, token=token.id)
    return {"revoked": token.id}


@admin_only.get("/settings", summary="Site settings (admins)")
def get_settings(settings: AppSettings) -> dict[str, Any]:
    return load_site(settings.data_dir).model_dump()


@admin_only.put("/settings", summary="Change site settings (admins)")
def put_settings(body: SiteIn, settings: AppSettings, audit: Audit, who: Admin) -> dict[str, Any]:
    changed = body.model_dump(exclude_none=True)
    site = save_site(settings.data_dir, changed)
    audit.record(actor(who), "settings", None, None, changed=sorted(changed))
    return site.model_dump()
