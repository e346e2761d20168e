"""Generative answers through any OpenAI-compatible chat endpoint (optional, for deployments).

The model writes the answer from numbered passages and cites them as [n]. Every citation is
then grounded again: its quote is the sentence of passage n closest to the model's sentence,
an exact span of the page text. Markers pointing nowhere are dropped; a reply without any
valid citation is not trusted, and the caller falls back to the extractive answer.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from typing import Any, Protocol

from kb.errors import BackendError, ConfigError
from kb.models import Citation, Hit
from kb.retrieval.catalog import Catalog
from kb.text.sentences import split_sentences

NO_ANSWER = "KEINE_ANTWORT"
_MARKER = re.compile(r"\[(\d{1,2})\]")
# "Satz. [1]" (as the prompt asks) → "Satz [1]." so the marker stays with its sentence.
_MARKER_AFTER_END = re.compile(r"([.!?…])((?:\s*\[\d{1,2}\])+)")


class LLM(Protocol):
    def complete(self, prompt: str) -> str: ...


class OpenAICompatibleLLM:
    def __init__(self, base_url: str, model: str, api_key: str | None, timeout_s: float) -> None:
        if not base_url or not model:
            raise ConfigError("generative mode needs KB_LLM_BASE_URL and KB_LLM_MODEL")
        self._url = base_url.rstrip("/") + "/chat/completions"
        self._model = model
        self._headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._timeout = timeout_s

    def complete(self, prompt: str) -> str:
        import httpx

        body = {
            "model": self._model,
            "temperature": 0,
            "messages": [{"role": "user", "content": prompt}],
        }
        try:
            response = httpx.post(
                self._url, json=body, headers=self._headers, timeout=self._timeout
            )
            response.raise_for_status()
            data: Any = response.json()
            return str(data["choices"][0]["message"]["content"])
        except (httpx.HTTPError, KeyError, IndexError, TypeError, ValueError) as e:
            raise BackendError(f"the language model endpoint failed: {e}") from e


@dataclass(frozen=True)
class Generated:
    text: str
    citations: list[Citation]
    refused: bool


class GenerativeAnswerer:
    """``subject`` names what the documents are about (the site settings: "die Initiative …");
    read per answer, so an admin's change applies at once."""

    def __init__(
        self, llm: LLM, passages: int = 5, subject: Callable[[], str] | None = None
    ) -> None:
        self.llm = llm
        self.passages = passages
        self.subject = subject or (lambda: "die Dokumente dieser Wissensdatenbank")
        self.template = resources.files("prompts").joinpath("answer_de.txt").read_text("utf-8")

    def answer(
        self, question: str, hits: list[Hit], catalog: Catalog, pages: dict[str, str]
    ) -> Generated | None:
        """The model's answer with grounded citations, or None when it cannot be trusted."""
        used = [h for h in hits[: self.passages] if pages.get(h.chunk.id)]
        if not used:
            return None
        numbered = "\n\n".join(
            f"[{i}] {h.chunk.title}: {h.chunk.text}" for i, h in enumerate(used, 1)
        )
        reply = self.llm.complete(
            self.template.format(passages=numbered, question=question, subject=self.subject())
        ).strip()
        if NO_ANSWER in reply:
            return Generated("", [], refused=True)
        return self._ground(reply, used, catalog, pages)

    def _ground(
        self, reply: str, used: list[Hit], catalog: Catalog, pages: dict[str, str]
    ) -> Generated | None:
        reply = _MARKER_AFTER_END.sub(r"\2\1", reply)
        citations: list[Citation] = []
        renumber: dict[int, int] = {}
        out_sentences = []
        for s, e in split_sentences(reply):
            sentence = reply[s:e]
            for m in _MARKER.finditer(sentence):
                ref = int(m.group(1))
                if 1 <= ref <= len(used) and ref not in renumber:
                    hit = used[ref - 1]
                    renumber[ref] = len(citations) + 1
                    citations.append(self._cite(renumber[ref], sentence, hit, catalog, pages))
            out_sentences.append(
                _MARKER.sub(
                    lambda m: (
                        f"[{renumber[int(m.group(1))]}]" if int(m.group(1)) in renumber else ""
                    ),
                    sentence,
                ).strip()
            )
        if not citations:
            return None
        return Generated(" ".join(out_sentences), citations, refused=False)

    @staticmethod
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
