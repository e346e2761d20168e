"""Lines that are not prose: tables of contents, form fields and questionnaires, reference
lists, running URL or title lines, tables of numbers, contact blocks.

They stay searchable, but an answer must not consist of them alone: a contents line or a form
field never answers a question (a number table may answer a "how many", a contact line a "who
can I reach"). Ingest tags every page with these spans (``layout_spans``); the answer picker
reads the tags. Only the shape of a line is used — no word list of one corpus.
"""

import re
from collections.abc import Iterable

TOC = "toc"
FORM = "form"
REFERENCE = "reference"
RUNNING = "running"
TABLE = "table"
CONTACT = "contact"
KINDS = (TOC, FORM, REFERENCE, RUNNING, TABLE, CONTACT)

# A list item as page text writes it ("- …"; ingest puts the dash before every item).
LIST_ITEM = re.compile(r"- [^\n]+")
# A labelled line: a caption or a field ("Quelle: Eigene Berechnungen", "Übersicht 2: …").
LABEL = re.compile(r"^[A-ZÄÖÜ][\wäöüß-]*( \d+(\.\d+)*)?: ")
_URL = re.compile(r"(https?://|www\.)\S+", re.I)
_EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+\.[\w.-]+\b")
_PHONE = re.compile(r"(\b(tel|fon|fax|phone)\b\.?:?\s*|\+\d{2}[\s-]?)\d[\d /-]{5,}", re.I)
_POSTCODE = re.compile(r"\b\d{5} [A-ZÄÖÜ][a-zäöüß]+")
# A contents line: entry, then a tab or dot leader, then the page number.
_TOC_LINE = re.compile(r"^\S.*[A-Za-zÄÖÜäöüß)“\"].*(\t|\.{3,}\s*)\d{1,3}$")
# A numbered item of a questionnaire: a question, or a request to the one filling it in ("5.1
# Bitte dokumentieren Sie die Möglichkeiten …")
_NUMBERED_QUESTION = re.compile(r"^(-\s*)?\d{1,2}(\.\d{1,2})+\.?\s(.*\?(\s|$)|Bitte\s)")
_FORM_PLACEHOLDER = re.compile(r"(Klicken oder tippen Sie hier|Wählen Sie ein Element aus)")
_CHECKBOX = re.compile(r"[☐☑☒]")  # ballot boxes ("□" and "■" also serve as bullets)
_FIELD = re.compile(r"(^|\t)[^\t:]{1,40}:(\t|$)")
_REFERENCE = re.compile(
    r"^(-\s*)?[A-ZÄÖÜ][\w'-]+,\s[A-ZÄÖÜ]\.(\s?[A-ZÄÖÜ]\.)*(\s/\s[A-ZÄÖÜ][\w'-]+,\s[A-ZÄÖÜ]\.)*"
    r".*\b(19|20)\d\d[a-z]?\b"
)
_NUMERIC = re.compile(r"^[(\[]?[-+]?\d[\d.,]*%?[)\]]?[,;]?$|^\(?\d+([.,]\d+)?\s?%\)?$")


def lines_around(page: str, start: int, end: int) -> str:
    """The whole lines of ``page`` that hold the span [start, end)."""
    line_start = page.rfind("\n", 0, start) + 1
    line_end = page.find("\n", end)
    return page[line_start : line_end if line_end >= 0 else len(page)]


_SENTENCE_END = re.compile(r"[.!?…:]\s*$")
_CAPTION = re.compile(r"^(Übersicht|Tabelle|Tab\.|Abbildung|Abb\.|Table|Figure) [\dIVX]+")
_HEAD_LINES = 25  # a table's head is looked for at most this many lines above its row


def table_head(
    page: str, start: int, end: int, max_lines: int = _HEAD_LINES, before: str = ""
) -> str:
    """When the lines holding [start, end) are rows of a table: the lines above them that
    head the table, up to its caption ("Übersicht 10: …"), its header ("Nennungen insgesamt
    (N=45)") included. Empty for anything else. A short label between rows ("Arbeitsmarkt und
    Wirtschaft") groups them and is passed; a table carried over from the page before is read
    on in ``before``, that page's text (or its end). The walk upward stops at a blank line, a
    heading, the paragraph before the table, or the rows of another table above the header."""
    if not is_table_row(page, start, end):
        return ""
    if before:
        page, start = f"{before.rstrip()}\n{page}", start + len(before.rstrip()) + 1
    lines = _lines_above(page, page.rfind("\n", 0, start) + 1, max_lines)
    return "\n".join(page[a:b].strip() for a, b, _ in reversed(lines))


def table_head_span(page: str, start: int, end: int) -> tuple[int, int] | None:
    """The span of a table's caption and header lines above the rows holding [start, end),
    without the rows between; None when the lines are no rows or the walk up finds no caption
    or header on this page."""
    if not is_table_row(page, start, end):
        return None
    return _head_span(page, page.rfind("\n", 0, start) + 1)


def head_at_page_end(page: str) -> tuple[int, int] | None:
    """The span of the caption and header of the table that ends the page (its last line a
    row or a label over rows) and goes on overleaf; None for a page that ends otherwise."""
    text = page.rstrip()
    last = text[text.rfind("\n") + 1 :].strip()
    if not last or not (line_kind(last) == TABLE or _group_label(last)):
        return None
    return _head_span(page, len(text) + 1)


def _head_span(page: str, first: int) -> tuple[int, int] | None:
    head = []
    for a, b, kind in reversed(_lines_above(page, first, _HEAD_LINES)):
        if kind is not None:  # the first row or label below the caption and header
            break
        head.append((a, b))
    if not head or any(
        LABEL.match(page[a:b]) and not _CAPTION.match(page[a:b]) for a, b in head
    ):  # a source or field line ("Quelle: …") heads no table
        return None
    return head[0][0], head[-1][1]


def table_opens_page(page: str, start: int) -> bool:
    """Do the table rows holding ``start`` go up to the top of the page, with only rows and
    labels above them: a table carried over from the page before?"""
    first = page.rfind("\n", 0, start) + 1
    if not page[:first].strip():
        return True
    lines = _lines_above(page, first, 1000)
    return (
        bool(lines)
        and all(k in (TABLE, "label") for *_, k in lines)
        and not page[: lines[-1][0]].strip()
    )


def is_table_row(page: str, start: int, end: int) -> bool:
    """Are the lines holding [start, end) rows of a table?"""
    rows = lines_around(page, start, end)
    return bool(rows) and all(line_kind(line) == TABLE for line in rows.split("\n") if line.strip())


def _lines_above(page: str, first: int, max_lines: int) -> list[tuple[int, int, str | None]]:
    """The lines above the one starting at ``first`` that belong to its table, bottom up:
    (start, end, kind) of each, up to the caption (see table_head)."""
    above: list[tuple[int, int, str | None]] = []
    in_rows = True  # still among the table's rows (before its header lines)
    label = False  # the line just passed is a short one among the rows
    while first > 0 and len(above) < max_lines:
        line_start = page.rfind("\n", 0, first - 1) + 1
        raw = page[line_start : first - 1]
        line = raw.strip()
        kind = line_kind(line)
        if not line or line.startswith("#"):
            break
        if kind is None and len(line.split()) >= 8 and _SENTENCE_END.search(line):
            break  # the paragraph before the table
        if kind == TABLE and not in_rows:
            if not label:
                break  # another table's rows above this one's header
            in_rows = True  # the line passed labels a group of this table's rows
        label = in_rows and kind is None and _group_label(line)
        in_rows = in_rows and (kind == TABLE or label)
        lead = len(raw) - len(raw.lstrip())
        above.append((line_start + lead, line_start + lead + len(line), "label" if label else kind))
        first = line_start
        if _CAPTION.match(line):
            break
    return above


def _group_label(line: str) -> bool:
    """A short line without figures, a sentence's end, a caption's or a field's label ("Quelle:
    …"): a label over some rows of a table."""
    return (
        len(line.split()) <= 6
        and not re.search(r"\d|\t", line)
        and not _SENTENCE_END.search(line)
        and not LABEL.match(line)
        and not _CAPTION.match(line)
    )


def table_around(page: str, start: int, end: int) -> str:
    """The whole lines holding [start, end), with the caption and header above them when they
    are rows of a table: a row ("Ausländerbehörde 39 (86,6%)") is read with its header."""
    rows = lines_around(page, start, end)
    head = table_head(page, start, end)
    return f"{head}\n{rows}" if head else rows


def line_kind(line: str) -> str | None:
    """The non-prose kind of one line of cleaned page text, or None for prose."""
    text = line.strip()
    if not text:
        return None
    if _FORM_PLACEHOLDER.search(text) or _NUMBERED_QUESTION.match(text):
        return FORM
    if len(text) < 160 and _TOC_LINE.match(text):  # length first: the pattern backtracks
        return TOC
    if _URL.match(text):
        return RUNNING
    if _REFERENCE.match(text):
        return REFERENCE
    if _is_table(text):
        return TABLE
    if _is_contact(text):
        return CONTACT
    cells = [c for c in text.split("\t") if c.strip()]
    questions = sum(c.rstrip().endswith("?") for c in cells)
    if len(cells) >= 2 and (questions >= 2 or len(_FIELD.findall(text)) >= 2):
        return FORM
    # a row to tick ("2<TAB>Einrichtung einer Bündnis-Kerngruppe<TAB>Ja<TAB>Nein", "☐ ja")
    lowered = {c.strip().lower() for c in cells}
    if _CHECKBOX.search(text) or {"ja", "nein"} <= lowered or {"yes", "no"} <= lowered:
        return FORM
    return None


def _is_table(text: str) -> bool:
    tokens = text.replace("\t", " ").split()
    numeric = sum(bool(_NUMERIC.match(t)) for t in tokens)
    return numeric >= 3 and numeric >= 0.35 * len(tokens)


def _is_contact(text: str) -> bool:
    marks = len(_EMAIL.findall(text)) + len(_PHONE.findall(text)) + len(_POSTCODE.findall(text))
    words = len(text.split())
    return marks >= 1 and words <= 12 * marks + 8


def layout_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, kind) of every non-prose line of a page text, in order."""
    spans = []
    for m in re.finditer(r"[^\n]+", text):
        kind = line_kind(m.group(0))
        if kind is not None:
            spans.append((m.start(), m.end(), kind))
    return spans


def kind_at(spans: Iterable[tuple[int, int, str]], start: int, end: int) -> str | None:
    """The kind covering most of [start, end), if it covers at least half of it."""
    best, covered = None, 0
    for s, e, kind in spans:
        overlap = min(e, end) - max(s, start)
        if overlap > covered:
            best, covered = kind, overlap
    return best if covered * 2 >= max(end - start, 1) else None


NOISE = (TOC, FORM, REFERENCE, RUNNING)  # never an answer; tables and contacts can be


def nonprose_share(text: str) -> float:
    """The share of a passage's characters on lines that never answer (contents lines, form
    fields, references, running lines): 0 for plain prose."""
    total = len(text.strip()) or 1
    return sum(e - s for s, e, kind in layout_spans(text) if kind in NOISE) / total
