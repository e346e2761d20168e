"""One file → a ParsedDocument (cleaned pages, headings, chunks), or an IngestError saying why.

Sizes are checked before work is done: a file's size before it is read (``read_file``), a DOCX's
unpacked size before it is unpacked, and the characters of every page before it is cleaned and
split. Untrusted files are parsed in a child process with CPU and memory limits
(``ingest.sandbox.parse_isolated``).
"""

import errno
import io
import os
import re
import stat
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ingest.blocks import LoadedDocument, LoadedPage, merge_broken_paragraphs, render_page
from ingest.chunking import Chunker
from ingest.loaders.docx import load_docx
from ingest.loaders.html import load_html
from ingest.loaders.markdown import load_markdown
from ingest.loaders.pdf import load_pdf
from ingest.loaders.text import load_text
from kb.errors import IngestError, UnsupportedFormat
from kb.fingerprint import source_fingerprint
from kb.models import Chunk, ParsedDocument, chunk_id, content_version, document_id
from kb.text.layout import layout_spans

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


# The stored form of a parse; the parsing code itself is named by its fingerprint below.
# (3: non-prose lines tagged; 4: PDF captions alone; 5: rows to tick are forms)
PIPELINE_REVISION = "5"
# The code that turns a file into pages, chunks and their tags, and the libraries that read the
# files: a change to any of them re-parses each document on its next ingest, as a changed file
# would (kb/fingerprint.py; `kb reparse` for documents uploaded in the browser).
_PARSING_CODE = (
    "ingest.blocks",
    "ingest.chunking",
    "ingest.cleaning",
    "ingest.headings",
    "ingest.loaders",
    "ingest.parse",
    "kb.text.layout",
    "kb.text.sentences",
)
_PARSING_LIBRARIES = ("pypdf", "python-docx", "selectolax", "markdown-it-py")


def pipeline_signature(chunker: Chunker) -> str:
    return (
        f"r{PIPELINE_REVISION}/size{chunker.size}/overlap{chunker.overlap}"
        f"/code{parsing_code_fingerprint()}"
    )


def parsing_code_fingerprint() -> str:
    return source_fingerprint(_PARSING_CODE, libraries=_PARSING_LIBRARIES)


def check_supported(path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        hint = _HINTS.get(suffix, "supported: " + ", ".join(sorted(SUPPORTED_SUFFIXES)))
        raise UnsupportedFormat(f"unsupported file type '{suffix or path.name}' ({hint})")


@dataclass(frozen=True)
class Limits:
    """How much one file may cost (KB_MAX_FILE_MB, KB_MAX_PAGE_CHARS, KB_PARSE_*)."""

    max_file_bytes: int = 50 * 2**20
    max_page_chars: int = 1_000_000
    cpu_seconds: int = 60
    memory_bytes: int = 1024 * 2**20
    max_pages: int = 2000
    max_chunks: int = 20000

    @property
    def max_unpacked_bytes(self) -> int:
        """A DOCX may unpack to this much (its XML is parsed into memory several times over)."""
        return self.memory_bytes // 4


def read_file(path: Path, max_bytes: int, follow_symlinks: bool = True) -> bytes:
    """The file's bytes, its size checked before reading (a sparse 1.5 GB file costs nothing).
    Inside walked folders ``follow_symlinks`` is False: a link swapped in is refused."""
    check_supported(path)
    flags = os.O_RDONLY | (0 if follow_symlinks else os.O_NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as e:
        if e.errno == errno.ELOOP:  # the last component is a symbolic link
            raise IngestError("skipped: symbolic link") from e
        raise IngestError(f"cannot read file: {e.strerror or e}") from e
    with os.fdopen(fd, "rb") as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise IngestError("not a regular file")
        if info.st_size > max_bytes:
            raise IngestError(too_big(info.st_size, max_bytes))
        try:
            data = f.read(max_bytes + 1)  # never more, even if the file grows meanwhile
        except OSError as e:
            raise IngestError(f"cannot read file: {e.strerror or e}") from e
    if len(data) > max_bytes:
        raise IngestError(too_big(len(data), max_bytes))
    return data


def too_big(size: int, limit: int) -> str:
    return (
        f"the file has {size / 2**20:.1f} MB, more than the {limit / 2**20:g} MB allowed "
        "(KB_MAX_FILE_MB)"
    )


Stage = Callable[[str], None]


def _quiet(stage: str) -> None:
    pass


def parse_file(path: Path, chunker: Chunker, limits: Limits | None = None) -> ParsedDocument:
    limits = limits or Limits()
    return parse_bytes(path.name, read_file(path, limits.max_file_bytes), chunker, limits=limits)


def parse_bytes(
    file_name: str,
    data: bytes,
    chunker: Chunker,
    doc_id: str | None = None,
    limits: Limits | None = None,
    on_stage: Stage = _quiet,
    signature: str | None = None,
) -> ParsedDocument:
    """Parse in this process (trusted input, tests); ``doc_id`` defaults to the name's slug.
    ``on_stage`` hears "reading", "cleaning" and "chunking" as they begin (job progress).
    ``signature`` (default: this process's pipeline_signature) goes into the version."""
    limits = limits or Limits()
    suffix = Path(file_name).suffix.lower()
    check_supported(Path(file_name))
    if not data.strip():
        raise IngestError("the file is empty")
    if len(data) > limits.max_file_bytes:
        raise IngestError(too_big(len(data), limits.max_file_bytes))

    on_stage("reading")
    if suffix == ".docx":
        _check_unpacked_size(data, limits.max_unpacked_bytes)
    if suffix == ".pdf":
        _check_page_count(data, limits.max_pages)
    if suffix in _BINARY_LOADERS:
        loaded = _BINARY_LOADERS[suffix](data)
    else:
        text = decode_text(data)
        _check_page_chars(None, len(text), limits.max_page_chars)
        loaded = _TEXT_LOADERS[suffix](text)
    for page in loaded.pages:
        _check_page_chars(page.number, sum(len(b.text) for b in page.blocks), limits.max_page_chars)
    doc = build_document(file_name, data, loaded, chunker, doc_id, on_stage, signature)
    if len(doc.chunks) > limits.max_chunks:
        raise IngestError(
            f"the file makes {len(doc.chunks)} chunks, more than {limits.max_chunks} "
            "(KB_MAX_CHUNKS)"
        )
    return doc


def _check_page_count(data: bytes, max_pages: int) -> None:
    """Count before reading: a PDF with thousands of pages fails at once, with the reason."""
    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return  # a damaged PDF: the loader says what is wrong with it
    if pages > max_pages:
        raise IngestError(f"the PDF has {pages} pages, more than {max_pages} (KB_MAX_PAGES)")


def _check_unpacked_size(data: bytes, limit: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            unpacked = sum(i.file_size for i in z.infolist())
    except (zipfile.BadZipFile, ValueError):
        return  # the loader reports what is wrong with it
    if unpacked > limit:
        raise IngestError(
            f"the DOCX unpacks to {unpacked / 2**20:.0f} MB, more than {limit / 2**20:g} MB "
            "(a zip bomb? KB_PARSE_MEMORY_MB / 4)"
        )


def _check_page_chars(number: int | None, chars: int, limit: int) -> None:
    if chars > limit:
        where = f"page {number}" if number else "the text"
        raise IngestError(
            f"{where} has {chars:,} characters, more than {limit:,} (KB_MAX_PAGE_CHARS)"
        )


def build_document(
    file_name: str,
    data: bytes,
    loaded: LoadedDocument,
    chunker: Chunker,
    doc_id: str | None = None,
    on_stage: Stage = _quiet,
    signature: str | None = None,
) -> ParsedDocument:
    on_stage("cleaning")
    pages = [
        render_page(LoadedPage(p.number, merge_broken_paragraphs(p.blocks))) for p in loaded.pages
    ]
    title = loaded.title or _first_heading(pages) or Path(file_name).stem
    doc_id = doc_id or document_id(file_name)
    version = content_version(data, signature or pipeline_signature(chunker))
    on_stage("chunking")
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
