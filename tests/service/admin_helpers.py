"""Helpers for the maintainers' workspace tests: accounts, login, uploads, waiting for jobs."""

import re
import time
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.testclient import TestClient

PASSWORD = "test-passwort-123"
CSRF_META = re.compile(r'<meta name="csrf-token" content="([^"]+)"')
LOGIN_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def add_users(app: FastAPI) -> dict[str, str]:
    """An admin and a maintainer, each with an API token: {role: token}."""
    accounts = app.state.accounts
    tokens = {}
    for name, role in (("root", "admin"), ("anna", "maintainer")):
        if accounts.user(name) is None:
            accounts.add_user(name, role, PASSWORD)
        tokens[role] = accounts.create_token(name)[1]
    return tokens


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def login(client: TestClient, name: str, password: str = PASSWORD) -> str:
    """Sign in through the login form; returns the session's CSRF token."""
    page = client.get("/admin/login")
    match = LOGIN_CSRF.search(page.text)
    assert match, page.text
    r = client.post(
        "/admin/login",
        data={"csrf": match.group(1), "name": name, "password": password, "next": "/admin"},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    overview = client.get("/admin")
    token = CSRF_META.search(overview.text)
    assert token, overview.text
    return token.group(1)


def upload(
    client: TestClient,
    path: Path,
    headers: dict[str, str],
    target: str | None = None,
    **fields: str,
) -> dict[str, Any]:
    url = f"/api/admin/documents/{target}/file" if target else "/api/admin/documents"
    with path.open("rb") as f:
        files = {"file": (path.name, f, "application/octet-stream")}
        r = (client.put if target else client.post)(url, files=files, data=fields, headers=headers)
    assert r.status_code == 202, r.text
    body: dict[str, Any] = r.json()
    assert set(body) >= {"job_id", "status_url"}
    return body


def wait_job(
    client: TestClient, job_id: str, headers: dict[str, str], timeout: float = 180
) -> dict[str, Any]:
    """Poll until the job leaves queued/running."""
    deadline = time.monotonic() + timeout
    while True:
        job: dict[str, Any] = client.get(f"/api/admin/jobs/{job_id}", headers=headers).json()
        if job["status"] not in ("queued", "running") or time.monotonic() > deadline:
            return job
        time.sleep(0.1)
