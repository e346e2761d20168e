"""The one place where a job turns an uploaded file into a ParsedDocument.

Untrusted files are parsed where a bomb cannot hurt the service: a child process
(service/jobs/parse_child.py) with an address-space limit (KB_PARSE_MEMORY_MB) and a CPU-time
limit (KB_PARSE_TIMEOUT_S), killed when it runs past its time. A zip bomb, billion laughs or a
PDF with endless pages fails that job, not the server. (The isolated parser of ingest/ replaces
``_isolated`` here once it exists: one line.)
"""

import os
import pickle
import signal
import subprocess
import sys
import time
from multiprocessing.connection import Connection
from pathlib import Path

from ingest.chunking import Chunker
from ingest.parse import Stage, pipeline_signature
from kb.errors import IngestError
from kb.models import ParsedDocument
from kb.settings import Settings
from service.jobs.parse_child import Task

STARTUP_SLACK_S = 15.0  # a fresh interpreter imports the parsers before it starts on the file


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
    ``on_stage`` hears "reading", "cleaning", "chunking" as the parser gets there."""
    return _isolated(path, file_name, settings, on_stage)


def _isolated(path: Path, file_name: str, settings: Settings, on_stage: Stage) -> ParsedDocument:
    task = Task(
        str(path),
        file_name,
        settings.chunk_size,
        settings.chunk_overlap,
        settings.parse_memory_mb,
        settings.parse_timeout_s,
        settings.max_pages,
        settings.max_chunks,
    )
    read_fd, write_fd = os.pipe()
    child = subprocess.Popen(
        [sys.executable, "-m", "service.jobs.parse_child", str(write_fd)],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        pass_fds=(write_fd,),
    )
    os.close(write_fd)
    receive = Connection(read_fd, writable=False)
    try:
        assert child.stdin is not None
        child.stdin.write(pickle.dumps(task))
        child.stdin.close()
        return _await(receive, child, settings, on_stage)
    finally:
        if child.poll() is None:
            child.kill()
        child.wait(10)
        receive.close()


def _await(
    receive: Connection, child: "subprocess.Popen[bytes]", settings: Settings, on_stage: Stage
) -> ParsedDocument:
    deadline = time.monotonic() + settings.parse_timeout_s + STARTUP_SLACK_S
    while True:
        if not receive.poll(max(0.0, deadline - time.monotonic())):
            raise IngestError(
                f"Lesen dauerte länger als {settings.parse_timeout_s:.0f} s und wurde "
                "abgebrochen (parsing timed out; KB_PARSE_TIMEOUT_S)"
            )
        try:
            kind, value = receive.recv()
        except EOFError:
            raise IngestError(_died(child, settings)) from None
        if kind == "stage":
            on_stage(value)
        elif kind == "ok":
            return value  # type: ignore[no-any-return]
        elif kind == "memory":
            raise IngestError(_memory(settings))
        else:
            raise IngestError(value)


def _died(child: "subprocess.Popen[bytes]", settings: Settings) -> str:
    code = child.wait(10)
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
