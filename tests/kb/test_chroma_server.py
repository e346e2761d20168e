"""Several processes share vectors through the Chroma server (`chroma run`, works offline)."""

import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from conftest import make_settings
from helpers import KB_BIN, kb_env

from ingest.pipeline import ingest_paths
from kb.errors import ConfigError
from kb.knowledge_base import build_kb

CHROMA = Path(sys.executable).parent / "chroma"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not CHROMA.exists() and not shutil.which("chroma"):
        pytest.skip("the chroma CLI is not installed")
    port = free_port()
    path = tmp_path_factory.mktemp("chroma-server")
    proc = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        else:
            pytest.fail("the Chroma server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_two_processes_share_one_chroma_server(chroma_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "notiz.md"
    doc.write_text(
        "# Sprachkurse\n\nDie Volkshochschule bietet abends Sprachkurse für junge Geflüchtete an. "
        "Die Kurse sind kostenlos und finden zweimal pro Woche statt.\n",
        encoding="utf-8",
    )
    settings = make_settings(tmp_path / "data", chroma_url=chroma_url)
    writer = build_kb(settings)
    try:
        assert ingest_paths(writer, [doc]).results[0].status == "added"
    finally:
        writer.close()
    reader = build_kb(settings)  # another KB object: its vectors come from the server
    try:
        answer = reader.ask("Wann finden die Sprachkurse statt?")
        assert not answer.refused and answer.citations
        assert not (tmp_path / "data" / "chroma").exists()  # nothing embedded on disk
    finally:
        reader.close()


def test_a_reader_sees_another_process_replace_a_document(chroma_url: str, tmp_path: Path) -> None:
    doc = tmp_path / "kurse.md"
    doc.write_text("# Kurse\n\nDie Volkshochschule bietet Sprachkurse am Abend an.\n", "utf-8")
    settings = make_settings(tmp_path / "data", chroma_url=chroma_url)
    writer = build_kb(settings)
    try:
        assert ingest_paths(writer, [doc]).results[0].status == "added"
    finally:
        writer.close()
    reader = build_kb(settings)  # stays open, like a server
    try:
        assert "Abend" in reader.ask("Wann sind die Sprachkurse?").citations[0].quote
        doc.write_text("# Kurse\n\nDie Sprachkurse der Volkshochschule sind samstags.\n", "utf-8")
        other = subprocess.run(  # another process writes through the same Chroma server
            [str(KB_BIN), "ingest", str(doc)],
            env=kb_env(tmp_path / "data", KB_CHROMA_URL=chroma_url),
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert other.returncode == 0 and "replaced" in other.stdout, other.stderr
        answer = reader.ask("Wann sind die Sprachkurse?")
        assert "samstags" in answer.citations[0].quote
        assert all("Abend" not in h.chunk.text for h in answer.sources)
    finally:
        reader.close()


def test_an_unreachable_chroma_server_is_a_clear_error(tmp_path: Path) -> None:
    kb = build_kb(make_settings(tmp_path / "data", chroma_url=f"http://127.0.0.1:{free_port()}"))
    try:
        with pytest.raises(ConfigError, match="Chroma server"):
            kb.store.client  # noqa: B018
    finally:
        kb.close()
