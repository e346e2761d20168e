"""Upload limits on a real uvicorn server: a chunked body without Content-Length is cut off at
KB_MAX_UPLOAD_MB with 413 while it streams, a declared oversize body is refused before it is
sent, anonymous uploads are refused before any byte is read; the server stays healthy."""

import select
import socket
from collections.abc import Iterator
from urllib.parse import urlparse

import httpx
import pytest
from admin_helpers import add_users
from conftest import make_settings
from live_server import listening_socket, serve_app

from service.app import create_app

LIMIT_MB = 1
BOUNDARY = "grenze4711"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str]]:
    data = tmp_path_factory.mktemp("limits") / "data"
    # no worker: these tests are about the request, not the processing
    app = create_app(make_settings(data, max_upload_mb=LIMIT_MB, job_worker=False))
    with serve_app(app, listening_socket()) as url:
        yield url, add_users(app)["maintainer"]


def stream_upload(url: str, headers: dict[str, str], total: int) -> tuple[int, int]:
    """Send a chunked multipart upload of ``total`` file bytes; stop as soon as the server
    answers. Returns (status, bytes sent)."""
    parsed = urlparse(url)
    sock = socket.create_connection((parsed.hostname, parsed.port), timeout=30)
    head = [
        "POST /api/admin/documents HTTP/1.1",
        f"Host: {parsed.netloc}",
        f"Content-Type: multipart/form-data; boundary={BOUNDARY}",
        "Transfer-Encoding: chunked",
        *(f"{k}: {v}" for k, v in headers.items()),
    ]
    sent = 0
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        part = (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="gross.txt"'
            "\r\nContent-Type: text/plain\r\n\r\n"
        ).encode()
        chunks = [part] + [b"Text " * 13107] * (total // 65535 + 1)
        for chunk in chunks:
            if select.select([sock], [], [], 0)[0]:
                break  # the server has answered: stop sending
            try:
                sock.sendall(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        answer = b""
        while b"\r\n" not in answer:
            piece = sock.recv(4096)
            if not piece:
                break
            answer += piece
        return int(answer.split(b" ", 2)[1]), sent
    finally:
        sock.close()


def test_a_chunked_upload_is_cut_off_at_the_limit(server: tuple[str, str]) -> None:
    url, token = server
    status, sent = stream_upload(url, {"Authorization": f"Bearer {token}"}, 40 * 1024 * 1024)
    assert status == 413
    assert sent < 8 * LIMIT_MB * 1024 * 1024  # cut off early, not after 40 MB
    assert httpx.get(f"{url}/healthz", timeout=10).json() == {"status": "ok"}
    jobs = httpx.get(f"{url}/api/admin/jobs", headers={"Authorization": f"Bearer {token}"})
    assert jobs.json() == []  # nothing was queued


def test_anonymous_uploads_are_refused_before_the_body(server: tuple[str, str]) -> None:
    url, _ = server
    status, sent = stream_upload(url, {}, 40 * 1024 * 1024)
    assert status == 401 and sent < 8 * 1024 * 1024


def test_a_declared_oversize_body_is_refused_at_once(server: tuple[str, str]) -> None:
    url, token = server
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=30) as sock:
        head = (
            f"POST /api/admin/documents HTTP/1.1\r\nHost: {parsed.netloc}\r\n"
            f"Authorization: Bearer {token}\r\n"
            f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
            f"Content-Length: {50 * 1024 * 1024}\r\n\r\n"
        )
        sock.sendall(head.encode())  # and not one byte of the body
        answer = b""
        while b"}" not in answer and (piece := sock.recv(65536)):
            answer += piece
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"MB" in answer


def test_an_upload_just_under_the_limit_is_accepted(server: tuple[str, str]) -> None:
    url, token = server
    body = ("Ein Satz über das Sprachcafé in Bonn. " * 20000)[: LIMIT_MB * 1024 * 1024 - 10]
    r = httpx.post(
        f"{url}/api/admin/documents",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": ("knapp.txt", body.encode())},
        timeout=30,
    )
    assert r.status_code == 202, r.text
