"""Site settings are data: another initiative runs the product unchanged. And draft test
questions from feedback run with `kb eval --qa FILE` against the knowledge base in use."""

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from admin_helpers import add_users, bearer
from conftest import ROOT, make_settings
from fastapi.testclient import TestClient
from helpers import FOERDER_TEXT, run_kb

from service.app import create_app
from service.eval_drafts import append_draft, draft_item

INITIATIVE = re.compile(r"Gemeinsam klappt|NRW|Nordrhein", re.I)


def test_nothing_about_the_initiative_is_hard_coded() -> None:
    places = [ROOT / "service" / "templates", ROOT / "service" / "static", ROOT / "prompts"]
    files = [p for d in places for p in d.rglob("*") if p.is_file()]
    files += list((ROOT / "service").rglob("*.py"))
    assert len(files) > 20
    found = [
        f"{p.relative_to(ROOT)}:{n}"
        for p in files
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if INITIATIVE.search(line)
    ]
    assert found == []


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    app = create_app(make_settings(tmp_path_factory.mktemp("site") / "data"))
    with TestClient(app) as c:
        c.app_tokens = add_users(app)  # type: ignore[attr-defined]
        yield c


def test_an_admin_renames_the_site(client: TestClient) -> None:
    default = client.get("/api/site").json()
    assert default["name"] and default["examples"]
    h = bearer(client.app_tokens["admin"])  # type: ignore[attr-defined]
    new = {
        "name": "Zusammen geht's",
        "title": "Wissen für „Zusammen geht's“",
        "welcome": "Willkommen! Fragen Sie die Dokumente von Zusammen geht's.",
        "examples": ["Wer berät in Kiel?"],
        "primary_color": "#2f6b3a",
        "contact": "Kontakt: info@zusammen.example",
    }
    r = client.put("/api/admin/settings", json=new, headers=h)
    assert r.status_code == 200, r.text
    site = client.get("/api/site").json()
    assert {k: site[k] for k in ("name", "welcome", "examples", "primary_color")} == {
        k: new[k] for k in ("name", "welcome", "examples", "primary_color")
    }
    page = client.get("/angebote").text
    assert "Wissen für „Zusammen geht&#39;s“" in page and "info@zusammen.example" in page
    assert "--kb-primary:#2f6b3a" in client.get("/site.css").text
    assert "Wer berät in Kiel?" in client.get("/").text

    for bad, word in [({"primary_color": "#ffff00"}, "contrast"), ({"name": ""}, "name")]:
        r = client.put("/api/admin/settings", json=bad, headers=h)
        assert r.status_code == 422 and word in r.json()["detail"], r.text
    maintainer = bearer(client.app_tokens["maintainer"])  # type: ignore[attr-defined]
    assert client.put("/api/admin/settings", json=new, headers=maintainer).status_code == 403


def test_draft_questions_run_against_the_live_kb(tmp_path: Path) -> None:
    data, docs = tmp_path / "data", tmp_path / "docs"
    docs.mkdir()
    (docs / "grundlagen.txt").write_text("\n\n".join(FOERDER_TEXT), encoding="utf-8")
    assert run_kb(["ingest", str(docs)], data).returncode == 0
    asked = json.loads(run_kb(["ask", "--json", "Wer koordiniert das Bündnis?"], data).stdout)
    feedback = {"id": "f" * 32, "question": asked["question"], "citations": asked["citations"]}
    path = append_draft(data, draft_item(feedback, asked["answer"], [1], False))
    assert path == data / "eval" / "qa-local.jsonl"
    result = run_kb(["eval", "--qa", str(path)], data)
    assert result.returncode == 0, result.stderr
    assert "1 questions" in result.stdout and "local-ffffffffffff" in result.stdout
    assert "\tok\t" in result.stdout
