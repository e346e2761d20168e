"""Feedback (👎 first; mark handled; "als Testfrage übernehmen"), the audit log, and for admins:
accounts, API tokens and the site settings."""

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from kb.errors import KBError, NotFound
from kb.site import load_site, save_site
from service.accounts import ROLES
from service.admin.auth import Admin, Maintainer, actor, require_admin, require_maintainer
from service.admin.pages import _status, field, form_fields, render, see_other
from service.deps import Accounts, AppSettings, Audit, Feedback
from service.eval_drafts import LOCAL_QA, append_draft, draft_item

router = APIRouter(include_in_schema=False, dependencies=[Depends(require_maintainer)])
admin_only = APIRouter(include_in_schema=False, dependencies=[Depends(require_admin)])
PAGE = 50


# -- feedback ---------------------------------------------------------------------------------


@router.get("/admin/feedback", response_class=HTMLResponse)
def feedback_page(
    request: Request,
    who: Maintainer,
    store: Feedback,
    erledigt: Annotated[bool, Query()] = False,
    ok: Annotated[str, Query(max_length=40)] = "",
) -> HTMLResponse:
    return _feedback(request, who, store, erledigt, ok=ok)


def _feedback(
    request: Request,
    who: Any,
    store: Any,
    handled: bool,
    error: str | None = None,
    status: int = 200,
    ok: str = "",
) -> HTMLResponse:
    return render(
        request,
        "feedback.html",
        who,
        status,
        items=store.for_review(PAGE, 0, handled),
        counts=store.counts(),
        handled=handled,
        error=error,
        ok={
            "erledigt": "Als erledigt markiert.",
            "testfrage": f"Als Testfrage in {LOCAL_QA} übernommen.",
        }.get(ok),
    )


@router.post("/admin/feedback/{feedback_id}/handled")
async def handled_page(
    request: Request, feedback_id: str, who: Maintainer, store: Feedback, audit: Audit
) -> Response:
    fields = await form_fields(request)
    handled = field(fields, "handled") != "0"
    if not store.mark_handled(feedback_id, actor(who), handled):
        raise NotFound(f"no feedback '{feedback_id}'")
    audit.record(actor(who), "feedback_handled", feedback=feedback_id, handled=handled)
    return see_other("/admin/feedback?ok=erledigt")


@router.post("/admin/feedback/{feedback_id}/eval")
async def eval_page(
    request: Request,
    feedback_id: str,
    who: Maintainer,
    store: Feedback,
    audit: Audit,
    settings: AppSettings,
) -> Response:
    fields = await form_fields(request)
    row = store.get(feedback_id)
    if row is None:
        raise NotFound(f"no feedback '{feedback_id}'")
    try:
        sources = [int(v) for v in fields.get("source", []) if v.isdigit()]
        item = draft_item(
            row,
            field(fields, "answer"),
            sources,
            field(fields, "unanswerable") == "1",
            field(fields, "question") or None,
        )
        append_draft(settings.data_dir, item)
    except KBError as e:
        return _feedback(request, who, store, False, str(e), _status(e))
    audit.record(actor(who), "feedback_to_eval", feedback=feedback_id, qa=item["id"])
    return see_other("/admin/feedback?ok=testfrage")


# -- audit ------------------------------------------------------------------------------------


@router.get("/admin/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    who: Maintainer,
    audit: Audit,
    seite: Annotated[int, Query(ge=1, le=100000)] = 1,
) -> HTMLResponse:
    total = audit.count()
    return render(
        request,
        "audit.html",
        who,
        entries=audit.entries(PAGE, (seite - 1) * PAGE),
        page=seite,
        pages=max(1, -(-total // PAGE)),
        total=total,
    )


# -- users and tokens (admins) ------------------------------------------------------------------


@admin_only.get("/admin/users", response_class=HTMLResponse)
def users_page(request: Request, who: Admin, accounts: Accounts) -> HTMLResponse:
    return _users(request, who, accounts)


def _users(
    request: Request,
    who: Any,
    accounts: Any,
    error: str | None = None,
    status: int = 200,
    new_token: str | None = None,
    ok: str | None = None,
) -> HTMLResponse:
    return render(
        request,
        "users.html",
        who,
        status,
        users=accounts.users(),
        tokens=accounts.tokens(),
        roles=ROLES,
        error=error,
        new_token=new_token,
        ok=ok,
    )


@admin_only.post("/admin/users", response_class=HTMLResponse)
async def add_user_page(
    request: Request, who: Admin, accounts: Accounts, audit: Audit
) -> HTMLResponse:
    fields = await form_fields(request)
    name, role = field(fields, "name").strip(), field(fields, "role")
    try:
        accounts.add_user(name, role, field(fields, "password"))
    except KBError as e:
        return _users(request, who, accounts, str(e), _status(e))
    audit.record(actor(who), "user_add", user=name, role=role)
    return _users(request, who, accounts, ok=f"Konto „{name}“ angelegt ({role}).")


@admin_only.post("/admin/users/{name}/remove", response_class=HTMLResponse)
def remove_user_page(
    request: Request, name: str, who: Admin, accounts: Accounts, audit: Audit
) -> HTMLResponse:
    if name == who.name:
        return _users(request, who, accounts, "Das eigene Konto kann nicht entfernt werden.", 409)
    accounts.remove_user(name)
    audit.record(actor(who), "user_remove", user=name)
    return _users(request, who, accounts, ok=f"Konto „{name}“ entfernt.")


@admin_only.post("/admin/users/{name}/tokens", response_class=HTMLResponse)
async def token_page(
    request: Request, name: str, who: Admin, accounts: Accounts, audit: Audit
) -> HTMLResponse:
    fields = await form_fields(request)
    token, raw = accounts.create_token(name, field(fields, "label").strip() or None)
    audit.record(actor(who), "token_create", user=name, token=token.id)
    return _users(request, who, accounts, new_token=raw)


@admin_only.post("/admin/tokens/{token_id}/revoke", response_class=HTMLResponse)
def revoke_page(
    request: Request, token_id: str, who: Admin, accounts: Accounts, audit: Audit
) -> HTMLResponse:
    token = accounts.revoke_token(token_id)
    audit.record(actor(who), "token_revoke", user=token.user, token=token.id)
    return _users(request, who, accounts, ok=f"Token {token.id} widerrufen.")


# -- site settings (admins) ---------------------------------------------------------------------


@admin_only.get("/admin/settings", response_class=HTMLResponse)
def settings_page(request: Request, who: Admin, settings: AppSettings) -> HTMLResponse:
    return render(request, "settings.html", who, values=load_site(settings.data_dir).model_dump())


@admin_only.post("/admin/settings", response_class=HTMLResponse)
async def save_settings_page(
    request: Request, who: Admin, settings: AppSettings, audit: Audit
) -> HTMLResponse:
    fields = await form_fields(request)
    keys = ("name", "title", "subject", "welcome", "primary_color", "accent_color")
    values: dict[str, Any] = {k: field(fields, k) for k in (*keys, "contact", "footer")}
    values["examples"] = [q for q in field(fields, "examples").splitlines() if q.strip()]
    try:
        save_site(settings.data_dir, values)
    except KBError as e:
        return render(request, "settings.html", who, _status(e), values=values, error=str(e))
    audit.record(actor(who), "settings", changed=sorted(values))
    return render(
        request,
        "settings.html",
        who,
        values=load_site(settings.data_dir).model_dump(),
        ok="Gespeichert. Seiten und Chat-Widget zeigen die neuen Angaben sofort.",
    )
