"""What gets indexed for a chunk: its context text (for the chunk vector and BM25) and its
sentences (for the sentence vectors)."""

import hashlib

from kb.models import Chunk
from kb.store.vectors import SentenceUnit
from kb.text.sentences import split_sentences

MIN_SENTENCE_WORDS = 4  # shorter pieces (single list words) match anything in embedding space


def context_text(chunk: Chunk) -> str:
    """Where the chunk stands (section, else title), then its text."""
    head = chunk.section or chunk.title
    return f"{head}\n{chunk.text}"


def sentence_units(chunk: Chunk, min_words: int = MIN_SENTENCE_WORDS) -> list[SentenceUnit]:
    units = []
    for s, e in split_sentences(chunk.text):
        text = chunk.text[s:e]
        if len(text.split()) < min_words:
            continue
        sid = hashlib.sha256(f"{chunk.id}:{s}".encode()).hexdigest()[:24]
        units.append(SentenceUnit(sid, chunk, chunk.start + s, chunk.start + e, text))
    return units
