"""What a file is, from its bytes (magic numbers), not from its name; and a safe name for it.

The name only decides between the text formats (Markdown or plain text): those have no magic.
"""

import re
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from kb.errors import UnsupportedFormat

_TEXT_SUFFIXES = {".md": ".md", ".markdown": ".md", ".txt": ".txt", ".text": ".txt"}
_BINARY_NAMES = [
    (b"\x89PNG", "ein PNG-Bild (PNG image)"),
    (b"\xff\xd8\xff", "ein JPEG-Bild (JPEG image)"),
    (b"GIF8", "ein GIF-Bild (GIF image)"),
    (b"II*\x00", "ein TIFF-Bild (TIFF image)"),
    (b"MM\x00*", "ein TIFF-Bild (TIFF image)"),
    (b"\xd0\xcf\x11\xe0", "ein altes Office-Dokument (.doc/.xls; save it as .docx)"),
    (b"{\\rtf", "ein RTF-Dokument (RTF; save it as .docx)"),
    (b"MZ", "ein Programm (executable)"),
    (b"\x7fELF", "ein Programm (executable)"),
    (b"\x1f\x8b", "ein gzip-Archiv (gzip archive)"),
    (b"Rar!", "ein RAR-Archiv (RAR archive)"),
    (b"7z\xbc\xaf", "ein 7z-Archiv (7z archive)"),
]
_HTML_START = re.compile(rb"^\s*(<!--.*?-->\s*)*<(!doctype\s+html|html|head|body)\b", re.I | re.S)
_NAME_CHARS = re.compile(r"[^\w .,()+\-]+")


@dataclass(frozen=True)
class Sniffed:
    suffix: str  # what the loaders dispatch on: .pdf .docx .html .md .txt
    label: str  # for messages: "PDF", "Word (DOCX)", …
    renamed: bool  # the name's extension said something else


def sniff(path: Path, file_name: str) -> Sniffed:
    """The file's real type; UnsupportedFormat with what it looks like otherwise."""
    with path.open("rb") as f:
        head = f.read(4096)
    claimed = Path(file_name).suffix.lower()
    if head.startswith(b"%PDF-"):
        return Sniffed(".pdf", "PDF", claimed != ".pdf")
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path, claimed)
    for magic, what in _BINARY_NAMES:
        if head.startswith(magic):
            raise UnsupportedFormat(f"Dateityp nicht unterstützt: die Datei ist {what}")
    if b"\x00" in head and not head.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise UnsupportedFormat(
            "Dateityp nicht unterstützt: binäre Daten (binary data; supported: PDF, DOCX, "
            "HTML, Markdown, text)"
        )
    if _HTML_START.match(head):
        return Sniffed(".html", "HTML", claimed not in (".html", ".htm"))
    suffix = _TEXT_SUFFIXES.get(claimed, ".txt")
    return Sniffed(suffix, "Markdown" if suffix == ".md" else "Text", claimed not in _TEXT_SUFFIXES)


def _sniff_zip(path: Path, claimed: str) -> Sniffed:
    """A ZIP is a DOCX only with a Word body; the central directory is read, nothing unpacked."""
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise UnsupportedFormat(f"Beschädigtes ZIP/DOCX (corrupt zip: {e})") from None
    if "word/document.xml" in names and "[Content_Types].xml" in names:
        return Sniffed(".docx", "Word (DOCX)", claimed != ".docx")
    if any(n.startswith("xl/") for n in names):
        what = "eine Excel-Tabelle (spreadsheets are not supported)"
    elif any(n.startswith("ppt/") for n in names):
        what = "eine PowerPoint-Präsentation (export it as PDF)"
    elif "content.xml" in names:
        what = "ein OpenDocument (save it as .docx)"
    else:
        what = "ein ZIP-Archiv (zip archive)"
    raise UnsupportedFormat(f"Dateityp nicht unterstützt: die Datei ist {what}")


def safe_name(name: str, suffix: str | None = None, limit: int = 120) -> str:
    """A file name that is only a name: no folders, no control or odd characters, no leading
    dot, bounded length; the extension is ``suffix`` when given (the sniffed type)."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = _NAME_CHARS.sub("_", name).strip(" ._")
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    ext = suffix.lstrip(".") if suffix else ext.lower()[:10]
    stem = re.sub(r"_+", "_", stem).strip(" ._")[: limit - len(ext) - 1] or "dokument"
    return f"{stem}.{ext}" if ext else stem
