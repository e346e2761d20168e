"""The one place where a job turns an uploaded file into a ParsedDocument: through the isolated
parser of ingest/ (a child process with CPU-time and memory limits, see ingest/sandbox.py), so a
zip bomb, billion laughs or a PDF with endless pages fails that job, not the server."""

from pathlib import Path

from ingest.chunking import Chunker
from ingest.parse import Stage, pipeline_signature, read_file
from ingest.sandbox import parse_isolated
from kb.models import ParsedDocument
from kb.settings import Settings


def chunker_for(settings: Settings) -> Chunker:
    return Chunker(settings.chunk_size, settings.chunk_overlap)


def pipeline_for(settings: Settings) -> str:
    return pipeline_signature(chunker_for(settings))


def _unheard(stage: str) -> None:
    pass


def parse_upload(
    path: Path, file_name: str, settings: Settings, on_stage: Stage = _unheard
) -> ParsedDocument:
    """IngestError (with the reason) when the file cannot be read or breaks the limits;
    ``on_stage`` hears "reading" before the child starts and "chunking" when it is done."""
    data = read_file(path, settings.max_upload_mb * 2**20, follow_symlinks=False)
    on_stage("reading")
    doc = parse_isolated(file_name, data, settings)
    on_stage("chunking")
    return doc
