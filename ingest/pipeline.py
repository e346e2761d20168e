"""Ingest files and folders into the knowledge base, one file at a time, reporting each."""

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from ingest.chunking import Chunker
from ingest.parse import SUPPORTED_SUFFIXES, parse_bytes, pipeline_signature, read_file
from kb.errors import IngestError
from kb.index import Indexer
from kb.knowledge_base import KnowledgeBase
from kb.models import content_version, document_id

Status = Literal["added", "replaced", "unchanged", "failed"]


@dataclass
class FileResult:
    path: str
    status: Status
    doc_id: str | None = None
    chunks: int = 0
    reason: str | None = None
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0


@dataclass
class IngestReport:
    results: list[FileResult]
    seconds: float

    def count(self, status: Status) -> int:
        return sum(r.status == status for r in self.results)

    @property
    def failed(self) -> bool:
        return self.count("failed") > 0

    @property
    def chunks(self) -> int:
        return sum(r.chunks for r in self.results if r.status in ("added", "replaced"))


class Progress(Protocol):
    def file_started(self, path: Path, index: int, total: int) -> None: ...
    def chunks_started(self, total: int) -> None: ...
    def chunks_done(self, n: int) -> None: ...
    def file_finished(self, result: FileResult) -> None: ...


class _Silent:
    def file_started(self, path: Path, index: int, total: int) -> None:
        pass

    def chunks_started(self, total: int) -> None:
        pass

    def chunks_done(self, n: int) -> None:
        pass

    def file_finished(self, result: FileResult) -> None:
        pass


def discover(paths: list[Path]) -> tuple[list[Path], list[FileResult]]:
    """Files to ingest (folders walked, hidden files skipped) and failures for missing paths."""
    files: list[Path] = []
    missing: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            files.extend(
                p
                for p in sorted(path.rglob("*"))
                if p.is_file()
                and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
        elif path.is_file():
            files.append(path)
        else:
            missing.append(FileResult(str(path), "failed", reason="no such file or folder"))
    return files, missing


def ingest_paths(
    kb: KnowledgeBase, paths: list[Path], progress: Progress | None = None
) -> IngestReport:
    progress = progress or _Silent()
    t0 = time.perf_counter()
    chunker = Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap)
    files, results = discover(paths)
    seen: dict[str, Path] = {}
    with kb.writer() as writer:
        for i, path in enumerate(files):
            progress.file_started(path, i, len(files))
            doc_id = document_id(path.name)
            if doc_id in seen:
                result = FileResult(
                    str(path),
                    "failed",
                    doc_id,
                    reason=(
                        f"same document id '{doc_id}' as {seen[doc_id]} in this run (a document is "
                        "identified by its file name; rename one of them)"
                    ),
                )
            else:
                seen[doc_id] = path
                result = _ingest_one(kb, writer, path, chunker, progress)
            results.append(result)
            progress.file_finished(result)
    if any(r.status in ("added", "replaced") for r in results):
        kb.calibrate()  # the refusal calibration follows the corpus when it changed materially
    return IngestReport(results, time.perf_counter() - t0)


def _ingest_one(
    kb: KnowledgeBase, writer: Indexer, path: Path, chunker: Chunker, progress: Progress
) -> FileResult:
    t0 = time.perf_counter()
    doc_id = document_id(path.name)

    def failed(reason: str) -> FileResult:
        return FileResult(
            str(path), "failed", doc_id, reason=reason, seconds=time.perf_counter() - t0
        )

    try:
        data = read_file(path)
        if kb.store.registry.active_version(doc_id) == content_version(
            data, pipeline_signature(chunker)
        ):
            return FileResult(str(path), "unchanged", doc_id, seconds=time.perf_counter() - t0)
        doc = parse_bytes(path.name, data, chunker)
    except IngestError as e:
        return failed(str(e))
    except Exception as e:  # a loader bug on odd input must not stop the other files
        return failed(f"unexpected error while reading ({type(e).__name__}: {e})")
    previous = kb.store.registry.document(doc_id)
    if previous is not None and previous.file_name != path.name:
        doc.warnings.append(f"replaces '{previous.file_name}' (same document id '{doc_id}')")
    progress.chunks_started(len(doc.chunks))
    # Errors while storing (model mismatch, an unreachable Chroma server, a full disk) are not
    # about this file: they stop the run; the old version stays intact.
    outcome = writer.upsert(doc, on_progress=progress.chunks_done)
    return FileResult(
        str(path),
        outcome,
        doc_id,
        chunks=len(doc.chunks),
        warnings=doc.warnings,
        seconds=time.perf_counter() - t0,
    )


__all__ = ["SUPPORTED_SUFFIXES", "FileResult", "IngestReport", "discover", "ingest_paths"]
