"""Thumbs up/down with an optional comment, stored durably in SQLite under KB_DATA_DIR.

Bounded: every field has a size cap (service/schemas.py), the whole store a budget
(KB_FEEDBACK_MAX_MB); past the budget, a full disk or a read-only data dir, adding feedback is
refused with a clear error while everything else keeps working.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.errors import ReadOnly, StorageFull
from kb.store.sqlite import connect, connect_read_only, storage_error

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, answer_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT,
    question TEXT NOT NULL, answer TEXT, citations TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (created_at);
"""
_KEYS = ("id", "created_at", "answer_id", "rating", "comment", "question", "answer", "citations")
_ADMIN_KEYS = (*_KEYS, "handled_at", "handled_by")


def _migrate(db: sqlite3.Connection) -> None:
    """Columns added for the maintainers' feedback page."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(feedback)")}
    for column in ("handled_at", "handled_by"):
        if column not in columns:
            try:
                db.execute(f"ALTER TABLE feedback ADD COLUMN {column} TEXT")
            except sqlite3.OperationalError as e:  # another process added it just now
                if "duplicate column" not in str(e):
                    raise


class FeedbackStore:
    def __init__(self, path: Path, max_bytes: int = 100 * 2**20, read_only: bool = False) -> None:
        self.read_only = read_only
        self.max_bytes = max_bytes
        self._db: sqlite3.Connection | None
        if not read_only:
            self._db = connect(path, _SCHEMA)
            _migrate(self._db)
        elif path.is_file():
            self._db = connect_read_only(path)
        else:
            self._db = None  # read-only and never written: nothing to list
        self._lock = threading.Lock()

    def add(
        self,
        answer_id: str,
        rating: str,
        question: str,
        answer: str | None,
        citations: list[dict[str, Any]],
        comment: str | None,
    ) -> dict[str, Any]:
        if self.read_only or self._db is None:
            raise ReadOnly("the service runs read-only: feedback cannot be stored")
        row = {
            "id": uuid.uuid4().hex,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "answer_id": answer_id,
            "rating": rating,
            "comment": comment,
            "question": question,
            "answer": answer,
            "citations": citations,
        }
        values = [row[k] for k in _KEYS]
        values[-1] = json.dumps(citations, ensure_ascii=False)
        with self._lock:
            if self._size() >= self.max_bytes:
                raise StorageFull(
                    f"the feedback store has reached its budget of "
                    f"{self.max_bytes // 2**20} MB (KB_FEEDBACK_MAX_MB)"
                )
            try:
                self._db.execute(
                    f"INSERT INTO feedback ({', '.join(_KEYS)}) VALUES (?,?,?,?,?,?,?,?)", values
                )
            except sqlite3.Error as e:
                raise storage_error(e, "feedback") from e
        return row

    def list(self, limit: int = 50, offset: int = 0) -> list[dict[str, Any]]:
        if self._db is None:
            return []
        with self._lock:
            rows = self._db.execute(
                "SELECT id, created_at, answer_id, rating, comment, question, answer, citations"
                " FROM feedback ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [{**dict(zip(_KEYS, r, strict=True)), "citations": json.loads(r[7])} for r in rows]

    def for_review(
        self, limit: int = 50, offset: int = 0, handled: bool | None = False
    ) -> list[dict[str, Any]]:
        """Maintainers' view: 👎 first, then newest first; by default only open items."""
        where = ""
        if handled is not None:
            where = "WHERE handled_at IS NOT NULL" if handled else "WHERE handled_at IS NULL"
        if self._db is None:
            return []
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(_ADMIN_KEYS)} FROM feedback {where}"
                " ORDER BY rating='down' DESC, created_at DESC, id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        return [_admin_row(r) for r in rows]

    def get(self, feedback_id: str) -> dict[str, Any] | None:
        if self._db is None:
            return None
        with self._lock:
            row = self._db.execute(
                f"SELECT {', '.join(_ADMIN_KEYS)} FROM feedback WHERE id=?", (feedback_id,)
            ).fetchone()
        return _admin_row(row) if row else None

    def counts(self) -> dict[str, int]:
        if self._db is None:
            return {"up": 0, "down": 0}
        with self._lock:
            rows = self._db.execute(
                "SELECT rating, count(*) FROM feedback WHERE handled_at IS NULL GROUP BY rating"
            ).fetchall()
        return {"up": 0, "down": 0, **{r[0]: r[1] for r in rows}}

    def mark_handled(self, feedback_id: str, by: str, handled: bool = True) -> bool:
        if self.read_only or self._db is None:
            raise ReadOnly("the service runs read-only: feedback cannot be changed")
        at = datetime.now(UTC).isoformat(timespec="seconds") if handled else None
        with self._lock:
            cur = self._db.execute(
                "UPDATE feedback SET handled_at=?, handled_by=? WHERE id=?",
                (at, by if handled else None, feedback_id),
            )
        return cur.rowcount > 0

    def _size(self) -> int:
        """Bytes in use (the logical database, write-ahead log included)."""
        assert self._db is not None
        pages = self._db.execute("PRAGMA page_count").fetchone()[0]
        free = self._db.execute("PRAGMA freelist_count").fetchone()[0]
        size = self._db.execute("PRAGMA page_size").fetchone()[0]
        return int((pages - free) * size)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def _admin_row(r: tuple[Any, ...]) -> dict[str, Any]:
    return {**dict(zip(_ADMIN_KEYS, r, strict=True)), "citations": json.loads(r[7])}
