"""The document registry (SQLite): which version of each document is active, its pages and chunks.

The registry is the source of truth. Chroma holds vectors of staged and active versions; readers
only ever see chunks of active versions, so flipping ``documents.version`` in one transaction is
what makes a replace atomic.
"""

import json
import sqlite3
import threading
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from pathlib import Path

from kb.models import Chunk, DocumentInfo, Heading, Page, ParsedDocument
from kb.store import analyses
from kb.store.analyses import AnalysisRecords
from kb.store.rows import CHUNK_COLUMNS, chunk_from_row
from kb.store.sqlite import checkpoint, connect, connect_read_only, write_transaction
from kb.store.versions import VERSIONS_SCHEMA, VersionsMixin, migrate

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS documents (
    doc_id TEXT PRIMARY KEY, version TEXT NOT NULL, added_at TEXT NOT NULL, updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS versions (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, state TEXT NOT NULL,
    file_name TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL, date TEXT,
    pages INTEGER NOT NULL, chunks INTEGER NOT NULL, size_bytes INTEGER NOT NULL,
    original TEXT, warnings TEXT, created_at TEXT NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE IF NOT EXISTS pages (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, page INTEGER NOT NULL,
    text TEXT NOT NULL, headings TEXT NOT NULL,
    PRIMARY KEY (doc_id, version, page)
);
CREATE TABLE IF NOT EXISTS chunks (
    id TEXT PRIMARY KEY, doc_id TEXT NOT NULL, version TEXT NOT NULL, position INTEGER NOT NULL,
    page INTEGER, section TEXT, start INTEGER NOT NULL, end INTEGER NOT NULL, text TEXT NOT NULL,
    layout TEXT NOT NULL DEFAULT '[]'
);
CREATE INDEX IF NOT EXISTS chunks_by_version ON chunks (doc_id, version, position);
"""

UNPAGED = 0  # unpaged documents store their single text as page 0


def _add_layout_column(db: sqlite3.Connection) -> None:
    """Registries from before layout tagging get the column (empty: treated as prose)."""
    columns = {row[1] for row in db.execute("PRAGMA table_info(chunks)")}
    if "layout" not in columns:
        db.execute("ALTER TABLE chunks ADD COLUMN layout TEXT NOT NULL DEFAULT '[]'")


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _precise_now() -> str:
    """For ordering retirements: several can happen within one second."""
    return datetime.now(UTC).isoformat(timespec="microseconds")


class Registry(VersionsMixin, AnalysisRecords):
    def __init__(self, path: Path, read_only: bool = False) -> None:
        self._path = path
        self.read_only = read_only
        schema = _SCHEMA + VERSIONS_SCHEMA + analyses.SCHEMA
        if read_only and not path.exists():
            self._db = sqlite3.connect(":memory:", check_same_thread=False, isolation_level=None)
            self._db.executescript(schema)  # nothing ingested yet: empty
        elif read_only:
            self._db = connect_read_only(path)
        else:
            self._db = connect(path, schema)
            migrate(self._db)
            _add_layout_column(self._db)
        self._lock = threading.RLock()

    def close(self) -> None:
        self._db.close()

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        return write_transaction(self._db, self._lock)

    # -- meta ---------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def switch_collection(self, key: str, name: str) -> None:
        """Point readers at another vector collection (after a reindex), in one transaction."""
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, name))
            self._bump(db)

    def generation(self) -> int:
        """Bumped by every change readers can see; readers reload when it moves."""
        return int(self.get_meta("generation") or 0)

    def write_count(self) -> int:
        """How many writer sessions have started (in any process): a reader whose vector store
        view is older than the last of them must reopen it."""
        return int(self.get_meta("writes") or 0)

    def begin_write(self) -> int:
        """Count a new writer session (under the writer lock); returns the new count."""
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key='writes'").fetchone()
            count = int(row[0] if row else 0) + 1
            db.execute("INSERT OR REPLACE INTO meta VALUES ('writes', ?)", (str(count),))
        return count

    def checkpoint(self) -> None:
        """Empty the write-ahead log (deleted rows must not linger there)."""
        with self._lock:
            checkpoint(self._db)

    # -- writing --------------------------------------------------------------------------------
    def stage(self, doc: ParsedDocument, original: str) -> None:
        """Store a new version's pages and chunks, invisible to readers until activated."""
        with self._tx() as db:
            self._delete_version(db, doc.doc_id, doc.version)
            db.execute(
                "INSERT INTO versions (doc_id, version, state, file_name, kind, title, date, pages,"
                " chunks, size_bytes, original, warnings, created_at)"
                " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (
                    doc.doc_id,
                    doc.version,
                    "staged",
                    doc.file_name,
                    doc.kind,
                    doc.title,
                    doc.date,
                    len(doc.pages),
                    len(doc.chunks),
                    len(doc.source_bytes),
                    original,
                    json.dumps(doc.warnings, ensure_ascii=False),
                    _now(),
                ),
            )
            db.executemany(
                "INSERT INTO pages VALUES (?,?,?,?,?)",
                [
                    (
                        doc.doc_id,
                        doc.version,
                        p.number or UNPAGED,
                        p.text,
                        json.dumps(
                            [[h.offset, h.level, h.title] for h in p.headings], ensure_ascii=False
                        ),
                    )
                    for p in doc.pages
                ],
            )
            db.executemany(
                "INSERT INTO chunks (id, doc_id, version, position, page, section, start, end,"
                " text, layout) VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        c.id,
                        c.doc_id,
                        c.version,
                        c.position,
                        c.page,
                        c.section,
                        c.start,
                        c.end,
                        c.text,
                        json.dumps(c.layout),
                    )
                    for c in doc.chunks
                ],
            )

    def activate(self, doc_id: str, version: str) -> str | None:
        """Make ``version`` the visible one in a single transaction; returns the retired version."""
        with self._tx() as db:
            row = db.execute(
                "SELECT version, added_at FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
            old, added = (row[0], row[1]) if row else (None, _now())
            db.execute(
                "INSERT OR REPLACE INTO documents VALUES (?,?,?,?)",
                (doc_id, version, added, _now()),
            )
            db.execute(
                "UPDATE versions SET state='active' WHERE doc_id=? AND version=?", (doc_id, version)
            )
            if old and old != version:
                db.execute(
                    "UPDATE versions SET state='retired', retired_at=?"
                    " WHERE doc_id=? AND version=?",
                    (_precise_now(), doc_id, old),
                )
                self._add_retiring(db, doc_id, old)
            self._bump(db)
        return old if old != version else None

    def deactivate(self, doc_id: str) -> str | None:
        """Hide a document from readers (first step of a removal); returns its version."""
        with self._tx() as db:
            row = db.execute("SELECT version FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
            if not row:
                return None
            db.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
            db.execute(
                "UPDATE versions SET state='retired', retired_at=? WHERE doc_id=? AND version=?",
                (_precise_now(), doc_id, row[0]),
            )
            self._add_retiring(db, doc_id, row[0])
            self._bump(db)
        return str(row[0])

    # A retired version keeps no vectors; until they are deleted (right after the flip, or by
    # the next writer's recovery after a crash) it is listed under this meta key.
    _RETIRING = "retiring"

    def _add_retiring(self, db: sqlite3.Connection, doc_id: str, version: str) -> None:
        row = db.execute("SELECT value FROM meta WHERE key=?", (self._RETIRING,)).fetchone()
        pending = json.loads(row[0]) if row else []
        pending.append([doc_id, version])
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES (?, ?)", (self._RETIRING, json.dumps(pending))
        )

    def retiring(self) -> list[tuple[str, str]]:
        """Retired versions whose vectors may still be in the vector store."""
        raw = self.get_meta(self._RETIRING)
        return [(d, v) for d, v in json.loads(raw)] if raw else []

    def retired_vectors_gone(self, doc_id: str, version: str) -> None:
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key=?", (self._RETIRING,)).fetchone()
            pending = [p for p in (json.loads(row[0]) if row else []) if p != [doc_id, version]]
            db.execute(
                "INSERT OR REPLACE INTO meta VALUES (?, ?)", (self._RETIRING, json.dumps(pending))
            )

    def purge_version(self, doc_id: str, version: str) -> None:
        with self._tx() as db:
            self._delete_version(db, doc_id, version)

    def inactive_versions(self) -> list[tuple[str, str, str | None]]:
        """Versions a crashed writer left half-written: (doc_id, version, original).

        Only 'staged' ones: a version in review waits for a maintainer, a retired one is kept
        for undo; both stay until published, discarded or purged.
        """
        with self._lock:
            rows = self._db.execute(
                "SELECT v.doc_id, v.version, v.original FROM versions v LEFT JOIN documents d"
                " ON d.doc_id=v.doc_id AND d.version=v.version"
                " WHERE d.doc_id IS NULL AND v.state='staged'"
            ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows]

    @staticmethod
    def _delete_version(db: sqlite3.Connection, doc_id: str, version: str) -> None:
        for table in ("chunks", "pages", "versions", "analyses"):
            db.execute(f"DELETE FROM {table} WHERE doc_id=? AND version=?", (doc_id, version))

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        """Readers reload when the generation moves."""
        row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
        db.execute(
            "INSERT OR REPLACE INTO meta VALUES ('generation', ?)",
            (str(int(row[0] if row else 0) + 1),),
        )

    # -- reading -------------------------------------------------------------------------------
    def active_version(self, doc_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT version FROM documents WHERE doc_id=?", (doc_id,)
            ).fetchone()
        return row[0] if row else None

    _DOCUMENTS = (
        "SELECT d.doc_id, d.version, v.file_name, v.kind, v.title, v.pages, v.chunks,"
        " v.size_bytes, v.date, d.added_at, d.updated_at FROM documents d JOIN versions v"
        " ON v.doc_id=d.doc_id AND v.version=d.version"
    )

    def documents(self) -> list[DocumentInfo]:
        with self._lock:
            rows = self._db.execute(self._DOCUMENTS + " ORDER BY v.file_name").fetchall()
        return [DocumentInfo(*r) for r in rows]

    def document(self, doc_id: str) -> DocumentInfo | None:
        with self._lock:
            row = self._db.execute(self._DOCUMENTS + " WHERE d.doc_id=?", (doc_id,)).fetchone()
        return DocumentInfo(*row) if row else None

    def documents_named(self, file_name: str) -> list[str]:
        """Ids of the documents whose active version came from a file of exactly this name."""
        with self._lock:
            rows = self._db.execute(
                "SELECT d.doc_id FROM documents d JOIN versions v ON v.doc_id=d.doc_id"
                " AND v.version=d.version WHERE v.file_name=? ORDER BY d.added_at",
                (file_name,),
            ).fetchall()
        return [r[0] for r in rows]

    def original_of(self, doc_id: str, version: str) -> str | None:
        """The stored original of a given version (active or not)."""
        with self._lock:
            row = self._db.execute(
                "SELECT original FROM versions WHERE doc_id=? AND version=?", (doc_id, version)
            ).fetchone()
        return row[0] if row else None

    def original_paths(self) -> set[str]:
        with self._lock:
            rows = self._db.execute(
                "SELECT original FROM versions WHERE original IS NOT NULL"
            ).fetchall()
        return {r[0] for r in rows}

    def original_path(self, doc_id: str) -> str | None:
        with self._lock:
            row = self._db.execute(
                "SELECT v.original FROM documents d JOIN versions v ON v.doc_id=d.doc_id"
                " AND v.version=d.version WHERE d.doc_id=?",
                (doc_id,),
            ).fetchone()
        return row[0] if row else None

    def page(self, doc_id: str, number: int | None) -> Page | None:
        with self._lock:
            row = self._db.execute(
                "SELECT p.text, p.headings, p.page FROM pages p JOIN documents d"
                " ON d.doc_id=p.doc_id"
                " AND d.version=p.version WHERE p.doc_id=? AND p.page=?",
                (doc_id, number or UNPAGED),
            ).fetchone()
        if not row:
            return None
        headings = [Heading(o, lvl, t) for o, lvl, t in json.loads(row[1])]
        return Page(number=row[2] or None, text=row[0], headings=headings)

    def active_chunks(self) -> list[Chunk]:
        """All chunks readers may see, in document order."""
        with self._lock:
            rows = self._db.execute(
                f"SELECT {CHUNK_COLUMNS} FROM chunks c"
                " JOIN documents d ON d.doc_id=c.doc_id AND d.version=c.version"
                " JOIN versions v ON v.doc_id=c.doc_id AND v.version=c.version"
                " ORDER BY v.file_name, c.position"
            ).fetchall()
        return [chunk_from_row(r) for r in rows]

    def snapshot(self) -> tuple[int, list[Chunk]]:
        """Generation and active chunks read in one transaction (no mix of two states)."""
        with self._lock:
            self._db.execute("BEGIN")
            try:
                gen = self.generation()
                chunks = self.active_chunks()
            finally:
                self._db.execute("COMMIT")
        return gen, chunks

    def page_text(self, doc_id: str, version: str, number: int | None) -> str | None:
        """Text of a page of a specific version (active or not)."""
        with self._lock:
            row = self._db.execute(
                "SELECT text FROM pages WHERE doc_id=? AND version=? AND page=?",
                (doc_id, version, number or UNPAGED),
            ).fetchone()
        return row[0] if row else None
