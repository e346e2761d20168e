"""Follow-up questions without an LLM: "Und in Münster?" after a question about Viersen becomes
that question with the place swapped; an elliptical question ("Wer ist dafür zuständig?")
carries over the key terms of the previous question. The result is what gets searched, and
the answer shows it."""

import re
from dataclasses import dataclass

from kb.facets.places import Gazetteer, Place
from kb.retrieval.analyzer import STOPWORDS, words
from kb.text.smalltalk import is_small_talk

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


def without_small_talk(history: list[Turn]) -> list[Turn]:
    """The conversation without the asker's small talk and the replies to it: "Danke!" between
    two questions asks nothing a follow-up could refer to."""
    out: list[Turn] = []
    skip_reply = False
    for turn in history:
        if turn.role == "user":
            skip_reply = is_small_talk(turn.content)
            if not skip_reply:
                out.append(turn)
        elif not skip_reply:
            out.append(turn)
    return out


def resolve(question: str, history: list[Turn]) -> str:
    """The question to search, given the conversation so far (earlier follow-ups resolved too)."""
    previous: str | None = None
    for turn in without_small_talk(history):
        if turn.role == "user" and turn.content.strip():
            previous = _resolve(turn.content, previous)
    return _resolve(question, previous)


def _resolve(question: str, previous: str | None) -> str:
    if previous is None:
        return question
    gazetteer = Gazetteer.load()
    new_places = gazetteer.find(question)
    old_mentions = gazetteer.mentions(previous)
    content = _content_words(question)
    if new_places and old_mentions and len(content) <= MAX_CONTENT_WORDS:
        return _swap_places(previous, old_mentions, new_places)
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


def _swap_places(previous: str, old: list[tuple[Place, int, int]], new: list[Place]) -> str:
    """Replace each mention of the previous places by the new one (in mention order)."""
    order = list(dict.fromkeys(p.name for p, _, _ in old))
    text = previous
    for place, start, end in sorted(old, key=lambda m: -m[1]):
        replacement = new[min(order.index(place.name), len(new) - 1)].label
        text = text[:start] + replacement + text[end:]
    return text
