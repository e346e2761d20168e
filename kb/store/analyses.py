"""The registry's catalog tables: each version's stored analysis, the compound lexicon, and the
reads a catalog update needs (kb/retrieval/analysis.py explains what they hold and why).

``analyses``: one row per document version (deleted with it). ``lexicon``: word counts of the
corpus when the lexicon was last renewed; ``lexicon_splits``: the compound splits of the
corpus' long words against it (empty: not a compound); ``lexicon_sources``: the versions (and
their sizes) it was made from, so the drift since then is a cheap query. ``meta.lexicon``: its
number; absent until the first writer made one. ``meta.lexicon_revision``: the analysis revision
of the code that split the words (kb/retrieval/analysis.py); splits of other code are not used.
"""

import sqlite3
import threading
from collections import Counter
from collections.abc import Iterable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from pathlib import Path

from kb.models import Chunk
from kb.store.rows import CHUNK_COLUMNS, chunk_from_row
from kb.store.sqlite import connect_read_only

SCHEMA = """
CREATE TABLE IF NOT EXISTS analyses (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, lexicon INTEGER NOT NULL, revision TEXT NOT NULL,
    tokens INTEGER NOT NULL, vocabulary BLOB NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY (doc_id, version)
);
CREATE TABLE IF NOT EXISTS lexicon (word TEXT PRIMARY KEY, count INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS lexicon_splits (word TEXT PRIMARY KEY, parts TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS lexicon_sources (
    doc_id TEXT NOT NULL, version TEXT NOT NULL, tokens INTEGER NOT NULL,
    PRIMARY KEY (doc_id, version)
);
"""

_CHUNKS = (
    f"SELECT {CHUNK_COLUMNS} FROM chunks c JOIN versions v"
    " ON v.doc_id=c.doc_id AND v.version=c.version WHERE c.doc_id=? AND c.version=?"
    " ORDER BY c.position"
)


@dataclass(frozen=True)
class Analysis:
    """A stored analysis row (``data`` is DocAnalysis.to_blob())."""

    lexicon: int
    revision: str
    tokens: int
    vocabulary: bytes
    data: bytes


@dataclass
class CatalogState:
    """What a reader loads in one read transaction: the active versions in catalog order, and
    chunks and stored analyses of the versions it did not know yet."""

    generation: int
    lexicon_id: int | None
    lexicon: Counter[str] | None  # loaded only when lexicon_id is not the one the reader has
    splits: dict[str, list[str]] | None
    active: list[tuple[str, str]]  # (doc_id, version) ordered by file name
    chunks: dict[tuple[str, str], list[Chunk]] = field(default_factory=dict)
    analyses: dict[tuple[str, str], Analysis] = field(default_factory=dict)


class AnalysisRecords:
    """Mixed into Registry (which provides the connection, its lock and transactions)."""

    _db: sqlite3.Connection
    _lock: threading.RLock
    _path: Path

    def _tx(self) -> AbstractContextManager[sqlite3.Connection]:
        raise NotImplementedError

    @staticmethod
    def _bump(db: sqlite3.Connection) -> None:
        raise NotImplementedError

    def _reading_connection(self) -> sqlite3.Connection | None:
        """A connection of its own for a long read (None: there is no database file)."""
        if getattr(self, "read_only", False):
            return connect_read_only(self._path) if self._path.is_file() else None
        return sqlite3.connect(self._path, timeout=30, isolation_level=None)

    def lexicon_id(self) -> int | None:
        with self._lock:
            row = self._db.execute("SELECT value FROM meta WHERE key='lexicon'").fetchone()
        return int(row[0]) if row else None

    def lexicon(self) -> tuple[int | None, Counter[str]]:
        with self._lock:
            self._db.execute("BEGIN")
            try:
                found = self._db.execute("SELECT value FROM meta WHERE key='lexicon'").fetchone()
                rows = self._db.execute("SELECT word, count FROM lexicon").fetchall()
            finally:
                self._db.execute("COMMIT")
        return (int(found[0]) if found else None), Counter(dict(rows))

    def lexicon_splits(self, revision: str) -> dict[str, list[str]]:
        """The stored compound splits, when code of ``revision`` made them; else none."""
        with self._lock:
            return _splits(self._db) if _lexicon_revision(self._db) == revision else {}

    def lexicon_revision(self) -> str | None:
        with self._lock:
            return _lexicon_revision(self._db)

    def store_analysis(self, doc_id: str, version: str, analysis: Analysis) -> None:
        with self._tx() as db:
            _put(db, doc_id, version, analysis)

    def active_analyses(
        self, vocabulary: bool = False, data: bool = False
    ) -> dict[tuple[str, str], Analysis | None]:
        """Every active version with its stored analysis (None when there is none); the
        blobs not asked for are left empty."""
        vocab_column = "a.vocabulary" if vocabulary else "x''"
        data_column = "a.data" if data else "x''"
        with self._lock:
            rows = self._db.execute(
                "SELECT d.doc_id, d.version, a.lexicon, a.revision, a.tokens,"
                f" {vocab_column}, {data_column} FROM documents d LEFT JOIN analyses a"
                " ON a.doc_id=d.doc_id AND a.version=d.version"
            ).fetchall()
        return {(r[0], r[1]): Analysis(*r[2:]) if r[2] is not None else None for r in rows}

    def chunks_of(self, doc_id: str, version: str) -> list[Chunk]:
        with self._lock:
            return [chunk_from_row(r) for r in self._db.execute(_CHUNKS, (doc_id, version))]

    def lexicon_drift(self) -> float | None:
        """Share of the active corpus' words added or removed since the lexicon was made."""
        with self._lock:
            active = dict(
                ((r[0], r[1]), r[2] or 0)
                for r in self._db.execute(
                    "SELECT d.doc_id, d.version, a.tokens FROM documents d LEFT JOIN analyses a"
                    " ON a.doc_id=d.doc_id AND a.version=d.version"
                )
            )
            sources = dict(
                ((r[0], r[1]), r[2])
                for r in self._db.execute("SELECT doc_id, version, tokens FROM lexicon_sources")
            )
        if self.lexicon_id() is None:
            return None
        churn = sum(n for k, n in active.items() if k not in sources)
        churn += sum(n for k, n in sources.items() if k not in active)
        return churn / max(sum(active.values()), 1)

    def replace_lexicon(
        self,
        lexicon: Counter[str],
        splits: dict[str, list[str]],
        analyses: Iterable[tuple[str, str, Analysis]],
        revision: str,
    ) -> int:
        """A new lexicon and every active version's analysis against it, visible at once."""
        with self._tx() as db:
            row = db.execute("SELECT value FROM meta WHERE key='lexicon'").fetchone()
            number = int(row[0]) + 1 if row else 1
            db.execute("DELETE FROM lexicon")
            db.executemany("INSERT INTO lexicon VALUES (?, ?)", lexicon.items())
            db.execute("DELETE FROM lexicon_splits")
            db.executemany(
                "INSERT INTO lexicon_splits VALUES (?, ?)",
                ((word, " ".join(parts)) for word, parts in splits.items()),
            )
            db.execute("DELETE FROM lexicon_sources")
            for doc_id, version, analysis in analyses:
                _put(db, doc_id, version, replace(analysis, lexicon=number))
                db.execute(
                    "INSERT INTO lexicon_sources VALUES (?, ?, ?)",
                    (doc_id, version, analysis.tokens),
                )
            db.execute("INSERT OR REPLACE INTO meta VALUES ('lexicon', ?)", (str(number),))
            db.execute("INSERT OR REPLACE INTO meta VALUES ('lexicon_revision', ?)", (revision,))
            self._bump(db)
        return number

    def catalog_state(
        self, known: set[tuple[str, str]], lexicon_id: int | None, revision: str
    ) -> CatalogState:
        """One consistent read on its own connection (a long load must not hold up the
        registry's other users); versions in ``known`` come without chunks and analyses."""
        db = self._reading_connection()
        if db is None:  # a read-only data dir where nothing was ingested yet
            return CatalogState(0, None, None, None, [])
        try:
            db.execute("BEGIN")
            gen_row = db.execute("SELECT value FROM meta WHERE key='generation'").fetchone()
            lex_row = db.execute("SELECT value FROM meta WHERE key='lexicon'").fetchone()
            current = int(lex_row[0]) if lex_row else None
            state = CatalogState(
                generation=int(gen_row[0]) if gen_row else 0,
                lexicon_id=current,
                lexicon=None,
                splits=None,
                active=[
                    (r[0], r[1])
                    for r in db.execute(
                        "SELECT d.doc_id, d.version FROM documents d JOIN versions v"
                        " ON v.doc_id=d.doc_id AND v.version=d.version ORDER BY v.file_name"
                    )
                ],
            )
            if current is not None and current != lexicon_id:
                state.lexicon = Counter(dict(db.execute("SELECT word, count FROM lexicon")))
                state.splits = _splits(db) if _lexicon_revision(db) == revision else {}
                known = set()
            for key in state.active:
                if key in known:
                    continue
                state.chunks[key] = [chunk_from_row(r) for r in db.execute(_CHUNKS, key)]
                row = db.execute(
                    "SELECT lexicon, revision, tokens, vocabulary, data FROM analyses"
                    " WHERE doc_id=? AND version=?",
                    key,
                ).fetchone()
                if row is not None:
                    state.analyses[key] = Analysis(*row)
            db.execute("COMMIT")
            return state
        finally:
            db.close()


def _lexicon_revision(db: sqlite3.Connection) -> str | None:
    row = db.execute("SELECT value FROM meta WHERE key='lexicon_revision'").fetchone()
    return str(row[0]) if row else None


def _splits(db: sqlite3.Connection) -> dict[str, list[str]]:
    return {w: p.split() for w, p in db.execute("SELECT word, parts FROM lexicon_splits")}


def _put(db: sqlite3.Connection, doc_id: str, version: str, a: Analysis) -> None:
    db.execute(
        "INSERT OR REPLACE INTO analyses VALUES (?, ?, ?, ?, ?, ?, ?)",
        (doc_id, version, a.lexicon, a.revision, a.tokens, a.vocabulary, a.data),
    )
