"""Jobs survive the server: `kill -9` of `kb serve` while a job embeds, then a restart: the job
runs again and ends in review; nothing half-applied is left and the old documents keep serving.
`kb ingest` waits, with a message, while a web job writes."""

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import (
    FOERDER_TEXT,
    KB_BIN,
    fresh_rng,
    kb_env,
    random_paragraphs,
    registry_query,
    run_kb,
    start_kb,
    status,
    wait_until,
    writer_lock_held,
)

from kb.store.lock import lock_holder
from service.jobs.store import Alive, JobStore


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """`kb serve` as a user starts it, in its own process."""

    def __init__(self, data: Path, log: Path) -> None:
        self.data, self.log = data, log
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.proc = start_kb(["serve", "--port", str(self.port)], self.data, self.log)
        assert wait_until(self._up, timeout=120, interval=0.2), self.log.read_text()

    def _up(self) -> bool:
        assert self.proc is not None and self.proc.poll() is None, self.log.read_text()
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    def kill(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        assert self.proc.wait(timeout=30) == -signal.SIGKILL

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def kb_dir(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A data dir with one published document and a maintainer token (made with the CLI)."""
    data = tmp_path / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "grundlagen.txt").write_text("\n\n".join(FOERDER_TEXT), encoding="utf-8")
    assert run_kb(["ingest", str(docs)], data).returncode == 0
    add = subprocess.run(
        [str(KB_BIN), "users", "add", "anna", "--password-stdin"],
        input="ein-langes-passwort\n",
        capture_output=True,
        text=True,
        env=kb_env(data),
        cwd=tmp_path,
        timeout=60,
    )
    assert add.returncode == 0, add.stderr
    token = run_kb(["tokens", "create", "anna"], data)
    assert token.returncode == 0, token.stderr
    yield data, token.stdout.strip().splitlines()[-1]


def big_upload(url: str, token: str, path: Path, paragraphs: int = 40) -> str:
    path.write_text(
        "# Förderbericht\n\n" + "\n\n".join(random_paragraphs(fresh_rng(), paragraphs, 2)),
        encoding="utf-8",
    )
    r = httpx.post(
        f"{url}/api/admin/documents",
        headers={"Authorization": f"Bearer {token}"},
        files={"file": (path.name, path.read_bytes())},
        timeout=30,
    )
    assert r.status_code == 202, r.text
    return str(r.json()["job_id"])


def job(url: str, token: str, job_id: str) -> dict[str, Any]:
    r = httpx.get(f"{url}/api/admin/jobs/{job_id}", headers={"Authorization": f"Bearer {token}"})
    return r.json()  # type: ignore[no-any-return]


def embedding(url: str, token: str, job_id: str) -> bool:
    j = job(url, token, job_id)
    assert j["status"] in ("queued", "running"), j
    return j["stage"].startswith("Einbetten") and j["progress"] > 0.2


def test_kill_9_mid_job_then_restart(kb_dir: tuple[Path, str], tmp_path: Path) -> None:
    data, token = kb_dir
    server = Server(data, tmp_path / "serve.log")
    try:
        server.start()
        job_id = big_upload(server.url, token, tmp_path / "bericht.md")
        assert wait_until(lambda: embedding(server.url, token, job_id), timeout=180, interval=0.2)
        server.kill()

        # half-written: a staged version invisible to readers, the job still "running"
        staged = registry_query(data, "SELECT count(*) FROM versions WHERE state='staged'")
        assert staged == [(1,)]
        assert status(data)["documents"].startswith("1 ")

        server.start()  # the job runs again from the start
        assert wait_until(
            lambda: job(server.url, token, job_id)["status"] not in ("queued", "running"),
            timeout=300,
            interval=0.5,
        )
        done = job(server.url, token, job_id)
        assert done["status"] == "review", done
        published = httpx.post(
            f"{server.url}/api/admin/jobs/{job_id}/publish",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        assert published.status_code == 200, published.text
        chat = httpx.post(
            f"{server.url}/api/chat",
            json={"question": "Wer koordiniert das Bündnis vor Ort?"},
            timeout=60,
        ).json()
        assert chat["citations"] and chat["citations"][0]["file"] == "grundlagen.txt"
    finally:
        server.stop()
    assert registry_query(data, "SELECT count(*) FROM versions WHERE state='staged'") == [(0,)]
    st = status(data)
    assert st["documents"] == f"2 ({st['vectors']} chunks)", st  # every vector has its chunk


def test_kb_ingest_waits_for_a_web_job(kb_dir: tuple[Path, str], tmp_path: Path) -> None:
    data, token = kb_dir
    server = Server(data, tmp_path / "serve.log")
    other = tmp_path / "neu"
    other.mkdir()
    (other / "notiz.txt").write_text(FOERDER_TEXT[1], encoding="utf-8")
    try:
        server.start()
        job_id = big_upload(server.url, token, tmp_path / "bericht.md", paragraphs=30)
        assert wait_until(lambda: writer_lock_held(data), timeout=120, interval=0.05)
        holder = lock_holder(data) or ""
        assert "Web-Job" in holder and "bericht.md" in holder
        # readers keep answering while the job writes
        chat = httpx.post(
            f"{server.url}/api/chat",
            json={"question": "Wer berät die jungen Menschen?"},
            timeout=60,
        )
        assert chat.status_code == 200 and chat.json()["citations"], chat.text
        ingest = run_kb(["ingest", str(other)], data, timeout=600)
        assert ingest.returncode == 0, ingest.stderr
        assert (
            "Waiting for another process that is changing the knowledge base (pid" in ingest.stderr
            and "bericht.md" in ingest.stderr
        )
        assert job(server.url, token, job_id)["status"] == "review"  # the job finished first
    finally:
        server.stop()


def test_a_job_killed_twice_fails_with_its_reason(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "jobs.sqlite3")
    try:
        job = store.create(
            action="add",
            actor="anna",
            file_name="a.txt",
            upload="jobs/uploads/a.txt",
            size_bytes=1,
            sha256="x",
            content_version="v",
            target_doc_id=None,
            publish=False,
            metadata={},
        )
        dead = Alive("elsewhere:1")  # another process: the claimant's pid below is gone
        for attempt, expected in ((1, "queued"), (2, "failed")):
            claimed = store.claim(f"{Alive('x:1').host}:99999999")
            assert claimed is not None and claimed.attempts == attempt
            store.update(job.id, heartbeat=time.time() - 3600)  # it stopped beating
            assert [s for _, s in store.recover(dead)] == [expected]
        final = store.get(job.id)
        assert final is not None and final.status == "failed"
        assert "beendet" in (final.error or "") and "unverändert" in (final.error or "")
        assert store.claim("x:1") is None
    finally:
        store.close()


def test_several_workers_never_run_the_same_job(tmp_path: Path) -> None:
    """Each server process claims from the same queue; every job is claimed exactly once."""
    import threading

    path = tmp_path / "jobs.sqlite3"
    setup = JobStore(path)
    for i in range(40):
        setup.create(
            action="add",
            actor="anna",
            file_name=f"{i}.txt",
            upload=f"jobs/uploads/{i}.txt",
            size_bytes=1,
            sha256=str(i),
            content_version=str(i),
            target_doc_id=None,
            publish=False,
            metadata={},
        )
    setup.close()
    claimed: dict[str, list[str]] = {}

    def worker(name: str) -> None:
        store = JobStore(path)  # its own connection, as another process would have
        try:
            while (job := store.claim(f"host:{name}")) is not None:
                claimed.setdefault(job.id, []).append(name)
        finally:
            store.close()

    threads = [threading.Thread(target=worker, args=(str(n),)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(claimed) == 40 and all(len(owners) == 1 for owners in claimed.values())
