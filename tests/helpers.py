"""Generators for test inputs (PDF, DOCX, random German-ish text) and a runner for the `kb` CLI.

Binary fixtures are generated into a test's tmp_path, never committed.
"""

import fcntl
import json
import os
import random
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from conftest import EMBED_CACHE

if TYPE_CHECKING:
    from kb.knowledge_base import KnowledgeBase
    from kb.models import Answer
    from kb.settings import Settings

KB_BIN = Path(sys.executable).with_name("kb")

# Fixed German text: embeddings of its chunks stay in the on-disk cache between runs.
FOERDER_TEXT = [
    "Die Landesinitiative fördert junge volljährige Geflüchtete beim Zugang zu Ausbildung und "
    "Arbeit. Die Kommunen bilden dazu lokale Bündnisse mit Schulen, Jobcentern und Trägern.",
    "Die Geschäftsführende Stelle koordiniert das Bündnis vor Ort. Sie lädt die Kerngruppe ein, "
    "sammelt Daten zur Zielgruppe und plant gemeinsam mit den Partnern neue Angebote.",
    "Ein Teilhabemanagement berät die jungen Menschen individuell. Es begleitet sie von der "
    "Sprachförderung bis zum Berufsabschluss und vermittelt zwischen den Behörden.",
]

_SYLLABLES = tuple(
    "ber gen schaft lich ung ver an stadt för der haus kreis markt bil dung ar beit zu ge wan "
    "del lan rat amt fest wert stel pla nung mit tel punkt kom mu nal tag wirt sied lung".split()
)


def german_word(rng: random.Random) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(2, 4)))


def random_sentence(rng: random.Random, words: int = 10) -> str:
    text = " ".join(german_word(rng) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def random_paragraphs(rng: random.Random, count: int, sentences: int = 1) -> list[str]:
    """Unique nonsense paragraphs: their embeddings cannot come from the cache."""
    return [" ".join(random_sentence(rng) for _ in range(sentences)) for _ in range(count)]


def fresh_rng() -> random.Random:
    return random.Random(os.urandom(16))


# -- PDF ------------------------------------------------------------------------------------------


def make_pdf(
    path: Path,
    pages: Sequence[str],
    *,
    title: str | None = None,
    header: str | None = None,
    page_footer: bool = False,
    user_password: str | None = None,
    font: Path | None = None,
) -> Path:
    """One PDF page per string; each "\\n"-separated line is set on its own line (long lines wrap).

    ``header`` is a running line at the top of every page, ``page_footer`` adds "Seite N" at the
    bottom. Core font Helvetica (latin-1 covers German umlauts) unless a TrueType ``font`` is
    given (needed for characters outside latin-1, such as combining marks).
    """
    from fpdf import FPDF

    class _Pdf(FPDF):
        def header(self) -> None:
            if header:
                self.set_font("Helvetica", size=9)
                self.cell(0, 8, header, new_x="LMARGIN", new_y="NEXT")

        def footer(self) -> None:
            if page_footer:
                self.set_y(-15)
                self.set_font("Helvetica", size=9)
                self.cell(0, 8, f"Seite {self.page_no()}", align="C")

    pdf = _Pdf()
    body_font = "Helvetica"
    if font is not None:
        pdf.add_font("Body", fname=str(font))
        body_font = "Body"
    if title:
        pdf.set_title(title)
    if user_password:
        pdf.set_encryption(owner_password="owner-" + user_password, user_password=user_password)
    for text in pages:
        pdf.add_page()
        pdf.set_font(body_font, size=11)
        for line in text.split("\n"):
            if pdf.get_string_width(line) < pdf.epw:
                pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")  # much faster
            else:
                pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def unicode_font() -> Path | None:
    """A TrueType font with combining marks, if the system has one (Debian: fonts-dejavu-core)."""
    path = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    return path if path.is_file() else None


def make_pdf_without_text(path: Path) -> Path:
    """A page with only a drawn rectangle: nothing to extract (like a scan)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 120, 80, style="F")
    pdf.output(str(path))
    return path


# -- DOCX -----------------------------------------------------------------------------------------


def make_docx(path: Path, blocks: Sequence[tuple[str, str]], *, title: str | None = None) -> Path:
    """``blocks`` are (style, text): "Heading 1", "Heading 2", "List Bullet" or "" (normal)."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for style, text in blocks:
        document.add_paragraph(text, style=style or None)
    document.save(str(path))
    return path


# -- the CLI --------------------------------------------------------------------------------------


def kb_env(data_dir: Path, **extra: str) -> dict[str, str]:
    # no KB_* from the developer's shell; COLUMNS unset: output as when piped to a file
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("KB_") and k not in ("COLUMNS", "LINES")
    }
    env.update({"KB_DATA_DIR": str(data_dir), "KB_CACHE_DIR": str(EMBED_CACHE), **extra})
    env.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    return env


def run_kb(
    args: Sequence[str], data_dir: Path, *, timeout: float = 300, **env: str
) -> subprocess.CompletedProcess[str]:
    """Run the console script as a user would; cwd is the data dir's parent (no stray .env)."""
    return subprocess.run(
        [str(KB_BIN), *args],
        env=kb_env(data_dir, **env),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def start_kb(args: Sequence[str], data_dir: Path, stderr_path: Path) -> subprocess.Popen[bytes]:
    with stderr_path.open("wb") as err:
        return subprocess.Popen(
            [str(KB_BIN), *args],
            env=kb_env(data_dir),
            cwd=data_dir.parent,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )


def docs_list(data_dir: Path) -> dict[str, dict[str, Any]]:
    """`kb docs list --json`, keyed by file name."""
    result = run_kb(["docs", "list", "--json"], data_dir)
    assert result.returncode == 0, result.stderr
    return {d["file_name"]: d for d in json.loads(result.stdout)}


def status(data_dir: Path) -> dict[str, str]:
    """`kb status` as {label: value}."""
    result = run_kb(["status"], data_dir)
    assert result.returncode == 0, result.stderr
    return {
        k.strip(): v.strip()
        for k, _, v in (line.partition(":") for line in result.stdout.splitlines())
        if v
    }


def registry_query(data_dir: Path, sql: str, *params: object) -> list[tuple[Any, ...]]:
    path = data_dir / "registry.sqlite3"
    if not path.exists():
        return []
    db = sqlite3.connect(path, timeout=10)
    try:
        return db.execute(sql, params).fetchall()
    except sqlite3.OperationalError:
        return []  # schema not created yet
    finally:
        db.close()


def writer_lock_held(data_dir: Path) -> bool:
    """Does another process hold the knowledge base's writer lock right now?"""
    path = data_dir / ".writer.lock"
    if not path.exists():
        return False
    fd = os.open(path, os.O_RDWR)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)  # releases our probe at once
    return False


def wait_until(condition: Callable[[], bool], timeout: float, interval: float = 0.01) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def stored_originals(data_dir: Path) -> set[str]:
    root = data_dir / "originals"
    return (
        {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
        if root.is_dir()
        else set()
    )


# -- answers --------------------------------------------------------------------------------------


def documents_kb(
    settings: "Settings", folder: Path, documents: Mapping[str, str]
) -> "KnowledgeBase":
    """A knowledge base of a few small documents (file name → text, written to ``folder``), its
    refusal gate opened (a corpus this small has no calibration), so that only the answer step
    and the slot checks decide."""
    from ingest.pipeline import ingest_paths
    from kb.knowledge_base import build_kb

    paths = []
    for name, text in documents.items():
        (folder / name).write_text(text, encoding="utf-8")
        paths.append(folder / name)
    gate_open = {"refusal_threshold": 0.0, "caution_threshold": 0.0}
    kb = build_kb(settings.model_copy(update=gate_open))
    ingest_paths(kb, paths)
    return kb


def one_document_kb(settings: "Settings", folder: Path, name: str, text: str) -> "KnowledgeBase":
    """documents_kb of one document."""
    return documents_kb(settings, folder, {name: text})


def ask_documents(
    settings: "Settings", folder: Path, documents: Mapping[str, str], *questions: str
) -> "list[Answer]":
    """The answers to ``questions`` from a knowledge base of ``documents`` (documents_kb),
    closed after."""
    kb = documents_kb(settings, folder, documents)
    try:
        return [kb.ask(q) for q in questions]
    finally:
        kb.close()


def ask_one_document(
    settings: "Settings", folder: Path, name: str, text: str, *questions: str
) -> "list[Answer]":
    """ask_documents of one document."""
    return ask_documents(settings, folder, {name: text}, *questions)


ASK_KEYS = {
    "id",
    "question",
    "answer",
    "refused",
    "uncertain",
    "citations",
    "sources",
    "timings_ms",
    "mode",
    "generation",
}


def check_schema(d: dict[str, Any]) -> None:
    """The shape `kb ask --json`, the batch output and the HTTP API share."""
    assert set(d) == ASK_KEYS
    assert d["mode"] in ("extractive", "generative", "extractive-fallback")
    if d["mode"] != "extractive":  # the model and prompt version that were asked
        assert {"model", "prompt"} <= set(d["generation"])
    assert isinstance(d["question"], str) and d["question"]
    assert isinstance(d["answer"], str) and d["answer"]
    assert isinstance(d["refused"], bool) and isinstance(d["uncertain"], bool)
    assert not (d["refused"] and d["uncertain"])  # a refusal is not also a hedge
    for c in d["citations"]:
        assert set(c) == {"n", "file", "title", "page", "quote"}
        assert isinstance(c["n"], int) and isinstance(c["quote"], str) and c["quote"].strip()
        assert isinstance(c["title"], str) and c["title"]
        assert c["file"] == Path(c["file"]).name
        assert c["page"] is None or (isinstance(c["page"], int) and c["page"] >= 1)
    assert [c["n"] for c in d["citations"]] == list(range(1, len(d["citations"]) + 1))
    for s in d["sources"]:
        assert set(s) == {"file", "title", "page", "section", "score", "text"}
        assert s["file"] == Path(s["file"]).name and s["file"].rsplit(".", 1)[1]
        assert s["page"] is None or isinstance(s["page"], int)
        assert s["section"] is None or isinstance(s["section"], str)
        assert isinstance(s["score"], float) and isinstance(s["text"], str) and s["text"]
    assert {"retrieve", "answer", "total"} <= set(d["timings_ms"])
    assert set(d["timings_ms"]) <= {"retrieve", "answer", "total", "first_token"}
    assert all(isinstance(v, float) and v >= 0 for v in d["timings_ms"].values())
