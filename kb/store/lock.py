"""One writer at a time per data directory (ingest, remove, reindex, web jobs).

The holder writes who it is into the lock file, so a waiting writer can say what it waits for
("kb ingest (pid 4711)", "Web-Job 3f2a…: bericht.pdf").
"""

import fcntl
import os
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kb.errors import WriterBusy

LOCK_FILE = ".writer.lock"
Waiting = Callable[[str], None]


@contextmanager
def writer_lock(
    data_dir: Path,
    timeout_s: float = 30.0,
    holder: str = "",
    on_wait: Waiting | None = None,
) -> Iterator[None]:
    """Exclusive; waits up to ``timeout_s`` (``on_wait`` hears once whom it waits for)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    fd = os.open(data_dir / LOCK_FILE, os.O_CREAT | os.O_RDWR, 0o644)
    deadline = time.monotonic() + timeout_s
    told = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                other = lock_holder(data_dir) or "another process"
                if time.monotonic() > deadline:
                    raise WriterBusy(
                        f"{other} is changing the knowledge base in {data_dir}; try again"
                    ) from None
                if on_wait is not None and not told:
                    on_wait(other)
                    told = True
                time.sleep(0.2)
        _write_holder(fd, holder or f"pid {os.getpid()}")
        yield
    finally:
        os.close(fd)  # closing releases the lock


def lock_holder(data_dir: Path) -> str | None:
    """Who holds (or last held) the writer lock, as it described itself."""
    try:
        text = (data_dir / LOCK_FILE).read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return None
    return text[:200] or None


def _write_holder(fd: int, holder: str) -> None:
    os.ftruncate(fd, 0)
    os.pwrite(fd, holder.encode("utf-8")[:200], 0)
