"""PDF pages → blocks, with pypdf. Broken pages are skipped with a warning."""

import io
import logging
import re
import statistics
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace

from ingest.blocks import Block, LoadedDocument, LoadedPage
from ingest.cleaning import (
    DASH_MARKER,
    LIST_MARKER,
    clean_inline,
    join_lines,
    remove_running_lines,
    strip_bullet,
)
from ingest.headings import HeadingDetector
from kb.errors import IngestError
from kb.text.layout import LABEL

_COLUMN_GAP = re.compile(r"\S(\s{3,}|\t)\S|\[\s?\]|☐")
_SENTENCE_END = re.compile(r"[.!?:“\"”)]$")


def load_pdf(data: bytes) -> LoadedDocument:
    from pypdf import PdfReader

    if not data.lstrip()[:5].startswith(b"%PDF"):
        raise IngestError("not a PDF file (no %PDF header); was another file renamed to .pdf?")
    try:
        with _pypdf_log():
            reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("the PDF is encrypted with a password; export it unprotected")
        page_count = len(reader.pages)
    except IngestError:
        raise
    except Exception as e:  # pypdf raises many internal types on damaged files
        raise IngestError(f"corrupt PDF ({type(e).__name__}: {e})") from e

    warnings: list[str] = []
    raw_pages: list[list[str]] = []
    for i in range(page_count):
        with _pypdf_log() as problems:
            try:
                text = reader.pages[i].extract_text() or ""
            except Exception as e:  # one damaged page must not lose the rest
                problems.append(f"{type(e).__name__}: {e}")
                text = ""
        if problems and not text.strip():
            warnings.append(f"page {i + 1}: text could not be extracted ({problems[0][:120]})")
        raw_pages.append(text.splitlines())

    if not any(line.strip() for lines in raw_pages for line in lines):
        why = f"; {warnings[0]}" if warnings else ""  # e.g. a content stream over pypdf's limit
        raise IngestError(f"the PDF has no extractable text (scanned images? OCR it first){why}")

    pages_lines = remove_running_lines(raw_pages)
    detector = HeadingDetector()
    pages = [
        LoadedPage(number=i + 1, blocks=_blocks_from_lines(lines, detector))
        for i, lines in enumerate(pages_lines)
    ]
    empty = [p.number for p in pages if not p.blocks and raw_pages[(p.number or 1) - 1]]
    if empty:
        warnings.append(f"pages without text after cleaning: {empty}")
    return LoadedDocument(kind="pdf", pages=pages, title=_title(reader), warnings=warnings)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextmanager
def _pypdf_log() -> Iterator[list[str]]:
    """pypdf logs (instead of raising) on damaged content: collect it, keep it off stderr."""
    logger = logging.getLogger("pypdf")
    handler = _Collect()
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _title(reader: object) -> str | None:
    try:
        meta = reader.metadata  # type: ignore[attr-defined]
        title = (meta.title or "").strip() if meta else ""
    except Exception:
        return None
    return clean_inline(title) or None


def _blocks_from_lines(raw_lines: list[str], detector: HeadingDetector) -> list[Block]:
    # Column gaps (3+ spaces) mark table rows; decide on the raw line, before checkboxes go.
    pairs = [(clean_inline(x), bool(_COLUMN_GAP.search(x))) for x in raw_lines]
    pairs = [(x, tab) for x, tab in pairs if x]
    lines = [x for x, _ in pairs]
    typical = _typical_length(lines)
    blocks: list[Block] = []
    current: Block | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        heading = detector.match(line, nxt)
        if heading:
            blocks.append(Block("heading", heading.title, heading.level))
            current = None
            i += 2 if heading.absorbs_next_line else 1
            continue
        starts_item = bool(LIST_MARKER.match(line)) or (
            bool(DASH_MARKER.match(line))
            and (
                current is None
                or current.kind == "list_item"
                or bool(_SENTENCE_END.search(current.text))
            )
        )
        ends = _ends_block(line, nxt, typical)
        # a caption or title line: labelled, or a line of its own after a finished sentence
        caption = ends and (
            bool(LABEL.match(line)) or bool(i and _SENTENCE_END.search(lines[i - 1]))
        )
        if pairs[i][1] and not starts_item:
            blocks.append(Block("table_row", line))
            current = None
        elif starts_item:
            text = strip_bullet(line)
            current = Block("list_item", text)
            blocks.append(current)
        elif current is not None and current.kind in ("paragraph", "list_item") and not caption:
            current = Block(current.kind, join_lines(current.text, line))
            blocks[-1] = current
        else:
            if current is not None:  # a caption stands apart from the text above it too
                blocks[-1] = replace(current, closed=True)
            current = Block("paragraph", line)
            blocks.append(current)
        # A short line that ends a sentence closes its paragraph; a short list line its item;
        # a caption or label line its block, for good.
        if current is not None and ends:
            blocks[-1] = replace(current, closed=True)
            current = None
        elif (
            current is not None
            and len(line) < 0.8 * typical
            and (
                _SENTENCE_END.search(line)
                or (current.kind == "list_item" and len(line) < 0.7 * typical)
            )
        ):
            current = None
        i += 1
    return [replace(b, text=b.text.strip()) for b in blocks if b.text.strip()]


def _ends_block(line: str, nxt: str | None, typical: float) -> bool:
    """A line far shorter than the text's lines was not wrapped at the margin: when it ends in a
    capitalised word (in German a noun or a name) or a number and the next line does not go on
    in lower case, it is a caption, label, title or address line ("Quelle: Eigene
    Berechnungen", "Schulabschlüsse und Allgemeinbildung"), not the start of the paragraph below
    it. A line ending in a function word ("zwischen Städten und"), a hyphen, comma or slash, or
    followed by a lower-case word, runs on. A labelled line ("Quelle: …", "Übersicht 2: …")
    counts as short sooner."""
    words = line.split()
    last = words[-1] if words else ""
    return (
        len(line) < (0.8 if LABEL.match(line) else 0.6) * typical
        and (last[:1].isupper() or last[:1].isdigit())
        and not _SENTENCE_END.search(line)
        and not line.endswith(("-", ",", "/"))
        and not (nxt or "")[:1].islower()
    )


def _typical_length(lines: list[str]) -> float:
    lengths = sorted(len(x) for x in lines if len(x) > 20)
    if not lengths:
        return 80.0
    return (
        float(lengths[int(0.75 * (len(lengths) - 1))])
        if len(lengths) > 3
        else float(statistics.median(lengths))
    )
