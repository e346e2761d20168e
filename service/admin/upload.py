"""Reading an uploaded file: bounded while it streams (a chunked body without Content-Length is
cut off at the limit), typed by its bytes, named safely, hashed on the way to disk."""

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

from fastapi import Request
from fastapi.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.formparsers import MultiPartException, MultiPartParser

from ingest.filetype import safe_name, sniff
from kb.errors import InvalidInput, TooLarge
from kb.models import content_hasher

MAX_FIELDS = 20
MAX_FIELD_BYTES = 64 * 1024
ENVELOPE_BYTES = 256 * 1024  # multipart headers and the metadata fields around the file


@dataclass(frozen=True)
class Upload:
    path: Path
    file_name: str  # sanitised, with the extension of the sniffed type
    original_name: str
    label: str  # "PDF", "Word (DOCX)", …
    renamed: bool  # its extension said another type
    size: int
    sha256: str
    content_version: str
    fields: dict[str, list[str]]


async def read_upload(
    request: Request, limit_bytes: int, target_dir: Path, pipeline: str
) -> Upload:
    """The multipart field ``file`` (exactly one) and the text fields next to it."""
    _check_declared_length(request, limit_bytes)
    ctype = request.headers.get("content-type", "")
    if not ctype.lower().startswith("multipart/form-data"):
        raise InvalidInput("send multipart/form-data with the file in the field 'file'")
    parser = MultiPartParser(
        request.headers,
        _bounded(request.stream(), limit_bytes + ENVELOPE_BYTES, limit_bytes),
        max_files=1,
        max_fields=MAX_FIELDS,
        max_part_size=MAX_FIELD_BYTES,
    )
    try:
        form = await parser.parse()
    except MultiPartException as e:
        raise InvalidInput(f"invalid multipart data: {e.message}") from None
    try:
        files = [v for v in form.values() if isinstance(v, UploadFile)]
        upload = form.get("file")
        if not isinstance(upload, UploadFile) or len(files) != 1:
            raise InvalidInput("the file is missing: send it in the multipart field 'file'")
        fields: dict[str, list[str]] = {}
        for key, value in form.multi_items():
            if isinstance(value, str):
                fields.setdefault(key, []).append(value)
        return await run_in_threadpool(_store, upload, fields, limit_bytes, target_dir, pipeline)
    finally:
        await form.close()


def _check_declared_length(request: Request, limit_bytes: int) -> None:
    length = request.headers.get("content-length", "")
    if length.isdigit() and int(length) > limit_bytes + ENVELOPE_BYTES:
        raise TooLarge(_too_large(limit_bytes))


async def _bounded(
    stream: AsyncIterator[bytes], max_body: int, limit_bytes: int
) -> AsyncIterator[bytes]:
    seen = 0
    async for chunk in stream:
        seen += len(chunk)
        if seen > max_body:
            raise TooLarge(_too_large(limit_bytes))
        yield chunk


def _too_large(limit_bytes: int) -> str:
    return f"Die Datei ist größer als {limit_bytes // (1024 * 1024)} MB (KB_MAX_UPLOAD_MB)"


def _store(
    upload: UploadFile,
    fields: dict[str, list[str]],
    limit: int,
    target_dir: Path,
    pipeline: str,
) -> Upload:
    """Copy to ``target_dir`` while hashing; then type the bytes. Nothing is kept on error."""
    target_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target_dir, prefix=".upload-")
    raw, version = hashlib.sha256(), content_hasher(pipeline)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            upload.file.seek(0)
            while block := upload.file.read(1024 * 1024):
                size += len(block)
                if size > limit:
                    raise TooLarge(_too_large(limit))
                raw.update(block)
                version.update(block)
                out.write(block)
            out.flush()
            os.fsync(out.fileno())
        if size == 0:
            raise InvalidInput("Die Datei ist leer (the file is empty)")
        original = upload.filename or "dokument"
        kind = sniff(Path(tmp), original)
        return Upload(
            path=Path(tmp),
            file_name=safe_name(original, kind.suffix),
            original_name=original[:300],
            label=kind.label,
            renamed=kind.renamed,
            size=size,
            sha256=raw.hexdigest(),
            content_version=version.hexdigest()[:16],
            fields=fields,
        )
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def move_into(upload: Upload, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(upload.path, target)
    return target
