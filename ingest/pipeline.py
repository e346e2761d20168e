"""Ingest files and folders into the knowledge base, one file at a time, reporting each."""

import os
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol

from ingest.chunking import Chunker
from ingest.parse import SUPPORTED_SUFFIXES, pipeline_signature, read_file
from ingest.sandbox import parse_isolated
from kb.errors import IngestError, NotFound
from kb.index import Indexer
from kb.knowledge_base import KnowledgeBase
from kb.models import DocumentInfo, ParsedDocument, content_version

Status = Literal["added", "replaced", "unchanged", "skipped", "failed"]


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
    """Files to ingest, and a result for every path that is not ingested: missing ones
    (failed), and inside folders hidden files and folders, symbolic links and special files
    (skipped, with the reason). Links inside folders are never followed, so nothing outside the
    given folders is read; a path named on the command line is used as named."""
    files: list[Path] = []
    notes: list[FileResult] = []
    for path in paths:
        if path.is_dir():
            _walk(path, files, notes)
        elif path.is_file():
            files.append(path)
        elif path.exists():
            notes.append(FileResult(str(path), "failed", reason="not a regular file or folder"))
        else:
            notes.append(FileResult(str(path), "failed", reason="no such file or folder"))
    return files, notes


def _walk(root: Path, files: list[Path], notes: list[FileResult]) -> None:
    found: list[Path] = []
    skipped: list[FileResult] = []
    for folder, dirs, names in os.walk(root, followlinks=False):
        keep = []
        for name in dirs:
            path = Path(folder) / name
            if path.is_symlink():
                skipped.append(FileResult(str(path), "skipped", reason="symbolic link"))
            elif name.startswith("."):
                skipped.append(FileResult(str(path), "skipped", reason="hidden folder"))
            else:
                keep.append(name)
        dirs[:] = keep
        for name in names:
            path = Path(folder) / name
            reason = _skip_reason(path)
            if reason:
                skipped.append(FileResult(str(path), "skipped", reason=reason))
            else:
                found.append(path)
    files.extend(sorted(found))
    notes.extend(sorted(skipped, key=lambda r: r.path))


def _skip_reason(path: Path) -> str | None:
    try:
        mode = path.lstat().st_mode
    except OSError as e:
        return f"cannot read file: {e.strerror or e}"
    if stat.S_ISLNK(mode):
        return "symbolic link"
    if path.name.startswith("."):
        return "hidden file"
    if not stat.S_ISREG(mode):
        return "not a regular file"
    return None


def ingest_paths(
    kb: KnowledgeBase,
    paths: list[Path],
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """``on_wait`` is told once when another writer (e.g. a web job) must finish first."""
    progress = progress or _Silent()
    t0 = time.perf_counter()
    chunker = Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap)
    files, results = discover(paths)
    named = set(paths)
    seen: dict[str, Path] = {}
    with kb.writer(on_wait=on_wait, command="kb ingest") as writer:
        for i, path in enumerate(files):
            progress.file_started(path, i, len(files))
            doc_id, note = writer.document_id_for(path.name, set(seen))
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
                result = _ingest_one(
                    kb, writer, path, doc_id, chunker, progress, follow=path in named
                )
                if note:
                    result.warnings.insert(0, note)
            results.append(result)
            progress.file_finished(result)
    return IngestReport(results, time.perf_counter() - t0)


def _ingest_one(
    kb: KnowledgeBase,
    writer: Indexer,
    path: Path,
    doc_id: str,
    chunker: Chunker,
    progress: Progress,
    follow: bool,
) -> FileResult:
    t0 = time.perf_counter()

    def failed(reason: str) -> FileResult:
        status: Status = "skipped" if reason.startswith("skipped: ") else "failed"
        reason = reason.removeprefix("skipped: ")
        seconds = time.perf_counter() - t0
        return FileResult(str(path), status, doc_id, reason=reason, seconds=seconds)

    try:
        data = read_file(path, kb.settings.max_file_mb * 2**20, follow_symlinks=follow)
        if kb.store.registry.active_version(doc_id) == content_version(
            data, pipeline_signature(chunker)
        ):
            return FileResult(str(path), "unchanged", doc_id, seconds=time.perf_counter() - t0)
        doc = parse_isolated(path.name, data, kb.settings, doc_id=doc_id)
    except IngestError as e:
        return failed(str(e))
    except Exception as e:  # a bug on odd input must not stop the other files
        return failed(f"unexpected error while reading ({type(e).__name__}: {e})")
    return _store(writer, str(path), doc, progress, t0)


def _store(
    writer: Indexer, shown: str, doc: ParsedDocument, progress: Progress, t0: float
) -> FileResult:
    """Publish a parsed document and report it under ``shown`` (its path or file name)."""
    progress.chunks_started(len(doc.chunks))
    # Errors while storing (model mismatch, an unreachable Chroma server, a full disk) are not
    # about this file: they stop the run; the old version stays intact.
    outcome = writer.upsert(doc, on_progress=progress.chunks_done)
    return FileResult(
        shown,
        outcome,
        doc.doc_id,
        chunks=len(doc.chunks),
        warnings=doc.warnings,
        seconds=time.perf_counter() - t0,
    )


def reparse_stored(
    kb: KnowledgeBase,
    progress: Progress | None = None,
    on_wait: Callable[[str], None] | None = None,
) -> IngestReport:
    """Every published document parsed again from its stored original when other parsing code
    parsed it (after an upgrade, kb/fingerprint.py): what ``kb ingest`` does for the files it
    is given, for all documents, those uploaded in the browser too. A document whose original
    is gone or fails to parse keeps its version and is reported."""
    progress = progress or _Silent()
    t0 = time.perf_counter()
    signature = pipeline_signature(Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap))
    results: list[FileResult] = []
    with kb.writer(on_wait=on_wait, command="kb reparse") as writer:
        documents = kb.store.registry.documents()
        for i, info in enumerate(documents):
            progress.file_started(Path(info.file_name), i, len(documents))
            result = _reparse_one(kb, writer, info, signature, progress)
            results.append(result)
            progress.file_finished(result)
    return IngestReport(results, time.perf_counter() - t0)


def older_parses(kb: KnowledgeBase) -> list[str]:
    """The published documents other parsing code parsed (what ``kb reparse`` would parse
    again); a document whose original is gone is not among them."""
    signature = pipeline_signature(Chunker(kb.settings.chunk_size, kb.settings.chunk_overlap))
    older = []
    for info in kb.store.registry.documents():
        try:
            data = _stored_original(kb, info.doc_id, info.version)
        except (NotFound, OSError):
            continue
        if content_version(data, signature) != info.version:
            older.append(info.doc_id)
    return older


def _stored_original(kb: KnowledgeBase, doc_id: str, version: str) -> bytes:
    stored = kb.store.registry.original_of(doc_id, version)
    if stored is None:
        raise NotFound("the original file is not stored")
    return kb.store.files.path(stored).read_bytes()


def _reparse_one(
    kb: KnowledgeBase, writer: Indexer, info: DocumentInfo, signature: str, progress: Progress
) -> FileResult:
    t0 = time.perf_counter()
    name, doc_id = info.file_name, info.doc_id
    try:
        data = _stored_original(kb, doc_id, info.version)
        if content_version(data, signature) == info.version:
            return FileResult(name, "unchanged", doc_id, seconds=time.perf_counter() - t0)
        doc = parse_isolated(name, data, kb.settings, doc_id=doc_id)
    except (IngestError, NotFound, OSError) as e:
        reason = f"not parsed again, the published version stays: {e}"
        return FileResult(name, "failed", doc_id, reason=reason)
    return _store(writer, name, doc, progress, t0)


__all__ = [
    "SUPPORTED_SUFFIXES",
    "FileResult",
    "IngestReport",
    "discover",
    "ingest_paths",
    "older_parses",
    "reparse_stored",
]
