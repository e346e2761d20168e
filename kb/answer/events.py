"""What ``KnowledgeBase.ask_stream`` yields: the answer as it comes into being.

Started (what is searched and the passages found, before any answer is composed), then Delta
pieces of the answer text, possibly a Restart that replaces everything said so far (the
generated answer could not be used), then Finished with the complete Answer, whose text equals
what was streamed since the last restart.
"""

from dataclasses import dataclass

from kb.models import Answer, Hit


@dataclass(frozen=True)
class Started:
    question: str
    searched: str
    hits: list[Hit]


@dataclass(frozen=True)
class Delta:
    text: str
    generated: bool = False  # written by the model (sanitised Markdown), not composed by rules


@dataclass(frozen=True)
class Restart:
    text: str
    reason: str


@dataclass(frozen=True)
class Finished:
    answer: Answer


AnswerEvent = Started | Delta | Restart | Finished
