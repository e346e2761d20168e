"""The curated Q&A set (eval/qa.jsonl)."""

import json
from dataclasses import dataclass
from pathlib import Path

from kb.errors import InvalidInput

DEFAULT_QA = Path(__file__).resolve().parent / "qa.jsonl"
_KEYS = {"id", "question", "lang", "type", "answer", "must_include", "sources"}


@dataclass(frozen=True)
class Source:
    file: str
    page: int | None
    quote: str


@dataclass(frozen=True)
class QAItem:
    id: str
    question: str
    lang: str
    type: str
    answer: str
    must_include: list[list[str]]
    sources: list[Source]

    @property
    def answerable(self) -> bool:
        return bool(self.sources)

    @property
    def documents(self) -> list[str]:
        return sorted({s.file for s in self.sources})


def load_items(path: Path = DEFAULT_QA) -> list[QAItem]:
    items: list[QAItem] = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"{path}:{no}: not JSON ({e.msg})") from e
        if set(raw) != _KEYS:
            raise InvalidInput(f"{path}:{no}: keys must be exactly {sorted(_KEYS)}")
        items.append(
            QAItem(
                id=raw["id"],
                question=raw["question"],
                lang=raw["lang"],
                type=raw["type"],
                answer=raw["answer"],
                must_include=raw["must_include"],
                sources=[Source(s["file"], s["page"], s["quote"]) for s in raw["sources"]],
            )
        )
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{path}: duplicate ids")
    return items
