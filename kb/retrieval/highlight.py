"""Snippets with the words that matched the query marked (as offsets: the caller renders them,
so nothing in a document is ever interpreted as markup)."""

import re
from dataclasses import dataclass

from kb.retrieval.analyzer import GermanAnalyzer

_WORD = re.compile(r"[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)*")


@dataclass(frozen=True)
class Snippet:
    text: str
    marks: list[tuple[int, int]]  # offsets into text
    truncated_start: bool
    truncated_end: bool


def snippet(
    text: str, query_terms: list[str], analyzer: GermanAnalyzer, width: int = 320
) -> Snippet:
    wanted = set(query_terms)
    marks = [
        (m.start(), m.end())
        for m in _WORD.finditer(text)
        if wanted.intersection(analyzer.terms(m.group(0)))
    ]
    if len(text) <= width:
        return Snippet(text, marks, False, False)
    window = _best_window(marks, len(text), width)
    start = _word_boundary(text, window)
    end = min(len(text), window + width)  # from the window, not the moved start: keeps its end
    end = _word_boundary(text, end) if end < len(text) else end
    if end <= start:  # no whitespace to cut at (a long URL): cut mid-word
        start, end = window, min(len(text), window + width)
    inside = [(s - start, e - start) for s, e in marks if s >= start and e <= end]
    return Snippet(text[start:end], inside, start > 0, end < len(text))


def _best_window(marks: list[tuple[int, int]], length: int, width: int) -> int:
    """Start of the window holding the most marks (a little context before the first)."""
    best, best_start = -1, 0
    for s, _ in marks:
        start = max(0, min(s - width // 6, length - width))
        count = sum(1 for m, _ in marks if start <= m < start + width)
        if count > best:
            best, best_start = count, start
    return best_start


def _word_boundary(text: str, pos: int) -> int:
    while 0 < pos < len(text) and not text[pos - 1].isspace():
        pos -= 1
    return pos
