"""The catalog follows the registry one document at a time, from stored per-document analyses,
and ends up exactly where a fresh process reading the same registry does."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from conftest import make_settings

from ingest.pipeline import ingest_paths
from kb.knowledge_base import KnowledgeBase, build_kb
from kb.retrieval import analysis as analysis_module
from kb.retrieval.catalog import Catalog

DOCS = {
    "sprachkurse.md": (
        "# Sprachförderung in Viersen\n\n"
        "Die Volkshochschule bietet Sprachkurse für junge Geflüchtete an. Die Bündniskerngruppe "
        "trifft sich monatlich. Die Geschäftsführende Stelle (GfS) koordiniert die "
        "Sprachförderung und die Ausbildungsbegleitung im Kreis Viersen. "
        "Teilhabemanagerinnen beraten zu Integrationskursen, Jobcenter und Ausbildungsduldung.\n\n"
        "Ehrenamtliche Sprachpatenschaften ergänzen die Kurse. Viele Patinnen und Paten "
        "begleiten die Teilnehmenden auch zu Behörden und zur Wohnungssuche.\n"
    ),
    "notiz.md": "# Kurznotiz\n\nDie Kerngruppe tagt im Rathaus von Kleve.\n",
    "ausbildung.md": (
        "# Ausbildung und Arbeit in Münster\n\n"
        "Das Teilhabemanagement in Münster begleitet Geduldete in eine Berufsausbildung. "
        "Einstiegsqualifizierung und ausbildungsbegleitende Hilfen werden mit der Agentur für "
        "Arbeit abgestimmt. Die Kerngruppe des Bündnisses bewertet die Fälle gemeinsam. "
        "Kinderbetreuung während der Sprachkurse organisiert die Stadt mit Kitas.\n\n"
        "Arbeitgeber melden Praktikumsplätze an die Jobbörse. Die Beratungsstelle hilft bei "
        "Fragen zur Beschäftigungserlaubnis und zur Anerkennung ausländischer Abschlüsse.\n"
    ),
    "wohnen.md": (
        "# Wohnen in Bielefeld\n\n"
        "Die Wohnraumvermittlung unterstützt junge Erwachsene beim Auszug aus der "
        "Flüchtlingsunterkunft. Mietpatenschaften und eine Wohnungsbörse helfen bei der Suche. "
        "Die Sprachförderung läuft parallel in Abendkursen.\n"
    ),
}
QUERIES = [
    "Sprachförderung Viersen",
    "Wer ist die Bündniskerngruppe?",
    "Kerngruppe",
    "Was macht die GfS?",
    "Teilhabemanagerin Ausbildung",
    "Wohnungssuche Mietpatenschaft",
    "Kinderbetreuung Kita",
]


def fingerprint(catalog: Catalog) -> dict[str, Any]:
    terms = [catalog.analyzer.query_terms(catalog.glossary.expand(q).text) for q in QUERIES]
    return {
        "chunks": [c.id for c in catalog.chunks],
        "doc_versions": catalog.doc_versions,
        "tags": [(t.places, t.topics) for t in catalog.tags],
        "glossary": catalog.glossary.entries,
        "terms": terms,
        "scores": [catalog.bm25.scores(t).tolist() for t in terms],
        "idf": [[catalog.bm25.idf(x) for x in t] for t in terms],
    }


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    folder = tmp_path / "docs"
    folder.mkdir()
    out = {}
    for name, text in DOCS.items():
        (folder / name).write_text(text, encoding="utf-8")
        out[name] = folder / name
    return out


def ingest(kb: KnowledgeBase, *paths: Path) -> None:
    report = ingest_paths(kb, list(paths))
    assert not report.failed, [r.reason for r in report.results]


def remove(kb: KnowledgeBase, doc_id: str) -> None:
    with kb.writer() as writer:
        writer.remove(doc_id)


def test_a_reader_that_follows_every_change_ends_where_a_fresh_reader_starts(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    settings = make_settings(tmp_path / "data", lexicon_refresh_drift=1.0)  # never renewed
    writer, reader = build_kb(settings), build_kb(settings)
    try:
        ingest(writer, files["sprachkurse.md"])
        first = reader.catalog()
        for name in ("notiz.md", "ausbildung.md", "wohnen.md"):
            ingest(writer, files[name])
            assert reader.catalog().generation > first.generation
        assert writer.store.registry.lexicon_id() == 1  # made once, by the first session
        remove(writer, "notiz-md")
        followed = reader.catalog()
        # a removal purges: the lexicon is made again without the removed text's words
        assert writer.store.registry.lexicon_id() == 2
        fresh = build_kb(settings)
        try:
            assert fingerprint(followed) == fingerprint(fresh.catalog())
        finally:
            fresh.close()
        assert "notiz-md@" not in " ".join(followed.doc_versions)
        assert len({c.doc_id for c in followed.chunks}) == 3
    finally:
        writer.close()
        reader.close()


def test_right_after_a_lexicon_renewal_the_catalog_equals_a_full_build(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    settings = make_settings(tmp_path / "data", lexicon_refresh_drift=0.0)  # renewed every time
    kb = build_kb(settings)
    try:
        for name in ("sprachkurse.md", "notiz.md", "ausbildung.md"):
            ingest(kb, files[name])
            catalog = kb.catalog()
            full = Catalog.build(catalog.generation, kb.store.registry.active_chunks())
            assert fingerprint(catalog) == fingerprint(full)
        assert kb.store.registry.lexicon_id() == 3
    finally:
        kb.close()


def test_an_update_reads_only_the_new_document_and_analyses_nothing(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = make_settings(tmp_path / "data", lexicon_refresh_drift=1.0)
    writer, reader = build_kb(settings), build_kb(settings)
    try:
        ingest(writer, files["sprachkurse.md"], files["ausbildung.md"])
        reader.catalog()
        ingest(writer, files["wohnen.md"])
        loaded: list[int] = []
        analysed: list[int] = []
        from_blob = analysis_module.DocAnalysis.from_blob.__func__  # type: ignore[attr-defined]
        document = analysis_module.Analyzer.document

        def counting_from_blob(cls: Any, blob: bytes) -> Any:
            loaded.append(1)
            return from_blob(cls, blob)

        def counting_document(self: Any, chunks: Any) -> Any:
            analysed.append(1)
            return document(self, chunks)

        monkeypatch.setattr(
            analysis_module.DocAnalysis, "from_blob", classmethod(counting_from_blob)
        )
        monkeypatch.setattr(analysis_module.Analyzer, "document", counting_document)
        catalog = reader.catalog()
        assert len(loaded) == 1 and not analysed  # the writer stored it; the others are kept
        assert any(c.doc_id == "wohnen-md" for c in catalog.chunks)
    finally:
        writer.close()
        reader.close()


def test_the_lexicon_is_renewed_when_the_corpus_drifted_from_it(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    kb = build_kb(make_settings(tmp_path / "data", lexicon_refresh_drift=0.2))
    registry = kb.store.registry
    try:
        ingest(kb, files["sprachkurse.md"])
        assert registry.lexicon_id() == 1
        ingest(kb, files["notiz.md"])  # a few words: the lexicon stays
        assert registry.lexicon_id() == 1
        assert 0 < (registry.lexicon_drift() or 0) < 0.2
        assert registry.lexicon()[1]["rathaus"] == 0  # the note is not in the lexicon
        assert any(c.doc_id == "notiz-md" for c in kb.catalog().chunks)
        ingest(kb, files["ausbildung.md"])  # as large as the first: renewed
        assert registry.lexicon_id() == 2
        assert registry.lexicon_drift() == 0
        _, lexicon = registry.lexicon()
        assert lexicon["rathaus"] == 1 and lexicon["einstiegsqualifizierung"] == 1
    finally:
        kb.close()


def test_stale_or_missing_analyses_are_computed_by_readers_and_renewed_by_the_next_writer(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    settings = make_settings(tmp_path / "data")
    kb = build_kb(settings)
    try:
        ingest(kb, *files.values())
        expected = fingerprint(kb.catalog())
    finally:
        kb.close()
    db = sqlite3.connect(tmp_path / "data" / "registry.sqlite3")
    db.execute("UPDATE analyses SET revision='an older analyzer' WHERE doc_id='wohnen-md'")
    db.commit()
    reader = build_kb(settings)
    try:
        assert fingerprint(reader.catalog()) == expected
    finally:
        reader.close()
    # A registry from before stored analyses: no lexicon either. Readers fall back to the
    # corpus' own vocabulary; the next write session stores everything.
    for statement in (
        "DELETE FROM analyses",
        "DELETE FROM lexicon",
        "DELETE FROM lexicon_sources",
        "DELETE FROM meta WHERE key='lexicon'",
    ):
        db.execute(statement)
    db.commit()
    db.close()
    kb = build_kb(settings)
    try:
        catalog = kb.catalog()
        assert fingerprint(catalog) == fingerprint(
            Catalog.build(catalog.generation, kb.store.registry.active_chunks())
        )
        ingest(kb, *files.values())  # nothing changed, but the session stores the analyses
        stored = kb.store.registry.active_analyses()
        assert len(stored) == 4 and all(a is not None for a in stored.values())
        assert kb.store.registry.lexicon_id() == 1
        assert fingerprint(kb.catalog()) == expected
    finally:
        kb.close()


def test_readers_reuse_the_writers_compound_splits(
    tmp_path: Path, files: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    from kb.retrieval.analyzer import CompoundSplitter
    from kb.retrieval.units import context_text

    settings = make_settings(tmp_path / "data")
    writer = build_kb(settings)
    try:
        ingest(writer, *files.values())
        expected = fingerprint(writer.catalog())
        assert writer.store.registry.lexicon_splits(analysis_module.analysis_revision())
    finally:
        writer.close()
    searches: list[str] = []
    best = CompoundSplitter._best

    def counting(self: Any, word: str, budget: int, memo: Any) -> Any:
        searches.append(word)
        return best(self, word, budget, memo)

    monkeypatch.setattr(CompoundSplitter, "_best", counting)
    reader = build_kb(settings)
    try:
        catalog = reader.catalog()
        for chunk in catalog.chunks:
            catalog.analyzer.terms(context_text(chunk))
        assert searches == []  # every corpus word's split came with the lexicon
        assert fingerprint(catalog) == expected
        catalog.analyzer.terms("Sprachpatenschaftsbörse")  # a new word is still split here
        assert searches
    finally:
        reader.close()


def test_compound_splits_of_older_analyzer_code_are_not_reused(
    tmp_path: Path, files: dict[str, Path]
) -> None:
    """After an upgrade that splits words differently, readers split them with the new code and
    the next write session stores the new splits."""
    settings = make_settings(tmp_path / "data")
    writer = build_kb(settings)
    try:
        ingest(writer, *files.values())
        expected = fingerprint(writer.catalog())
        splits = writer.store.registry.lexicon_splits(analysis_module.analysis_revision())
    finally:
        writer.close()
    assert splits["kerngruppe"] == []  # no compound of two corpus words
    db = sqlite3.connect(tmp_path / "data" / "registry.sqlite3")
    # what older code decided, and the analyses it stored
    db.execute("UPDATE lexicon_splits SET parts='kern gruppe' WHERE word='kerngruppe'")
    db.execute("UPDATE meta SET value='an older analyzer' WHERE key='lexicon_revision'")
    db.execute("UPDATE analyses SET revision='an older analyzer'")
    db.commit()
    db.close()
    reader = build_kb(settings)
    try:
        assert reader.store.registry.lexicon_splits(analysis_module.analysis_revision()) == {}
        assert reader.catalog().analyzer._parts("kerngruppe") == []
        assert fingerprint(reader.catalog()) == expected
        ingest(reader, *files.values())  # nothing changed, but the session renews the lexicon
        registry = reader.store.registry
        assert registry.lexicon_revision() == analysis_module.analysis_revision()
        assert registry.lexicon_splits(analysis_module.analysis_revision())["kerngruppe"] == []
        assert fingerprint(reader.catalog()) == expected
    finally:
        reader.close()
