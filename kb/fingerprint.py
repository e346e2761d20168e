"""A hash of the source of the code that made some stored data.

Documents are parsed and analysed once and the results stored (chunks with their layout tags,
sentences and facets; BM25 terms and glossary parts). A stored result made by other code than
the running one is made again (a document is re-parsed on its next ingest, an analysis is
computed again) instead of trusted: a rule changed in kb/text/layout.py or the analyzer then
reaches the documents already stored, without a revision number someone has to remember to bump.
"""

import hashlib
import importlib
from functools import cache
from importlib import metadata
from pathlib import Path


@cache
def source_fingerprint(
    modules: tuple[str, ...], data_files: tuple[str, ...] = (), libraries: tuple[str, ...] = ()
) -> str:
    """12 hex digits over the source of ``modules`` (a package: all its .py files), the named
    files of kb/data and the installed versions of ``libraries`` (a new pypdf extracts text
    differently); computed once per process."""
    digest = hashlib.sha256()
    for name in modules:
        module = importlib.import_module(name)
        if module.__file__ is None:
            raise RuntimeError(f"{name} is a namespace package: its source cannot be hashed")
        path = Path(module.__file__)
        files = sorted(path.parent.rglob("*.py")) if path.name == "__init__.py" else [path]
        for file in files:
            digest.update(f"{name}:{file.relative_to(path.parent).as_posix()}\n".encode())
            digest.update(file.read_bytes())
    data = Path(__file__).parent / "data"
    for file_name in data_files:
        digest.update(f"data:{file_name}\n".encode())
        digest.update((data / file_name).read_bytes())
    for library in libraries:
        digest.update(f"lib:{library}={metadata.version(library)}\n".encode())
    return digest.hexdigest()[:12]
