"""Markdown → blocks with markdown-it-py: headings, paragraphs, list items, table rows."""

from ingest.blocks import Block, LoadedDocument, LoadedPage
from ingest.cleaning import clean_inline
from kb.errors import IngestError


def load_markdown(text: str) -> LoadedDocument:
    from markdown_it import MarkdownIt

    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[Block] = []
    heading_level = 0
    list_depth = 0
    row: list[str] | None = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading_level = int(tok.tag[1])
        elif tok.type == "heading_close":
            heading_level = 0
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            list_depth += 1
        elif tok.type in ("bullet_list_close", "ordered_list_close"):
            list_depth -= 1
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close" and row is not None:
            if any(row):
                blocks.append(Block("table_row", "\t".join(c for c in row if c)))
            row = None
        elif tok.type == "inline":
            content = clean_inline(_inline_text(tok))
            if not content:
                continue
            if row is not None:
                row.append(content)
            elif heading_level:
                blocks.append(Block("heading", content, level=min(heading_level, 4)))
            elif _only_strong(tok) and tokens[i - 1].type == "paragraph_open" and not list_depth:
                blocks.append(Block("heading", content, level=4))  # a bold line used as heading
            elif list_depth and tokens[i - 1].type == "paragraph_open":
                blocks.append(Block("list_item", content))
            else:
                blocks.append(Block("paragraph", content))
        elif tok.type in ("fence", "code_block"):
            content = clean_inline(tok.content)
            if content:
                blocks.append(Block("paragraph", content))
    if not blocks:
        raise IngestError("the Markdown file contains no text")
    title = next((b.text for b in blocks if b.kind == "heading" and b.level == 1), None)
    return LoadedDocument(
        kind="markdown", pages=[LoadedPage(number=None, blocks=blocks)], title=title
    )


def _only_strong(tok: object) -> bool:
    kids = [c for c in tok.children or [] if not (c.type == "text" and not c.content.strip())]  # type: ignore[attr-defined]
    return len(kids) >= 3 and kids[0].type == "strong_open" and kids[-1].type == "strong_close"


def _inline_text(tok: object) -> str:
    parts: list[str] = []
    for child in tok.children or []:  # type: ignore[attr-defined]
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(child.content or "")
    return "".join(parts)
