"""Acronyms learned from the documents themselves, used to expand queries.

Sources: glossary table rows ("GfS<tab>Geschäftsführende Stelle", as in an
Abkürzungsverzeichnis), "Langform (KURZ)" and "KURZ (Langform)" patterns, where the long form
is matched to the acronym's letters (Schwartz & Hearst 2003).
"""

import re
import sys
from collections.abc import Callable
from dataclasses import dataclass

_ACRONYM = r"[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,7}[A-ZÄÖÜ][A-Za-zÄÖÜäöü]{0,3}"
_TABLE_ROW = re.compile(rf"^({_ACRONYM})\t([A-ZÄÖÜ„\"].{{3,120}})$", re.M)
_PARENTHESIZED = re.compile(rf"\s\(({_ACRONYM})\)")
_SHORT_THEN_LONG = re.compile(rf"\b({_ACRONYM})\s+\(([A-ZÄÖÜ„\"][^()\n]{{4,120}})\)")
_TOKEN = re.compile(r"[A-Za-zÄÖÜäöüß]+")
_ADDRESS = re.compile(r"\S+@\S+|https?://\S+|www\.\S+|\S+\.(?:de|nrw|com|org|net|eu)\b\S*")


@dataclass(frozen=True)
class Expansion:
    text: str  # the query with long forms added
    added: list[tuple[str, str]]  # (acronym, long form) pairs used


class Glossary:
    def __init__(
        self, entries: dict[str, str], terms: Callable[[str], list[str]] | None = None
    ) -> None:
        self.entries = entries
        self._lower = {k.lower(): k for k in entries}
        self._terms = terms or (lambda text: text.lower().split())
        self._long_terms = {k: set(self._terms(v)) for k, v in entries.items()}

    @classmethod
    def from_texts(
        cls,
        texts: list[str],
        stopwords: frozenset[str] = frozenset(),
        terms: Callable[[str], list[str]] | None = None,
    ) -> "Glossary":
        """Collect acronyms; one that also occurs as a lowercase word ("best") is left out."""
        return cls.merge([GlossaryParts.of(texts)], stopwords, terms)

    @classmethod
    def merge(
        cls,
        parts: list["GlossaryParts"],
        stopwords: frozenset[str] = frozenset(),
        terms: Callable[[str], list[str]] | None = None,
    ) -> "Glossary":
        """The glossary of several documents' parts, as if from all their texts in order."""
        found: dict[str, str] = {}
        for part in parts:
            for short, long in part.table_rows:
                found.setdefault(short, long)
        for part in parts:
            for short, long in part.patterns:
                found.setdefault(short, long)
        common = set(stopwords)
        for part in parts:
            common.update(part.lowercase)
        entries = {k: v for k, v in found.items() if k.lower() not in common and len(k) >= 2}
        return cls(entries, terms)

    def lookup(self, token: str) -> str | None:
        if token in self.entries:
            return self.entries[token]
        key = self._lower.get(token.lower())
        # Lowercase input ("gfs") counts for mixed-case acronyms or all-caps typing only.
        if key and (token.isupper() or not key.isupper() or len(token) >= 3):
            return self.entries[key]
        return None

    def expand(self, query: str) -> Expansion:
        """Add long forms of acronyms in the query, and acronyms of long forms in it."""
        added: list[tuple[str, str]] = []
        extra: list[str] = []
        lowered = query.lower()
        for token in dict.fromkeys(_TOKEN.findall(query)):
            long = self.lookup(token)
            if long and long.lower() not in lowered:
                added.append((token, long))
                extra.append(long)
        query_terms = set(self._terms(query))
        for short, long_terms in self._long_terms.items():
            if long_terms and long_terms <= query_terms and short not in query:
                added.append((short, self.entries[short]))
                extra.append(short)
        if not added:
            return Expansion(query, [])
        return Expansion(f"{query} ({'; '.join(extra)})", added)


@dataclass(frozen=True)
class GlossaryParts:
    """What one document contributes: candidate pairs in text order, and its lowercase words
    (an acronym that is also a lowercase word anywhere is dropped when parts are merged)."""

    table_rows: list[tuple[str, str]]
    patterns: list[tuple[str, str]]
    lowercase: tuple[str, ...]  # interned: hundreds of documents share most of them

    @classmethod
    def of(cls, texts: list[str]) -> "GlossaryParts":
        rows = [(short, _clean(long)) for t in texts for short, long in _TABLE_ROW.findall(t)]
        patterns: list[tuple[str, str]] = []
        for text in texts:
            for m in _PARENTHESIZED.finditer(text):
                before = text[max(0, m.start() - 160) : m.start()]
                before = re.split(r"[()\n]", before)[-1]
                long = _schwartz_hearst(m.group(1), before)
                if long:
                    patterns.append((m.group(1), long))
            for m in _SHORT_THEN_LONG.finditer(text):
                long = _clean(m.group(2))
                if _initials_match(m.group(1), long):
                    patterns.append((m.group(1), long))
        lowercase = {w for t in texts for w in _TOKEN.findall(_ADDRESS.sub(" ", t)) if w.islower()}
        return cls(rows, patterns, tuple(sys.intern(w) for w in sorted(lowercase)))


def _clean(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip(' ,;:."„“')


def _schwartz_hearst(short: str, preceding: str) -> str | None:
    """Shortest tail of ``preceding`` spelling ``short`` (its first letter at a word start)."""
    letters = [c.lower() for c in short if c.isalpha()]
    text = preceding.rstrip()
    s, li = len(text) - 1, len(letters) - 1
    while li >= 0:
        c = letters[li]
        while s >= 0 and (text[s].lower() != c or (li == 0 and s > 0 and text[s - 1].isalnum())):
            s -= 1
        if s < 0:
            return None
        s -= 1
        li -= 1
    start = text.rfind(" ", 0, s + 1) + 1
    long = _clean(text[start:])
    words = long.split()
    if not words or len(words) > len(letters) + 4 or len(long) <= len(short):
        return None
    return long


def _initials_match(short: str, long: str) -> bool:
    initials = [w[0].lower() for w in _TOKEN.findall(long)]
    caps = [c.lower() for c in short if c.isupper()]
    return (
        bool(caps)
        and caps[0] == (initials[0] if initials else "")
        and all(c in initials for c in caps)
    )
