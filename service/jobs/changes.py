"""Wakes the server-sent event streams of this process when a job changes (the worker runs in a
thread; listeners are asyncio tasks). Changes made by another process are seen by polling."""

import asyncio
import contextlib
import threading


class Changes:
    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._events: set[asyncio.Event] = set()
        self._lock = threading.Lock()
        self.version = 0  # counts changes: a listener that read state at version v waits past v

    def bind(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop

    def notify(self) -> None:
        """Callable from any thread."""
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._lock:
            self.version += 1
            events = list(self._events)
        for event in events:
            with contextlib.suppress(RuntimeError):  # the loop is shutting down
                loop.call_soon_threadsafe(event.set)

    async def wait(self, since: int, timeout_s: float) -> None:
        """Until a change after version ``since`` in this process, or ``timeout_s`` (then the
        caller polls: another process may run the job)."""
        event = asyncio.Event()
        with self._lock:
            if self.version != since:
                return
            self._events.add(event)
        try:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(event.wait(), timeout_s)
        finally:
            with self._lock:
                self._events.discard(event)
