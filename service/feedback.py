"""Thumbs up/down with an optional comment, stored durably in SQLite under KB_DATA_DIR."""

import json
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kb.store.sqlite import connect

_SCHEMA = """
CREATE TABLE IF NOT EXISTS feedback (
    id TEXT PRIMARY KEY, created_at TEXT NOT NULL, answer_id TEXT NOT NULL,
    rating TEXT NOT NULL CHECK (rating IN ('up', 'down')), comment TEXT,
    question TEXT NOT NULL, answer TEXT, citations TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_by_time ON feedback (created_at);
"""


class FeedbackStore:
    def __init__(self, path: Path) -> None:
        self._db = connect(path, _SCHEMA)
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
        with self._lock:
            self._db.execute(
                "INSERT INTO feedback VALUES (?,?,?,?,?,?,?,?)",
                (
                    row["id"],
                    row["created_at"],
                    answer_id,
                    rating,
                    comment,
                    question,
                    answer,
                    json.dumps(citations, ensure_ascii=False),
                ),
            )
        return row

    def list(self, limit: int = 200, offset: int = 0) -> list[dict[str, Any]]:
        with self._lock:
            rows = self._db.execute(
                "SELECT id, created_at, answer_id, rating, comment, question, answer, citations"
                " FROM feedback ORDER BY created_at DESC, id LIMIT ? OFFSET ?",
                (limit, offset),
            ).fetchall()
        keys = (
            "id",
            "created_at",
            "answer_id",
            "rating",
            "comment",
            "question",
            "answer",
            "citations",
        )
        return [{**dict(zip(keys, r, strict=True)), "citations": json.loads(r[7])} for r in rows]

    def close(self) -> None:
        self._db.close()
