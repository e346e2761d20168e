"""Sentence-aware chunking: whole sentences packed up to a target size, never across pages.

A heading closes the running chunk; the section path (headings stack) carries across pages.
Consecutive chunks overlap by whole sentences up to ``overlap`` words.
"""

from dataclasses import dataclass

from kb.models import SECTION_SEPARATOR, Heading, Page
from kb.text.sentences import split_sentences


@dataclass(frozen=True)
class ChunkSpan:
    page: int | None
    section: str | None
    start: int
    end: int
    text: str


class Chunker:
    def __init__(self, size: int, overlap: int) -> None:
        if size < 10 or not 0 <= overlap < size:
            raise ValueError("chunk size must be >= 10 words and overlap in [0, size)")
        self.size = size
        self.overlap = overlap

    def chunk(self, pages: list[Page]) -> list[ChunkSpan]:
        stack: list[Heading] = []
        spans: list[ChunkSpan] = []
        for page in pages:
            spans.extend(self._chunk_page(page, stack))
        return spans

    def _chunk_page(self, page: Page, stack: list[Heading]) -> list[ChunkSpan]:
        heading_at = {h.offset: h for h in page.headings}
        out: list[ChunkSpan] = []
        current: list[tuple[int, int]] = []

        def flush() -> None:
            if current:
                out.append(self._span(page, stack, current))

        for start, end in split_sentences(page.text):
            heading = heading_at.get(start)
            if heading is not None:
                flush()
                current = []
                while stack and stack[-1].level >= heading.level:
                    stack.pop()
                stack.append(heading)
                continue
            words = _words(page.text, start, end)
            if current and _count(page.text, current) + words > self.size:
                flush()
                current = self._overlap_tail(page.text, current)
            current.append((start, end))
        flush()
        return _merge_small_tail(out, page, self.size)

    def _overlap_tail(self, text: str, sentences: list[tuple[int, int]]) -> list[tuple[int, int]]:
        tail: list[tuple[int, int]] = []
        words = 0
        for span in reversed(sentences[1:]):  # never carry the whole previous chunk
            n = _words(text, *span)
            if words + n > self.overlap:
                break
            tail.insert(0, span)
            words += n
        return tail

    @staticmethod
    def _span(page: Page, stack: list[Heading], sentences: list[tuple[int, int]]) -> ChunkSpan:
        start, end = sentences[0][0], sentences[-1][1]
        section = SECTION_SEPARATOR.join(h.title for h in stack) or None
        return ChunkSpan(page.number, section, start, end, page.text[start:end])


def _merge_small_tail(spans: list[ChunkSpan], page: Page, size: int) -> list[ChunkSpan]:
    """A tiny piece of a section joins the chunk before it (same page and section)."""
    out: list[ChunkSpan] = []
    for span in spans:
        prev = out[-1] if out else None
        n_words = len(span.text.split())
        if (
            prev is not None
            and prev.section == span.section
            and n_words < size // 5
            and len(prev.text.split()) + n_words <= size * 1.5
        ):
            start, end = prev.start, max(prev.end, span.end)
            out[-1] = ChunkSpan(prev.page, prev.section, start, end, page.text[start:end])
        else:
            out.append(span)
    return out


def _words(text: str, start: int, end: int) -> int:
    return len(text[start:end].split())


def _count(text: str, spans: list[tuple[int, int]]) -> int:
    return sum(_words(text, s, e) for s, e in spans)
