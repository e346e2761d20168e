"""Stored originals (for download and for viewing a citation at its page)."""

import contextlib
import os
import tempfile
from pathlib import Path

from kb.errors import NotFound


class OriginalFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    @staticmethod
    def relative(doc_id: str, version: str, file_name: str) -> str:
        return (Path(doc_id) / f"{version}{Path(file_name).suffix.lower()}").as_posix()

    def save(self, rel: str, data: bytes) -> None:
        """Write atomically (temp file, fsync, rename)."""
        target = self.root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def sweep(self, keep: set[str]) -> int:
        """Delete stored files no registry row refers to (left by a crash), and temp files."""
        if not self.root.is_dir():
            return 0
        removed = 0
        for path in self.root.rglob("*"):
            if path.is_file() and path.relative_to(self.root).as_posix() not in keep:
                path.unlink(missing_ok=True)
                removed += 1
        for folder in sorted((p for p in self.root.iterdir() if p.is_dir()), reverse=True):
            with contextlib.suppress(OSError):  # not empty
                folder.rmdir()
        return removed

    def path(self, rel: str) -> Path:
        path = (self.root / rel).resolve()
        if self.root.resolve() not in path.parents or not path.is_file():
            raise NotFound("the original file is not stored")
        return path

    def delete(self, rel: str | None) -> None:
        if not rel:
            return
        path = self.root / rel
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # other versions still there
            path.parent.rmdir()
