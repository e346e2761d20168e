"""The one seam to a language model: a small protocol, and its implementation for any
OpenAI-compatible chat-completions endpoint (vLLM, Ollama, llama.cpp, hosted services).

Every failure becomes an ``UpstreamError`` that says whether trying again could help; retries,
deadlines, the concurrency limit and the circuit breaker live in ``kb.llm.resilience``.
"""

import json
from collections.abc import Generator
from dataclasses import dataclass
from typing import Any, Protocol

from kb.errors import ConfigError, UpstreamError

Message = dict[str, str]


@dataclass(frozen=True)
class CallLimits:
    max_tokens: int
    connect_s: float
    read_s: float  # silence allowed between two bytes, including the wait for the first


class ChatBackend(Protocol):
    model: str

    def stream(self, messages: list[Message], limits: CallLimits) -> Generator[str, None, None]:
        """The reply's text pieces as the endpoint sends them."""
        ...

    def complete(self, messages: list[Message], limits: CallLimits) -> str: ...


class OpenAIBackend:
    """Talks to ``{base_url}/chat/completions`` through the official client (its own retries
    off: ours count every failure for the circuit breaker)."""

    def __init__(self, base_url: str, model: str, api_key: str | None) -> None:
        if not base_url or not model:
            raise ConfigError("generative mode needs KB_LLM_BASE_URL and KB_LLM_MODEL")
        import openai

        self.model = model
        self._client = openai.OpenAI(
            base_url=base_url.rstrip("/"), api_key=api_key or "not-needed", max_retries=0
        )

    def _create(self, messages: list[Message], limits: CallLimits, stream: bool) -> Any:
        import openai

        timeout = openai.Timeout(limits.read_s, connect=limits.connect_s)
        try:
            return self._client.with_options(timeout=timeout).chat.completions.create(
                model=self.model,
                messages=messages,  # type: ignore[arg-type]
                max_tokens=limits.max_tokens,
                temperature=0,
                stream=stream,
            )
        except Exception as e:
            raise upstream_error(e) from e

    def stream(self, messages: list[Message], limits: CallLimits) -> Generator[str, None, None]:
        response = self._create(messages, limits, stream=True)
        chunks = 0
        try:
            for chunk in response:
                chunks += 1
                piece = _delta_text(chunk)
                if piece:
                    yield piece
        except UpstreamError:
            raise
        except Exception as e:
            raise upstream_error(e) from e
        finally:
            response.close()
        if not chunks:
            raise UpstreamError("the endpoint sent no chat.completion.chunk events")

    def complete(self, messages: list[Message], limits: CallLimits) -> str:
        reply = self._create(messages, limits, stream=False)
        try:
            content = reply.choices[0].message.content
        except (AttributeError, IndexError, TypeError) as e:
            raise UpstreamError(f"the endpoint sent no chat completion: {e}") from e
        if not isinstance(content, str):
            raise UpstreamError("the endpoint's reply has no text content")
        return content


def _delta_text(chunk: Any) -> str:
    """The text of one streamed chunk; a chunk of another shape is garbage, not an answer."""
    choices = getattr(chunk, "choices", None)
    if not isinstance(choices, list):
        raise UpstreamError("the endpoint sent something that is not a chat.completion.chunk")
    if not choices:
        return ""  # a usage-only chunk
    delta = getattr(choices[0], "delta", None)
    content = getattr(delta, "content", None) if delta is not None else None
    if content is None:
        return ""
    if not isinstance(content, str):
        raise UpstreamError("the endpoint sent a chunk whose content is not text")
    return content


def upstream_error(e: Exception) -> UpstreamError:
    """Classify a client exception: may a new attempt help?"""
    import openai

    if isinstance(e, UpstreamError):
        return e
    if isinstance(e, openai.APITimeoutError):
        return UpstreamError("the language model did not answer in time", retryable=True)
    if isinstance(e, openai.APIConnectionError):
        return UpstreamError(f"cannot reach the language model: {e}", retryable=True)
    if isinstance(e, openai.APIStatusError):
        status = e.status_code
        retry_after = _retry_after(e.response.headers.get("retry-after"))
        return UpstreamError(
            f"the language model endpoint answered HTTP {status}",
            retryable=status == 429 or status >= 500,
            retry_after=retry_after,
        )
    if isinstance(e, openai.APIError | json.JSONDecodeError | ValueError | TypeError):
        return UpstreamError(f"the language model endpoint sent garbage: {type(e).__name__}: {e}")
    return UpstreamError(f"the language model call failed: {type(e).__name__}: {e}")


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: the backoff decides
