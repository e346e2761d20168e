"""The common shape every loader produces: pages of blocks (headings, paragraphs, list items)."""

from dataclasses import dataclass, field
from typing import Literal

from kb.models import Heading, Page

_CLOSED = (".", "!", "?", ":", ";", '"', "“", "”", ")", "…", "»", "«", "’")

BlockKind = Literal["heading", "paragraph", "list_item", "table_row"]


@dataclass(frozen=True)
class Block:
    kind: BlockKind
    text: str
    level: int = 0  # heading level, 1 = top
    closed: bool = False  # the loader saw the paragraph end here, with or without a full stop


@dataclass
class LoadedPage:
    number: int | None
    blocks: list[Block]


@dataclass
class LoadedDocument:
    kind: str
    pages: list[LoadedPage]
    title: str | None = None
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


def render_page(page: LoadedPage) -> Page:
    """Page text is the blocks joined by newlines; list items get a "- " marker."""
    parts: list[str] = []
    headings: list[Heading] = []
    offset = 0
    for block in page.blocks:
        text = block.text
        if block.kind == "list_item":
            text = "- " + text
        elif block.kind == "heading":
            headings.append(Heading(offset=offset, level=block.level, title=block.text))
        parts.append(text)
        offset += len(text) + 1
    return Page(number=page.number, text="\n".join(parts), headings=headings)


def merge_broken_paragraphs(blocks: list[Block]) -> list[Block]:
    """Rejoin a paragraph split by a stray break ("Interna-" / "tionalen Förderklassen")."""
    from ingest.cleaning import join_lines

    out: list[Block] = []
    for block in blocks:
        prev = out[-1] if out else None
        if (
            prev is not None
            and prev.kind == "paragraph"
            and block.kind == "paragraph"
            and not prev.closed
            and not prev.text.rstrip().endswith(_CLOSED)
        ):
            out[-1] = Block("paragraph", join_lines(prev.text, block.text))
        else:
            out.append(block)
    return out
