"""Operators' commands: kb users, kb tokens, kb docs withdraw/restore/versions/purge, kb sync."""

import json
import subprocess
from pathlib import Path

import pytest
from helpers import FOERDER_TEXT, KB_BIN, docs_list, kb_env, run_kb, stored_originals

from kb.settings import Settings
from service.accounts import AccountStore, verify_api_token


def kb_input(args: list[str], data: Path, stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(KB_BIN), *args],
        input=stdin,
        env=kb_env(data),
        cwd=data.parent,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_users_and_tokens(tmp_path: Path) -> None:
    data = tmp_path / "data"
    add = kb_input(["users", "add", "anna", "--role", "admin", "--password-stdin"], data, "pw\n")
    assert add.returncode == 1 and "at least 10" in add.stderr and "Traceback" not in add.stderr
    add = kb_input(
        ["users", "add", "anna", "--role", "admin", "--password-stdin"], data, "langes-passwort\n"
    )
    assert add.returncode == 0, add.stderr
    listed = json.loads(run_kb(["users", "list", "--json"], data).stdout)
    assert listed == [{"name": "anna", "role": "admin"}]

    created = run_kb(["tokens", "create", "anna", "--label", "Skript"], data)
    assert created.returncode == 0, created.stderr
    lines = created.stdout.strip().splitlines()
    raw = lines[-1]
    assert raw.startswith("kbt_") and " " not in raw  # alone on the last line
    token_id = raw.split("_")[1]
    assert token_id in lines[0] and "shown only now" in lines[0]
    assert raw not in run_kb(["tokens", "list"], data).stdout

    settings = Settings(_env_file=None, data_dir=data)  # type: ignore[call-arg]
    store = AccountStore(data / "accounts.sqlite3", settings)
    try:
        who = verify_api_token(store, settings, raw)
        assert who is not None and who.name == "anna" and who.role == "admin"
        assert run_kb(["tokens", "revoke", token_id], data).returncode == 0
        assert verify_api_token(store, settings, raw) is None
    finally:
        store.close()
    assert "revoked" in run_kb(["tokens", "list"], data).stdout

    removed = run_kb(["users", "remove", "anna"], data)
    assert removed.returncode == 0 and run_kb(["users", "list"], data).stdout.startswith("No")
    missing = run_kb(["users", "remove", "anna"], data)
    assert missing.returncode == 1 and "no user 'anna'" in missing.stderr


def test_withdraw_restore_versions_purge(tmp_path: Path) -> None:
    data, docs = tmp_path / "data", tmp_path / "docs"
    docs.mkdir()
    note = docs / "notiz.txt"
    note.write_text(FOERDER_TEXT[0], encoding="utf-8")
    assert run_kb(["ingest", str(docs)], data).returncode == 0
    first = docs_list(data)["notiz.txt"]["version"]
    note.write_text(FOERDER_TEXT[1], encoding="utf-8")
    assert run_kb(["ingest", str(docs)], data).returncode == 0

    versions = json.loads(run_kb(["docs", "versions", "notiz-txt", "--json"], data).stdout)
    assert [(v["state"], v["version"] == first) for v in versions] == [
        ("active", False),
        ("retired", True),
    ]
    out = run_kb(["docs", "withdraw", "notiz-txt"], data)
    assert out.returncode == 0 and "kb docs restore notiz-txt" in out.stdout
    assert docs_list(data) == {}
    assert run_kb(["docs", "restore", "notiz-txt", first], data).returncode == 0
    assert docs_list(data)["notiz.txt"]["version"] == first

    purge = run_kb(["docs", "purge", "notiz-txt"], data)
    assert purge.returncode == 0 and "2 version(s)" in purge.stdout
    assert docs_list(data) == {} and stored_originals(data) == set()
    assert run_kb(["docs", "versions", "notiz-txt"], data).returncode == 1


@pytest.fixture
def synced(tmp_path: Path) -> tuple[Path, Path]:
    data, folder = tmp_path / "data", tmp_path / "ordner"
    folder.mkdir()
    for i, text in enumerate(FOERDER_TEXT):
        (folder / f"teil-{i}.txt").write_text(text, encoding="utf-8")
    result = run_kb(["sync", str(folder)], data)
    assert result.returncode == 0, result.stderr
    assert "Plan: 3 to add, 0 to replace, 0 to withdraw, 0 unchanged." in result.stdout
    return data, folder


def test_sync_mirrors_a_folder(synced: tuple[Path, Path]) -> None:
    data, folder = synced
    (folder / "teil-0.txt").write_text(FOERDER_TEXT[0] + " Neu: ein Nachsatz.", encoding="utf-8")
    (folder / "teil-2.txt").unlink()
    (folder / "teil-3.txt").write_text("Ganz neu: das Bündnis tagt monatlich.", encoding="utf-8")

    dry = run_kb(["sync", str(folder), "--delete", "--dry-run"], data)
    assert dry.returncode == 0, dry.stderr
    lines = dry.stdout.splitlines()
    assert "add       teil-3.txt" in lines and "replace   teil-0.txt" in lines
    assert "withdraw  teil-2-txt" in lines and "Dry run: nothing changed." in lines
    assert set(docs_list(data)) == {"teil-0.txt", "teil-1.txt", "teil-2.txt"}

    keep = run_kb(["sync", str(folder)], data)  # without --delete nothing is withdrawn
    assert keep.returncode == 0 and set(docs_list(data)) >= {"teil-2.txt", "teil-3.txt"}
    full = run_kb(["sync", str(folder), "--delete"], data)
    assert full.returncode == 0, full.stderr
    assert set(docs_list(data)) == {"teil-0.txt", "teil-1.txt", "teil-3.txt"}
    assert "Plan: 0 to add, 0 to replace, 1 to withdraw, 3 unchanged." in full.stdout
    # withdrawn, not lost: it can come back
    assert run_kb(["docs", "versions", "teil-2-txt"], data).stdout.split("\t")[1] == "retired"


def test_sync_refuses_a_missing_folder(tmp_path: Path) -> None:
    result = run_kb(["sync", str(tmp_path / "fehlt")], tmp_path / "data")
    assert result.returncode == 2 and "not a folder" in result.stderr
