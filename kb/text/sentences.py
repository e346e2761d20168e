"""German sentence splitting with character offsets, in time linear in the text's length.

Abbreviations ("z. B.", "bzw.", "Dr."), single letters (initials), ordinals ("16. Auflage",
"29. Juni") and dates never end a sentence; a newline always does.

Linear because every character is looked at a bounded number of times: a punctuation run is
matched only from its first character (possessive, no backtracking), and the word before a
period is found by scanning back to the previous space, never from the start of the text.
"""

import re

ABBREVIATIONS = frozenset(
    """
    abb abs abt allg anm art aufl bd bsp bspw bzgl bzw ca co dipl dr ebd ehem einschl etc
    evtl f ff fa gem gegr ggf ggü hrsg hr i inkl insb insbes jh jhd jr kap kfm max mind min
    mio mrd nr o orig pers pkt prof rd s sog st std str tel u usw v vgl vs z zb zt zzgl ziff
    lt
    """.split()
)
# "etc." and "usw." usually end a list mid-sentence; a capital after them is most often a noun.

_BOUNDARY = re.compile(r"(?<![.!?…])[.!?…]++[\"“”’')\]]*+(?=\s)")
_NEXT_START = re.compile(r"\s+[\"„“‚'(\[]?[A-ZÄÖÜ0-9§]")


def _ends_sentence(text: str, dot: int, end: int) -> bool:
    """Is the punctuation run text[dot:end] a sentence end?"""
    if text[dot] != ".":
        return not _in_quoted_title(text, dot, end)  # ! ? … end sentences
    if not _NEXT_START.match(text, end):
        return False
    token = _word_before(text, dot).lstrip("([„\"'")
    bare = token.rstrip(".").lower()
    if not bare:
        return True
    if len(bare) == 1 and bare.isalpha():
        return False  # initials and parts of "z. B.", "d. h."
    if bare.isdigit() and len(bare) <= 3:
        return False  # ordinals: "16. Auflage", "29. Juni"
    if "." in bare and len(bare) <= 8:
        return False  # "u.a", "z.B", "i.d.R", "e.V"
    return bare not in ABBREVIATIONS


def _in_quoted_title(text: str, dot: int, end: int) -> bool:
    """A "?" or "!" inside a German quotation whose closing mark follows on the line within
    _TITLE_TAIL characters, with no other sentence end between: a title („Angekommen – und
    nun? Integration von Geflüchteten vor Ort“), not the end of the sentence that names it.
    Looked for at most _TITLE_TAIL back."""
    if "“" in text[dot:end]:
        return False  # "?“": the quotation closes with it
    begin = max(0, dot - _TITLE_TAIL)
    before = text[max(begin, text.rfind("\n", begin, dot) + 1) : dot]
    if before.count("„") <= before.count("“"):
        return False
    after = text[end : end + _TITLE_TAIL]
    close = after.find("“")
    # ... with no other sentence end before it (a quoted remark of several sentences)
    return close >= 0 and not _TITLE_BREAK.search(after, 0, close)


_TITLE_TAIL = 80
_TITLE_BREAK = re.compile(r"[\n„.!?…]")


def _word_before(text: str, end: int) -> str:
    """The run of non-space characters that ends at ``end`` ("" after a space)."""
    start = end
    while start > 0 and not text[start - 1].isspace():
        start -= 1
    return text[start:end]


def split_sentences(text: str, max_words: int = 80) -> list[tuple[int, int]]:
    """Sentence spans (start, end) over ``text``, whitespace-trimmed, in order."""
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"[^\n]+", text):
        start = line.start()
        for m in _BOUNDARY.finditer(text, line.start(), line.end()):
            if _ends_sentence(text, m.start(), m.end()):
                spans.extend(_trimmed(text, start, m.end(), max_words))
                start = m.end()
        spans.extend(_trimmed(text, start, line.end(), max_words))
    return spans


def _trimmed(text: str, start: int, end: int, max_words: int) -> list[tuple[int, int]]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if start >= end:
        return []
    words = list(re.finditer(r"\S+", text[start:end]))
    if len(words) <= max_words:
        return [(start, end)]
    # Tables and lists without punctuation: cut into pieces of max_words.
    out = []
    for i in range(0, len(words), max_words):
        piece = words[i : i + max_words]
        out.append((start + piece[0].start(), start + piece[-1].end()))
    return out


def sentence_texts(text: str) -> list[str]:
    """The sentences of a text (the whole text when it has none)."""
    return [text[start:end] for start, end in split_sentences(text)] or [text]
