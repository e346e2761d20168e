"""Text cleaning real documents need: running headers/footers, hyphenation, spacing, markers."""

import re
import unicodedata
from collections import Counter

_SUPERSCRIPT_MARKER = re.compile(r"(?<=[^\s\d])[¹²³⁴⁵⁶⁷⁸⁹⁰]+")
_EMPHASIS = re.compile(r"(?<![\w*])\*{1,2}(?=\S)([^*\n]+?)(?<=\S)\*{1,2}(?![\w*])")
_CHECKBOX = re.compile(r"\[\s?[xX✓]?\s?\]|[☐☑☒□■▢✓✔]")
_INLINE_HYPHEN = re.compile(r"(?<=[a-zäöüß])- (?=([a-zäöüß]+))")
# List items: bullets, "1." / "1)" numbers, "a)" letters; an en dash only after a sentence end.
LIST_MARKER = re.compile(r"^\s*([-•▪◦●·*]|\d{1,2}[.)]|[a-z][)])\s+(?=\S)")
DASH_MARKER = re.compile(r"^\s*[–—]\s+(?=\S)")
_PAGE_NUMBER = re.compile(
    r"^[-–—\s]*((seite|page|s\.)\s*\d{1,4}|\d{1,3})(\s*(von|of|/)\s*\d{1,4})?[-–—\s]*$", re.I
)
_SUSPENDED_HYPHEN_NEXT = frozenset(
    "und oder bzw sowie bis als noch wie beziehungsweise respektive u".split()
)


def normalize_unicode(text: str) -> str:
    text = unicodedata.normalize("NFC", text)
    text = text.replace("\u00ad", "")  # soft hyphen
    return text.replace("\u00a0", " ").replace("\u200b", "")


def clean_inline(text: str) -> str:
    """One line or paragraph: footnote markers and literal *emphasis* out, spacing collapsed.

    Runs of 3+ spaces (table or index columns) become a tab; 2 spaces (justified text) one space.
    """
    text = normalize_unicode(text)
    text = _SUPERSCRIPT_MARKER.sub("", text)
    text = _EMPHASIS.sub(r"\1", text)
    text = _CHECKBOX.sub(" ", text)
    text = re.sub(r"[ \t]{3,}|\t", "\t", text)
    text = re.sub(r"\t(\s*\t)+", "\t", text)
    text = re.sub(r" {2}", " ", text)
    text = _INLINE_HYPHEN.sub(_rejoin_inline, text)
    return text.strip()


def _rejoin_inline(m: re.Match[str]) -> str:
    """ "Migrantenselbst- organisationen" (hyphenation kept inside a table cell) → one word."""
    return m.group(0) if m.group(1) in _SUSPENDED_HYPHEN_NEXT else ""


def _line_key(line: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", " ", line.strip().lower()))


def remove_running_lines(pages: list[list[str]], zone: int = 2) -> list[list[str]]:
    """Drop headers/footers: lines in the top/bottom ``zone`` lines repeated on most pages.

    A line counts as running if (digits ignored) it recurs in the zone of at least half the
    pages (and 3 pages); bare page numbers ("12", "Seite 12", "- 12 -") always go.
    """
    counts: Counter[str] = Counter()
    for lines in pages:
        keys = {_line_key(x) for x in _zone_lines(lines, zone)}
        counts.update(k for k in keys if k)
    needed = max(3, (len(pages) + 1) // 2)
    running = {k for k, c in counts.items() if c >= needed}

    cleaned = []
    for lines in pages:
        nonempty = [i for i, x in enumerate(lines) if x.strip()]
        zone_idx = set(nonempty[:zone] + nonempty[-zone:])
        cleaned.append(
            [
                x
                for i, x in enumerate(lines)
                if not (i in zone_idx and (_line_key(x) in running or _PAGE_NUMBER.match(x)))
            ]
        )
    return cleaned


def _zone_lines(lines: list[str], zone: int) -> list[str]:
    nonempty = [x for x in lines if x.strip()]
    return nonempty[:zone] + nonempty[-zone:]


def join_lines(first: str, second: str) -> str:
    """Join two wrapped lines, rejoining words hyphenated across the break.

    "Ertei-" + "lung" → "Erteilung"; "Bedarfs-" + "und" → "Bedarfs- und";
    "Nordrhein-" + "Westfalen" → "Nordrhein-Westfalen".
    """
    first = first.rstrip()
    second = second.lstrip()
    if not first:
        return second
    if not second:
        return first
    if first.endswith("-") and len(first) > 1 and first[-2].isalpha():
        next_word = re.match(r"[\wÄÖÜäöüß]+", second)
        word = next_word.group(0) if next_word else ""
        if word[:1].islower() and word.lower() not in _SUSPENDED_HYPHEN_NEXT:
            return first[:-1] + second
        if word[:1].isupper():
            return first + second
    return first + " " + second


def strip_bullet(line: str) -> str:
    """Bullets go (page text marks items with "- "); numbers and letters stay ("3. …")."""
    m = LIST_MARKER.match(line) or DASH_MARKER.match(line)
    if m is None:
        return line
    marker = m.group(0).strip()
    return line[m.end() :] if marker in "-•▪◦●·*–—" else f"{marker} {line[m.end() :]}"
