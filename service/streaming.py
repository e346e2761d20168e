"""Answers stream from the knowledge base's (synchronous) event generator to async responses.

Each step runs in a worker thread, so a slow language model never blocks the event loop. When
the client goes away the generator is closed, which closes the upstream request and frees its
slot; a lock makes sure closing waits for a step still running in its thread.
"""

import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

import anyio

T = TypeVar("T")


class ThreadedEvents(Generic[T]):
    def __init__(self, events: Iterator[T]) -> None:
        self._events = events
        self._lock = threading.Lock()
        self._done = False

    def _step(self) -> T | None:
        with self._lock:
            if self._done:
                return None
            item = next(self._events, None)
            self._done = item is None
            return item

    def _close(self) -> None:
        with self._lock:
            self._done = True
            close = getattr(self._events, "close", None)
            if close is not None:
                close()

    async def next(self) -> T | None:
        """The next event, or None at the end."""
        return await anyio.to_thread.run_sync(self._step)

    async def aclose(self) -> None:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(self._close)
