"""A full disk: clear errors (507 for feedback, one line from kb ingest), nothing half-written,
answering goes on, and everything works again once there is space. Needs a small tmpfs (root);
skipped with the reason where mounting is not permitted."""

import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import make_settings
from fastapi.testclient import TestClient
from helpers import FOERDER_TEXT, run_kb

from service.app import create_app


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root and mount(8)")
    target = tmp_path / "klein"
    target.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(target)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"tmpfs cannot be mounted here: {mounted.stderr.decode().strip()}")
    try:
        yield target
    finally:
        subprocess.run(["umount", "-l", str(target)], check=False)


def fill(disk: Path) -> Path:
    """Take every free byte of the disk."""
    filler = disk / "filler.bin"
    with filler.open("wb") as f:
        block = b"\0" * 2**16
        try:
            while True:
                f.write(block)
                f.flush()
        except OSError:
            pass
    return filler


def test_a_full_disk_gives_clear_errors_and_loses_nothing(small_disk: Path, tmp_path: Path) -> None:
    data = small_disk / "data"
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "notiz.txt").write_text(FOERDER_TEXT[0], encoding="utf-8")
    (docs / "zweite.txt").write_text(FOERDER_TEXT[1], encoding="utf-8")
    assert run_kb(["ingest", str(docs / "notiz.txt")], data).returncode == 0

    settings = make_settings(data, rate_limit_feedback="off")
    with TestClient(create_app(settings)) as client:
        question = {"question": "Was fördert die Landesinitiative?"}
        assert client.post("/api/chat", json=question).status_code == 200
        filler = fill(small_disk)
        feedback = {"answer_id": "a", "rating": "up", "question": "Q" * 4000}
        statuses = {client.post("/api/feedback", json=feedback).status_code for _ in range(20)}
        assert statuses <= {201, 507} and 507 in statuses
        full = client.post("/api/feedback", json=feedback)
        assert full.status_code == 507 and "disk is full" in full.json()["detail"]
        assert client.post("/api/chat", json=question).status_code == 200  # answering goes on
        assert client.get("/readyz").status_code == 200

        ingest = run_kb(["ingest", str(docs / "zweite.txt")], data)
        assert ingest.returncode == 1 and "disk is full" in ingest.stderr, ingest.stderr
        assert "Traceback" not in ingest.stderr

        filler.unlink()  # space again: everything works, nothing was lost
        assert client.post("/api/feedback", json=feedback).status_code == 201
    again = run_kb(["ingest", str(docs)], data)
    assert again.returncode == 0, again.stderr
    assert "1 added" in again.stdout and "1 unchanged" in again.stdout
