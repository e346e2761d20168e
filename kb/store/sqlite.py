"""SQLite as every store here uses it: WAL (readers don't block the writer, several processes
may share the file), durable commits, usable from the service's thread pool.

Deleted rows are overwritten (``secure_delete``) and ``checkpoint`` empties the ``-wal`` file, so
withdrawn text does not linger in free pages or the write-ahead log.
"""

import errno
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import ReadOnly, StorageFull


def connect(path: Path, schema: str) -> sqlite3.Connection:
    path.parent.mkdir(parents=True, exist_ok=True)
    db = sqlite3.connect(path, timeout=30, check_same_thread=False, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("PRAGMA secure_delete=ON")
    db.executescript(schema)
    return db


def connect_read_only(path: Path) -> sqlite3.Connection:
    """Open a database in a directory this process cannot write.

    ``mode=ro`` still sees other processes' commits but needs the WAL's shared-memory file; on a
    read-only file system that cannot be created, and the file is opened as immutable (nobody
    can change it there anyway).
    """
    if not path.is_file():
        raise ReadOnly(f"{path} does not exist and cannot be created (read-only data dir)")
    uri = path.resolve().as_uri()
    problem: Exception | None = None
    for flags in ("?mode=ro", "?immutable=1"):
        try:
            db = sqlite3.connect(
                uri + flags, uri=True, timeout=30, check_same_thread=False, isolation_level=None
            )
            db.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return db
        except sqlite3.Error as e:
            problem = e
    raise ReadOnly(f"cannot open {path} read-only: {problem}")


def checkpoint(db: sqlite3.Connection) -> None:
    """Move the write-ahead log into the database file and truncate it to zero bytes."""
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def storage_error(e: sqlite3.Error, what: str) -> Exception:
    """A full disk or a read-only file as a clear KB error; anything else unchanged."""
    code = getattr(e, "sqlite_errorcode", None)
    text = str(e).lower()
    if code == sqlite3.SQLITE_FULL or "disk is full" in text or "disk full" in text:
        return StorageFull(f"the disk is full: cannot store {what}")
    if code == sqlite3.SQLITE_READONLY or "readonly" in text or "read-only" in text:
        return ReadOnly(f"cannot store {what}: the data dir is read-only")
    return e


def disk_full(e: BaseException) -> StorageFull | None:
    """A full disk (from SQLite, Chroma or the file system) as StorageFull, else None."""
    if isinstance(e, OSError) and e.errno in (errno.ENOSPC, errno.EDQUOT):
        return StorageFull(f"the disk is full ({e.strerror}); free space and try again")
    if getattr(e, "sqlite_errorcode", None) == sqlite3.SQLITE_FULL:
        return StorageFull("the disk is full (database or disk is full); free space and try again")
    text = str(e).lower()
    if "disk is full" in text or "no space left" in text:
        return StorageFull(f"the disk is full ({e}); free space and try again")
    return None


@contextmanager
def write_transaction(
    db: sqlite3.Connection, lock: threading.RLock
) -> Iterator[sqlite3.Connection]:
    """One write transaction on a shared autocommit connection: taken at once (``BEGIN
    IMMEDIATE``, so it never fails half-way for a lock), committed at the end, rolled back on
    any error."""
    with lock:
        db.execute("BEGIN IMMEDIATE")
        try:
            yield db
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
