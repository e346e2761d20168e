"""The parser's own process (`python -m service.jobs.parse_child FD`): reads its task from stdin,
limits its address space and CPU time, parses, and sends stages and the result over FD."""

import math
import pickle
import resource
import sys
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.chunking import Chunker
from ingest.parse import parse_bytes
from kb.errors import IngestError


@dataclass(frozen=True)
class Task:
    path: str
    file_name: str
    chunk_size: int
    chunk_overlap: int
    memory_mb: int
    timeout_s: float
    max_pages: int
    max_chunks: int


def run(task: Task, send: Connection) -> None:
    memory = task.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = math.ceil(task.timeout_s)
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 5))
    try:
        data = Path(task.path).read_bytes()
        if task.file_name.lower().endswith(".pdf"):
            _check_pages(data, task.max_pages)
        chunker = Chunker(task.chunk_size, task.chunk_overlap)
        doc = parse_bytes(task.file_name, data, chunker, lambda s: send.send(("stage", s)))
        if len(doc.chunks) > task.max_chunks:
            raise IngestError(
                f"Die Datei ergibt {len(doc.chunks)} Abschnitte, höchstens {task.max_chunks} "
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


if __name__ == "__main__":
    connection = Connection(int(sys.argv[1]), readable=False)
    try:
        run(pickle.load(sys.stdin.buffer), connection)
    finally:
        connection.close()
