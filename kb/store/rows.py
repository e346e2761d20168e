"""How a chunk is read from the registry: one column list and one row conversion for every
query that returns chunks (active, per version, all stored, a catalog update)."""

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from kb.models import Chunk

CHUNK_COLUMNS = (
    "c.id, c.doc_id, c.version, c.position, c.page, c.section, c.text, c.start, c.end,"
    " v.file_name, v.title, v.kind, c.layout"
)


def layout_of(raw: str | None) -> tuple[tuple[int, int, str], ...]:
    return tuple((int(s), int(e), str(k)) for s, e, k in json.loads(raw or "[]"))


def chunk_from_row(row: Sequence[Any]) -> Chunk:
    """A row selected with CHUNK_COLUMNS."""
    return replace(Chunk(*row[:-1]), layout=layout_of(row[-1]))
