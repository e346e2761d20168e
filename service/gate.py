"""Backpressure: a bounded number of answer computations at once, a bounded queue before them.

Past KB_MAX_CONCURRENT_ANSWERS running, up to KB_ANSWER_QUEUE requests wait, each at most
KB_ANSWER_WAIT_S; anything beyond gets 503 with Retry-After at once. Waiting happens on the
event loop (no worker thread is held), so /healthz and the rest stay responsive. A route opts in
with ``dependencies=[AnswerSlot]``; the slot is freed when the route function returns, before a
streamed response is sent, so a slow reader cannot hold one.
"""

import asyncio
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import Depends, Request

from kb.errors import Overloaded


class AnswerGate:
    def __init__(self, slots: int, queue: int, wait_s: float) -> None:
        self.slots = slots or 2 * (os.cpu_count() or 1)
        self.queue = queue
        self.wait_s = wait_s
        self._free = asyncio.Semaphore(self.slots)
        self._waiting = 0

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        if self._free.locked() and self._waiting >= self.queue:
            raise Overloaded(
                f"{self.slots} questions are being answered and {self._waiting} are waiting; "
                "try again in a moment",
                retry_after_s=max(1, round(self.wait_s)),
            )
        self._waiting += 1
        try:
            async with asyncio.timeout(self.wait_s):
                await self._free.acquire()
        except TimeoutError:
            raise Overloaded(
                f"no capacity for {self.wait_s:g} s; try again in a moment",
                retry_after_s=max(1, round(self.wait_s)),
            ) from None
        finally:
            self._waiting -= 1
        try:
            yield
        finally:
            self._free.release()


async def _answer_slot(request: Request) -> AsyncIterator[None]:
    gate: AnswerGate | None = getattr(request.app.state, "gate", None)
    if gate is None:
        yield
        return
    async with gate.slot():
        yield


AnswerSlot = Depends(_answer_slot, scope="function")
