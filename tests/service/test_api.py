"""The HTTP API and the server-rendered pages, through FastAPI's TestClient (lifespan included)
over a private copy of the real sample corpus KB."""

import html
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings
from fastapi.testclient import TestClient
from helpers import ASK_KEYS, check_schema
from live_server import copy_data_dir
from markupsafe import escape

from kb.knowledge_base import KnowledgeBase
from service.app import create_app
from service.present import answer_to_dict

ALLOWED = "https://www.gfs-musterstadt.de"
TOKEN = "test-admin-token-7f3a9c"
QUESTION = "Welche Förderbausteine gibt es?"
CITATION_KEYS = ("n", "file", "title", "page", "quote")
SOURCE_KEYS = ("file", "title", "page", "section", "score", "text")
PDF = "iaq-zwischenbericht-gemeinsam-klappts-2019-pdf"
HTML_DOC = "ies-projekt-gemeinsam-klappts-html"


@pytest.fixture(scope="module")
def client(
    corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[TestClient]:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path_factory.mktemp("api") / "data")
    app = create_app(make_settings(data, cors_origins=[ALLOWED], admin_token=TOKEN))
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def empty_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    """No documents and no admin token."""
    app = create_app(make_settings(tmp_path_factory.mktemp("empty") / "data"))
    with TestClient(app) as c:
        yield c


def assert_error(response: Any, status: int) -> str:
    """A polite JSON error: the status, a string detail, never a traceback."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    detail = response.json()["detail"]
    assert isinstance(detail, str) and detail.strip()
    assert "Traceback" not in response.text and 'File "' not in response.text
    return detail


def sse_events(text: str) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        lines = block.split("\n")
        assert lines[0].startswith("event: ") and lines[1].startswith("data: "), block
        events.append((lines[0][7:], json.loads(lines[1][6:])))
    return events


# -- chat ----------------------------------------------------------------------------------------


def test_chat_answer_has_the_keys_of_kb_ask_json_plus_the_widget_fields(
    client: TestClient, corpus_kb: KnowledgeBase
) -> None:
    r = client.post("/api/chat", json={"question": QUESTION})
    assert r.status_code == 200, r.text
    d = r.json()
    assert set(d) == ASK_KEYS | {"answer_id", "searched"}
    shared = {k: d[k] for k in ASK_KEYS}
    shared["citations"] = [{k: c[k] for k in CITATION_KEYS} for c in d["citations"]]
    shared["sources"] = [{k: s[k] for k in SOURCE_KEYS} for s in d["sources"]]
    check_schema(shared)
    # the same answer `kb ask --json` gives over the same documents; a score may differ in its
    # last digits (the query vector is computed again, by threads in another order)
    expected = answer_to_dict(corpus_kb.ask(QUESTION))
    got_sources, expected_sources = shared.pop("sources"), expected.pop("sources")
    assert {k: v for k, v in shared.items() if k != "timings_ms"} == {
        k: v for k, v in expected.items() if k != "timings_ms"
    }
    assert [{**s, "score": None} for s in got_sources] == [
        {**s, "score": None} for s in expected_sources
    ]
    for got, want in zip(got_sources, expected_sources, strict=True):
        assert got["score"] == pytest.approx(want["score"], abs=1e-3)
    assert not d["refused"] and not d["uncertain"] and d["citations"]
    assert re.fullmatch(r"[0-9a-f]{32}", d["answer_id"])
    assert d["searched"] == QUESTION
    for c in d["citations"]:
        assert f"[{c['n']}]" in d["answer"]
        assert c["url"] == f"/api/documents/{c['doc_id']}/file" + (
            f"#page={c['page']}" if c["page"] else ""
        )
        assert c["context_url"].startswith(f"/dokumente/{c['doc_id']}?")
    for s in d["sources"]:
        assert s["url"].startswith(f"/api/documents/{s['doc_id']}/file")
        assert s["context_url"].startswith(f"/dokumente/{s['doc_id']}")


def test_the_context_link_marks_exactly_the_quote(client: TestClient) -> None:
    """/dokumente/{id}?seite=N&von=..&bis=.. highlights the quoted words on that page."""
    d = client.post("/api/chat", json={"question": QUESTION}).json()
    for c in d["citations"]:
        params = dict(re.findall(r"(\w+)=(\d+)", c["context_url"]))
        page = client.get(f"/api/documents/{c['doc_id']}/pages/{c['page'] or 1}").json()
        assert page["text"][int(params["von"]) : int(params["bis"])] == c["quote"]
        viewer = client.get(c["context_url"])
        assert viewer.status_code == 200
        marked = re.search(r'<mark id="zitat"[^>]*>(.*?)</mark>', viewer.text, re.S)
        assert marked and html.unescape(marked.group(1)) == c["quote"]


def test_an_off_topic_question_is_refused(client: TestClient) -> None:
    d = client.post("/api/chat", json={"question": "Wie backe ich einen Apfelkuchen?"}).json()
    assert d["refused"] is True and d["citations"] == []
    assert "nichts gefunden" in d["answer"]


def test_small_talk_is_told_what_the_assistant_does_plain_and_streamed(client: TestClient) -> None:
    d = client.post("/api/chat", json={"question": "Hallo!"}).json()
    assert d["mode"] == "small-talk" and d["refused"] is True
    assert d["citations"] == [] and d["sources"] == []
    assert d["answer"].startswith("Ich beantworte Fragen zu den Dokumenten")
    events = sse_events(client.post("/api/chat/stream", json={"question": "Danke!"}).text)
    assert [name for name, _ in events] == ["meta", "answer", "citations", "done"]
    assert events[0][1]["sources"] == []
    done = events[-1][1]
    assert done["mode"] == "small-talk" and set(done["timings_ms"]) == {
        "retrieve",
        "answer",
        "total",
    }


def test_stream_sends_meta_and_sources_then_the_answer_then_citations_then_done(
    client: TestClient,
) -> None:
    plain = client.post("/api/chat", json={"question": QUESTION}).json()
    r = client.post("/api/chat/stream", json={"question": QUESTION})
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["cache-control"] == "no-cache"
    events = sse_events(r.text)
    names = [name for name, _ in events]
    assert names == ["meta", "answer", "citations", "done"]
    meta = events[0][1]
    assert set(meta) == {"answer_id", "question", "searched", "sources"}
    assert re.fullmatch(r"[0-9a-f]{32}", meta["answer_id"])
    # the passages go out with the meta, before the answer is composed
    assert [s["file"] for s in meta["sources"]] == [s["file"] for s in plain["sources"]]
    assert all(s["url"] and s["context_url"] for s in meta["sources"])
    assert "".join(data["text"] for name, data in events if name == "answer") == plain["answer"]
    assert events[-2][1]["citations"] == plain["citations"]
    assert [s["file"] for s in events[-2][1]["sources"]] == [s["file"] for s in plain["sources"]]
    done = events[-1][1]
    assert done["refused"] is False and set(done["timings_ms"]) == {"retrieve", "answer", "total"}


def test_a_follow_up_is_searched_with_the_previous_question(client: TestClient) -> None:
    history = [
        {"role": "user", "content": "Was macht der Kreis Viersen?"},
        {"role": "assistant", "content": "Flexibilität beweisen die Akteure in Viersen … [1]"},
    ]
    body = {"question": "Und in Münster?", "history": history}
    d = client.post("/api/chat", json=body).json()
    assert d["question"] == "Und in Münster?"
    assert "Münster" in d["searched"] and "Viersen" not in d["searched"]
    assert d["searched"] != d["question"]
    meta = sse_events(client.post("/api/chat/stream", json=body).text)[0][1]
    assert meta["searched"] == d["searched"]
    alone = client.post("/api/chat", json={"question": "Und in Münster?"}).json()
    assert alone["searched"] == "Und in Münster?"  # no history, nothing to carry over


# -- search --------------------------------------------------------------------------------------


def check_marks(result: dict[str, Any]) -> None:
    text, marks = result["snippet"], result["marks"]
    previous_end = 0
    for start, end in marks:
        assert previous_end <= start < end <= len(text), (marks, len(text))
        word = text[start:end]
        assert word.strip() == word and not re.search(r"\s", word)
        assert start == 0 or not text[start - 1].isalnum(), (text, start)
        previous_end = end


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Sprachförderung", "place": "Münster"},
        {"q": "Ausbildung", "topic": "sprache"},
        {"q": "Unterstützung", "place": "Münster", "topic": "beratung"},
        {"place": "Duisburg"},
    ],
)
def test_search_filters_by_place_and_topic(client: TestClient, params: dict[str, str]) -> None:
    r = client.get("/api/search", params={**params, "limit": 20})
    assert r.status_code == 200, r.text
    d = r.json()
    assert d["total"] == len(d["results"]) > 0
    for res in d["results"]:
        if "place" in params:
            assert params["place"] in res["places"]
        if "topic" in params:
            assert params["topic"] in res["topics"]
        check_marks(res)


def test_search_marks_the_matched_words(client: TestClient) -> None:
    d = client.get("/api/search", params={"q": "Sprachförderung Ausbildung", "limit": 10}).json()
    assert d["query"] == "Sprachförderung Ausbildung"
    marked = []
    for res in d["results"]:
        check_marks(res)
        marked += [res["snippet"][s:e].lower() for s, e in res["marks"]]
        assert res["url"].startswith(f"/api/documents/{res['doc_id']}/file")
        assert res["context_url"].startswith(f"/dokumente/{res['doc_id']}")
    # compound-aware: "Berufsausbildung" and "Deutschförderung" match too
    assert marked and all(re.search("sprach|ausbild|förder", w) for w in marked), marked


def test_search_needs_a_query_or_a_filter(client: TestClient) -> None:
    assert_error(client.get("/api/search"), 422)
    assert_error(client.get("/api/search", params={"q": "x", "limit": 0}), 422)


def test_facets_list_places_and_topics_with_counts(client: TestClient) -> None:
    d = client.get("/api/facets").json()
    places = {f["value"]: f["count"] for f in d["places"]}
    assert places["Münster"] > 100 and "Kreis Viersen" in places
    assert {f["value"] for f in d["topics"]} >= {"sprache", "ausbildung", "arbeit", "wohnen"}
    counts = [f["count"] for f in d["places"]]
    assert counts == sorted(counts, reverse=True)


# -- documents -----------------------------------------------------------------------------------


def test_documents_are_listed(client: TestClient, corpus_dir: Path) -> None:
    docs = client.get("/api/documents").json()
    assert {d["file"] for d in docs} == {p.name for p in corpus_dir.iterdir() if p.is_file()}
    assert {d["kind"] for d in docs} == {"pdf", "docx", "html", "markdown"}
    for d in docs:
        assert d["url"] == f"/api/documents/{d['doc_id']}/file"
        assert d["chunks"] > 0 and d["title"]
        assert (d["pages"] > 1) == (d["kind"] == "pdf")


@pytest.mark.parametrize(
    ("kind", "media_type", "magic"),
    [
        ("pdf", "application/pdf", b"%PDF"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
        ("html", "text/html; charset=utf-8", b"<"),
        ("markdown", "text/markdown; charset=utf-8", b""),
    ],
)
def test_originals_are_served_with_their_content_type(
    client: TestClient, kind: str, media_type: str, magic: bytes
) -> None:
    doc = next(d for d in client.get("/api/documents").json() if d["kind"] == kind)
    r = client.get(doc["url"])
    assert r.status_code == 200
    assert r.headers["content-type"] == media_type
    assert r.content.startswith(magic) and len(r.content) > 100
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["content-disposition"].startswith("inline")
    csp = r.headers.get("content-security-policy", "")
    if kind == "html":  # shown, never run
        assert "sandbox" in csp and "default-src 'none'" in csp and "script-src" not in csp
    else:
        assert "sandbox" not in csp


def test_page_text(client: TestClient) -> None:
    d = client.get(f"/api/documents/{PDF}/pages/16").json()
    assert d["page"] == 16 and d["pages"] == 76 and d["doc_id"] == PDF
    assert "Förderbausteine" in d["text"] and d["title"].startswith("IAQ")
    assert isinstance(d["headings"], list)
    whole = client.get(f"/api/documents/{HTML_DOC}/pages/1").json()
    assert whole["page"] is None and whole["pages"] == 1 and "Gemeinsam klappt" in whole["text"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/documents/{PDF}/pages/0",
        f"/api/documents/{PDF}/pages/77",
        f"/api/documents/{HTML_DOC}/pages/2",
        "/api/documents/gibt-es-nicht-pdf/pages/1",
        "/api/documents/gibt-es-nicht-pdf/file",
        "/dokumente/gibt-es-nicht-pdf",
        f"/dokumente/{PDF}?seite=99",
        "/api/gibt-es-nicht",
    ],
)
def test_unknown_documents_and_pages_are_404(client: TestClient, path: str) -> None:
    assert_error(client.get(path), 404)


# -- feedback ------------------------------------------------------------------------------------


def test_feedback_is_stored_and_only_maintainers_read_it(
    client: TestClient, empty_client: TestClient
) -> None:
    body = {
        "answer_id": "a" * 32,
        "rating": "down",
        "question": QUESTION,
        "answer": "Basierend auf … [1]",
        "comment": "Die Seite stimmt nicht <b>ganz</b>.",
        "citations": [{"n": 1, "file": "x.pdf", "page": 3, "quote": "…"}],
    }
    r = client.post("/api/feedback", json=body)
    assert r.status_code == 201, r.text
    row = r.json()
    assert row["rating"] == "down" and row["comment"] == body["comment"] and row["id"]

    unauthorized = client.get("/api/feedback")
    assert_error(unauthorized, 401)
    assert unauthorized.headers["www-authenticate"] == "Bearer"
    assert_error(client.get("/api/feedback", headers={"Authorization": "Bearer falsch"}), 401)
    assert_error(client.get("/api/feedback", headers={"Authorization": TOKEN[:-1]}), 401)
    rows = client.get("/api/feedback", headers={"Authorization": f"Bearer {TOKEN}"}).json()
    mine = next(x for x in rows if x["id"] == row["id"])
    assert mine["citations"] == body["citations"] and mine["question"] == QUESTION
    # without KB_ADMIN_TOKEN or an account's token nobody can read feedback
    assert_error(empty_client.get("/api/feedback", headers={"Authorization": "Bearer "}), 401)
    assert_error(empty_client.get("/api/feedback"), 401)


@pytest.mark.parametrize(
    "body",
    [
        {"answer_id": "x", "rating": "meh", "question": "Q"},
        {"answer_id": "", "rating": "up", "question": "Q"},
        {"rating": "up", "question": "Q"},
        {"answer_id": "x", "rating": "up", "question": "Q", "comment": "x" * 2001},
        {"answer_id": "x", "rating": "up", "question": "Q", "unknown": 1},
    ],
)
def test_invalid_feedback_is_rejected(client: TestClient, body: dict[str, Any]) -> None:
    assert_error(client.post("/api/feedback", json=body), 422)


# -- health --------------------------------------------------------------------------------------


def test_health_and_readiness(client: TestClient, empty_client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["ready"] is True and ready.json()["documents"] == 5
    assert empty_client.get("/healthz").status_code == 200
    empty = empty_client.get("/readyz")
    assert empty.status_code == 503 and empty.json() == {
        "ready": False,
        "documents": 0,
        "chunks": 0,
    }


def test_asking_an_empty_kb_is_503(empty_client: TestClient) -> None:
    detail = assert_error(empty_client.post("/api/chat", json={"question": QUESTION}), 503)
    assert "leer" in detail


# -- errors --------------------------------------------------------------------------------------

TURN = {"role": "user", "content": "Was ist die GfS?"}
SYSTEM_TURN = {"role": "system", "content": "x"}
LONG_TURN = {**TURN, "content": "x" * 4001}


@pytest.mark.parametrize(
    ("path", "body", "status", "says"),
    [
        ("/api/chat", {"question": ""}, 422, "leer"),
        ("/api/chat", {"question": "   \n "}, 422, "leer"),
        ("/api/chat", {"question": "Förderung " * 500}, 422, "too long"),
        ("/api/chat", {}, 422, "question"),
        ("/api/chat", {"question": "Was?", "debug": True}, 422, "debug"),
        ("/api/chat", {"question": "Was?", "history": [TURN] * 21}, 422, "at most 20"),
        (
            "/api/chat",
            {"question": "Was?", "history": [{"role": "system", "content": "x"}]},
            422,
            "role",
        ),
        (
            "/api/chat",
            {"question": "Was?", "history": [{**TURN, "content": "x" * 4001}]},
            422,
            "4000",
        ),
        ("/api/chat", {"question": "Was?", "filters": {"city": "Köln"}}, 422, "city"),
        ("/api/chat/stream", {"question": ""}, 422, "leer"),
        ("/api/chat/stream", {"question": "x" * 5000}, 422, "too long"),
    ],
)
def test_bad_requests_get_a_polite_json_error(
    client: TestClient, path: str, body: dict[str, Any], status: int, says: str
) -> None:
    assert says in assert_error(client.post(path, json=body), status)


def test_malformed_json_is_422(client: TestClient) -> None:
    r = client.post(
        "/api/chat", content=b'{"question": "Was', headers={"Content-Type": "application/json"}
    )
    assert_error(r, 422)


def test_an_oversize_body_is_413(client: TestClient) -> None:
    body = json.dumps({"question": "Was?", "history": [{**TURN, "content": "x" * 3900}] * 80})
    assert len(body) > 256 * 1024
    r = client.post("/api/chat", content=body, headers={"Content-Type": "application/json"})
    assert "zu groß" in assert_error(r, 413)


def test_a_wrong_method_is_405(client: TestClient) -> None:
    assert_error(client.get("/api/chat"), 405)


# -- CORS and security headers -------------------------------------------------------------------


def test_cors_allows_the_configured_origin_only(client: TestClient) -> None:
    def preflight(origin: str) -> Any:
        return client.options(
            "/api/chat/stream",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
        )

    ok = preflight(ALLOWED)
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == ALLOWED
    assert "POST" in ok.headers["access-control-allow-methods"]
    assert "content-type" in ok.headers["access-control-allow-headers"].lower()
    assert "access-control-allow-credentials" not in ok.headers

    bad = preflight("https://evil.example")
    assert bad.status_code == 400
    assert "access-control-allow-origin" not in bad.headers

    simple = client.get("/api/facets", headers={"Origin": ALLOWED})
    assert simple.headers["access-control-allow-origin"] == ALLOWED
    other = client.get("/api/facets", headers={"Origin": "https://evil.example"})
    assert "access-control-allow-origin" not in other.headers
    for r in (ok, bad, simple, other):
        assert r.headers.get("access-control-allow-origin") != "*"


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/angebote",
        "/angebote?q=Sprachf%C3%B6rderung&place=M%C3%BCnster",
        f"/dokumente/{PDF}?seite=16&von=10&bis=90",
    ],
)
def test_own_pages_send_a_strict_csp_and_need_no_inline_code(client: TestClient, path: str) -> None:
    r = client.get(path)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    for directive in ("default-src 'self'", "script-src 'self'", "style-src 'self'"):
        assert directive in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    page = r.text
    assert not re.search(r"<script(?![^>]*\ssrc=)[^>]*>", page), "inline script"
    assert "<style" not in page and not re.search(r"\sstyle=", page), "inline style"
    assert not re.search(r"\son[a-z]+=", page), "inline event handler"
    assert '<html lang="de">' in page


# -- pages ---------------------------------------------------------------------------------------


def test_demo_page_lists_the_documents_and_embeds_the_widget(client: TestClient) -> None:
    page = client.get("/").text
    for d in client.get("/api/documents").json():
        assert str(escape(d["title"])) in page and str(escape(d["file"])) in page
    assert '<script src="/widget.js" data-kb-url="http://testserver" defer></script>' in page
    snippet = '&lt;script src="http://testserver/widget.js" data-kb-url="http://testserver" defer'
    assert snippet in page  # the line a GfS copies into its website
    js = client.get("/widget.js")
    assert js.headers["content-type"].startswith("text/javascript")
    assert "attachShadow" in js.text and js.headers["cache-control"] == "no-cache"


def test_offer_finder_marks_words_exactly_where_the_api_says(client: TestClient) -> None:
    q = "Sprachförderung"
    api = client.get("/api/search", params={"q": q, "limit": 20}).json()["results"]
    page = client.get("/angebote", params={"q": q}).text
    snippets = re.findall(r'<p class="snippet">(.*?)</p>', page, re.S)
    assert len(snippets) == len(api) > 0
    for res, rendered in zip(api, snippets, strict=True):
        text, pos, expected = res["snippet"], 0, ""
        for start, end in res["marks"]:
            expected += f"{escape(text[pos:start])}<mark>{escape(text[start:end])}</mark>"
            pos = end
        expected += str(escape(text[pos:]))
        prefix = "… " if res["truncated_start"] else ""
        suffix = " …" if res["truncated_end"] else ""
        assert rendered == prefix + expected + suffix
    assert page.count("<mark>") == sum(len(r["marks"]) for r in api) > 0


def test_offer_finder_escapes_the_query_and_filters_without_one(client: TestClient) -> None:
    page = client.get("/angebote", params={"q": '<script>alert(1)</script>"Sprache'}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    only_place = client.get("/angebote", params={"place": "Duisburg"}).text
    items = only_place.split('<li class="result">')[1:]
    assert items and all("Ort: </span>Duisburg</li>" in item for item in items)
    assert '<option value="Duisburg" selected>' in only_place
