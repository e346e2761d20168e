"""#1 end to end: a running `kb serve` keeps answering while `kb ingest` (another process)
replaces a document, and serves the new version without a restart. Also: one server per
embedded data dir, a writer that waits says so, a read-only data dir is served read-only."""

import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import KB_BIN, fresh_rng, kb_env, random_paragraphs, run_kb, wait_until
from live_server import copy_data_dir

from kb.knowledge_base import KnowledgeBase

MD = "gib-werkstattgespraech-14-kraefte-buendeln-2018.md"
NEW_FACT = (
    "Das Zebrakanu-Projekt in Hamm bietet jungen Geflüchteten kostenlose Paddelkurse auf der "
    "Lippe an, jeden Samstag ab neun Uhr."
)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    def __init__(self, data: Path, log: Path, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = log
        with log.open("wb") as err:
            self.proc = subprocess.Popen(
                [str(KB_BIN), "serve", "--port", str(self.port)],
                env=kb_env(data, **env),
                cwd=data.parent,
                stdout=subprocess.DEVNULL,
                stderr=err,
            )

    def wait_ready(self, timeout: float = 120) -> None:
        def ready() -> bool:
            assert self.proc.poll() is None, self.log.read_text()
            try:
                return httpx.get(f"{self.url}/readyz", timeout=5).status_code == 200
            except httpx.TransportError:
                return False

        assert wait_until(ready, timeout, interval=0.2), self.log.read_text()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


@pytest.fixture
def data(corpus_kb: KnowledgeBase, tmp_path: Path) -> Path:
    return copy_data_dir(corpus_kb.settings.data_dir, tmp_path / "data")


@pytest.fixture
def server(data: Path, tmp_path: Path) -> Iterator[Server]:
    server = Server(
        data, tmp_path / "serve.log", KB_RATE_LIMIT_CHAT="off", KB_RATE_LIMIT_SEARCH="off"
    )
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


class Askers:
    """Threads that keep asking (chat, search, offer finder) and count the status codes."""

    def __init__(self, url: str, threads: int = 3) -> None:
        self.url = url
        self.codes: Counter[int] = Counter()
        self.errors: list[str] = []
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(i,)) for i in range(threads)]

    def __enter__(self) -> "Askers":
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for t in self._threads:
            t.join(timeout=120)

    def _run(self, i: int) -> None:
        with httpx.Client(base_url=self.url, timeout=120) as client:
            while not self._stop.is_set():
                try:
                    if i % 3 == 0:
                        r = client.post("/api/chat", json={"question": "Was bietet die GIB an?"})
                    elif i % 3 == 1:
                        r = client.get("/api/search", params={"q": "Paddelkurse Hamm"})
                    else:
                        r = client.get("/angebote", params={"q": "Sprachkurs"})
                    self.codes[r.status_code] += 1
                    if r.status_code >= 500:
                        self.errors.append(r.text[:300])
                except httpx.TransportError as e:
                    self.errors.append(f"{type(e).__name__}: {e}")


def test_a_running_server_serves_the_new_version_without_errors_or_restart(
    server: Server, data: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    first = httpx.post(f"{server.url}/api/chat", json={"question": "Was bietet die GIB an?"})
    assert first.status_code == 200
    assert httpx.get(f"{server.url}/api/search?q=Zebrakanu", timeout=60).status_code == 200

    changed = tmp_path / "neu" / MD
    changed.parent.mkdir()
    changed.write_text(
        (corpus_dir / MD).read_text(encoding="utf-8") + f"\n\n## Neu\n\n{NEW_FACT}\n", "utf-8"
    )
    with Askers(server.url) as askers:
        result = run_kb(["ingest", str(changed)], data)
        assert result.returncode == 0 and "replaced" in result.stdout, result.stderr

        def new_version_served() -> bool:
            r = httpx.post(
                f"{server.url}/api/chat",
                json={"question": "Wo gibt es kostenlose Paddelkurse?"},
                timeout=120,
            )
            assert r.status_code == 200, r.text
            quotes = " ".join(c["quote"] for c in r.json()["citations"])
            return "Zebrakanu" in quotes

        assert wait_until(new_version_served, timeout=120, interval=0.5)
        search = httpx.get(f"{server.url}/api/search?q=Zebrakanu Paddelkurse", timeout=60).json()
        assert "Zebrakanu" in search["results"][0]["snippet"]
        time.sleep(1)  # a few more rounds on the new version
    assert askers.errors == [], askers.errors[:3]
    assert sum(askers.codes.values()) > 10 and set(askers.codes) == {200}, askers.codes

    # the same again, a second time, from the server's point of view nothing changes
    again = run_kb(["ingest", str(changed)], data)
    assert again.returncode == 0 and "unchanged" in again.stdout


def test_a_second_server_on_the_same_data_dir_refuses(server: Server, data: Path) -> None:
    second = run_kb(["serve", "--port", str(free_port())], data, timeout=120)
    assert second.returncode != 0
    assert f"pid {server.proc.pid}" in second.stderr and server.url in second.stderr
    assert "Traceback" not in second.stderr
    assert httpx.get(f"{server.url}/healthz").status_code == 200  # the first one is unharmed


def test_a_waiting_writer_says_whom_it_waits_for(tmp_path: Path) -> None:
    data = tmp_path / "data"
    big = tmp_path / "gross.md"
    big.write_text("# Bericht\n\n" + "\n\n".join(random_paragraphs(fresh_rng(), 60, 2)), "utf-8")
    small = tmp_path / "klein.md"
    small.write_text("# Notiz\n\nDie Kommune bildet ein Bündnis mit den Schulen.\n", "utf-8")
    with (tmp_path / "first.err").open("wb") as err:
        first = subprocess.Popen(
            [str(KB_BIN), "ingest", str(big)],
            env=kb_env(data),
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    try:
        lock = data / ".writer.lock"
        assert wait_until(lambda: lock.exists() and b"kb ingest" in lock.read_bytes(), 120)
        second = run_kb(["ingest", str(small)], data)
    finally:
        first.wait(timeout=600)
    assert second.returncode == 0, second.stderr
    assert "Waiting for another process" in second.stderr and f"pid {first.pid}" in second.stderr
    assert first.returncode == 0 and "added" in second.stdout


@pytest.fixture
def read_only_data(data: Path, tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("a read-only bind mount needs root and mount(8)")
    target = tmp_path / "nur-lesen"
    target.mkdir()
    if subprocess.run(["mount", "--bind", str(data), str(target)]).returncode != 0:
        pytest.skip("bind mounts are not permitted here")
    try:
        subprocess.run(["mount", "-o", "remount,bind,ro", str(target)], check=True)
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def test_a_read_only_data_dir_is_served_read_only(read_only_data: Path, tmp_path: Path) -> None:
    with pytest.raises(OSError):
        (read_only_data / "probe").touch()
    server = Server(read_only_data, tmp_path / "ro.log")
    try:
        server.wait_ready()
        answer = httpx.post(
            f"{server.url}/api/chat",
            json={"question": "Welche Förderbausteine gibt es?"},
            timeout=120,
        )
        assert answer.status_code == 200 and answer.json()["citations"]
        feedback = httpx.post(
            f"{server.url}/api/feedback",
            json={"answer_id": "a", "rating": "up", "question": "Q"},
            timeout=60,
        )
        assert feedback.status_code == 503 and "read-only" in feedback.json()["detail"]
    finally:
        server.stop()
    assert "read-only" in server.log.read_text()
    ingest = run_kb(["ingest", str(tmp_path / "ro.log")], read_only_data)
    assert ingest.returncode != 0 and "read-only" in ingest.stderr
