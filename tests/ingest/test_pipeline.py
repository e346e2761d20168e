"""Ingesting files and folders: bad inputs, idempotent re-ingest, the report."""

import json
import os
import re
from pathlib import Path

import pytest
from conftest import make_settings
from helpers import (
    FOERDER_TEXT,
    make_docx,
    make_pdf,
    make_pdf_without_text,
    run_kb,
)

from ingest import parse
from ingest.pipeline import FileResult, IngestReport, ingest_paths, older_parses, reparse_stored
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import ParsedDocument, document_id

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
BINARY_TEXT = b"\x00\x01\x02\x03Daten\x81\x8d\x8f\x90\x9d\x00\x1b[0m" * 40


def by_name(report: IngestReport) -> dict[str, FileResult]:
    return {Path(r.path).name: r for r in report.results}


def kb_state(kb: KnowledgeBase) -> dict[str, tuple[str, int, str]]:
    return {d.file_name: (d.version, d.chunks, d.updated_at) for d in kb.documents()}


def assert_consistent(kb: KnowledgeBase) -> None:
    """Only active versions are stored, and Chroma holds exactly their vectors."""
    assert kb.store.registry.inactive_versions() == []
    vectors = kb.store.vectors()
    assert vectors is not None
    assert vectors.count() == len(kb.store.registry.active_chunks())


def make_bad_inputs(folder: Path) -> dict[str, list[str]]:
    """Every kind of bad input → key words its failure reason must contain."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "leer.txt").write_bytes(b"")
    (folder / "leerzeichen.md").write_bytes(b" \n\n \t\n")
    (folder / "leer.pdf").write_bytes(b"")
    (folder / "kaputt.pdf").write_bytes(b"%PDF-1.4\n" + os.urandom(3000))
    whole = make_pdf(folder / "ganz.tmp", ["Ein Bericht mit Text auf der ersten Seite."] * 3)
    (folder / "abgeschnitten.pdf").write_bytes(whole.read_bytes()[: whole.stat().st_size * 6 // 10])
    whole.unlink()
    make_pdf(folder / "geschuetzt.pdf", ["Vertraulicher Inhalt."], user_password="geheim")
    make_pdf_without_text(folder / "scan.pdf")
    (folder / "foto.pdf").write_bytes(PNG_BYTES)
    (folder / "binaer.txt").write_bytes(BINARY_TEXT)
    (folder / "binaer.md").write_bytes(BINARY_TEXT[::-1])
    (folder / "tabelle.xlsx").write_bytes(b"PK\x03\x04" + os.urandom(200))
    return {
        "leer.txt": ["empty"],
        "leerzeichen.md": ["empty"],
        "leer.pdf": ["empty"],
        "kaputt.pdf": ["corrupt", "pdf"],
        "abgeschnitten.pdf": ["corrupt", "pdf"],
        "geschuetzt.pdf": ["encrypted", "password"],
        "scan.pdf": ["no extractable text"],
        "foto.pdf": ["not a pdf"],
        "binaer.txt": ["cannot decode"],
        "binaer.md": ["cannot decode"],
        "tabelle.xlsx": ["unsupported", ".xlsx"],
    }


def test_every_bad_input_fails_with_a_reason_and_the_rest_is_ingested(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    before = tmp_path / "vorher.txt"
    before.write_text("\n\n".join(FOERDER_TEXT), encoding="utf-8")
    assert ingest_paths(empty_kb, [before]).results[0].status == "added"
    state_before = kb_state(empty_kb)

    folder = tmp_path / "eingang"
    expected = make_bad_inputs(folder)
    (folder / "gut.md").write_text("# Gut\n\n" + FOERDER_TEXT[1], encoding="utf-8")
    report = ingest_paths(empty_kb, [folder])

    results = by_name(report)
    assert set(results) == {*expected, "gut.md"}
    assert results["gut.md"].status == "added"
    for name, words in expected.items():
        result = results[name]
        assert result.status == "failed", name
        reason = result.reason or ""
        assert all(w in reason.lower() for w in words), (name, reason)
        assert "\n" not in reason and "Traceback" not in reason and len(reason) < 300
    assert report.failed and report.count("failed") == len(expected)

    after = kb_state(empty_kb)
    assert after["vorher.txt"] == state_before["vorher.txt"]
    assert set(after) == {"vorher.txt", "gut.md"}
    assert_consistent(empty_kb)


def test_a_corrupt_new_version_keeps_the_old_one(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    path = make_pdf(tmp_path / "bestand.pdf", FOERDER_TEXT)
    assert ingest_paths(empty_kb, [path]).results[0].status == "added"
    before = kb_state(empty_kb)
    path.write_bytes(path.read_bytes()[:500])  # the file got damaged
    result = ingest_paths(empty_kb, [path]).results[0]
    assert (result.status, result.doc_id) == ("failed", "bestand-pdf")
    assert "corrupt" in (result.reason or "")
    assert kb_state(empty_kb) == before
    hits = empty_kb.search("Geschäftsführende Stelle Bündnis").hits
    assert hits and all(h.chunk.file_name == "bestand.pdf" for h in hits)
    assert_consistent(empty_kb)


def test_a_pdf_with_one_broken_page_keeps_its_good_pages(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    path = broken_page_pdf(tmp_path / "teilweise.pdf")
    result = ingest_paths(empty_kb, [path]).results[0]
    assert result.status == "added", result.reason
    doc_id = document_id(path.name)
    assert "Geschäftsführende Stelle" in empty_kb.page(doc_id, 2).text
    assert "Teilhabemanagement" in empty_kb.page(doc_id, 3).text
    chunks = empty_kb.store.registry.active_chunks()
    assert {c.page for c in chunks} == {2, 3}
    assert empty_kb.document(doc_id).pages == 3


def test_a_broken_page_is_reported_as_a_warning(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    result = ingest_paths(empty_kb, [broken_page_pdf(tmp_path / "teilweise.pdf")]).results[0]
    assert any("page 1" in w for w in result.warnings), result.warnings


def broken_page_pdf(path: Path) -> Path:
    """Three pages; the first page's compressed content stream is overwritten with zeros."""
    make_pdf(path, FOERDER_TEXT)
    data = path.read_bytes()
    first = next(re.finditer(rb"stream\n(.*?)\nendstream", data, re.S))
    start, end = first.span(1)
    path.write_bytes(data[:start] + b"\x00" * (end - start) + data[end:])
    return path


def five_formats(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    a, b, c = FOERDER_TEXT
    return [
        make_pdf(folder / "bericht.pdf", [f"1 Einleitung\n{a}", f"2 Umsetzung\n{b}"]),
        make_docx(folder / "mitteilung.docx", [("Heading 1", "Mitteilung"), ("", b)]),
        _write(folder / "projekt.html", f"<html><body><h1>Projekt</h1><p>{c}</p></body></html>"),
        _write(folder / "werkstatt.md", f"# Werkstatt\n\n{a}\n"),
        _write(folder / "notiz.txt", c),
    ]


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_reingesting_the_same_files_changes_nothing(
    empty_kb: KnowledgeBase, tmp_path: Path
) -> None:
    folder = tmp_path / "docs"
    files = five_formats(folder)
    first = ingest_paths(empty_kb, [folder])
    assert [r.status for r in first.results] == ["added"] * 5
    state = kb_state(empty_kb)
    chunk_ids = sorted(c.id for c in empty_kb.store.registry.active_chunks())
    vectors = empty_kb.store.vectors().count()  # type: ignore[union-attr]

    second = ingest_paths(empty_kb, files)  # the same files, named one by one
    assert [r.status for r in second.results] == ["unchanged"] * 5
    assert sorted(r.doc_id for r in second.results) == sorted(r.doc_id for r in first.results)
    assert second.chunks == 0 and not second.failed
    assert kb_state(empty_kb) == state
    assert sorted(c.id for c in empty_kb.store.registry.active_chunks()) == chunk_ids
    assert empty_kb.store.vectors().count() == vectors  # type: ignore[union-attr]


def test_the_report_counts_files_and_chunks(empty_kb: KnowledgeBase, tmp_path: Path) -> None:
    folder = tmp_path / "docs"
    five_formats(folder)
    (folder / ".versteckt.txt").write_text("Versteckte Datei.", encoding="utf-8")
    (folder / "unter").mkdir()
    (folder / "unter" / "notiz.txt").write_text("Eine zweite Notiz.", encoding="utf-8")
    missing = tmp_path / "fehlt.pdf"
    report = ingest_paths(empty_kb, [folder, missing])

    results = {Path(r.path).relative_to(tmp_path).as_posix(): r for r in report.results}
    hidden = results["docs/.versteckt.txt"]  # hidden files are skipped, and said so
    assert (hidden.status, hidden.reason) == ("skipped", "hidden file")
    assert results["fehlt.pdf"].status == "failed"
    assert "no such file" in (results["fehlt.pdf"].reason or "")
    dup = results["docs/unter/notiz.txt"]
    assert dup.status == "failed" and "same document id" in (dup.reason or "")
    assert (report.count("added"), report.count("failed"), report.count("skipped")) == (5, 2, 1)

    docs = {d.doc_id: d for d in empty_kb.documents()}
    added = [r for r in report.results if r.status == "added"]
    assert {r.doc_id for r in added} == set(docs)
    assert all(docs[r.doc_id].chunks == r.chunks > 0 for r in added)  # type: ignore[index]
    assert (
        report.chunks
        == sum(r.chunks for r in added)
        == len(empty_kb.store.registry.active_chunks())
    )
    assert docs["bericht-pdf"].pages == 2 and docs["bericht-pdf"].kind == "pdf"


def test_changed_chunk_settings_rechunk_on_the_next_ingest(tmp_path: Path) -> None:
    path = _write(tmp_path / "notiz.txt", "\n\n".join(FOERDER_TEXT))
    kb = build_kb(make_settings(tmp_path / "data"))
    try:
        assert ingest_paths(kb, [path]).results[0].status == "added"
        chunks_before = kb.documents()[0].chunks
    finally:
        kb.close()
    kb = build_kb(make_settings(tmp_path / "data", chunk_size=20, chunk_overlap=0))
    try:
        result = ingest_paths(kb, [path]).results[0]
        assert result.status == "replaced"
        assert kb.documents()[0].chunks == result.chunks > chunks_before
        assert_consistent(kb)
    finally:
        kb.close()


def test_kb_ingest_exits_non_zero_when_a_file_failed(tmp_path: Path) -> None:
    folder = tmp_path / "eingang"
    expected = make_bad_inputs(folder)
    _write(folder / "gut.txt", FOERDER_TEXT[2])
    result = run_kb(["ingest", "--json", str(folder)], tmp_path / "data")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    assert (report["added"], report["failed"]) == (1, len(expected))
    reasons = {Path(f["path"]).name: f["reason"] for f in report["files"]}
    assert "encrypted" in reasons["geschuetzt.pdf"] and reasons["gut.txt"] is None

    text = run_kb(["ingest", str(folder)], tmp_path / "data")  # the human-readable report
    assert text.returncode == 1
    assert f"0 added, 0 replaced, 1 unchanged, 0 skipped, {len(expected)} failed" in text.stdout
    assert "Traceback" not in text.stderr


def test_kb_ingest_report_keeps_one_line_per_file_when_piped(tmp_path: Path) -> None:
    folder = tmp_path / "ein-ziemlich-langer-ordnername-fuer-die-eingangsdokumente"
    folder.mkdir()
    locked = make_pdf(folder / "geschuetzt.pdf", ["Vertraulicher Inhalt."], user_password="geheim")
    result = run_kb(["ingest", str(locked)], tmp_path / "data")
    assert result.returncode == 1
    assert f"{locked}: the PDF is encrypted with a password" in result.stdout.splitlines()[0]


def test_non_prose_lines_are_tagged_at_ingest(parsed_corpus: dict[str, ParsedDocument]) -> None:
    """Contents lines, form fields and number tables keep their text (searchable) and carry
    their kind, so that answers never quote them on their own."""
    report = parsed_corpus["iaq-zwischenbericht-gemeinsam-klappts-2019.pdf"]
    kinds = {kind for c in report.chunks for _, _, kind in c.layout}
    assert {"toc", "form", "table", "reference"} <= kinds
    for chunk in report.chunks:
        for start, end, _ in chunk.layout:
            assert start < chunk.end and chunk.start < end  # spans touch their chunk
    toc = next(c for c in report.chunks if any(k == "toc" for _, _, k in c.layout))
    page = next(p for p in report.pages if p.number == toc.page)
    start, end, _ = next(s for s in toc.layout if s[2] == "toc")
    assert page.text[start:end].rstrip()[-1].isdigit()  # "… Vorbemerkung\t4"


def test_changed_parsing_code_reparses_on_the_next_ingest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new layout rule must reach the documents already stored, not only new files; the
    re-parse of the same file takes no place in the versions kept for undo."""
    path = _write(tmp_path / "notiz.txt", "\n\n".join(FOERDER_TEXT))
    kb = build_kb(make_settings(tmp_path / "data", keep_versions=2))
    try:
        assert ingest_paths(kb, [path]).results[0].status == "added"
        first = kb.store.registry.active_version("notiz-txt")
        _write(path, "\n\n".join(reversed(FOERDER_TEXT)))
        assert ingest_paths(kb, [path]).results[0].status == "replaced"
        assert ingest_paths(kb, [path]).results[0].status == "unchanged"
        for release in ("next-release", "the one after"):
            monkeypatch.setattr(parse, "parsing_code_fingerprint", lambda r=release: r)
            assert ingest_paths(kb, [path]).results[0].status == "replaced"
            assert ingest_paths(kb, [path]).results[0].status == "unchanged"
        versions = kb.store.registry.versions_of("notiz-txt")
        assert [(v.state, v.version == first) for v in versions] == [
            ("active", False),
            ("retired", True),  # the first file is still there to restore
        ]
        assert_consistent(kb)
    finally:
        kb.close()


def test_reparse_parses_the_stored_documents_of_older_parsing_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Documents uploaded in the browser have no file for `kb ingest` to read again."""
    folder = tmp_path / "upload"
    folder.mkdir()
    notiz = _write(folder / "notiz.txt", "\n\n".join(FOERDER_TEXT))
    werkstatt = _write(folder / "werkstatt.md", f"# Werkstatt\n\n{FOERDER_TEXT[0]}\n")
    kb = build_kb(make_settings(tmp_path / "data"))
    try:
        ingest_paths(kb, [folder])
        notiz.unlink()  # as after an upload: only the stored original is left
        werkstatt.unlink()
        assert {r.status for r in reparse_stored(kb).results} == {"unchanged"}
        assert older_parses(kb) == []
        monkeypatch.setattr(parse, "parsing_code_fingerprint", lambda: "next-release")
        assert sorted(older_parses(kb)) == ["notiz-txt", "werkstatt-md"]
        report = reparse_stored(kb)
        assert sorted((r.path, r.status) for r in report.results) == [
            ("notiz.txt", "replaced"),
            ("werkstatt.md", "replaced"),
        ]
        assert {r.status for r in reparse_stored(kb).results} == {"unchanged"}
        assert older_parses(kb) == []
        assert [len(kb.store.registry.versions_of(d)) for d in ("notiz-txt", "werkstatt-md")] == [
            1,
            1,
        ]
        assert_consistent(kb)
        # an original lost on disk: reported, and the published version stays
        monkeypatch.setattr(parse, "parsing_code_fingerprint", lambda: "the one after")
        version = kb.store.registry.active_version("notiz-txt")
        stored = kb.store.registry.original_of("notiz-txt", version or "")
        kb.store.files.path(stored or "").unlink()
        failed = {r.path: r for r in reparse_stored(kb).results}["notiz.txt"]
        assert failed.status == "failed" and "the published version stays" in (failed.reason or "")
        assert kb.store.registry.active_version("notiz-txt") == version
    finally:
        kb.close()


def test_kb_reparse_reports_documents_already_parsed_by_this_code(tmp_path: Path) -> None:
    _write(tmp_path / "notiz.txt", FOERDER_TEXT[0])
    assert run_kb(["ingest", str(tmp_path / "notiz.txt")], tmp_path / "data").returncode == 0
    result = run_kb(["reparse", "--json"], tmp_path / "data")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert (report["unchanged"], report["replaced"], report["failed"]) == (1, 0, 0)
    status = run_kb(["status"], tmp_path / "data")
    assert status.returncode == 0 and "older parses:    0\n" in status.stdout, status.stdout
