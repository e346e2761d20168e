"""The durable job queue (SQLite in KB_DATA_DIR/jobs.sqlite3).

queued → running → review → published            (or discarded from review)
                 ↘ failed                           (with the reason)
With publish=true a job goes from running straight to published. Claiming a job is one
conditional UPDATE, so with several server processes only one runs a given job. A job whose
process died while running is queued again once, then failed with its reason.
"""

import json
import os
import socket
import sqlite3
import threading
import time
import uuid
from contextlib import AbstractContextManager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from kb.store.sqlite import connect, write_transaction

STATUSES = ("queued", "running", "review", "published", "failed", "discarded")
FINISHED = frozenset({"published", "failed", "discarded"})
MAX_ATTEMPTS = 2
STALE_HEARTBEAT_S = 60.0  # workers beat every few seconds while a job runs
_SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    status TEXT NOT NULL, action TEXT NOT NULL, actor TEXT NOT NULL,
    file_name TEXT NOT NULL, upload TEXT, size_bytes INTEGER NOT NULL,
    sha256 TEXT NOT NULL, content_version TEXT NOT NULL, target_doc_id TEXT,
    doc_id TEXT, version TEXT, publish INTEGER NOT NULL, metadata TEXT NOT NULL,
    progress REAL NOT NULL, stage TEXT NOT NULL, eta_s REAL, error TEXT, preview TEXT,
    owner TEXT, heartbeat REAL, attempts INTEGER NOT NULL, started_at REAL, finished_at REAL
);
CREATE INDEX IF NOT EXISTS jobs_by_status ON jobs (status, created_at);
"""
_COLUMNS = (
    "id, created_at, updated_at, status, action, actor, file_name, upload, size_bytes, sha256,"
    " content_version, target_doc_id, doc_id, version, publish, metadata, progress, stage,"
    " eta_s, error, preview, owner, heartbeat, attempts, started_at, finished_at"
)


@dataclass
class Job:
    id: str
    created_at: float
    updated_at: float
    status: str
    action: str  # "add" (a new document) or "replace" (a new version of target_doc_id)
    actor: str
    file_name: str
    upload: str | None  # the uploaded bytes, relative to the data dir, until staged
    size_bytes: int
    sha256: str
    content_version: str
    target_doc_id: str | None
    doc_id: str | None
    version: str | None
    publish: bool
    metadata: dict[str, Any] = field(default_factory=dict)
    progress: float = 0.0
    stage: str = ""
    eta_s: float | None = None
    error: str | None = None
    preview: dict[str, Any] | None = None
    owner: str | None = None
    heartbeat: float | None = None
    attempts: int = 0
    started_at: float | None = None
    finished_at: float | None = None

    @property
    def finished(self) -> bool:
        return self.status in FINISHED

    def public(self) -> dict[str, Any]:
        """The API's view (no internal paths or owners)."""
        return {
            "id": self.id,
            "status": self.status,
            "progress": round(self.progress, 4),
            "stage": self.stage,
            "eta_seconds": None if self.eta_s is None else round(self.eta_s),
            "document_id": self.doc_id,
            "version": self.version,
            "error": self.error,
            "preview": self.preview,
            "action": self.action,
            "file_name": self.file_name,
            "size_bytes": self.size_bytes,
            "publish": self.publish,
            "metadata": self.metadata,
            "actor": self.actor,
            "created_at": _iso(self.created_at),
            "updated_at": _iso(self.updated_at),
        }


def _iso(ts: float | None) -> str | None:
    from datetime import UTC, datetime

    return None if ts is None else datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds")


def _row(row: tuple[Any, ...]) -> Job:
    values = list(row)
    values[14] = bool(values[14])
    values[15] = json.loads(values[15])
    values[20] = json.loads(values[20]) if values[20] else None
    return Job(*values)


def process_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class JobStore:
    def __init__(self, path: Path) -> None:
        self._db = connect(path, _SCHEMA)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    def create(self, **values: Any) -> Job:
        now = time.time()
        job = Job(
            id=uuid.uuid4().hex,
            created_at=now,
            updated_at=now,
            status="queued",
            stage="wartet auf Verarbeitung",
            doc_id=values.pop("doc_id", None),
            version=None,
            **values,
        )
        row = asdict(job)
        row["metadata"] = json.dumps(job.metadata, ensure_ascii=False)
        row["preview"] = json.dumps(job.preview, ensure_ascii=False) if job.preview else None
        with self._tx() as db:
            db.execute(
                f"INSERT INTO jobs ({_COLUMNS}) VALUES ({','.join('?' * len(row))})",
                [row[c.strip()] for c in _COLUMNS.split(",")],
            )
        return job

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            row = self._db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _row(row) if row else None

    def recent(self, limit: int = 50, offset: int = 0, status: str | None = None) -> list[Job]:
        sql = f"SELECT {_COLUMNS} FROM jobs"
        args: list[Any] = []
        if status:
            sql += " WHERE status=?"
            args.append(status)
        sql += " ORDER BY created_at DESC LIMIT ? OFFSET ?"
        with self._lock:
            rows = self._db.execute(sql, [*args, limit, offset]).fetchall()
        return [_row(r) for r in rows]

    def pending_with(self, content_version: str) -> Job | None:
        """A job not yet finished that carries exactly these bytes (a duplicate upload)."""
        with self._lock:
            row = self._db.execute(
                f"SELECT {_COLUMNS} FROM jobs WHERE content_version=?"
                " AND status IN ('queued', 'running') ORDER BY created_at LIMIT 1",
                (content_version,),
            ).fetchone()
        return _row(row) if row else None

    def claim(self, owner: str) -> Job | None:
        """Take the oldest queued job; only one process can win it."""
        now = time.time()
        with self._tx() as db:
            row = db.execute(
                "SELECT id FROM jobs WHERE status='queued' ORDER BY created_at LIMIT 1"
            ).fetchone()
            if row is None:
                return None
            db.execute(
                "UPDATE jobs SET status='running', owner=?, heartbeat=?, started_at=?,"
                " updated_at=?, attempts=attempts+1, stage='gestartet', error=NULL"
                " WHERE id=? AND status='queued'",
                (owner, now, now, now, row[0]),
            )
        return self.get(row[0])

    def update(self, job_id: str, **values: Any) -> None:
        """Set columns (progress, stage, eta_s, doc_id, version, metadata, preview, …)."""
        with self._tx() as db:
            _set(db, job_id, values)

    def transition(self, job_id: str, expected: str, status: str, **values: Any) -> bool:
        """Move from ``expected`` to ``status`` only if it is still there (no double publish)."""
        with self._tx() as db:
            row = db.execute("SELECT status FROM jobs WHERE id=?", (job_id,)).fetchone()
            if row is None or row[0] != expected:
                return False
            _set(db, job_id, {"status": status, **values})
        return True

    def heartbeat(self, job_id: str) -> None:
        with self._tx() as db:
            db.execute("UPDATE jobs SET heartbeat=? WHERE id=?", (time.time(), job_id))

    def recover(self, alive: "Alive") -> list[tuple[Job, str]]:
        """Running jobs whose process is gone: queued again once, then failed. Returns
        (job, new status) for each one handled."""
        handled: list[tuple[Job, str]] = []
        with self._tx() as db:
            rows = db.execute(f"SELECT {_COLUMNS} FROM jobs WHERE status='running'").fetchall()
            for job in map(_row, rows):
                if alive(job):
                    continue
                if job.attempts < MAX_ATTEMPTS and job.upload:
                    values: dict[str, Any] = {
                        "status": "queued",
                        "stage": "neu eingereiht: der Server wurde während der Verarbeitung "
                        "beendet",
                        "progress": 0.0,
                        "eta_s": None,
                        "owner": None,
                    }
                else:
                    values = {
                        "status": "failed",
                        "owner": None,
                        "error": "Abgebrochen: der Server wurde während der Verarbeitung "
                        f"beendet ({job.attempts}×); die Wissensdatenbank ist unverändert",
                    }
                _set(db, job.id, values)
                handled.append((job, values["status"]))
        return handled


def _set(db: sqlite3.Connection, job_id: str, values: dict[str, Any]) -> None:
    values = dict(values)
    for key in ("metadata", "preview"):
        if key in values and values[key] is not None:
            values[key] = json.dumps(values[key], ensure_ascii=False)
    values["updated_at"] = time.time()
    if values.get("status") in FINISHED:
        values["finished_at"] = values["updated_at"]
    if "progress" in values or "stage" in values:
        values["heartbeat"] = values["updated_at"]
    sets = ", ".join(f"{k}=?" for k in values)
    db.execute(f"UPDATE jobs SET {sets} WHERE id=?", [*values.values(), job_id])


class Alive:
    """Is the process that runs a job still there? It must have reported recently (workers
    beat every few seconds) and, on this host, its pid must exist."""

    def __init__(self, me: str) -> None:
        self.me = me
        self.host = me.rsplit(":", 1)[0]

    def __call__(self, job: Job) -> bool:
        if not job.owner or time.time() - (job.heartbeat or 0) > STALE_HEARTBEAT_S:
            return False
        host, _, pid = job.owner.rpartition(":")
        if host != self.host or job.owner == self.me:
            return True
        try:
            os.kill(int(pid), 0)
        except (ProcessLookupError, ValueError):
            return False
        except PermissionError:
            return True
        return True
