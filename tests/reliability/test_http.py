"""The HTTP edge under bad input: bodies bounded while they stream and timed out (#2), invalid
Unicode (#6), rate limits and the feedback budget (#7), readiness and backpressure (#10), and the
minor hardening (Bearer, framing, local API docs)."""

import asyncio
import json
import socket
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from fastapi.testclient import TestClient
from live_server import copy_data_dir, serve_app

from kb.errors import Overloaded
from kb.knowledge_base import KnowledgeBase
from service.app import create_app
from service.gate import AnswerGate

TOKEN = "reliability-admin-token"
QUESTION = "Welche Förderbausteine gibt es?"


@pytest.fixture(scope="module")
def data(corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return copy_data_dir(corpus_kb.settings.data_dir, tmp_path_factory.mktemp("http") / "data")


@pytest.fixture(scope="module")
def server(data: Path) -> Iterator[str]:
    """A real uvicorn (raw sockets need one): short body timeout, no rate limits."""
    settings = make_settings(
        data,
        body_timeout_s=1.0,
        rate_limit_chat="off",
        rate_limit_search="off",
        rate_limit_feedback="off",
    )
    with serve_app(create_app(settings)) as url:
        yield url


def own_copy(data: Path, tmp_path: Path) -> Path:
    """One server per data dir (the server lock): each app in a test gets its own copy."""
    return copy_data_dir(data, tmp_path / f"data-{len(list(tmp_path.iterdir()))}")


def detail_of(response: Any, status: int) -> str:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    text = response.json()["detail"]
    assert isinstance(text, str) and text
    return text


def raw_request(url: str, head: bytes, body_parts: Iterator[bytes], pause_s: float = 0) -> bytes:
    """Send a request by hand; stop sending when the server answers or closes. Returns the
    response bytes (b"" if none)."""
    host, port = url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head)
        sock.setblocking(False)
        response = b""
        for part in body_parts:
            try:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                response += chunk
                break  # the server has answered: stop sending
            except BlockingIOError:
                pass
            try:
                sock.sendall(part)
            except (BlockingIOError, BrokenPipeError, ConnectionResetError):
                break
            if pause_s:
                time.sleep(pause_s)
        sock.setblocking(True)
        sock.settimeout(30)
        try:
            while chunk := sock.recv(65536):
                response += chunk
        except (ConnectionResetError, TimeoutError):
            pass
    return response


def status_of(response: bytes) -> int:
    return int(response.split(b" ", 2)[1]) if response.startswith(b"HTTP/1.1") else 0


def body_of(response: bytes) -> dict[str, Any]:
    return json.loads(response.split(b"\r\n\r\n", 1)[1])  # type: ignore[no-any-return]


# -- #2: bodies ----------------------------------------------------------------------------------


def test_a_chunked_body_is_cut_off_at_the_limit_while_it_streams(server: str) -> None:
    head = (
        b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    sent = 0
    megabyte = b"a" * 2**20

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield b'%x\r\n{"question": "\r\n' % len(b'{"question": "')
        for _ in range(400):  # would be 400 MB
            sent += len(megabyte)
            yield b"%x\r\n" % len(megabyte) + megabyte + b"\r\n"

    response = raw_request(server, head, chunks())
    assert status_of(response) == 413
    assert "zu groß" in body_of(response)["detail"]
    assert sent < 64 * 2**20  # the server stopped reading long before the 400 MB


def test_a_declared_oversize_body_is_refused_before_it_is_read(server: str) -> None:
    head = (
        b"POST /api/feedback HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 10485760\r\n\r\n"
    )
    response = raw_request(server, head, iter([b"{"]))
    assert status_of(response) == 413 and b"connection: close" in response.lower()


def test_half_sent_bodies_get_408_and_are_closed(server: str) -> None:
    head = (
        b"POST /api/chat HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000\r\n\r\n"
    )

    def trickle() -> Iterator[bytes]:
        yield b'{"question": "Was'
        for _ in range(40):  # never completes: 4 s of silence, the timeout is 1 s
            yield b""

    responses = []
    for _ in range(3):
        responses.append(raw_request(server, head, trickle(), pause_s=0.1))
    for response in responses:
        assert status_of(response) == 408
        assert "1 s" in body_of(response)["detail"]


def test_every_field_has_a_size_cap(data: Path, tmp_path: Path) -> None:
    settings = make_settings(own_copy(data, tmp_path), max_body_kb=4096)
    with TestClient(create_app(settings)) as client:
        big = "x" * 3 * 2**20  # under the body limit of this app, over every field cap
        cases = [
            ("/api/feedback", {"answer_id": "a", "rating": "up", "question": big}),
            ("/api/feedback", {"answer_id": "a", "rating": "up", "question": "Q", "answer": big}),
            (
                "/api/feedback",
                {"answer_id": "a", "rating": "up", "question": "Q", "citations": [{"q": big}]},
            ),
            ("/api/chat", {"question": big}),
            ("/api/chat", {"question": "Was?", "filters": {"place": big}}),
        ]
        for path, body in cases:
            detail_of(client.post(path, json=body), 422)


# -- #6: invalid Unicode -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/chat", b'{"question": "a \\ud800"}'),
        ("/api/chat", b'{"question": "Was?", "\\udc00": 1}'),
        ("/api/chat/stream", b'{"question": "\\udfff gibt es?"}'),
        ("/api/chat", b'{"question": "Was?", "history": [{"role": "user", "content": "\\ud83d"}]}'),
        ("/api/feedback", b'{"answer_id": "a", "rating": "up", "question": "x\\ud800y"}'),
        ("/api/feedback", b'{"answer_id": "a", "rating": "up", "question": "Q", "\\ud800": 1}'),
    ],
)
def test_lone_surrogates_in_keys_and_values_get_422(server: str, path: str, body: bytes) -> None:
    import httpx

    response = httpx.post(
        server + path, content=body, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert "Unicode" in detail_of(response, 422)


def test_a_valid_surrogate_pair_is_fine(server: str) -> None:
    import httpx

    body = b'{"question": "Welche F\\u00f6rderbausteine gibt es? \\ud83d\\ude00"}'
    response = httpx.post(
        server + "/api/chat", content=body, headers={"Content-Type": "application/json"}, timeout=60
    )
    assert response.status_code == 200 and "😀" in response.json()["question"]


# -- #7: rate limits, feedback budget, paging ----------------------------------------------------


def test_rate_limits_answer_429_with_retry_after(data: Path, tmp_path: Path) -> None:
    settings = make_settings(
        own_copy(data, tmp_path),
        rate_limit_chat="2/minute",
        rate_limit_search="3/minute",
        rate_limit_feedback="off",
    )
    with TestClient(create_app(settings)) as client:
        for _ in range(2):
            assert client.post("/api/chat", json={"question": QUESTION}).status_code == 200
        limited = client.post("/api/chat/stream", json={"question": QUESTION})
        assert "Zu viele Anfragen" in detail_of(limited, 429)
        assert 1 <= int(limited.headers["retry-after"]) <= 60
        for _ in range(3):
            assert client.get("/api/search", params={"q": "Sprachkurs"}).status_code == 200
        detail_of(client.get("/api/search", params={"q": "Sprachkurs"}), 429)
        detail_of(client.get("/angebote", params={"q": "Sprachkurs"}), 429)
        # the other budgets and the rest of the service are untouched
        assert client.get("/api/documents").status_code == 200
        feedback = {"answer_id": "a", "rating": "up", "question": "Q"}
        assert client.post("/api/feedback", json=feedback).status_code == 201


def test_forwarded_for_counts_only_from_a_trusted_proxy(data: Path, tmp_path: Path) -> None:
    untrusted = make_settings(own_copy(data, tmp_path), rate_limit_search="1/minute")
    with TestClient(create_app(untrusted)) as client:
        first = client.get("/api/search?q=Kurs", headers={"X-Forwarded-For": "203.0.113.1"})
        assert first.status_code == 200
        spoofed = client.get("/api/search?q=Kurs", headers={"X-Forwarded-For": "203.0.113.2"})
        detail_of(spoofed, 429)  # a client cannot pick its own identity
    with pytest.raises(ValueError, match="not an IP"):
        make_settings(data, trusted_proxies=["proxy.example"])
    with pytest.raises(ValueError, match="not a rate"):
        make_settings(data, rate_limit_chat="lots")


def test_behind_a_trusted_proxy_each_client_has_its_own_budget(data: Path, tmp_path: Path) -> None:
    import httpx

    settings = make_settings(
        own_copy(data, tmp_path), rate_limit_search="1/minute", trusted_proxies=["127.0.0.0/8"]
    )
    with serve_app(create_app(settings)) as url:
        for client_ip in ("203.0.113.1", "203.0.113.2"):
            headers = {"X-Forwarded-For": f"198.51.100.7, {client_ip}"}
            first = httpx.get(f"{url}/api/search?q=Kurs", headers=headers, timeout=60)
            again = httpx.get(f"{url}/api/search?q=Kurs", headers=headers, timeout=60)
            assert (first.status_code, again.status_code) == (200, 429)


def test_feedback_has_a_storage_budget_and_pages_of_at_most_100(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path / "data", feedback_max_mb=1, rate_limit_feedback="off", admin_token=TOKEN
    )
    with TestClient(create_app(settings)) as client:
        body = {"answer_id": "a", "rating": "down", "question": "Q" * 4000, "answer": "A" * 19000}
        statuses = [client.post("/api/feedback", json=body).status_code for _ in range(80)]
        assert statuses.count(201) >= 30 and statuses[-1] == 507
        assert statuses == sorted(statuses)  # once full, it stays refused
        assert "KB_FEEDBACK_MAX_MB" in detail_of(client.post("/api/feedback", json=body), 507)
        assert client.get("/healthz").status_code == 200

        auth = {"Authorization": f"Bearer {TOKEN}"}
        detail_of(client.get("/api/feedback?limit=1000", headers=auth), 422)
        first = client.get("/api/feedback?limit=20", headers=auth)
        assert len(first.json()) == 20 and 'rel="next"' in first.headers["link"]
        following = client.get(first.headers["link"].split(">")[0].lstrip("<"), headers=auth)
        assert {r["id"] for r in following.json()}.isdisjoint({r["id"] for r in first.json()})
        bare = client.get("/api/feedback", headers={"Authorization": TOKEN})
        detail_of(bare, 401)  # the token alone, without "Bearer ", is not accepted


# -- #10: readiness, backpressure, query work ----------------------------------------------------


def test_readyz_queries_the_registry_and_the_vectors(data: Path, tmp_path: Path) -> None:
    with TestClient(create_app(make_settings(own_copy(data, tmp_path)))) as client:
        assert client.get("/readyz").json()["ready"] is True
        kb = client.app.state.kb  # type: ignore[attr-defined]
        for name in [c.name for c in kb.store.client.list_collections()]:
            kb.store.client.delete_collection(name)  # the vector store loses its data
        broken = client.get("/readyz")
        assert broken.status_code == 503 and broken.json()["ready"] is False
        assert client.get("/healthz").status_code == 200


def test_past_the_queue_answers_are_refused_at_once_with_retry_after() -> None:
    async def scenario() -> list[str]:
        gate = AnswerGate(slots=1, queue=1, wait_s=0.2)
        outcomes: list[str] = []

        async def ask(hold_s: float) -> None:
            try:
                async with gate.slot():
                    await asyncio.sleep(hold_s)
                outcomes.append("answered")
            except Overloaded as e:
                outcomes.append(f"503 after {e.retry_after_s} s")

        await asyncio.gather(ask(1.0), ask(0), ask(0))  # one runs, one waits, one is refused
        return outcomes

    outcomes = asyncio.run(scenario())
    assert outcomes.count("answered") == 1 and len(outcomes) == 3
    assert all(o.startswith("503 after") for o in outcomes if o != "answered")


def test_a_crafted_long_query_embeds_a_bounded_text(corpus_kb: KnowledgeBase) -> None:
    embedded: list[str] = []
    real = corpus_kb.embedder.embed_query

    def spy(text: str) -> Any:
        embedded.append(text)
        return real(text)

    corpus_kb.embedder.embed_query = spy  # type: ignore[method-assign]
    try:
        crafted = " ".join(f"xq{i}zv" for i in range(200))[:999]
        corpus_kb.search(crafted)
        corpus_kb.search(QUESTION)
    finally:
        del corpus_kb.embedder.embed_query  # type: ignore[method-assign]
    assert len(embedded[0]) <= corpus_kb.settings.query_embed_chars < len(crafted)
    assert embedded[1] == QUESTION  # normal questions are embedded whole


# -- minor hardening -----------------------------------------------------------------------------


def test_no_page_may_be_framed_and_the_api_docs_work_offline(server: str) -> None:
    import httpx

    for path in ("/", "/angebote", "/docs", "/api/documents", "/widget.js"):
        response = httpx.get(server + path, timeout=60)
        assert response.status_code == 200
        assert response.headers["x-frame-options"] == "DENY"
    docs = httpx.get(server + "/docs", timeout=60)
    assert "frame-ancestors 'none'" in docs.headers["content-security-policy"]
    assert "cdn" not in docs.text and "<script>" not in docs.text  # no inline code, nothing remote
    for asset in ("/static/swagger/swagger-ui-bundle.js", "/static/swagger/swagger-ui.css"):
        assert httpx.get(server + asset, timeout=60).status_code == 200
    assert httpx.get(server + "/static/swagger-init.js", timeout=60).status_code == 200
