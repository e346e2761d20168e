"""The one place where a job turns an uploaded file into a ParsedDocument.

Untrusted files are parsed where a bomb cannot hurt the service: a child process with an address
space limit (KB_PARSE_MEMORY_MB) and a CPU-time limit (KB_PARSE_TIMEOUT_S), killed when it runs
past its time. A zip bomb, billion laughs or a PDF with endless pages fails that job, not the
server. (The isolated parser of ingest/ replaces ``_isolated`` here once it exists: one line.)
"""

import math
import multiprocessing
import resource
import signal
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from ingest.chunking import Chunker
from ingest.parse import parse_bytes, pipeline_signature
from kb.errors import IngestError
from kb.models import ParsedDocument
from kb.settings import Settings

SPAWN_SLACK_S = 15.0  # a fresh interpreter imports the parsers before it starts on the file


def chunker_for(settings: Settings) -> Chunker:
    return Chunker(settings.chunk_size, settings.chunk_overlap)


def pipeline_for(settings: Settings) -> str:
    return pipeline_signature(chunker_for(settings))


def parse_upload(path: Path, file_name: str, settings: Settings) -> ParsedDocument:
    """IngestError (with the reason) when the file cannot be read or breaks the limits."""
    return _isolated(path, file_name, settings)


def _isolated(path: Path, file_name: str, settings: Settings) -> ParsedDocument:
    ctx = multiprocessing.get_context("spawn")  # no fork of a threaded server
    receive, send = ctx.Pipe(duplex=False)
    limits = Limits(
        settings.parse_memory_mb, settings.parse_timeout_s, settings.max_pages, settings.max_chunks
    )
    args = (send, str(path), file_name, settings.chunk_size, settings.chunk_overlap, limits)
    child = ctx.Process(target=_child, args=args, daemon=True, name="kb-parse")
    child.start()
    send.close()
    try:
        if not receive.poll(settings.parse_timeout_s + SPAWN_SLACK_S):
            raise IngestError(
                f"Lesen dauerte länger als {settings.parse_timeout_s:.0f} s und wurde "
                "abgebrochen (parsing timed out; KB_PARSE_TIMEOUT_S)"
            )
        try:
            kind, value = receive.recv()
        except EOFError:
            raise IngestError(_died(child, settings)) from None
    finally:
        if child.is_alive():
            child.kill()
        child.join(10)
        receive.close()
    if kind == "ok":
        return value  # type: ignore[no-any-return]
    if kind == "memory":
        raise IngestError(_memory(settings))
    raise IngestError(value)


def _died(child: Any, settings: Settings) -> str:
    child.join(10)
    code = child.exitcode
    if code in (-signal.SIGXCPU, -signal.SIGKILL):
        return (
            f"Lesen brauchte mehr als {settings.parse_timeout_s:.0f} s Rechenzeit und wurde "
            "abgebrochen (CPU limit; KB_PARSE_TIMEOUT_S)"
        )
    if code in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):  # malloc failed in C code
        return _memory(settings)
    return f"the parser stopped unexpectedly (exit code {code})"


def _memory(settings: Settings) -> str:
    return (
        f"Die Datei braucht beim Lesen mehr als {settings.parse_memory_mb} MB Speicher "
        "(memory limit; KB_PARSE_MEMORY_MB) – eine Zip-Bombe oder ein sehr großes Dokument?"
    )


@dataclass(frozen=True)
class Limits:
    memory_mb: int
    timeout_s: float
    max_pages: int
    max_chunks: int


def _child(
    send: Connection, path: str, file_name: str, size: int, overlap: int, limits: Limits
) -> None:
    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(limits.timeout_s)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        data = Path(path).read_bytes()
        if file_name.lower().endswith(".pdf"):
            _check_pages(data, limits.max_pages)
        doc = parse_bytes(file_name, data, Chunker(size, overlap))
        if len(doc.chunks) > limits.max_chunks:
            raise IngestError(
                f"Die Datei ergibt {len(doc.chunks)} Abschnitte, höchstens {limits.max_chunks} "
                "sind erlaubt (too many chunks; KB_MAX_CHUNKS)"
            )
        send.send(("ok", doc))
    except IngestError as e:
        send.send(("error", str(e)))
    except MemoryError:
        send.send(("memory", ""))
    except RecursionError:
        send.send(("error", "the file is nested too deeply to read"))
    except Exception as e:  # a loader bug on odd input: this job fails, with the reason
        what = "invalid or dangerous XML" if type(e).__name__ == "XMLSyntaxError" else "error"
        send.send(("error", f"{what} while reading ({type(e).__name__}: {e})"))
    finally:
        send.close()


def _check_pages(data: bytes, max_pages: int) -> None:
    """Count before reading: a PDF with thousands of pages fails at once, with the reason."""
    import io

    from pypdf import PdfReader

    try:
        pages = len(PdfReader(io.BytesIO(data)).pages)
    except Exception:
        return  # a damaged PDF: the loader says what is wrong with it
    if pages > max_pages:
        raise IngestError(
            f"Das PDF hat {pages} Seiten, höchstens {max_pages} sind erlaubt "
            "(too many pages; KB_MAX_PAGES)"
        )
