"""The sentence splitter as it was before it was made linear (quadratic: it rescanned the text
from its start at every period). Kept as the oracle the linear one must agree with."""

import re

from kb.text.sentences import ABBREVIATIONS, _in_quoted_title, _trimmed

_BOUNDARY = re.compile(r"[.!?…]+[\"“”’')\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"„“‚'(\[]?[A-ZÄÖÜ0-9§]")
# "\Z", not "$": "$" also matches before a newline, so the old splitter took the word at the end
# of the previous line as the one before a period that opens a line ("0\n. 0"); the linear
# splitter rightly does not look across the line break (found by Hypothesis).
_TOKEN_BEFORE = re.compile(r"(\S+)\Z")


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    if text[dot] != ".":
        return not _in_quoted_title(text, dot, end)  # a title's "?" is no end (added since)
    if not _NEXT_START.match(text, end):
        return False
    m = _TOKEN_BEFORE.search(text, 0, dot)
    token = m.group(1).lstrip("([„\"'") if m else ""
    bare = token.rstrip(".").lower()
    if not bare:
        return True
    if len(bare) == 1 and bare.isalpha():
        return False
    if bare.isdigit() and len(bare) <= 3:
        return False
    if "." in bare and len(bare) <= 8:
        return False
    return bare not in ABBREVIATIONS


def reference_split(text: str, max_words: int = 80) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _BOUNDARY.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, m.start(), m.end()):
                spans.extend(_trimmed(text, start, m.end(), max_words))
                start = m.end()
        spans.extend(_trimmed(text, start, line.end(), max_words))
    return spans
