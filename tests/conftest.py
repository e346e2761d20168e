"""Shared fixtures: real embedder, real Chroma in temp dirs, the real sample corpus.

Embeddings are cached in .cache/embeddings (by model and text hash), so only the first run on a
fresh clone embeds the corpus. The network is blocked except for loopback.
"""

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from kb.knowledge_base import KnowledgeBase, build_kb
from kb.models import ParsedDocument
from kb.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
CORPUS = (ROOT / ".." / "shared" / "corpus").resolve()
EMBED_CACHE = ROOT / ".cache" / "embeddings"
ARTIFACTS = ROOT / "test-artifacts"

# Test switches (not settings) that survive the clean-up below.
TEST_SWITCHES = {"KB_UPDATE_DOCS_SCREENSHOTS", "KB_TEST_EXAMPLES"}

for key in [k for k in os.environ if k.startswith("KB_") and k not in TEST_SWITCHES]:
    del os.environ[key]  # a developer's KB_* settings must not leak into tests


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {"data_dir": data_dir, "cache_dir": EMBED_CACHE}
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(autouse=True, scope="session")
def _block_network() -> Iterator[None]:
    real_connect = socket.socket.connect

    def guarded(self: socket.socket, address: object) -> object:
        host = address[0] if isinstance(address, tuple) else str(address)
        if self.family == socket.AF_UNIX or host in ("127.0.0.1", "::1", "localhost"):
            return real_connect(self, address)  # type: ignore[arg-type]
        raise OSError(f"network access blocked in tests: {address}")

    socket.socket.connect = guarded  # type: ignore[method-assign]
    yield
    socket.socket.connect = real_connect  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def corpus_dir() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"sample corpus not found at {CORPUS}")
    return CORPUS


@pytest.fixture(scope="session")
def corpus_kb(
    corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[KnowledgeBase]:
    """The whole sample corpus ingested once per test session. Read-only for tests."""
    from ingest.pipeline import ingest_paths

    kb = build_kb(make_settings(tmp_path_factory.mktemp("corpus-kb") / "data"))
    report = ingest_paths(kb, [corpus_dir])
    assert not report.failed, [r.reason for r in report.results if r.reason]
    yield kb
    kb.close()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def empty_kb(settings: Settings) -> Iterator[KnowledgeBase]:
    kb = build_kb(settings)
    yield kb
    kb.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def parsed_corpus(corpus_dir: Path) -> dict[str, ParsedDocument]:
    """Every corpus file parsed (cleaned, structured, chunked) with the default settings."""
    from ingest.chunking import Chunker
    from ingest.parse import parse_file

    defaults = make_settings(Path("unused"))
    chunker = Chunker(defaults.chunk_size, defaults.chunk_overlap)
    return {p.name: parse_file(p, chunker) for p in sorted(corpus_dir.iterdir()) if p.is_file()}
