"""Parse an untrusted file where a bomb cannot hurt: in a child process with limits.

``parse_isolated(file_name, data, settings, doc_id=None) -> ParsedDocument`` is the one entry
point (the ingest pipeline and web uploads use it). It raises IngestError with a clear reason
when the file is bad or costs too much: more CPU time than KB_PARSE_TIMEOUT_S, more memory than
KB_PARSE_MEMORY_MB, a crash of the parser. The calling process is never affected.

How: a small fork server (``python -m ingest.sandbox``, started once per process) imports only
the parsing code and libraries (no torch, no Chroma) and forks one child per file. The child
limits itself (setrlimit: CPU time, address space; an alarm for wall time), parses, writes the
result as JSON (never pickle: the child handles hostile bytes, the parent must not run what it
sends) and exits. Jobs run one at a time.
"""

import dataclasses
import json
import os
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

from ingest.chunking import Chunker
from ingest.parse import Limits, check_supported, parse_bytes, pipeline_signature, too_big
from kb.errors import IngestError, UnsupportedFormat
from kb.models import Chunk, Heading, Page, ParsedDocument
from kb.settings import Settings

_FRAME = struct.Struct(">Q")


def limits_of(settings: Settings) -> Limits:
    return Limits(
        max_file_bytes=settings.max_file_mb * 2**20,
        max_page_chars=settings.max_page_chars,
        cpu_seconds=settings.parse_timeout_s,
        memory_bytes=settings.parse_memory_mb * 2**20,
        max_pages=settings.max_pages,
        max_chunks=settings.max_chunks,
    )


def parse_isolated(
    file_name: str, data: bytes, settings: Settings, doc_id: str | None = None
) -> ParsedDocument:
    """``data`` parsed as ``file_name`` with the settings' chunking and limits."""
    limits = limits_of(settings)
    check_supported(Path(file_name))
    if len(data) > limits.max_file_bytes:  # refuse before copying it to a child
        raise IngestError(too_big(len(data), limits.max_file_bytes))
    job = {
        "file_name": file_name,
        "doc_id": doc_id,
        "chunk_size": settings.chunk_size,
        "chunk_overlap": settings.chunk_overlap,
        "limits": dataclasses.asdict(limits),
        # the version is the parent's to name: it compares it with the stored one
        "signature": pipeline_signature(Chunker(settings.chunk_size, settings.chunk_overlap)),
    }
    status, payload = _server().run(job, data, wall_s=_wall_seconds(limits))
    if not payload:
        raise IngestError(_death_reason(status, limits))
    outcome = json.loads(payload)
    if "error" in outcome:
        kind, message = outcome["error"]
        raise (UnsupportedFormat if kind == "UnsupportedFormat" else IngestError)(message)
    doc = _document(outcome["document"])
    doc.source_bytes = data  # not sent back: the caller has them
    return doc


def _wall_seconds(limits: Limits) -> int:
    return limits.cpu_seconds * 2 + 10  # a parser that sleeps or waits is stopped too


def _death_reason(status: int, limits: Limits) -> str:
    if status in (-signal.SIGXCPU, -signal.SIGKILL, -signal.SIGALRM):
        return (
            f"parsing took longer than {limits.cpu_seconds} s and was stopped (KB_PARSE_TIMEOUT_S)"
        )
    if status == -signal.SIGSEGV or status == -signal.SIGABRT:
        return "the parser crashed on this file (out of memory? KB_PARSE_MEMORY_MB)"
    if status < 0:
        return f"the parser was stopped by signal {-status}"
    return f"the parser stopped without a result (exit code {status})"


# -- the parent's side ---------------------------------------------------------------------------


class _ForkServer:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._proc: subprocess.Popen[bytes] | None = None

    def run(self, job: dict[str, Any], data: bytes, wall_s: float) -> tuple[int, bytes]:
        """(exit status of the child, its JSON output or b"")."""
        with self._lock:
            proc = self._ensure()
            assert proc.stdin is not None and proc.stdout is not None
            try:
                _write_frame(proc.stdin, json.dumps(job).encode())
                _write_frame(proc.stdin, data)
                proc.stdin.flush()
                status = json.loads(_read_frame(proc.stdout, wall_s + 30))["status"]
                return int(status), _read_frame(proc.stdout, 30)
            except (OSError, ValueError, TimeoutError) as e:
                self._stop()
                raise IngestError(f"the parser process failed ({type(e).__name__})") from e

    def _ensure(self) -> subprocess.Popen[bytes]:
        if self._proc is None or self._proc.poll() is not None:
            paths = [p for p in sys.path if p]
            code = f"import sys; sys.path[:] = {paths!r}; from ingest.sandbox import serve; serve()"
            self._proc = subprocess.Popen(
                [sys.executable, "-I", "-c", code],
                bufsize=0,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                close_fds=True,
            )
        return self._proc

    def _stop(self) -> None:
        if self._proc is not None:
            self._proc.kill()
            self._proc.wait()
            self._proc = None


_the_server: _ForkServer | None = None
_server_lock = threading.Lock()


def _server() -> _ForkServer:
    global _the_server
    with _server_lock:
        if _the_server is None:
            _the_server = _ForkServer()
        return _the_server


def _write_frame(stream: Any, payload: bytes) -> None:
    stream.write(_FRAME.pack(len(payload)))
    stream.write(payload)


def _read_frame(stream: Any, timeout_s: float | None = None) -> bytes:
    """One frame from an unbuffered stream; past ``timeout_s`` without data: TimeoutError."""
    fd = stream.fileno()
    (size,) = _FRAME.unpack(_read_exact(fd, _FRAME.size, timeout_s))
    return _read_exact(fd, size, timeout_s)


def _read_exact(fd: int, size: int, timeout_s: float | None) -> bytes:
    parts: list[bytes] = []
    missing = size
    while missing:
        if timeout_s is not None and not select.select([fd], [], [], timeout_s)[0]:
            raise TimeoutError("no answer from the parser process")
        part = os.read(fd, min(missing, 1 << 20))
        if not part:
            raise OSError("the parser process ended")
        parts.append(part)
        missing -= len(part)
    return b"".join(parts)


def _document(d: dict[str, Any]) -> ParsedDocument:
    pages = [
        Page(p["number"], p["text"], [Heading(**h) for h in p["headings"]]) for p in d["pages"]
    ]
    chunks = [Chunk(**c) for c in d["chunks"]]
    fields = {k: v for k, v in d.items() if k not in ("pages", "chunks")}
    return ParsedDocument(**fields, pages=pages, chunks=chunks, source_bytes=b"")


# -- the fork server and its children --------------------------------------------------------------


def serve() -> None:
    """The fork server's loop: a job and its bytes in, the child's status and output out."""
    # imported once here, not in every child
    import docx.table
    import docx.text.paragraph  # noqa: F401
    import markdown_it  # noqa: F401
    import pypdf  # noqa: F401
    import selectolax.lexbor  # noqa: F401

    source, sink = sys.stdin.buffer.raw, sys.stdout.buffer
    sys.stdout = sys.stderr  # nothing but frames may reach the parent
    while True:
        try:
            job = json.loads(_read_frame(source))
            data = _read_frame(source)
        except OSError:
            return  # the parent has gone
        reader, writer = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(reader)
            _child(writer, job, data)  # never returns
        os.close(writer)
        with os.fdopen(reader, "rb") as r:
            output = r.read()
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        _write_frame(sink, json.dumps({"status": code}).encode())
        _write_frame(sink, output)
        sink.flush()


def _child(writer: int, job: dict[str, Any], data: bytes) -> None:
    limits = Limits(**job["limits"])
    _limit_self(limits)
    try:
        doc = parse_bytes(
            job["file_name"],
            data,
            Chunker(job["chunk_size"], job["chunk_overlap"]),
            doc_id=job["doc_id"],
            limits=limits,
            signature=job["signature"],
        )
        doc.source_bytes = b""
        out: dict[str, Any] = {"document": dataclasses.asdict(doc)}
        del out["document"]["source_bytes"]
    except IngestError as e:
        out = {"error": [type(e).__name__, str(e)]}
    except MemoryError:
        out = {"error": ["IngestError", _memory_message(limits)]}
    except RecursionError:
        out = {"error": ["IngestError", "the file is nested too deeply to parse"]}
    except Exception as e:  # a loader bug on odd input: this file fails, with the reason
        reason = f"unexpected error while reading ({type(e).__name__}: {e})"
        if type(e).__name__ == "XMLSyntaxError":  # lxml refused it: entity bombs, XXE, garbage
            reason = f"invalid or dangerous XML ({e})"
        out = {"error": ["IngestError", reason]}
    try:
        payload = json.dumps(out).encode()  # ASCII: even odd characters pass intact
        with os.fdopen(writer, "wb") as w:
            w.write(payload)
    except MemoryError:
        os._exit(3)
    os._exit(0)


def _memory_message(limits: Limits) -> str:
    return (
        f"parsing needed more than {limits.memory_bytes // 2**20} MB of memory and was stopped "
        "(KB_PARSE_MEMORY_MB)"
    )


def _limit_self(limits: Limits) -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    cpu = limits.cpu_seconds
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_AS, (limits.memory_bytes, limits.memory_bytes))
    signal.alarm(_wall_seconds(limits))
