"""Heading detection for line-based text (PDF pages, plain text).

Numbered sections ("5.4 Die Planung von Angeboten") are accepted only where the numbering
continues plausibly from the previous heading, so numbered list items and wrapped lines that
start with a number are not mistaken for headings. Table-of-contents lines (ending in a page
number) and question items (ending in "?" or ":") are not headings.
"""

import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){0,3})\.?\s+([A-ZÄÖÜ„\"].*)$")
_APPENDIX = re.compile(r"^(Anhang|Anlage)\s+(\d{1,2}|[IVX]{1,4}|[A-Z])\b[:.]?\s*(.*)$")
_CAPTION = re.compile(
    r"^(Übersicht|Tabelle|Abbildung|Abb\.|Tab\.|Grafik|Schaubild)\s+\d{1,3}(\.\d{1,3})*[:.]\s+\S.*$"
)
_ROMAN = re.compile(r"^([IVX]{1,5})\.\s+([A-ZÄÖÜ].*)$")
_TOC_TAIL = re.compile(r"(\t|\.{3,}|…)\s*\d{1,3}$|\s\d{1,3}$")
_STANDALONE = frozenset(
    {
        "abkürzungsverzeichnis",
        "inhaltsverzeichnis",
        "inhalt",
        "literatur",
        "literaturverzeichnis",
        "quellen",
        "impressum",
        "vorwort",
        "einleitung",
        "zusammenfassung",
        "fazit",
        "anhang",
        "anlagen",
        "glossar",
        "verzeichnis der übersichten",
        "abbildungsverzeichnis",
        "tabellenverzeichnis",
    }
)
_QUESTION_WORDS = frozenset(
    """
    welche welcher welches welchen wie was wer wem wen wo woher wohin wann warum weshalb
    wozu inwieweit inwiefern gibt kann können ist sind sollte sollten soll sollen haben hat
    werden wird liegen liegt bestehen besteht existieren existiert bitte wenn falls
    """.split()
)
_CONNECTORS = frozenset(
    """
    und oder der die das des für von zur zum im in mit auf an – - sowie
    """.split()
)

CAPTION_LEVEL = 5


@dataclass
class HeadingMatch:
    level: int
    title: str
    absorbs_next_line: bool = False


class HeadingDetector:
    """Stateful over one document: remembers the last section number seen."""

    def __init__(self) -> None:
        self._last_number: tuple[int, ...] | None = None
        self._dotted: bool | None = None  # "3. Titel" or "3 Titel": fixed by the first one seen

    def match(self, line: str, next_line: str | None = None) -> HeadingMatch | None:
        text = line.strip().replace("\t", " ")
        text = re.sub(r" {2,}", " ", text)
        if not text or len(text) > 160 or _TOC_TAIL.search(text):
            return None
        if text.lower() in _STANDALONE:
            return HeadingMatch(level=1, title=text)
        if next_line is not None and _is_toc_tail(next_line):
            return None  # wrapped table-of-contents entry
        if m := _APPENDIX.match(text):
            if text.endswith(("?", ",", ";")):
                return None
            self._last_number = None  # appendices restart their numbering
            self._dotted = None
            return HeadingMatch(level=1, title=text)
        if _CAPTION.match(text) and not text.endswith((",", ";", ".")):
            return HeadingMatch(level=CAPTION_LEVEL, title=text)
        if m := _NUMBERED.match(text):
            return self._numbered(m.group(1), text, next_line)
        if (m := _ROMAN.match(text)) and _looks_like_title(m.group(2)):
            return HeadingMatch(level=2, title=text)
        return None

    def _numbered(self, number: str, text: str, next_line: str | None) -> HeadingMatch | None:
        rest = text[len(number) :]
        title = rest.lstrip(". ")
        wrapped = next_line is not None and _continues(title)
        if not _looks_like_title(title) or _is_question_item(title):
            return None
        if wrapped and next_line is not None and _is_question_item(f"{title} {next_line.strip()}"):
            return None
        parts = tuple(int(p) for p in number.split("."))
        dotted = rest.startswith(".")
        if len(parts) == 1 and self._dotted is not None and dotted != self._dotted:
            return None  # a numbered list item, not a section of this document's style
        if not _plausible_next(self._last_number, parts):
            return None
        if len(parts) == 1:
            self._dotted = dotted
        self._last_number = parts
        absorbs = wrapped and next_line is not None and 0 < len(next_line.split()) <= 8
        if absorbs and next_line is not None:
            text = text + " " + next_line.strip()
        return HeadingMatch(level=min(len(parts), 4), title=text, absorbs_next_line=absorbs)


def _is_toc_tail(line: str) -> bool:
    line = line.strip()
    return len(line) < 60 and (bool(_TOC_TAIL.search(line)) or line.isdigit())


def _is_question_item(title: str) -> bool:
    """Questionnaire items: start with a question word, hold a question followed by more text,
    or an answer branch ("Wenn ja: …")."""
    first = title.split()[0].strip(",.:;").lower()
    if re.search(r"\bWenn (ja|nein)\b", title):
        return True
    return first in _QUESTION_WORDS or "?" in title.rstrip("?").rstrip()


def _continues(title: str) -> bool:
    """The line stops mid-phrase (a connector or a lowercase word): the title wraps."""
    last = title.split()[-1] if title.split() else ""
    return last.lower() in _CONNECTORS or (last[:1].islower() and last.isalpha())


def _looks_like_title(title: str) -> bool:
    words = title.split()
    if not words or len(words) > 16:
        return False
    if title.endswith((".", ",", ";", ":", "!")):
        return False
    return not title[0].islower()


def _plausible_next(prev: tuple[int, ...] | None, cur: tuple[int, ...]) -> bool:
    if any(p == 0 for p in cur[1:]):
        return False
    if prev is None:
        return cur[-1] == 1 or (len(cur) == 1 and cur[0] <= 2)
    if cur in ((*prev, 1), (*prev, 2)):
        return True  # first child (or the second, when the first was missed)
    for depth in range(len(prev), 0, -1):
        if cur[:depth] == (*prev[: depth - 1], prev[depth - 1] + 1) and len(cur) <= depth + 1:
            return True  # next sibling or next section of a parent level
    return False
