"""DOCX → blocks with python-docx: heading styles, list paragraphs (numbered or styled), tables."""

import io
import re
import zipfile

from ingest.blocks import Block, LoadedDocument, LoadedPage
from ingest.cleaning import clean_inline
from kb.errors import IngestError

_HEADING_STYLE = re.compile(r"^(heading|überschrift)\s*(\d)$", re.I)
_TITLE_STYLES = {"title", "titel"}


def load_docx(data: bytes) -> LoadedDocument:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise IngestError(
            "not a DOCX file (not a ZIP container); old .doc files must be saved as .docx"
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except (PackageNotFoundError, KeyError, ValueError, zipfile.BadZipFile) as e:
        raise IngestError(f"corrupt DOCX ({type(e).__name__}: {e})") from e

    blocks = list(_body_blocks(document))
    if not blocks:
        raise IngestError("the DOCX contains no text")
    title = (document.core_properties.title or "").strip() or None
    return LoadedDocument(kind="docx", pages=[LoadedPage(number=None, blocks=blocks)], title=title)


def _body_blocks(document: object):  # type: ignore[no-untyped-def]
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    body = document.element.body  # type: ignore[attr-defined]
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            block = _paragraph_block(Paragraph(child, document))
            if block:
                yield block
        elif tag == "tbl":
            yield from _table_blocks(Table(child, document))


def _paragraph_block(paragraph: object) -> Block | None:
    text = clean_inline(paragraph.text)  # type: ignore[attr-defined]
    if not text:
        return None
    style = (paragraph.style.name if paragraph.style is not None else "") or ""  # type: ignore[attr-defined]
    if m := _HEADING_STYLE.match(style.strip()):
        return Block("heading", text, level=min(int(m.group(2)), 4))
    if style.strip().lower() in _TITLE_STYLES:
        return Block("heading", text, level=1)
    ppr = paragraph._p.pPr  # type: ignore[attr-defined]
    numbered = ppr is not None and ppr.numPr is not None
    if numbered or "list" in style.lower() or "liste" in style.lower():
        return Block("list_item", text)
    return Block("paragraph", text)


def _table_blocks(table: object):  # type: ignore[no-untyped-def]
    for row in table.rows:  # type: ignore[attr-defined]
        cells: list[str] = []
        for cell in row.cells:
            text = clean_inline(cell.text.replace("\n", " "))
            if text and (not cells or cells[-1] != text):  # merged cells repeat their text
                cells.append(text)
        if cells:
            yield Block("table_row", "\t".join(cells))
