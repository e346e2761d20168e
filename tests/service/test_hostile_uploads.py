"""Hostile uploads: a zip-bomb DOCX, billion laughs in a DOCX, a PDF with thousands of pages, a
PDF with a huge content stream. Each fails its own job with the reason; the server keeps
answering and the next normal upload goes through. Parsing runs in a child process with memory
and CPU limits (here 512 MB and 20 s)."""

import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from admin_helpers import add_users, bearer, upload, wait_job
from conftest import make_settings
from fastapi.testclient import TestClient
from helpers import FOERDER_TEXT, make_docx, make_pdf

from service.app import create_app

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


@pytest.fixture(scope="module")
def env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, dict[str, str]]]:
    data = tmp_path_factory.mktemp("hostile") / "data"
    settings = make_settings(data, parse_memory_mb=512, parse_timeout_s=20, max_pages=500)
    app = create_app(settings)
    with TestClient(app) as client:
        yield client, bearer(add_users(app)["maintainer"])


def with_document_xml(base: Path, target: Path, chunks: Iterator[bytes]) -> Path:
    """A copy of a real DOCX whose word/document.xml is streamed from ``chunks``."""
    with zipfile.ZipFile(base) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            if item.filename != "word/document.xml":
                out.writestr(item, src.read(item.filename))
        with out.open("word/document.xml", "w", force_zip64=True) as f:
            for chunk in chunks:
                f.write(chunk)
    return target


def zip_bomb(tmp: Path) -> Path:
    paragraph = f"<w:p><w:r><w:t>{'Förderung ' * 50}</w:t></w:r></w:p>".encode()
    block = paragraph * 2000  # ~1 MB
    parts = [f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W}"><w:body>'.encode()]
    body = (block for _ in range(900))  # ~900 MB unpacked
    tail = [b"</w:body></w:document>"]
    base = make_docx(tmp / "basis.docx", [("", "Basis")])
    return with_document_xml(base, tmp / "bombe.docx", iter([*parts, *body, *tail]))


def billion_laughs(tmp: Path) -> Path:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, 10)
    ]
    xml = (
        f'<?xml version="1.0"?><!DOCTYPE lolz [{"".join(entities)}]>'
        f'<w:document xmlns:w="{W}"><w:body><w:p><w:r><w:t>&lol9;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    base = make_docx(tmp / "basis2.docx", [("", "Basis")])
    return with_document_xml(base, tmp / "lachen.docx", iter([xml.encode()]))


def many_pages(tmp: Path) -> Path:
    return make_pdf(tmp / "dick.pdf", [f"Seite {i}: Förderung in Münster." for i in range(3000)])


def huge_stream(tmp: Path) -> Path:
    """One page whose content stream unpacks to ~600 MB of text operators."""
    op = b"BT /F1 12 Tf 72 720 Td (Foerderung in Muenster) Tj ET\n"
    packer = zlib.compressobj(9)
    packed = b"".join(packer.compress(op * 100_000) for _ in range(110)) + packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(packed) + packed + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path = tmp / "strom.pdf"
    path.write_bytes(bytes(out))
    return path


HOSTILE = {
    "zip bomb": (zip_bomb, "zip bomb"),
    "billion laughs": (billion_laughs, "dangerous XML"),
    "thousands of pages": (many_pages, "3000 pages"),
    "huge content stream": (huge_stream, "page 1: text could not be extracted"),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_a_hostile_file_fails_only_its_job(
    env: tuple[TestClient, dict[str, str]], tmp_path: Path, kind: str
) -> None:
    client, h = env
    make, reason = HOSTILE[kind]
    path = make(tmp_path)
    assert path.stat().st_size < 20 * 1024 * 1024
    job: dict[str, Any] = wait_job(client, upload(client, path, h)["job_id"], h, timeout=240)
    assert job["status"] == "failed", job
    assert reason in job["error"], job["error"]
    assert client.get("/healthz").json() == {"status": "ok"}

    # the next ordinary file goes through
    text = f"{FOERDER_TEXT[0]} Nach der Datei „{kind}“ geht es normal weiter."
    normal = make_docx(tmp_path / "normal.docx", [("Heading 1", "Notiz"), ("", text)])
    ok = wait_job(client, upload(client, normal, h)["job_id"], h)
    assert ok["status"] == "review", ok
    client.post(f"/api/admin/jobs/{ok['id']}/discard", headers=h)
