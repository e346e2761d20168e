"""Locks on the data directory, held with flock (released by the kernel when a process dies).

- ``.writer.lock``: one writer at a time (ingest, remove, reindex), held exclusively. Readers
  that must reopen their view of the vector store take it *shared* for that moment only, never
  waiting: while a writer works, they keep answering from their previous snapshot.
- ``.server.lock``: one ``kb serve`` per embedded store, held for the server's lifetime.
"""

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from kb.errors import ConfigError, WriterBusy

WRITER_LOCK = ".writer.lock"
SERVER_LOCK = ".server.lock"
_POLL_S = 0.2


def _holder(fd: int) -> str:
    """Who holds the lock, as the holder wrote it into the lock file ("" if unknown)."""
    try:
        raw = os.pread(fd, 4096, 0).decode("utf-8", "replace").strip()
        info = json.loads(raw) if raw else {}
    except (OSError, ValueError):
        return ""
    if not isinstance(info, dict):
        return ""
    parts = [f"pid {info['pid']}"] if info.get("pid") else []
    parts += [str(info[k]) for k in ("command", "address") if info.get(k)]
    if info.get("since"):
        parts.append(f"since {info['since']}")
    return ", ".join(parts)


def _record(fd: int, **info: object) -> None:
    """Write who holds the lock (for the message others get); best effort."""
    data = {"pid": os.getpid(), "since": datetime.now(UTC).isoformat(timespec="seconds"), **info}
    with contextlib.suppress(OSError):
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(data).encode(), 0)


@contextmanager
def writer_lock(
    data_dir: Path,
    timeout_s: float = 30.0,
    on_wait: Callable[[str], None] | None = None,
    command: str = "",
) -> Iterator[None]:
    """Exclusive write access. While another writer holds it, ``on_wait`` is told once who
    (as the holder described itself: pid, command, since when)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / WRITER_LOCK, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + timeout_s
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                holder = _holder(fd)
                if time.monotonic() > deadline:
                    raise WriterBusy(
                        f"another process is changing the knowledge base in {data_dir}"
                        + (f" ({holder})" if holder else "")
                        + "; try again when it has finished"
                    ) from None
                if on_wait is not None and not told:
                    told = True
                    on_wait(holder or "a process that did not say who it is")
                time.sleep(_POLL_S)
        _record(fd, command=command)
        yield
    finally:
        os.close(fd)  # closing releases the lock


@contextmanager
def writer_idle(data_dir: Path) -> Iterator[bool]:
    """Yields True (holding a shared lock until the block ends) when no writer is at work, False
    at once when one is. A data dir nobody can write to has no writers: True."""
    path = data_dir / WRITER_LOCK
    try:
        fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o644)
    except OSError:
        try:
            fd = os.open(path, os.O_RDONLY)
        except OSError:
            yield True  # read-only and never written: no writer can exist
            return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class ServerLock:
    """One ``kb serve`` per embedded data dir: held from start to exit, names its holder."""

    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / SERVER_LOCK
        self._fd: int | None = None

    def acquire(self, address: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_CREAT | os.O_RDWR, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            raise ConfigError(
                f"another server already serves {self.path.parent}"
                + (f" ({holder})" if holder else "")
                + ". Stop it first, or set KB_CHROMA_URL (a Chroma server) to run several"
            ) from None
        _record(fd, command="kb serve", address=address)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                os.ftruncate(self._fd, 0)
            os.close(self._fd)
            self._fd = None


def writable(data_dir: Path) -> bool:
    """Can this process create files in the data dir (made if missing)?"""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        probe = data_dir / f".write-probe-{os.getpid()}"
        probe.touch()
        probe.unlink()
        return True
    except OSError as e:
        if e.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            return False
        raise


def lock_holder(data_dir: Path) -> str | None:
    """Who holds (or last held) the writer lock, as it described itself."""
    try:
        fd = os.open(data_dir / WRITER_LOCK, os.O_RDONLY)
    except OSError:
        return None
    try:
        return _holder(fd) or None
    finally:
        os.close(fd)
