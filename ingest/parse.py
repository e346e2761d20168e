"""One file → a ParsedDocument (cleaned pages, headings, chunks), or an IngestError saying why."""

import re
from collections.abc import Callable
from pathlib import Path

from ingest.blocks import LoadedDocument, LoadedPage, merge_broken_paragraphs, render_page
from ingest.chunking import Chunker
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from kb.errors import IngestError, UnsupportedFormat
from kb.models import Chunk, ParsedDocument, chunk_id, content_version, document_id
from kb.text.layout import layout_spans

MAX_FILE_BYTES = 200 * 1024 * 1024

_BINARY_LOADERS: dict[str, Callable[[bytes], LoadedDocument]] = {
    ".pdf": load_pdf,
    ".docx": load_docx,
}
_TEXT_LOADERS: dict[str, Callable[[str], LoadedDocument]] = {
    ".html": load_html,
    ".htm": load_html,
    ".md": load_markdown,
    ".markdown": load_markdown,
    ".txt": load_text,
    ".text": load_text,
}
SUPPORTED_SUFFIXES = frozenset(_BINARY_LOADERS) | frozenset(_TEXT_LOADERS)
_HINTS = {
    ".doc": "old binary Word format; save it as .docx",
    ".rtf": "save it as .docx",
    ".odt": "save it as .docx",
    ".xlsx": "spreadsheets are not supported",
    ".pptx": "presentations are not supported; export as PDF",
}


PIPELINE_REVISION = "3"  # 3: non-prose lines tagged (kb/text/layout.py)


def pipeline_signature(chunker: Chunker) -> str:
    return f"r{PIPELINE_REVISION}/size{chunker.size}/overlap{chunker.overlap}"


def check_supported(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = _HINTS.get(suffix, "supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
        raise UnsupportedFormat(f"unsupported file type '{suffix or path.name}' ({hint})")


def read_file(path: Path) -> bytes:
    check_supported(path)
    try:
        return path.read_bytes()
    except OSError as e:
        raise IngestError(f"cannot read file: {e.strerror or e}") from e


def parse_file(path: Path, chunker: Chunker) -> ParsedDocument:
    return parse_bytes(path.name, read_file(path), chunker)


def parse_bytes(file_name: str, data: bytes, chunker: Chunker) -> ParsedDocument:
    suffix = Path(file_name).suffix.lower()
    check_supported(Path(file_name))
    if not data.strip():
        raise IngestError("the file is empty")
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"the file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB")

    if suffix in _BINARY_LOADERS:
        loaded = _BINARY_LOADERS[suffix](data)
    else:
        loaded = _TEXT_LOADERS[suffix](decode_text(data))
    return build_document(file_name, data, loaded, chunker)


def build_document(
    file_name: str, data: bytes, loaded: LoadedDocument, chunker: Chunker
) -> ParsedDocument:
    pages = [
        render_page(LoadedPage(p.number, merge_broken_paragraphs(p.blocks))) for p in loaded.pages
    ]
    title = loaded.title or _first_heading(pages) or Path(file_name).stem
    doc_id = document_id(file_name)
    version = content_version(data, pipeline_signature(chunker))
    spans = chunker.chunk(pages)
    if not spans:
        raise IngestError("no text left after cleaning")
    layouts = {p.number: layout_spans(p.text) for p in pages}  # tag non-prose lines
    chunks = [
        Chunk(
            id=chunk_id(doc_id, version, i),
            doc_id=doc_id,
            version=version,
            position=i,
            page=s.page,
            section=s.section,
            text=s.text,
            start=s.start,
            end=s.end,
            file_name=file_name,
            title=title,
            kind=loaded.kind,
            layout=tuple(
                (start, end, kind)
                for start, end, kind in layouts[s.page]
                if start < s.end and s.start < end
            ),
        )
        for i, s in enumerate(spans)
    ]
    return ParsedDocument(
        doc_id=doc_id,
        version=version,
        file_name=file_name,
        kind=loaded.kind,
        title=title,
        pages=pages,
        chunks=chunks,
        source_bytes=data,
        date=loaded.date or _year(title) or _year(file_name),
        warnings=list(loaded.warnings),
    )


def decode_text(data: bytes) -> str:
    """UTF-8 (BOM allowed), UTF-16 with BOM, or Windows-1252 when that reads as text."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise IngestError(f"cannot decode UTF-16 text: {e.reason}") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    if b"\x00" not in data:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            text = ""
        control = sum(1 for ch in text if ord(ch) < 32 and ch not in "\r\n\t\f")
        if text and control / len(text) < 0.001:
            return text
    raise IngestError("cannot decode the file as text (not UTF-8/UTF-16/Windows-1252; binary?)")


def _first_heading(pages: list) -> str | None:  # type: ignore[type-arg]
    for page in pages:
        for h in page.headings:
            return str(h.title)
    return None


def _year(text: str) -> str | None:
    m = re.search(r"(?<!\d)(19[5-9]\d|20[0-4]\d)(?!\d)", text)
    return m.group(1) if m else None
