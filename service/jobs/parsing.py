"""The one place where a job turns an uploaded file into a ParsedDocument.

Untrusted files must be parsed where a bomb cannot hurt the service (a subprocess with CPU and
memory limits: KB_PARSE_TIMEOUT_S, KB_PARSE_MEMORY_MB); swapping the parser is one line here.
"""

from pathlib import Path

from ingest.chunking import Chunker
from ingest.parse import parse_bytes, pipeline_signature
from kb.models import ParsedDocument
from kb.settings import Settings


def chunker_for(settings: Settings) -> Chunker:
    return Chunker(settings.chunk_size, settings.chunk_overlap)


def pipeline_for(settings: Settings) -> str:
    return pipeline_signature(chunker_for(settings))


def parse_upload(path: Path, file_name: str, settings: Settings) -> ParsedDocument:
    """IngestError (with the reason) when the file cannot be read."""
    return parse_bytes(file_name, path.read_bytes(), chunker_for(settings))
