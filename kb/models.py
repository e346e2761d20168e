"""Plain data types of the core. The HTTP edge has its own pydantic models in service/."""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

SECTION_SEPARATOR = " › "  # between the headings of a chunk's section path


def document_id(file_name: str) -> str:
    """Stable id of a document: a slug of its base file name (the same file keeps its id).

    Latin letters lose their accents ("Förder" → "forder"); letters of other scripts are
    transliterated ("Отчет" → "otchet"), so names in them do not all become "txt"; a name with
    nothing left gets a short hash of the name. Collisions between different names are resolved
    against the registry by the writer (``Indexer.document_id_for``).
    """
    name = unicodedata.normalize("NFKD", Path(file_name).name.lower()).replace("ß", "ss")
    stem, dot, suffix = name.rpartition(".") if "." in name.lstrip(".") else (name, "", "")
    stem_slug = _slug(_transliterate(stem))
    if not stem_slug:
        stem_slug = "doc-" + hashlib.sha256(file_name.encode()).hexdigest()[:10]
    suffix_slug = _slug(suffix) if dot else ""
    return (stem_slug + ("-" + suffix_slug if suffix_slug else ""))[:120].rstrip("-")


def _slug(text: str) -> str:
    ascii_text = text.encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


def _transliterate(text: str) -> str:
    """Runs of letters and digits of non-Latin scripts in lowercase ASCII; the rest as it is."""
    from anyascii import anyascii

    def foreign(ch: str) -> bool:
        return (
            ord(ch) >= 128
            and unicodedata.category(ch)[0] in "LN"
            and "LATIN" not in unicodedata.name(ch, "")
        )

    out: list[str] = []
    run: list[str] = []
    for ch in text + " ":
        if foreign(ch):
            run.append(ch)
            continue
        if run and unicodedata.category(ch).startswith("M"):
            continue  # an accent split off by NFKD inside a foreign word
        if run:
            out.append(f" {anyascii(''.join(run)).lower()} ")
            run = []
        out.append(ch)
    return "".join(out)[:-1]


def content_version(data: bytes, pipeline: str = "") -> str:
    """A document version: the hash of its bytes (salted with the chunking settings, so that
    changing them re-chunks on the next ingest)."""
    hasher = content_hasher(pipeline)
    hasher.update(data)
    return hasher.hexdigest()[:16]


def content_hasher(pipeline: str = "") -> "hashlib._Hash":
    """For computing ``content_version`` while a file streams in: update, then hexdigest()[:16]."""
    return hashlib.sha256(pipeline.encode() + b"\x00")


def chunk_id(doc_id: str, version: str, position: int) -> str:
    return hashlib.sha256(f"{doc_id}\x00{version}\x00{position}".encode()).hexdigest()[:24]


@dataclass(frozen=True)
class Heading:
    """A section heading found on a page, at a character offset of the cleaned page text."""

    offset: int
    level: int
    title: str


@dataclass
class Page:
    """Cleaned text of one page (PDF) or of a whole unpaged document (number None)."""

    number: int | None
    text: str
    headings: list[Heading] = field(default_factory=list)


@dataclass(frozen=True)
class Chunk:
    id: str
    doc_id: str
    version: str
    position: int
    page: int | None
    section: str | None
    text: str
    start: int
    end: int
    file_name: str
    title: str
    kind: str
    # Non-prose lines inside the chunk, tagged at ingest: (start, end, kind) in page offsets,
    # kinds from kb/text/layout.py. Empty for prose, and for chunks indexed before tagging.
    layout: tuple[tuple[int, int, str], ...] = ()


@dataclass
class ParsedDocument:
    """What ingest hands to the knowledge base: one file, cleaned, structured and chunked."""

    doc_id: str
    version: str
    file_name: str
    kind: str
    title: str
    pages: list[Page]
    chunks: list[Chunk]
    source_bytes: bytes
    date: str | None = None
    warnings: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DocumentInfo:
    doc_id: str
    version: str
    file_name: str
    kind: str
    title: str
    pages: int
    chunks: int
    size_bytes: int
    date: str | None
    added_at: str
    updated_at: str


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    dense_score: float | None = None  # cosine of the chunk vector
    bm25_score: float | None = None
    sentence_score: float | None = None  # cosine of the chunk's best sentence


@dataclass(frozen=True)
class Citation:
    n: int
    doc_id: str
    file: str
    title: str
    page: int | None
    quote: str
    section: str | None = None
    start: int | None = None  # offsets of the quote in the cleaned page text
    end: int | None = None

    @classmethod
    def of(cls, n: int, chunk: "Chunk", start: int, end: int, page_text: str) -> "Citation":
        """Cite the span [start, end) of the cleaned text of the chunk's page."""
        return cls(
            n=n,
            doc_id=chunk.doc_id,
            file=chunk.file_name,
            title=chunk.title,
            page=chunk.page,
            quote=page_text[start:end],
            section=chunk.section,
            start=start,
            end=end,
        )


@dataclass
class Answer:
    question: str
    answer: str
    refused: bool
    citations: list[Citation]
    sources: list[Hit]
    timings_ms: dict[str, float]
    searched: str = ""  # the query actually searched (follow-ups are expanded)
    confidence: float = 0.0
    uncertain: bool = False  # answered, but the answer says no clear answer was found
    # who wrote the text: "extractive", "generative", "extractive-fallback" (the model was
    # asked but its answer could not be used) or "small-talk" (a greeting or thanks was told
    # what the assistant does: refused, but no failed search); generation: model, prompt id,
    # fallback reason
    mode: str = "extractive"
    generation: dict[str, Any] | None = None


# What a document is, as maintainers classify it (the file format is ``DocumentInfo.kind``).
DOCUMENT_KINDS = (
    "Bericht",
    "Werkstattdokumentation",
    "Gute Praxis",
    "Vorlage/Mitteilung",
    "Sonstiges",
)
GOOD_PRACTICE = "Gute Praxis"


@dataclass(frozen=True)
class DocumentMeta:
    """What maintainers say about a document beyond its text; title and date live on versions."""

    doc_id: str
    kind: str = "Sonstiges"
    places: tuple[str, ...] = ()
    topics: tuple[str, ...] = ()
    source_url: str | None = None
    description: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class VersionInfo:
    """One stored version of a document: state is review, active or retired (kept for undo)."""

    doc_id: str
    version: str
    state: str
    file_name: str
    kind: str
    title: str
    date: str | None
    pages: int
    chunks: int
    size_bytes: int
    created_at: str
    retired_at: str | None
