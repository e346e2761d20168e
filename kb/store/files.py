"""Stored originals (for download and for viewing a citation at its page)."""

import os
import tempfile
from pathlib import Path

from kb.errors import NotFound


class OriginalFiles:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, doc_id: str, version: str, file_name: str, data: bytes) -> str:
        """Write atomically; returns the path relative to the root."""
        rel = Path(doc_id) / f"{version}{Path(file_name).suffix.lower()}"
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
        return rel.as_posix()

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
        try:
            path.parent.rmdir()
        except OSError:
            pass  # other versions still there
