"""The registry's view of versions over time, and the metadata maintainers give a document.

A version moves staged → review → active → retired. 'staged' is a writer's work in progress (a
crash leaves it behind; the next writer purges it). 'review' waits for a maintainer to publish or
discard it. 'retired' versions (replaced or withdrawn) are kept for undo, up to
``KB_KEEP_VERSIONS`` per document; readers only ever see the active one.
"""

import json
import sqlite3
import threading
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from kb.models import Chunk, DocumentMeta, Heading, Page, VersionInfo
from kb.store.rows import CHUNK_COLUMNS, chunk_from_row

VERSIONS_SCHEMA = """
CREATE TABLE IF NOT EXISTS doc_meta (
    doc_id TEXT PRIMARY KEY, kind TEXT NOT NULL, places TEXT NOT NULL, topics TEXT NOT NULL,
    source_url TEXT, description TEXT, updated_at TEXT NOT NULL
);
"""
_VERSION_COLUMNS = (
    "doc_id, version, state, file_name, kind, title, date, pages, chunks, size_bytes,"
    " created_at, retired_at"
)
_STATE_ORDER = "CASE state WHEN 'active' THEN 0 WHEN 'review' THEN 1 ELSE 2 END"


def migrate(db: sqlite3.Connection) -> None:
    """Columns added after the first release (registries are never rebuilt for a new column)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(versions)")}
    if "retired_at" not in columns:
        try:
            db.execute("ALTER TABLE versions ADD COLUMN retired_at TEXT")
        except sqlite3.OperationalError as e:  # another process added it just now
            if "duplicate column" not in str(e):
                raise


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


class VersionsMixin:
    """Part of ``Registry``: uses its connection, lock and transactions."""

    _db: sqlite3.Connection
    _lock: threading.RLock

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        raise NotImplementedError

    # -- versions ---------------------------------------------------------------------------------
    def mark_review(self, doc_id: str, version: str) -> None:
        """A fully staged version now waits for a maintainer (and survives the next writer)."""
        with self._tx() as db:
            db.execute(
                "UPDATE versions SET state='review'"
                " WHERE doc_id=? AND version=? AND state='staged'",
                (doc_id, version),
            )

    def versions_of(self, doc_id: str) -> list[VersionInfo]:
        """Every stored version: active first, then in review, then retired (newest first)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM versions WHERE doc_id=? AND state != 'staged'"
                f" ORDER BY {_STATE_ORDER}, COALESCE(retired_at, created_at) DESC, rowid DESC",
                (doc_id,),
            ).fetchall()
        return [VersionInfo(*r) for r in rows]

    def version_info(self, doc_id: str, version: str) -> VersionInfo | None:
        with self._lock:
            row = self._db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM versions WHERE doc_id=? AND version=?",
                (doc_id, version),
            ).fetchone()
        return VersionInfo(*row) if row else None

    def same_content(self, version: str) -> list[VersionInfo]:
        """Active or in-review versions with exactly this content version (duplicates)."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {_VERSION_COLUMNS} FROM versions WHERE version=?"
                f" AND state IN ('active', 'review') ORDER BY {_STATE_ORDER}",
                (version,),
            ).fetchall()
        return [VersionInfo(*r) for r in rows]

    def doc_id_in_use(self, doc_id: str) -> bool:
        with self._lock:
            row = self._db.execute(
                "SELECT 1 FROM versions WHERE doc_id=?"
                " UNION SELECT 1 FROM documents WHERE doc_id=?",
                (doc_id, doc_id),
            ).fetchone()
        return row is not None

    def kept_beyond(self, doc_id: str, keep: int) -> list[str]:
        """Retired versions past the newest ``keep`` (the active one counts): to purge."""
        with self._lock:
            rows = self._db.execute(
                "SELECT version FROM versions WHERE doc_id=? AND state IN ('active', 'retired')"
                " ORDER BY state='active' DESC, retired_at DESC, created_at DESC, rowid DESC",
                (doc_id,),
            ).fetchall()
        return [r[0] for r in rows[keep:]]

    def all_doc_ids(self) -> list[str]:
        """Every document with any kept version (active, in review or withdrawn)."""
        with self._lock:
            rows = self._db.execute(
                "SELECT DISTINCT doc_id FROM versions WHERE state != 'staged' ORDER BY doc_id"
            ).fetchall()
        return [r[0] for r in rows]

    def version_chunks(self, doc_id: str, version: str) -> list[Chunk]:
        with self._lock:
            rows = self._db.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks c JOIN versions v"
                " ON v.doc_id=c.doc_id AND v.version=c.version"
                " WHERE c.doc_id=? AND c.version=? ORDER BY c.position",
                (doc_id, version),
            ).fetchall()
        return [chunk_from_row(r) for r in rows]

    def stored_chunks(self) -> list[Chunk]:
        """The chunks of every stored version: active, in review and kept for undo."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks c JOIN versions v"
                " ON v.doc_id=c.doc_id AND v.version=c.version"
            ).fetchall()
        return [chunk_from_row(r) for r in rows]

    def version_pages(self, doc_id: str, version: str) -> list[Page]:
        with self._lock:
            rows = self._db.execute(
                "SELECT page, text, headings FROM pages WHERE doc_id=? AND version=? ORDER BY page",
                (doc_id, version),
            ).fetchall()
        return [
            Page(number=r[0] or None, text=r[1], headings=[Heading(*h) for h in json.loads(r[2])])
            for r in rows
        ]

    def set_title_date(self, doc_id: str, version: str, title: str, date: str | None) -> None:
        """Correct what was detected; readers see it at once if the version is active."""
        with self._tx() as db:
            db.execute(
                "UPDATE versions SET title=?, date=? WHERE doc_id=? AND version=?",
                (title, date, doc_id, version),
            )
            self._bump(db)

    # -- metadata -------------------------------------------------------------------------------
    def doc_meta(self, doc_id: str) -> DocumentMeta | None:
        with self._lock:
            row = self._db.execute(
                "SELECT doc_id, kind, places, topics, source_url, description, updated_at"
                " FROM doc_meta WHERE doc_id=?",
                (doc_id,),
            ).fetchone()
        return _meta(row) if row else None

    def all_doc_meta(self) -> dict[str, DocumentMeta]:
        with self._lock:
            rows = self._db.execute(
                "SELECT doc_id, kind, places, topics, source_url, description, updated_at"
                " FROM doc_meta"
            ).fetchall()
        return {r[0]: _meta(r) for r in rows}

    def save_doc_meta(self, meta: DocumentMeta) -> None:
        with self._tx() as db:
            db.execute(
                "INSERT OR REPLACE INTO doc_meta VALUES (?,?,?,?,?,?,?)",
                (
                    meta.doc_id,
                    meta.kind,
                    json.dumps(list(meta.places), ensure_ascii=False),
                    json.dumps(list(meta.topics), ensure_ascii=False),
                    meta.source_url,
                    meta.description,
                    _now(),
                ),
            )
            self._bump(db)

    def delete_doc_meta(self, doc_id: str) -> None:
        with self._tx() as db:
            db.execute("DELETE FROM doc_meta WHERE doc_id=?", (doc_id,))


def _meta(row: tuple[Any, ...]) -> DocumentMeta:
    return DocumentMeta(
        doc_id=row[0],
        kind=row[1],
        places=tuple(json.loads(row[2])),
        topics=tuple(json.loads(row[3])),
        source_url=row[4],
        description=row[5],
        updated_at=row[6],
    )
