"""The backup drill: `kb backup` while the service runs a job, `kb restore` into a new directory,
the same answers there; the job, the accounts and the kept versions come along."""

import json
import tarfile
from pathlib import Path

import httpx
import pytest
from admin_helpers import add_users
from conftest import make_settings
from fastapi.testclient import TestClient
from helpers import fresh_rng, random_paragraphs, run_kb, status, wait_until, writer_lock_held
from live_server import copy_data_dir, listening_socket, serve_app

from kb.knowledge_base import KnowledgeBase
from service.app import create_app

QUESTIONS = [
    "Welche Förderbausteine gibt es?",
    "Was macht die Geschäftsführende Stelle?",
    "Wie backe ich einen Apfelkuchen?",
]


def answers(data: Path) -> list[dict[str, object]]:
    """`kb ask --batch` over the questions (one process)."""
    questions = data.parent / f"{data.name}-fragen.jsonl"
    out = data.parent / f"{data.name}-antworten.jsonl"
    questions.write_text(
        "\n".join(json.dumps({"id": i, "question": q}) for i, q in enumerate(QUESTIONS)),
        encoding="utf-8",
    )
    r = run_kb(["ask", "--batch", str(questions), "--out", str(out)], data)
    assert r.returncode == 0, r.stderr
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == len(QUESTIONS) and rows[0]["citations"]
    return [{k: d[k] for k in ("answer", "refused", "citations")} for d in rows]


def test_backup_while_a_job_runs_and_restore_elsewhere(
    corpus_kb: KnowledgeBase, tmp_path: Path
) -> None:
    data = copy_data_dir(corpus_kb.settings.data_dir, tmp_path / "data")
    archive = tmp_path / "sicherung.tar.gz"
    app = create_app(make_settings(data))
    with serve_app(app, listening_socket()) as url:
        tokens = add_users(app)
        h = {"Authorization": f"Bearer {tokens['maintainer']}"}
        text = "# Nachtrag\n\n" + "\n\n".join(random_paragraphs(fresh_rng(), 40, 2))
        r = httpx.post(
            f"{url}/api/admin/documents", headers=h, files={"file": ("nachtrag.md", text.encode())}
        )
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        assert wait_until(lambda: writer_lock_held(data), timeout=120, interval=0.05)
        backup = run_kb(["backup", str(archive)], data, timeout=600)  # waits for the job's lock
        assert backup.returncode == 0, backup.stderr
        assert (
            "Waiting for another process that is changing the knowledge base (pid" in backup.stderr
            and "Web-Job" in backup.stderr
        )
        assert "Backup written" in backup.stdout
        job = httpx.get(f"{url}/api/admin/jobs/{job_id}", headers=h).json()
        assert job["status"] == "review"
    before = answers(data)

    with tarfile.open(archive) as tar:
        names = tar.getnames()
    assert "kb-backup/registry.sqlite3" in names and "kb-backup/accounts.sqlite3" in names
    assert not any("/chroma" in n or n.endswith(".lock") for n in names)

    restored = tmp_path / "wiederhergestellt"
    result = run_kb(["restore", str(archive)], restored, timeout=600)
    assert result.returncode == 0, result.stderr
    assert answers(restored) == before
    assert status(restored)["documents"] == status(data)["documents"]

    # the job in review, the accounts and their tokens came along
    app2 = create_app(make_settings(restored))
    with TestClient(app2) as client:
        j = client.get(f"/api/admin/jobs/{job_id}", headers=h).json()
        assert j["status"] == "review", j
        r = client.post(f"/api/admin/jobs/{job_id}/publish", headers=h)
        assert r.status_code == 200 and r.json()["status"] == "published", r.text
        assert "nachtrag-md" in [d["doc_id"] for d in client.get("/api/documents").json()]

    again = run_kb(["restore", str(archive)], restored)
    assert again.returncode == 1 and "not empty" in again.stderr


def test_a_tampered_archive_is_refused(tmp_path: Path) -> None:
    evil = tmp_path / "boese.tar.gz"
    payload = tmp_path / "x"
    payload.write_text("x", encoding="utf-8")
    with tarfile.open(evil, "w:gz") as tar:
        tar.add(payload, arcname="kb-backup/../../ausbruch.txt")
    result = run_kb(["restore", str(evil)], tmp_path / "ziel")
    assert result.returncode == 1 and "unexpected entry" in result.stderr
    assert not (tmp_path / "ausbruch.txt").exists()


@pytest.mark.parametrize("name", ["fehlt.tar.gz"])
def test_a_missing_archive_is_a_clear_error(tmp_path: Path, name: str) -> None:
    result = run_kb(["restore", str(tmp_path / name)], tmp_path / "ziel")
    assert result.returncode == 1 and "no backup file" in result.stderr
