"""Stored parses and analyses name the code that made them (kb/fingerprint.py)."""

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from ingest import parse
from ingest.chunking import Chunker
from kb.fingerprint import source_fingerprint
from kb.retrieval import analysis


@pytest.fixture
def rules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A package ``parsingrules`` with one module, importable for the test."""
    package = tmp_path / "parsingrules"
    package.mkdir()
    (package / "__init__.py").write_text("")
    module = package / "layout.py"
    module.write_text("PATTERN = 'a'\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("parsingrules", None)  # another test's package of that name
    source_fingerprint.cache_clear()
    yield module
    sys.modules.pop("parsingrules", None)
    source_fingerprint.cache_clear()


def test_the_fingerprint_follows_the_source_of_a_package(rules: Path) -> None:
    first = source_fingerprint(("parsingrules",))
    source_fingerprint.cache_clear()
    assert source_fingerprint(("parsingrules",)) == first  # the same source, the same hash
    rules.write_text("PATTERN = 'b'\n")
    source_fingerprint.cache_clear()
    changed = source_fingerprint(("parsingrules",))
    assert changed != first and len(changed) == 12


def test_a_module_added_to_a_package_changes_the_fingerprint(rules: Path) -> None:
    first = source_fingerprint(("parsingrules",))
    (rules.parent / "tables.py").write_text("")
    source_fingerprint.cache_clear()
    assert source_fingerprint(("parsingrules",)) != first


def test_the_pipeline_signature_and_analysis_revision_follow_their_code(
    rules: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    chunker = Chunker(100, 10)
    monkeypatch.setattr(parse, "_PARSING_CODE", (*parse._PARSING_CODE, "parsingrules"))
    monkeypatch.setattr(analysis, "_ANALYSIS_CODE", (*analysis._ANALYSIS_CODE, "parsingrules"))
    signature, revision = parse.pipeline_signature(chunker), analysis.analysis_revision()
    rules.write_text("PATTERN = 'c'\n")
    source_fingerprint.cache_clear()
    assert parse.pipeline_signature(chunker) != signature
    assert analysis.analysis_revision() != revision
    assert analysis.analysis_revision().startswith(f"{analysis.ANALYSIS_FORMAT}/")


def test_the_real_fingerprints_are_stable_within_a_process() -> None:
    chunker = Chunker(100, 10)
    assert parse.pipeline_signature(chunker) == parse.pipeline_signature(chunker)
    assert parse.pipeline_signature(chunker).startswith(f"r{parse.PIPELINE_REVISION}/size100/")
    assert analysis.analysis_revision() == analysis.analysis_revision()
