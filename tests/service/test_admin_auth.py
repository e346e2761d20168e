"""Access to the workspace: every /admin page and /api/admin route of the app (enumerated, so a
new one cannot be left open) refuses anonymous callers and wrong roles; cookies need CSRF."""

import re
from collections.abc import Iterator

import pytest
from admin_helpers import PASSWORD, add_users, bearer, login
from conftest import make_settings
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient

from service.app import create_app

LEGACY = "legacy-admin-token-4711"
PUBLIC = {("GET", "/admin/login"), ("POST", "/admin/login")}
# Only admins: accounts, tokens, site settings, removing a document for good.
ADMIN_ONLY = re.compile(r"/(users|tokens|settings)(/|$)|/purge$")
PARAMS = {
    "doc_id": "gibt-es-nicht",
    "job_id": "0" * 32,
    "version": "0" * 16,
    "feedback_id": "keine",
    "name": "niemand",
    "token_id": "ffffffff",
}


def admin_routes() -> list[tuple[str, str]]:
    app = create_app(make_settings(__import__("pathlib").Path("/nonexistent")))
    found = []
    for route in iter_route_contexts(app.routes):
        path = route.path or ""
        if path == "/admin" or path.startswith(("/admin/", "/api/admin/")):
            for method in sorted(route.methods or ()):
                if method != "HEAD":
                    found.append((method, path))
    return found


ROUTES = admin_routes()


def url(path: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: PARAMS[m.group(1)], path)


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    data = tmp_path_factory.mktemp("auth") / "data"
    app = create_app(make_settings(data, admin_token=LEGACY))
    with TestClient(app, base_url="https://testserver") as c:
        c.app_tokens = add_users(app)  # type: ignore[attr-defined]
        yield c


def test_the_route_list_covers_the_workspace() -> None:
    paths = {p for _, p in ROUTES}
    assert len(ROUTES) >= 40
    for expected in [
        "/admin",
        "/admin/documents/{doc_id}",
        "/admin/jobs/{job_id}",
        "/admin/feedback",
        "/admin/audit",
        "/admin/users",
        "/admin/settings",
        "/api/admin/documents",
        "/api/admin/jobs/{job_id}/events",
        "/api/admin/audit",
        "/api/admin/feedback",
    ]:
        assert expected in paths


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
def test_without_a_session_or_token_every_route_refuses(
    client: TestClient, method: str, path: str
) -> None:
    client.cookies.clear()
    r = client.request(method, url(path), follow_redirects=False)
    if path.startswith("/api/"):
        assert r.status_code == 401, (method, path, r.text)
        assert r.headers["www-authenticate"] == "Bearer"
        assert "Nicht angemeldet" in r.json()["detail"]
    else:
        assert r.status_code == 303, (method, path, r.text)
        assert r.headers["location"].startswith("/admin/login?next=")


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
def test_a_wrong_or_bare_token_is_refused(client: TestClient, method: str, path: str) -> None:
    client.cookies.clear()
    token = client.app_tokens["maintainer"]  # type: ignore[attr-defined]
    for header in (f"Bearer {token}x", token, f"Basic {token}", "Bearer "):
        r = client.request(
            method, url(path), headers={"Authorization": header}, follow_redirects=False
        )
        assert r.status_code in (401, 303), (method, path, header, r.status_code)


@pytest.mark.parametrize(("method", "path"), [r for r in ROUTES if r not in PUBLIC])
def test_roles(client: TestClient, method: str, path: str) -> None:
    """A maintainer gets 403 exactly on the admin-only routes; an admin never gets 401/403."""
    client.cookies.clear()
    tokens = client.app_tokens  # type: ignore[attr-defined]
    as_maintainer = client.request(method, url(path), headers=bearer(tokens["maintainer"]))
    if ADMIN_ONLY.search(path):
        assert as_maintainer.status_code == 403, (method, path, as_maintainer.text)
    else:
        assert as_maintainer.status_code not in (401, 403), (method, path, as_maintainer.text)
    for admin in (tokens["admin"], LEGACY):  # KB_ADMIN_TOKEN still works, as an admin
        r = client.request(method, url(path), headers=bearer(admin), follow_redirects=False)
        assert r.status_code not in (401, 403), (method, path, r.text)


UNSAFE = [
    (m, p)
    for m, p in ROUTES
    if m != "GET" and (m, p) not in PUBLIC and p != "/admin/logout" and not ADMIN_ONLY.search(p)
]


@pytest.mark.parametrize(("method", "path"), UNSAFE)
def test_a_session_needs_the_csrf_token(client: TestClient, method: str, path: str) -> None:
    client.cookies.clear()
    csrf = login(client, "anna")
    r = client.request(method, url(path), follow_redirects=False)
    assert r.status_code == 403, (method, path, r.text)
    r = client.request(
        method,
        url(path),
        headers={"X-CSRF-Token": ("A" if csrf[0] != "A" else "B") + csrf[1:]},
        follow_redirects=False,
    )
    assert r.status_code == 403, (method, path, r.text)
    r = client.request(method, url(path), headers={"X-CSRF-Token": csrf}, follow_redirects=False)
    assert r.status_code not in (401, 403), (method, path, r.text)


def test_forms_carry_the_token_as_a_field(client: TestClient) -> None:
    client.cookies.clear()
    csrf = login(client, "anna")
    page = client.get("/admin")
    assert f'name="csrf" value="{csrf}"' in page.text
    assert f"/admin/documents/upload?csrf={csrf}" in page.text  # the file form: in the address
    r = client.post("/admin/feedback/keine/handled", data={"csrf": "falsch"})
    assert r.status_code == 403
    r = client.post("/admin/feedback/keine/handled", data={"csrf": csrf})
    assert r.status_code == 404  # past the check: the item does not exist


def test_the_session_cookie_and_logout(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    r = client.post(
        "/admin/login",
        data={"csrf": token.group(1), "name": "anna", "password": PASSWORD, "next": "//evil"},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/admin"  # no open redirect
    cookie = r.headers["set-cookie"]
    for flag in ("kb_session=", "HttpOnly", "SameSite=strict", "Secure", "Path=/"):
        assert flag.lower() in cookie.lower(), cookie
    csrf = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/admin").text)
    assert csrf
    r = client.post("/admin/logout", data={"csrf": csrf.group(1)}, follow_redirects=False)
    assert r.status_code == 303
    assert client.get("/admin", follow_redirects=False).status_code == 303  # gone server-side


def test_the_login_form_refuses_a_forged_post(client: TestClient) -> None:
    client.cookies.clear()
    r = client.post(
        "/admin/login",
        data={"csrf": "x", "name": "anna", "password": PASSWORD},
        follow_redirects=False,
    )
    assert r.status_code == 403 and "kb_session" not in r.headers.get("set-cookie", "")


def test_a_wrong_password_says_so_without_a_session(client: TestClient) -> None:
    client.cookies.clear()
    page = client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert token
    r = client.post(
        "/admin/login",
        data={"csrf": token.group(1), "name": "anna", "password": "falsch-falsch"},
        follow_redirects=False,
    )
    assert r.status_code == 401 and "falsch" in r.text
    assert "kb_session" not in r.headers.get("set-cookie", "")


def test_a_maintainer_sees_no_admin_links_and_gets_a_page_for_admin_pages(
    client: TestClient,
) -> None:
    client.cookies.clear()
    login(client, "anna")
    overview = client.get("/admin").text
    assert 'href="/admin/users"' not in overview and 'href="/admin/settings"' not in overview
    r = client.get("/admin/users")
    assert r.status_code == 403 and "Keine Berechtigung" in r.text
    assert r.headers["content-type"].startswith("text/html")
    client.cookies.clear()
    login(client, "root")
    assert 'href="/admin/users"' in client.get("/admin").text
