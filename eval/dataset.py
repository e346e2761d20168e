"""The curated Q&A set (eval/qa.jsonl) and its fixed tune/test split.

Every line carries ``split``: ``tune`` items are the only ones any threshold or weight may be
chosen on; ``test`` items are frozen and reported. The split was drawn once by
``stratified_split`` (stratified by type and document, at least 40 % test) and is stored on
each line, so that adding questions later never moves an old one to the other side.
Questions written after the draw carry ``added`` (a date) and join ``tune``: the frozen
``test`` part stays the same questions, and stays at least 40 % of the set.

``tags`` mark what a question asks for beyond its type: ``number``, ``date``, ``name``,
``list``, ``yes_no``, ``procedure``, ``colloquial``, ``near_miss`` (topic present, fact
absent), ``cross_doc``.
"""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from kb.errors import InvalidInput

DEFAULT_QA = Path(__file__).resolve().parent / "qa.jsonl"
# Questions written later, from the documents alone, to check rules on questions no rule was
# written from (and for false matches), once adding them to the set would have taken the frozen
# test part below 40 %: tune questions, kept apart (`kb eval --qa eval/probes.jsonl`).
DEFAULT_PROBES = Path(__file__).resolve().parent / "probes.jsonl"
_KEYS = {"id", "question", "lang", "type", "answer", "must_include", "sources"}
# Optional so that an outside set in the old format loads; it counts as test (held out).
# "added": the date a question joined after the split was drawn (it goes to tune; see below).
_OPTIONAL = {"tags", "split", "added"}
SPLITS = ("tune", "test")
TAGS = frozenset("number date name list yes_no procedure colloquial near_miss cross_doc".split())
TEST_SHARE = 0.45


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
    split: str = "tune"
    tags: tuple[str, ...] = ()
    added: str | None = None  # the date it joined, when written after the split was drawn

    @property
    def answerable(self) -> bool:
        return bool(self.sources)

    @property
    def documents(self) -> list[str]:
        return sorted({s.file for s in self.sources})

    @property
    def stratum(self) -> str:
        """What the split is stratified by: the type and the (first) document."""
        return f"{self.type}|{self.documents[0] if self.documents else '-'}"


def load_items(path: Path = DEFAULT_QA, split: str | None = None) -> list[QAItem]:
    """All items, or those of one split ("tune" or "test")."""
    if split is not None and split not in SPLITS:
        raise InvalidInput(f"unknown split '{split}'; use one of {', '.join(SPLITS)}")
    items: list[QAItem] = []
    for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as e:
            raise InvalidInput(f"{path}:{no}: not JSON ({e.msg})") from e
        items.append(_item(raw, f"{path}:{no}"))
    ids = [i.id for i in items]
    if len(set(ids)) != len(ids):
        raise InvalidInput(f"{path}: duplicate ids")
    return [i for i in items if split is None or i.split == split]


def _item(raw: dict, where: str) -> QAItem:  # type: ignore[type-arg]
    if not isinstance(raw, dict) or not _KEYS <= set(raw) <= _KEYS | _OPTIONAL:
        raise InvalidInput(
            f"{where}: keys must be {sorted(_KEYS)}, optionally with {sorted(_OPTIONAL)}"
        )
    raw = {"split": "test", "tags": [], **raw}
    if raw["split"] not in SPLITS:
        raise InvalidInput(f"{where}: split must be one of {SPLITS}")
    added = raw.get("added")
    if added is not None:
        try:
            date.fromisoformat(added)
        except (TypeError, ValueError):
            raise InvalidInput(
                f"{where}: added must be a date (YYYY-MM-DD), not {added!r}"
            ) from None
        if raw["split"] != "tune":
            raise InvalidInput(f"{where}: a question added after the split was drawn joins tune")
    unknown = set(raw["tags"]) - TAGS
    if unknown:
        raise InvalidInput(f"{where}: unknown tags {sorted(unknown)}; known: {sorted(TAGS)}")
    return QAItem(
        id=raw["id"],
        question=raw["question"],
        lang=raw["lang"],
        type=raw["type"],
        answer=raw["answer"],
        must_include=raw["must_include"],
        sources=[Source(s["file"], s["page"], s["quote"]) for s in raw["sources"]],
        split=raw["split"],
        tags=tuple(raw["tags"]),
        added=added,
    )


def stratified_split(ids_by_stratum: dict[str, list[str]], share: float = TEST_SHARE) -> set[str]:
    """The ids that go to ``test``: in every stratum the whole part of ``share`` of its items;
    the fractional parts add up to a few more, drawn from the strata's leftovers. Items are
    ordered by a hash of their id, so no question text or result decides the side."""

    def ordered(ids: list[str]) -> list[str]:
        return sorted(ids, key=lambda i: hashlib.sha256(i.encode()).hexdigest())

    test: set[str] = set()
    leftovers: list[str] = []
    fractions = 0.0
    for ids in ids_by_stratum.values():
        ids = ordered(ids)
        n = int(len(ids) * share)
        test.update(ids[:n])
        leftovers.extend(ids[n:])
        fractions += len(ids) * share - n
    test.update(ordered(leftovers)[: round(fractions)])
    return test


def strata(items: list[QAItem]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for item in items:
        out[item.stratum].append(item.id)
    return dict(out)
