"""Quotes that a page break cuts: a sentence (or list) that runs from the end of one page onto
the next is quoted whole, as one citation per page ("… mit denen Lücken im bestehenden [1]
Angebot … geschlossen werden sollten. [2]"). Every part stays an exact span of its own page.

Only prose is carried over: the quote's last line must stop inside a sentence (it ends in a
lower-case word or a comma, or in a noun where the next page goes on in lower case) or inside a
list, and neither side may be a non-prose line
(kb/text/layout.py); a caption, a heading or a table row at a page end ends there. The page on
the other side must go on in the same section.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

from kb.models import Chunk, Citation
from kb.text import layout
from kb.text.sentences import split_sentences

_CLOSED = re.compile(r"[.!?;…“”\"»)]$")
_NUMBERED = re.compile(r"\d+(\.\d+)*\.?\s")
_REACH = 300  # at most this many characters are carried over for a sentence
_LIST_REACH = 600  # ... and for list items


@dataclass(frozen=True)
class Part:
    """A span [start, end) of a chunk's page, with that page's text."""

    chunk: Chunk
    start: int
    end: int
    page: str


# The chunk and page text on the other side of a chunk's page: its first chunk on the page
# after, its last chunk on the page before; None when there is none or a new section begins.
Neighbour = Callable[[Chunk], "tuple[Chunk, str] | None"]


@dataclass(frozen=True)
class PageTurn:
    after: Neighbour
    before: Neighbour


def carried_over(part: Part, turn: PageTurn) -> tuple[Part | None, Part | None]:
    """The parts of the sentence (or list) the quote ``part`` belongs to that stand on the page
    before it and on the page after it."""
    return _before(part, turn), _after(part, turn)


def begun_before(part: Part) -> bool:
    """Does the quote open a page (not the first) in the middle of a sentence, as its lower-case
    first letter shows? (A noun's capital cannot tell: there the page before decides.)"""
    return _opens_page(part) and part.page[part.start : part.start + 1].islower()


def _opens_page(part: Part) -> bool:
    """Does the quote stand at the start of a page that is not the first?"""
    return bool(part.chunk.page and part.chunk.page > 1) and not part.page[: part.start].strip()


def quote_units(citations: list[Citation]) -> list[list[Citation]]:
    """The citations grouped into quotes: a part carried over a page break belongs with the
    citation before it (the next page of the same document, from its start)."""
    units: list[list[Citation]] = []
    for c in citations:
        prev = units[-1][-1] if units else None
        turned = (
            prev is not None
            and prev.doc_id == c.doc_id
            and prev.page is not None
            and c.page == prev.page + 1
            and c.start == 0
        )
        if turned:
            units[-1].append(c)
        else:
            units.append([c])
    return units


def _after(part: Part, turn: PageTurn) -> Part | None:
    page, end = part.page, part.end
    if page[end:].strip():
        return None  # the quote does not reach the page end
    line_start = page.rfind("\n", 0, end) + 1
    line = page[line_start:end].rstrip()
    if not line or not _prose(part.chunk, line_start, end):
        return None
    cut = _cut(line)
    in_list = line.endswith(":") or (line.startswith("- ") and cut)
    # a line ending in a noun may stop inside a sentence too: the next page says, by going on
    # in lower case ("… aufenthaltsbeendende Maßnahmen" | "eingeleitet wurden“, …).")
    unclosed = not in_list and not cut and _unclosed(line)
    if not in_list and not cut and not unclosed:
        return None
    following = turn.after(part.chunk)
    if following is None:
        return None
    chunk, text = following
    if unclosed and not text[:1].islower():
        return None
    stop = _items_at_start(text) if in_list else _sentence_end_at_start(text)
    if not stop or not _prose(chunk, 0, stop):
        return None
    return Part(chunk, 0, stop, text)


def _before(part: Part, turn: PageTurn) -> Part | None:
    """The beginning, on the page before, of the sentence the quote's page opens with: when
    that page's last line stops inside a sentence ("… die Richtlinien zum" before
    "Teilhabemanagement veröffentlicht worden sind.")."""
    if not _opens_page(part) or not _prose(part.chunk, part.start, part.end):
        return None
    preceding = turn.before(part.chunk)
    if preceding is None:
        return None
    chunk, text = preceding
    body = text.rstrip()
    line_start = body.rfind("\n") + 1
    line = body[line_start:]
    # ... or ends in a noun, where the quote's page goes on in lower case
    if not _cut(line) and not (_unclosed(line) and begun_before(part)):
        return None
    spans = split_sentences(line)
    start = line_start + spans[-1][0] if spans else line_start
    if len(body) - start > _REACH or not _prose(chunk, start, len(body)):
        return None
    return Part(chunk, start, len(body), text)


def _cut(line: str) -> bool:
    """Does a line stop inside a sentence: after a lower-case word or a comma?"""
    return _unclosed(line) and (line.split()[-1][:1].islower() or line.endswith(","))


def _unclosed(line: str) -> bool:
    """Does a line end without a sentence's end, a list's introduction or a closing bracket or
    quotation mark? (After a noun, whose capital cannot tell, the page on the other side says
    whether the sentence goes on.)"""
    return bool(line.split()) and not _CLOSED.search(line) and not line.endswith(":")


def _prose(chunk: Chunk, start: int, end: int) -> bool:
    return not chunk.layout or layout.kind_at(chunk.layout, start, end) is None


def _sentence_end_at_start(page: str) -> int | None:
    """The end of the sentence a page begins with, when it ends on the page's first line
    within _REACH characters; not when that line opens with a number or a label, as a heading,
    a numbered item or a caption does ("2 Wie geht es weiter?", "Übersicht 2: …")."""
    line = page.split("\n", 1)[0]
    if _NUMBERED.match(line) or layout.LABEL.match(line):
        return None
    spans = split_sentences(line)
    if not spans or spans[0][0] != 0:
        return None
    stop = spans[0][1]
    for start, end in spans[1:]:  # "(Was lief gut? Was nicht?) besprochen." is one sentence
        open_bracket = line[:stop].count("(") > line[:stop].count(")")
        if not open_bracket and not line[start : start + 1].islower():
            break
        stop = end
    if stop > _REACH:
        return None
    return stop if _CLOSED.search(line[:stop]) or line[:stop].endswith(":") else None


def _items_at_start(page: str) -> int | None:
    """The end of the list items a page begins with, within _LIST_REACH characters."""
    stop = 0
    for m in layout.LIST_ITEM.finditer(page):
        if m.start() != (stop + 1 if stop else 0) or m.end() > _LIST_REACH:
            break
        stop = m.end()
    return stop or None
