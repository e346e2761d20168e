"""Corpora at ×N the sample: the originals plus N-1 varied copies of every document.

A copy must be a different document to every part of the system: another id (file name
``<stem>--v017.pdf``), other words, so that neither the embedding cache, nor the near-duplicate
collapsing of the retriever (word-set Jaccard ≥ 0.9), nor BM25 sees the original again. Each
copy k is derived deterministically (seeded by file and k) from the original's text:

- about a third of the content-word types (≥ 5 letters) are replaced, consistently within the
  copy: most by another word of the sample corpus with the same capitalisation (the frequency
  profile stays German-like), some nouns by a new compound of two corpus nouns, so the
  vocabulary grows with the corpus as real collections do (Heaps' law);
- NRW place names become other NRW places (the place facets spread out);
- years shift by a few years, other numbers of two or more digits are scaled;
- in Markdown, HTML and single-run DOCX paragraphs, the sentences of some paragraphs are shuffled.

Formats stay what they were, so parsing costs what it costs: a PDF copy is a new PDF (fpdf2) with
the original's page breaks and lines, a DOCX copy keeps the original's styles, HTML keeps its
markup, Markdown its syntax. Copies are written to a work directory outside the repository and
reused while the generator version and the sample corpus are unchanged.
"""

import hashlib
import html
import io
import os
import random
import re
import shutil
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kb.retrieval.analyzer import STOPWORDS
from kb.text.sentences import split_sentences

GENERATOR_VERSION = "1"
REPLACE_SHARE = 0.35
COMPOUND_SHARE = 0.3  # of replaced capitalised words: a new compound instead of a corpus word
SHUFFLE_SHARE = 0.5

_WORD = re.compile(r"[A-Za-zÄÖÜäöüß]{5,}")
_NUMBER = re.compile(r"(?<![\d.,])\d{2,}(?![\d,]|\.\d)")
_HTML_SPLIT = re.compile(r"(<script.*?</script>|<style.*?</style>|<[^>]+>)", re.S | re.I)
_MD_PROTECT = re.compile(r"(https?://\S+|\]\([^)]*\))")


class Lexicon:
    """Content words and place names of the sample corpus: what copies draw from."""

    def __init__(self, texts: list[str]) -> None:
        from kb.facets.places import Gazetteer

        gazetteer = Gazetteer.load()
        found = {p.label for t in texts for p, _, _ in gazetteer.mentions(t)}
        self.places = sorted({p.label for p in gazetteer.places})
        words = {w for t in texts for w in _WORD.findall(t)} - {w for p in found for w in p.split()}
        words = {w for w in words if w.lower() not in STOPWORDS}
        self.capitalised = sorted(w for w in words if w[0].isupper() and not w.isupper())
        self.lowercase = sorted(w for w in words if w.islower())
        labels = sorted(found, key=len, reverse=True)
        self.place_pattern = (
            re.compile(r"(?<![\w-])(" + "|".join(re.escape(p) for p in labels) + r")(?![\w-])")
            if labels
            else None
        )


class Variation:
    """The substitutions of one copy (consistent within it)."""

    def __init__(self, lexicon: Lexicon, seed: str) -> None:
        self._lex = lexicon
        self._seed = seed
        rng = random.Random(seed)
        self._year_shift = rng.randint(-6, 6)
        self._words: dict[str, str] = {}
        self._places: dict[str, str] = {}
        self._numbers: dict[str, str] = {}
        self.rng = rng

    def _rng(self, key: str) -> random.Random:
        return random.Random(f"{self._seed}\x00{key}")

    def word(self, w: str) -> str:
        out = self._words.get(w)
        if out is None:
            out = self._choose_word(w)
            self._words[w] = out
        return out

    def _choose_word(self, w: str) -> str:
        rng = self._rng(w.lower())
        if rng.random() >= REPLACE_SHARE:
            return w
        lex = self._lex
        if w.islower() and lex.lowercase:
            return rng.choice(lex.lowercase)
        if not lex.capitalised:
            return w
        new = rng.choice(lex.capitalised)
        if rng.random() < COMPOUND_SHARE:
            new += rng.choice(lex.capitalised).lower()
        return new.upper() if w.isupper() else new

    def place(self, p: str) -> str:
        if p not in self._places:
            self._places[p] = self._rng("place:" + p).choice(self._lex.places)
        return self._places[p]

    def number(self, n: str) -> str:
        if n not in self._numbers:
            value = int(n)
            if 1950 <= value <= 2049:
                new = value + self._year_shift
            else:
                new = max(10, round(value * self._rng("n:" + n).uniform(0.6, 1.6)))
            self._numbers[n] = str(new)
        return self._numbers[n]

    def text(self, text: str) -> str:
        if self._lex.place_pattern is not None:
            parts = self._lex.place_pattern.split(text)
            # split() with one group: odd positions are place names
            return "".join(self.place(p) if i % 2 else self._plain(p) for i, p in enumerate(parts))
        return self._plain(text)

    def _plain(self, text: str) -> str:
        text = _NUMBER.sub(lambda m: self.number(m.group(0)), text)
        return _WORD.sub(lambda m: self.word(m.group(0)), text)

    def paragraph(self, text: str) -> str:
        """Varied words, and the sentences of some paragraphs shuffled."""
        text = self.text(text)
        spans = split_sentences(text)
        if len(spans) >= 3 and self.rng.random() < SHUFFLE_SHARE:
            sentences = [text[s:e] for s, e in spans]
            self.rng.shuffle(sentences)
            return " ".join(sentences)
        return text


def _vary_pdf(data: bytes, v: Variation, font: Path) -> bytes:
    from fpdf import FPDF
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    pdf = FPDF(format="A4")
    pdf.set_creation_date(datetime(2024, 1, 1, tzinfo=UTC))  # the same bytes every time
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(font))
    pdf.set_font("DejaVu", size=7)
    title = reader.metadata.title if reader.metadata and reader.metadata.title else None
    if title:
        pdf.set_title(v.text(str(title)))
    for page in reader.pages:
        pdf.add_page()
        y = 10.0
        for line in (page.extract_text() or "").splitlines():
            if line.strip():
                pdf.text(x=8, y=y, text=v.text(line))
            y = min(y + 3.1, 290.0)
    return bytes(pdf.output())


def _vary_docx(data: bytes, v: Variation) -> bytes:
    import docx

    document = docx.Document(io.BytesIO(data))
    paragraphs = list(document.paragraphs)
    for table in document.tables:
        for row in table.rows:
            for cell in row.cells:
                paragraphs.extend(cell.paragraphs)
    for p in paragraphs:
        runs = p.runs
        if len(runs) == 1:
            runs[0].text = v.paragraph(runs[0].text)
        else:
            for run in runs:
                run.text = v.text(run.text)
    if document.core_properties.title:
        document.core_properties.title = v.text(document.core_properties.title)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _vary_html(data: bytes, v: Variation) -> bytes:
    parts = _HTML_SPLIT.split(data.decode("utf-8"))
    out = [
        p if i % 2 else html.escape(v.paragraph(html.unescape(p)), quote=False)
        for i, p in enumerate(parts)
    ]
    return "".join(out).encode("utf-8")


def _vary_markdown(data: bytes, v: Variation) -> bytes:
    lines = []
    for line in data.decode("utf-8").splitlines():
        parts = _MD_PROTECT.split(line)
        prose = line and not line.lstrip().startswith(("#", "-", "*", "|", ">")) and len(parts) == 1
        if prose:
            lines.append(v.paragraph(line))
        else:
            lines.append("".join(p if i % 2 else v.text(p) for i, p in enumerate(parts)))
    return ("\n".join(lines) + "\n").encode("utf-8")


def _font() -> Path:
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


def vary(path: Path, data: bytes, lexicon: Lexicon, copy: int) -> bytes:
    v = Variation(lexicon, f"{GENERATOR_VERSION}:{path.name}:{copy}")
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        return _vary_pdf(data, v, _font())
    if suffix == ".docx":
        return _vary_docx(data, v)
    if suffix in (".html", ".htm"):
        return _vary_html(data, v)
    if suffix in (".md", ".markdown", ".txt"):
        return _vary_markdown(data, v)
    raise ValueError(f"no variation for {suffix} files")


def copy_name(path: Path, copy: int) -> str:
    return f"{path.stem}--v{copy:03d}{path.suffix}"


def source_texts(files: list[Path]) -> list[str]:
    from ingest.chunking import Chunker
    from ingest.parse import parse_file

    chunker = Chunker(110, 20)
    return [p.text for f in files for p in parse_file(f, chunker).pages]


def fingerprint(files: list[Path]) -> str:
    digest = hashlib.sha256(GENERATOR_VERSION.encode())
    for f in files:
        digest.update(f.name.encode() + f.read_bytes())
    return digest.hexdigest()[:12]


def build(
    source: Path, work: Path, scales: list[int], log: Callable[[str], None] = print
) -> dict[int, Path]:
    """Folders holding the ×N corpora (×1 is the source itself); copies made once, reused."""
    files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith("."))
    root = work / "corpora" / fingerprint(files)
    copies_dir = root / "copies"
    copies_dir.mkdir(parents=True, exist_ok=True)
    needed = max(scales) - 1
    missing = [
        (f, k)
        for k in range(1, needed + 1)
        for f in files
        if not (copies_dir / copy_name(f, k)).exists()
    ]
    if missing:
        log(f"making {len(missing)} document copies in {copies_dir} …")
        lexicon = Lexicon(source_texts(files))
        for i, (f, k) in enumerate(missing):
            target = copies_dir / copy_name(f, k)
            tmp = target.with_name(f".{target.name}.tmp")
            tmp.write_bytes(vary(f, f.read_bytes(), lexicon, k))
            tmp.replace(target)
            if (i + 1) % 50 == 0:
                log(f"  {i + 1}/{len(missing)}")
    out: dict[int, Path] = {}
    for n in scales:
        if n == 1:
            out[n] = source
            continue
        folder = root / f"x{n}"
        folder.mkdir(exist_ok=True)
        for f in files:
            links = [(f, f.name)] + [
                (copies_dir / copy_name(f, k), copy_name(f, k)) for k in range(1, n)
            ]
            for target, name in links:
                _place(target, folder / name)
        out[n] = folder
    return out


def _place(target: Path, path: Path) -> None:
    """A regular file (ingest skips symbolic links in folders): a hard link where the file system
    allows one, else a copy. Links left by older runs are replaced."""
    if path.is_symlink():
        path.unlink()
    if path.exists():
        return
    try:
        os.link(target, path)
    except OSError:
        shutil.copy2(target, path)
