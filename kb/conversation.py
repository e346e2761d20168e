"""Follow-up questions without an LLM: "Und in Münster?" after a question about Viersen becomes
that question with the place swapped; an elliptical question ("Wer ist dafür zuständig?")
carries over the key terms of the previous question. The result is what gets searched, and
the answer shows it."""

import re
from dataclasses import dataclass

from kb.facets.places import Gazetteer, Place
from kb.retrieval.analyzer import STOPWORDS, words

_FOLLOW_UP_START = re.compile(
    r"^(und|aber|auch|was ist mit|wie ist es mit|wie sieht es|und was|und wer|und wie|und wo|"
    r"and|what about|how about)\b",
    re.I,
)
_BACK_REFERENCE = re.compile(
    r"\b(dafür|dazu|davon|darüber|daran|darauf|dort|dorthin|dabei|damit|dadurch|"
    r"that|there|it|they|them)\b",
    re.I,
)
MAX_CONTENT_WORDS = 4  # a question with at most this many content words may lean on the last


@dataclass(frozen=True)
class Turn:
    role: str  # "user" or "assistant"
    content: str


def resolve(question: str, history: list[Turn]) -> str:
    """The question to search, given the conversation so far."""
    previous = next(
        (t.content for t in reversed(history) if t.role == "user" and t.content.strip()), None
    )
    if previous is None:
        return question
    gazetteer = Gazetteer.load()
    new_places = gazetteer.find(question)
    old_places = gazetteer.find(previous)
    content = _content_words(question)
    if new_places and old_places and len(content) <= MAX_CONTENT_WORDS:
        return _swap_places(previous, old_places, new_places)
    if len(content) <= MAX_CONTENT_WORDS and (
        _FOLLOW_UP_START.search(question.strip()) or _BACK_REFERENCE.search(question)
    ):
        carried = [w for w in _content_words(previous) if w not in content]
        if carried:
            return f"{question} ({' '.join(carried)})"
    return question


def _content_words(text: str) -> list[str]:
    out: list[str] = []
    for w in words(text):
        if w not in STOPWORDS and len(w) > 2 and not w.isdigit() and w not in out:
            out.append(w)
    return out


def _swap_places(previous: str, old: list[Place], new: list[Place]) -> str:
    text = previous
    for i, place in enumerate(old):
        replacement = new[min(i, len(new) - 1)].label
        text = re.sub(rf"\b{re.escape(place.label)}\b", replacement, text)
    return text
