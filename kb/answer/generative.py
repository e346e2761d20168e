"""Generative answers through any OpenAI-compatible chat endpoint (optional, for deployments).

The model writes the answer from numbered passages and cites them as [n]. Its text streams
through the sanitiser (kb.llm.sanitize) as it arrives. When it is complete, every citation is
grounded: its quote is the sentence of passage n closest to the model's sentence, an exact span
of the page text. A reply without any valid citation is not trusted, and the caller falls back
to the extractive answer.
"""

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from kb.llm.prompts import PromptTemplate, as_messages, boundary, fence
from kb.llm.resilience import ResilientLLM
from kb.llm.sanitize import EchoGuard, Sanitiser
from kb.models import Citation, Hit
from kb.retrieval.catalog import Catalog
from kb.text.sentences import split_sentences

log = logging.getLogger("kb.llm")


@dataclass(frozen=True)
class Generated:
    text: str
    citations: list[Citation]
    refused: bool


@dataclass
class GenerationRun:
    """One answer being generated: iterate ``deltas()``, then read ``result``."""

    llm: ResilientLLM
    messages: list[dict[str, str]]
    used: list[Hit]
    sanitiser: Sanitiser
    max_chars: int
    result: Generated | None = None
    first_token_ms: float | None = None
    info: dict[str, Any] = field(default_factory=dict)

    def deltas(self, catalog: Catalog, pages: dict[str, str]) -> Iterator[str]:
        """Sanitised text as the model writes it. Raises BackendError when the endpoint fails
        or the output is rejected; afterwards ``result`` holds the grounded answer (None when
        nothing in it can be cited)."""
        t0 = time.perf_counter()
        received = 0
        for piece in self.llm.stream(self.messages):
            if self.first_token_ms is None:
                self.first_token_ms = round((time.perf_counter() - t0) * 1000, 1)
            received += len(piece)
            out = self.sanitiser.feed(piece)
            if out:
                yield out
            if self.sanitiser.refused:
                break
            if received > self.max_chars:
                log.warning("the model's reply passed %d characters: cut off", self.max_chars)
                break
        out = self.sanitiser.finish()
        if out:
            yield out
        removed = self.sanitiser.removed.as_dict()
        if removed:
            log.warning("removed from the model's output: %s", removed)
            self.info["removed"] = removed
        if self.sanitiser.refused:
            self.result = Generated("", [], refused=True)
        else:
            self.result = ground(self.sanitiser, self.used, catalog, pages)


class GenerativeAnswerer:
    def __init__(
        self,
        llm: ResilientLLM,
        prompt: PromptTemplate,
        own_url: Callable[[str], bool],
        passages: int = 5,
        max_chars: int = 4000,
        system_role: bool = True,
        subject: Callable[[], str] | None = None,
    ) -> None:
        self.llm = llm
        self.subject = subject or (lambda: "die Dokumente dieser Wissensdatenbank")
        self.system_role = system_role
        self.prompt = prompt
        self.own_url = own_url
        self.passages = passages
        self.max_chars = max_chars

    @property
    def info(self) -> dict[str, Any]:
        return {"model": self.llm.model, "prompt": self.prompt.id}

    def start(self, question: str, hits: list[Hit], pages: dict[str, str]) -> GenerationRun | None:
        """A run over the passages that can be quoted; None when there are none."""
        used = [h for h in hits[: self.passages] if pages.get(h.chunk.id)]
        if not used:
            return None
        system, user = self.prompt.render(
            boundary=boundary(),
            passages=format_passages(used),
            question=fence(question),
            subject=fence(self.subject()),
        )
        messages = as_messages(system, user, self.system_role)
        guard = EchoGuard(system)
        sanitiser = Sanitiser(len(used), self.own_url, guard)
        return GenerationRun(self.llm, messages, used, sanitiser, self.max_chars)


def format_passages(used: list[Hit]) -> str:
    parts = []
    for i, h in enumerate(used, 1):
        c = h.chunk
        where = f", S. {c.page}" if c.page else ""
        parts.append(f"[{i}] {fence(c.title)}{where}\n{fence(c.text)}")
    return "\n\n".join(parts)


def ground(
    sanitiser: Sanitiser, used: list[Hit], catalog: Catalog, pages: dict[str, str]
) -> Generated | None:
    """Citations for the markers the model set; None when it set none that count."""
    text = sanitiser.text.strip()
    spans = split_sentences(text) or [(0, len(text))]
    citations = []
    for shown, passage in sorted(sanitiser.numbers.items()):
        marker = f"[{shown}]"
        sentence = next((text[s:e] for s, e in spans if marker in text[s:e]), text)
        citations.append(_cite(shown, sentence, used[passage - 1], catalog, pages))
    if not citations:
        return None
    return Generated(text, citations, refused=False)


def _cite(n: int, sentence: str, hit: Hit, catalog: Catalog, pages: dict[str, str]) -> Citation:
    """Quote the passage sentence that shares most words with the model's sentence."""
    chunk = hit.chunk
    words = set(catalog.analyzer.terms(sentence))
    spans = split_sentences(chunk.text) or [(0, len(chunk.text))]
    s, e = max(
        spans,
        key=lambda sp: len(words & set(catalog.analyzer.terms(chunk.text[sp[0] : sp[1]]))),
    )
    return Citation.of(n, chunk, chunk.start + s, chunk.start + e, pages[chunk.id])
