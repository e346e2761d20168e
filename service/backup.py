"""`kb backup FILE` and `kb restore FILE`: one archive with everything a data dir holds, taken
while the service runs.

Consistent: the writer lock is held while the registry and the vectors are read (no document can
change meanwhile; readers keep answering); every SQLite file is copied with SQLite's online
backup API (a consistent snapshot even while the service writes feedback or sessions). The
vectors are exported from Chroma (works with the embedded store and with a Chroma server) and
loaded again on restore. Not included: the embedding cache (it refills itself).
"""

import io
import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from kb.errors import InvalidInput
from kb.knowledge_base import KnowledgeBase, build_kb, index_id
from kb.settings import Settings
from kb.store.store import COLLECTION_KEY
from kb.store.vectors import VectorStore

FORMAT = 1
DATABASES = ("registry.sqlite3", "accounts.sqlite3", "jobs.sqlite3", "feedback.sqlite3")
FOLDERS = ("originals", "jobs/uploads")
FILES = ("site.json", "eval/qa-local.jsonl")
Say = Callable[[str], None]


def backup(
    settings: Settings, target: Path, say: Say, on_wait: Say | None = None
) -> dict[str, Any]:
    """Write the archive (atomically); returns its manifest."""
    kb = build_kb(settings)
    try:
        with tempfile.TemporaryDirectory(prefix="kb-backup-") as tmp:
            stage = Path(tmp) / "backup"
            stage.mkdir()
            with kb.writer(command="kb backup", on_wait=on_wait):
                say("writer lock held: copying databases, originals and vectors")
                manifest = _snapshot(kb, settings.data_dir, stage)
            _pack(stage, target)
    finally:
        kb.close()
    return manifest


def _snapshot(kb: KnowledgeBase, data_dir: Path, stage: Path) -> dict[str, Any]:
    for name in DATABASES:
        if (data_dir / name).is_file():
            _copy_sqlite(data_dir / name, stage / name)
    for folder in FOLDERS:
        if (data_dir / folder).is_dir():
            shutil.copytree(data_dir / folder, stage / folder)
    for name in FILES:
        if (data_dir / name).is_file():
            (stage / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(data_dir / name, stage / name)
    counts = _export_vectors(kb, stage / "vectors")
    manifest = {
        "format": FORMAT,
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "model": kb.store.model_id,  # the index id: model and how chunk vectors are made
        "collection": kb.store.registry.get_meta(COLLECTION_KEY),
        "documents": len(kb.documents()),
        "vectors": counts,
    }
    (stage / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    return manifest


def _copy_sqlite(source: Path, target: Path) -> None:
    src = sqlite3.connect(f"file:{source}?mode=ro", uri=True, timeout=30)
    dst = sqlite3.connect(target)
    try:
        src.backup(dst)
        dst.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
    finally:
        dst.close()
        src.close()


def _export_vectors(kb: KnowledgeBase, folder: Path) -> dict[str, int]:
    folder.mkdir()
    vectors = kb.store.vectors()
    counts = {"chunks": 0, "sentences": 0}
    if vectors is None:
        return counts
    for i, (part, batch) in enumerate(vectors.dump()):
        np.save(folder / f"{i:05d}-{part}.npy", batch["embeddings"])
        rest = {k: batch[k] for k in ("ids", "documents", "metadatas")}
        (folder / f"{i:05d}-{part}.json").write_text(json.dumps(rest), encoding="utf-8")
        counts[part] += len(batch["ids"])
    return counts


def _pack(stage: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".backup-")
    try:
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as tar:
            tar.add(stage, arcname="kb-backup")
            raw.flush()
            os.fsync(raw.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def restore(settings: Settings, source: Path, say: Say) -> dict[str, Any]:
    """Unpack into an empty data dir and load the vectors again."""
    data_dir = settings.data_dir
    if data_dir.exists() and any(data_dir.iterdir()):
        raise InvalidInput(f"{data_dir} is not empty: restore only into an empty data dir")
    if not source.is_file():
        raise InvalidInput(f"no backup file at {source}")
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="kb-restore-", dir=data_dir.parent) as tmp:
        root = _unpack(source, Path(tmp))
        manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
        if manifest.get("format") != FORMAT:
            raise InvalidInput(f"unknown backup format {manifest.get('format')!r}")
        _check_model(settings, manifest)
        data_dir.mkdir(parents=True, exist_ok=True)
        for entry in root.iterdir():
            if entry.name not in ("vectors", "manifest.json"):
                shutil.move(str(entry), data_dir / entry.name)
        _requeue_running(data_dir / "jobs.sqlite3")
        say(f"files restored; loading {manifest['vectors']} vectors")
        _import_vectors(settings, manifest, root / "vectors")
    return manifest


def _check_model(settings: Settings, manifest: dict[str, Any]) -> None:
    from kb.embedding import make_embedder

    configured = index_id(make_embedder(settings).model_id, settings)
    if configured != manifest["model"]:
        raise InvalidInput(
            f"the backup was made with the embedding model {manifest['model']}, but "
            f"{configured} is configured: set KB_EMBED_BACKEND/KB_EMBED_MODEL/KB_CHUNK_VECTORS "
            "to match"
        )


def _requeue_running(path: Path) -> None:
    """A job that ran while the backup was taken runs again in the restored copy."""
    if not path.is_file():
        return
    db = sqlite3.connect(path)
    try:
        with db:
            db.execute(
                "UPDATE jobs SET status='queued', owner=NULL, progress=0,"
                " stage='neu eingereiht nach Wiederherstellung' WHERE status='running'"
            )
    finally:
        db.close()


def _unpack(source: Path, into: Path) -> Path:
    """Only regular files and folders below kb-backup/ (no links, no absolute paths, no ..)."""
    with tarfile.open(source, "r:gz") as tar:
        for member in tar.getmembers():
            parts = Path(member.name).parts
            if not parts or parts[0] != "kb-backup" or ".." in parts or member.name.startswith("/"):
                raise InvalidInput(f"unexpected entry in the backup: {member.name!r}")
            if not (member.isfile() or member.isdir()):
                raise InvalidInput(f"unexpected link or device in the backup: {member.name!r}")
        tar.extractall(into, filter="data")
    return into / "kb-backup"


def _import_vectors(settings: Settings, manifest: dict[str, Any], folder: Path) -> None:
    name = manifest.get("collection")
    if not name:
        return
    kb = build_kb(settings)
    try:
        vectors = VectorStore(kb.store.client, name, manifest["model"], create=True)
        for meta in sorted(folder.glob("*.json")):
            part = meta.stem.split("-", 1)[1]
            batch = json.loads(meta.read_text(encoding="utf-8"))
            batch["embeddings"] = np.load(io.BytesIO(meta.with_suffix(".npy").read_bytes()))
            vectors.load(part, batch)
    finally:
        kb.close()
