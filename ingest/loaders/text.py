"""Plain text → blocks: paragraphs at blank lines, wrapped lines rejoined, headings detected."""

import re

from ingest.blocks import Block, LoadedDocument, LoadedPage
from ingest.cleaning import DASH_MARKER, LIST_MARKER, clean_inline, join_lines, strip_bullet
from ingest.headings import HeadingDetector
from kb.errors import IngestError


def load_text(text: str) -> LoadedDocument:
    detector = HeadingDetector()
    blocks: list[Block] = []
    for para in re.split(r"\n\s*\n", text):
        lines = [x for x in para.splitlines() if x.strip()]
        if len(lines) == 1 and (h := detector.match(clean_inline(lines[0]))):
            blocks.append(Block("heading", h.title, h.level))
            continue
        current: Block | None = None
        for line in lines:
            if LIST_MARKER.match(line) or DASH_MARKER.match(line):
                current = Block("list_item", clean_inline(strip_bullet(line)))
                blocks.append(current)
            elif current is not None:
                current = Block(current.kind, join_lines(current.text, clean_inline(line)))
                blocks[-1] = current
            else:
                current = Block("paragraph", clean_inline(line))
                blocks.append(current)
    blocks = [b for b in blocks if b.text]
    if not blocks:
        raise IngestError("the text file contains no text")
    return LoadedDocument(kind="text", pages=[LoadedPage(number=None, blocks=blocks)])
