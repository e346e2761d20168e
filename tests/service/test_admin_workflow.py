"""The document workflow through the API (TestClient, real worker thread, real embedder, a copy of
the corpus KB): upload → progress → review → publish → answer; replace, withdraw, undo; audit."""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_helpers import add_users, bearer, upload, wait_job
from conftest import make_settings
from fastapi.testclient import TestClient
from helpers import make_docx, make_pdf
from live_server import copy_data_dir

from kb.knowledge_base import KnowledgeBase
from service.app import create_app

FIRST = [
    ("Heading 1", "Fahrradwerkstatt Quaxenhausen"),
    (
        "",
        "Die Fahrradwerkstatt Quaxenhausen öffnet jeden Donnerstag um 16 Uhr in der alten "
        "Feuerwache am Markt in Münster. Junge Geflüchtete reparieren dort gespendete Räder.",
    ),
    ("Heading 2", "Ausbildung"),
    (
        "",
        "Zwei Teilnehmende haben über die Werkstatt einen Ausbildungsplatz als "
        "Zweiradmechatroniker gefunden. Die Handwerkskammer berät die Betriebe.",
    ),
]
SECOND = [
    ("Heading 1", "Fahrradwerkstatt Quaxenhausen"),
    (
        "",
        "Die Fahrradwerkstatt Quaxenhausen ist umgezogen: sie öffnet jetzt jeden Samstag um "
        "10 Uhr im Jugendzentrum Nord in Münster. Junge Geflüchtete reparieren dort "
        "gespendete Räder.",
    ),
]
QUESTION = "Wann öffnet die Fahrradwerkstatt Quaxenhausen?"


@pytest.fixture(scope="module")
def env(
    corpus_kb: KnowledgeBase, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[TestClient, dict[str, str], Path]]:
    root = tmp_path_factory.mktemp("workflow")
    data = copy_data_dir(corpus_kb.settings.data_dir, root / "data")
    app = create_app(make_settings(data))
    with TestClient(app) as client:
        tokens = add_users(app)
        yield client, tokens, root


def ask(client: TestClient, question: str = QUESTION) -> dict[str, Any]:
    r = client.post("/api/chat", json={"question": question})
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def cited(answer: dict[str, Any], doc_id: str) -> list[str]:
    return [c["quote"] for c in answer["citations"] if c["doc_id"] == doc_id]


def public_sees(client: TestClient, doc_id: str, word: str) -> dict[str, bool]:
    """Every public way to reach a document's text."""
    search = client.get("/api/search", params={"q": f"Fahrradwerkstatt {word}"}).json()
    return {
        "list": doc_id in [d["doc_id"] for d in client.get("/api/documents").json()],
        "search": any(r["doc_id"] == doc_id and word in r["snippet"] for r in search["results"]),
        "chat": any(word in q for q in cited(ask(client), doc_id)),
        "viewer": client.get(f"/dokumente/{doc_id}").status_code == 200,
        "page": client.get(f"/api/documents/{doc_id}/pages/1").status_code == 200,
        "file": client.get(f"/api/documents/{doc_id}/file").status_code == 200,
        "angebote": doc_id in client.get("/angebote", params={"q": word}).text,
    }


def sse(client: TestClient, job_id: str, headers: dict[str, str]) -> list[tuple[str, Any]]:
    events: list[tuple[str, Any]] = []
    with client.stream("GET", f"/api/admin/jobs/{job_id}/events", headers=headers) as r:
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
        event = None
        for line in r.iter_lines():
            if line.startswith("event:"):
                event = line[6:].strip()
            elif line.startswith("data:") and event:
                events.append((event, json.loads(line[5:])))
                if event == "done":
                    break
    return events


def test_upload_review_publish_replace_withdraw_undo(
    env: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, tokens, root = env
    h = bearer(tokens["maintainer"])
    first = make_docx(root / "Fahrradwerkstatt Quaxenhausen.docx", FIRST)

    # upload → server-sent progress → review
    job_id = upload(client, first, h)["job_id"]
    events = sse(client, job_id, h)
    progress = [d["progress"] for e, d in events if e == "progress"]
    assert progress == sorted(progress) and events[-1] == ("done", {"status": "review"})
    stages = [d["stage"] for e, d in events if e == "progress"]
    assert any(s.startswith("Einbetten") for s in stages), stages
    job = wait_job(client, job_id, h)
    assert (job["status"], job["progress"], job["error"]) == ("review", 1.0, None)
    doc_id = job["document_id"]
    assert doc_id == "fahrradwerkstatt-quaxenhausen-docx"
    preview = job["preview"]
    assert preview["detected"]["title"] == "Fahrradwerkstatt Quaxenhausen"
    assert preview["detected"]["language"] == "de"
    assert preview["format"] == "Word (DOCX)" and preview["chunks"] >= 1
    assert [h["title"] for h in preview["headings"]] == [
        "Fahrradwerkstatt Quaxenhausen",
        "Ausbildung",
    ]
    assert "Münster" in [p["name"] for p in preview["places"]]
    assert preview["samples"] and "Donnerstag" in preview["samples"][0]["text"]
    assert preview["near_duplicates"] == []

    # in review: nothing public
    assert not any(public_sees(client, doc_id, "Donnerstag").values())

    # publish with corrected metadata → answerable
    r = client.post(
        f"/api/admin/jobs/{job_id}/publish",
        json={
            "metadata": {
                "kind": "Gute Praxis",
                "places": ["Münster"],
                "topics": ["arbeit"],
                "description": "Reparieren und Ausbildung in einer Werkstatt.",
            }
        },
        headers=h,
    )
    assert r.status_code == 200 and r.json()["status"] == "published", r.text
    answer = ask(client)
    assert any("Donnerstag" in q for q in cited(answer, doc_id)), answer
    v1 = client.get(f"/api/admin/documents/{doc_id}", headers=h).json()["active_version"]
    cards = client.get("/angebote", params={"place": "Münster"}).text
    assert "Gute Praxis" in cards and "Reparieren und Ausbildung in einer Werkstatt." in cards
    assert client.post(f"/api/admin/jobs/{job_id}/publish", headers=h).status_code == 409

    # replace (scripted: publish=true skips the review)
    second = make_docx(root / "neu.docx", SECOND)
    job2 = wait_job(client, upload(client, second, h, target=doc_id, publish="true")["job_id"], h)
    assert job2["status"] == "published" and job2["document_id"] == doc_id, job2
    assert any("Samstag" in q for q in cited(ask(client), doc_id))
    assert not public_sees(client, doc_id, "Donnerstag")["search"]
    versions = client.get(f"/api/admin/documents/{doc_id}/versions", headers=h).json()
    assert [v["state"] for v in versions] == ["active", "retired"] and versions[1]["version"] == v1
    meta = client.get(f"/api/admin/documents/{doc_id}", headers=h).json()["metadata"]
    assert meta["kind"] == "Gute Praxis" and meta["title"] == "Fahrradwerkstatt Quaxenhausen"

    # withdraw: gone from every public way
    r = client.delete(f"/api/admin/documents/{doc_id}", headers=h)
    assert r.status_code == 200 and r.json()["state"] == "zurückgezogen"
    assert not any(public_sees(client, doc_id, "Samstag").values())

    # undo: the first version comes back
    r = client.post(f"/api/admin/documents/{doc_id}/restore", json={"version": v1}, headers=h)
    assert r.status_code == 200 and r.json()["active_version"] == v1, r.text
    assert any("Donnerstag" in q for q in cited(ask(client), doc_id))

    # metadata edit reaches readers at once
    r = client.patch(f"/api/admin/documents/{doc_id}", json={"title": "Radwerkstatt"}, headers=h)
    assert r.status_code == 200 and r.json()["title"] == "Radwerkstatt"
    listed = {d["doc_id"]: d["title"] for d in client.get("/api/documents").json()}
    assert listed[doc_id] == "Radwerkstatt"

    # the audit log tells who did what to which version
    log = client.get("/api/admin/audit", params={"doc_id": doc_id}, headers=h).json()
    actions = [e["action"] for e in reversed(log)]
    assert actions == ["upload", "publish", "upload", "replace", "withdraw", "restore", "metadata"]
    assert {e["actor"] for e in log} == {"anna (API)"}
    assert log[1]["version"] == v1  # the restore
    rows = list(csv.reader(io.StringIO(client.get("/api/admin/audit?format=csv", headers=h).text)))
    assert rows[0][:4] == ["id", "at", "actor", "action"]
    assert any(r[3] == "withdraw" and r[5] == doc_id for r in rows[1:])


def test_exact_duplicates_renamed_types_and_safe_names(
    env: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, tokens, root = env
    h = bearer(tokens["maintainer"])
    corpus_md = next(p for p in Path(client.app.state.settings.data_dir, "originals").rglob("*.md"))  # type: ignore[attr-defined]
    copy = root / "kopie.md"
    copy.write_bytes(corpus_md.read_bytes())
    r = client.post(
        "/api/admin/documents", files={"file": ("kopie.md", copy.read_bytes())}, headers=h
    )
    assert r.status_code == 409 and "bereits vorhanden als" in r.json()["detail"], r.text

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 200
    r = client.post("/api/admin/documents", files={"file": ("bericht.pdf", png)}, headers=h)
    assert r.status_code == 415 and "PNG" in r.json()["detail"]

    docx = make_docx(
        root / "tmp.docx",
        [("", "Eine Notiz über das Repair-Café in Bielefeld, jeden ersten Freitag.")],
    )
    r = client.post(
        "/api/admin/documents",
        files={"file": ("../../Notiz <script>.pdf", docx.read_bytes())},
        headers=h,
    )
    assert r.status_code == 202, r.text
    job = wait_job(client, r.json()["job_id"], h)
    assert job["status"] == "review" and job["file_name"] == "Notiz _script.docx", job
    assert job["preview"]["warnings"][0]["code"] == "renamed"

    for body, status in [({}, 422), ({"file": ("leer.txt", b"")}, 422)]:
        r = client.post("/api/admin/documents", files=body or {"x": ("a", b"b")}, headers=h)
        assert r.status_code == status, r.text


def test_a_near_duplicate_is_named_in_the_review(
    env: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, tokens, root = env
    h = bearer(tokens["maintainer"])
    corpus_md = next(p for p in Path(client.app.state.settings.data_dir, "originals").rglob("*.md"))  # type: ignore[attr-defined]
    changed = root / "workshop-ueberarbeitet.md"
    changed.write_text(
        corpus_md.read_text(encoding="utf-8") + "\n\nEin Nachtrag.\n", encoding="utf-8"
    )
    job = wait_job(client, upload(client, changed, h)["job_id"], h)
    assert job["status"] == "review"
    near = job["preview"]["near_duplicates"]
    assert near and near[0]["doc_id"] == corpus_md.parent.name and near[0]["similarity"] > 0.95
    assert any(w["code"] == "near_duplicate" for w in job["preview"]["warnings"])
    r = client.post(f"/api/admin/jobs/{job['id']}/discard", headers=h)
    assert r.status_code == 200 and r.json()["status"] == "discarded"
    assert client.get(f"/api/admin/documents/{job['document_id']}", headers=h).status_code == 404


def test_a_broken_file_fails_its_job_with_a_reason(
    env: tuple[TestClient, dict[str, str], Path],
) -> None:
    client, tokens, root = env
    h = bearer(tokens["maintainer"])
    before = client.get("/api/documents").json()
    whole = make_pdf(root / "ganz.pdf", ["Ein Bericht mit Text auf der ersten Seite."] * 3)
    cut = root / "abgeschnitten.pdf"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    job = wait_job(client, upload(client, cut, h)["job_id"], h)
    assert job["status"] == "failed" and "nicht verarbeitet" in job["error"], job
    assert client.get("/api/documents").json() == before


def test_metadata_is_validated(env: tuple[TestClient, dict[str, str], Path]) -> None:
    client, tokens, _ = env
    h = bearer(tokens["maintainer"])
    doc_id = client.get("/api/documents").json()[0]["doc_id"]
    for body, word in [
        ({"date": "morgen"}, "JJJJ"),
        ({"kind": "Roman"}, "Art"),
        ({"places": ["Atlantis"]}, "Atlantis"),
        ({"topics": ["kochen"]}, "kochen"),
        ({"source_url": "javascript:alert(1)"}, "http"),
        ({"colour": "rot"}, "colour"),
        ({}, "nothing to change"),
    ]:
        r = client.patch(f"/api/admin/documents/{doc_id}", json=body, headers=h)
        assert r.status_code == 422 and word in r.json()["detail"], (body, r.text)


def test_feedback_for_maintainers(env: tuple[TestClient, dict[str, str], Path]) -> None:
    client, tokens, _ = env
    h = bearer(tokens["maintainer"])
    answer = ask(client, "Welche Förderbausteine gibt es?")
    for rating in ("up", "down"):
        body = {
            "answer_id": answer["answer_id"],
            "rating": rating,
            "question": answer["question"],
            "answer": answer["answer"],
            "citations": [
                {k: c[k] for k in ("n", "file", "title", "page", "quote")}
                for c in answer["citations"]
            ],
            "comment": f"Bewertung {rating}",
        }
        assert client.post("/api/feedback", json=body).status_code == 201
    items = client.get("/api/admin/feedback", headers=h).json()
    assert items[0]["rating"] == "down" and items[1]["rating"] == "up"
    up = items[1]
    r = client.post(f"/api/admin/feedback/{up['id']}/handled", headers=h)
    assert r.status_code == 200 and r.json()["handled_by"] == "anna (API)"
    assert [i["id"] for i in client.get("/api/admin/feedback?handled=false", headers=h).json()] == [
        items[0]["id"]
    ]
    r = client.post(
        f"/api/admin/feedback/{up['id']}/eval",
        json={"answer": "Die Bausteine …", "sources": [1]},
        headers=h,
    )
    assert r.status_code == 201, r.text
    item = r.json()["item"]
    assert set(item) == {"id", "question", "lang", "type", "answer", "must_include", "sources"}
    assert item["sources"][0]["quote"] == answer["citations"][0]["quote"]
    again = client.post(f"/api/admin/feedback/{up['id']}/eval", json={"sources": [1]}, headers=h)
    assert again.status_code == 409

    from eval.dataset import load_items

    path = Path(client.app.state.settings.data_dir) / "eval" / "qa-local.jsonl"  # type: ignore[attr-defined]
    (loaded,) = load_items(path)
    assert loaded.question == answer["question"] and loaded.answerable
