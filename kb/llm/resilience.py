"""Calling an endpoint that may be down, slow, overloaded or broken, without making users wait.

- A deadline for the whole call, and the client's connect/read timeouts inside it.
- Bounded retries with exponential backoff (and the server's Retry-After, capped), only
  before the first token: text already shown is never repeated.
- A limit on concurrent upstream calls; a caller that finds no slot in time is not queued
  forever.
- A circuit breaker: after ``failures`` failed calls in a row the endpoint is not asked for
  ``cooldown_s``; then one trial call decides whether it is closed again.
"""

import logging
import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass

from kb.errors import LLMUnavailable, UpstreamError
from kb.llm.client import CallLimits, ChatBackend, Message

log = logging.getLogger("kb.llm")


class CircuitBreaker:
    def __init__(
        self, failures: int, cooldown_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._failed = 0
        self._opened_at: float | None = None
        self._trial = False  # a half-open trial call is in flight

    @property
    def state(self) -> str:
        with self._lock:
            return self._state()

    def _state(self) -> str:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at < self.cooldown_s:
            return "open"
        return "half-open"

    def allow(self) -> bool:
        """May a call go out now? In half-open state only one trial call at a time."""
        with self._lock:
            state = self._state()
            if state == "closed":
                return True
            if state == "half-open" and not self._trial:
                self._trial = True
                return True
            return False

    def success(self) -> None:
        with self._lock:
            if self._opened_at is not None:
                log.warning("language model endpoint is back: circuit closed")
            self._failed, self._opened_at, self._trial = 0, None, False

    def failure(self) -> None:
        with self._lock:
            self._failed += 1
            if self._trial or self._opened_at is not None or self._failed >= self.failures:
                if self._opened_at is None:
                    log.warning(
                        "language model endpoint failing: circuit open for %.0f s",
                        self.cooldown_s,
                    )
                self._opened_at = self._clock()
            self._trial = False

    def release(self) -> None:
        """A trial call ended without a verdict (the caller stopped reading)."""
        with self._lock:
            self._trial = False


@dataclass(frozen=True)
class Policy:
    deadline_s: float
    connect_s: float
    read_s: float
    max_tokens: int
    retries: int
    backoff_s: float
    queue_timeout_s: float
    backoff_cap_s: float = 8.0


class ResilientLLM:
    """A ChatBackend behind timeouts, retries, a concurrency limit and a circuit breaker."""

    def __init__(
        self,
        backend: ChatBackend,
        policy: Policy,
        breaker: CircuitBreaker,
        max_concurrency: int,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.backend = backend
        self.policy = policy
        self.breaker = breaker
        self._slots = threading.BoundedSemaphore(max_concurrency)
        self._sleep = sleep

    @property
    def model(self) -> str:
        return self.backend.model

    def stream(self, messages: list[Message], deadline_s: float | None = None) -> Iterator[str]:
        """Text pieces as they arrive; UpstreamError/LLMUnavailable when no answer comes."""
        deadline = time.monotonic() + (deadline_s or self.policy.deadline_s)
        self._enter()
        verdict = started = False
        try:
            for attempt in range(self.policy.retries + 1):
                try:
                    limits = self._limits(deadline)
                    with closing(self.backend.stream(messages, limits)) as pieces:
                        for piece in pieces:
                            started = True
                            if time.monotonic() > deadline:
                                raise UpstreamError("the language model exceeded its deadline")
                            yield piece
                    verdict = True
                    self.breaker.success()
                    return
                except UpstreamError as e:
                    if started or not self._retry(attempt, e, deadline):
                        verdict = True
                        self.breaker.failure()
                        raise
        finally:
            if not verdict and started:  # the caller stopped reading a working endpoint
                self.breaker.success()
            elif not verdict:
                self.breaker.release()
            self._slots.release()

    def complete(self, messages: list[Message], deadline_s: float | None = None) -> str:
        """The whole reply at once (short calls such as rewriting a follow-up)."""
        deadline = time.monotonic() + (deadline_s or self.policy.deadline_s)
        self._enter()
        try:
            attempt = 0
            while True:
                try:
                    text = self.backend.complete(messages, self._limits(deadline))
                except UpstreamError as e:
                    if not self._retry(attempt, e, deadline):
                        self.breaker.failure()
                        raise
                    attempt += 1
                    continue
                self.breaker.success()
                return text
        except BaseException:
            self.breaker.release()  # no-op after a verdict; frees a half-open trial otherwise
            raise
        finally:
            self._slots.release()

    def _enter(self) -> None:
        if self.breaker.state == "open":
            raise LLMUnavailable("the language model endpoint is failing (circuit open)")
        if not self._slots.acquire(timeout=self.policy.queue_timeout_s):
            raise LLMUnavailable("all language model slots are busy")
        if not self.breaker.allow():
            self._slots.release()
            raise LLMUnavailable("the language model endpoint is failing (circuit open)")

    def _limits(self, deadline: float) -> CallLimits:
        left = deadline - time.monotonic()
        if left <= 0:
            raise UpstreamError("the language model exceeded its deadline")
        return CallLimits(
            max_tokens=self.policy.max_tokens,
            connect_s=min(self.policy.connect_s, left),
            read_s=min(self.policy.read_s, left),
        )

    def _retry(self, attempt: int, error: UpstreamError, deadline: float) -> bool:
        """Wait before the next attempt; False when there is none to make."""
        if not error.retryable or attempt >= self.policy.retries:
            return False
        wait = min(self.policy.backoff_cap_s, self.policy.backoff_s * 2**attempt)
        wait *= 0.5 + random.random() / 2  # jitter: callers do not retry in lockstep
        if error.retry_after is not None:
            wait = max(wait, min(error.retry_after, self.policy.backoff_cap_s))
        if time.monotonic() + wait >= deadline:
            return False
        log.info("language model call failed (%s); retry %d in %.2f s", error, attempt + 1, wait)
        self._sleep(wait)
        return True
