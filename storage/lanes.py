"""Who goes first to the database writer (and to Telegram): the lane of the running task.

Three lanes, set for a task with :func:`in_lane` and inherited by the tasks it starts:

- ``URGENT``: an update with words of crisis (set by the update processor). It never
  waits behind other users' work: first in line for the writer, its own reader.
- ``NORMAL``: everything else a user is waiting for (the default).
- ``BACKGROUND``: work nobody watches happen: the reminder dispatcher, slot making, the
  checkpointer. It goes after waiting users, but is never starved: after
  :data:`BACKGROUND_EVERY` hand-overs to others in a row, the next one is its.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from enum import IntEnum


class Lane(IntEnum):
    URGENT = 0
    NORMAL = 1
    BACKGROUND = 2


BACKGROUND_EVERY = 4

_lane: ContextVar[Lane] = ContextVar("lane", default=Lane.NORMAL)


def current_lane() -> Lane:
    return _lane.get()


@contextmanager
def in_lane(lane: Lane) -> Iterator[None]:
    """Run the block (and the tasks it starts) in ``lane``."""
    token = _lane.set(lane)
    try:
        yield
    finally:
        _lane.reset(token)


class LaneLock:
    """An asyncio lock handed over by lane, first come first served within a lane.

    A released lock goes straight to the next waiter (it never looks free in between),
    so nobody who arrives later can slip in ahead of those already waiting.
    """

    def __init__(self, background_every: int = BACKGROUND_EVERY) -> None:
        self._held = False
        self._waiting: tuple[deque[asyncio.Future[None]], ...] = (deque(), deque(), deque())
        self._passed = 0  # hand-overs to others while background work waited
        self.background_every = background_every

    @property
    def locked(self) -> bool:
        return self._held

    def waiting(self, lane: Lane | None = None) -> int:
        queues = self._waiting if lane is None else (self._waiting[lane],)
        return sum(1 for queue in queues for waiter in queue if not waiter.done())

    async def acquire(self, lane: Lane | None = None) -> None:
        lane = current_lane() if lane is None else lane
        if not self._held and not self.waiting():
            self._held = True
            return
        waiter = asyncio.get_running_loop().create_future()
        self._waiting[lane].append(waiter)
        try:
            await waiter
        except asyncio.CancelledError:
            if waiter.done() and not waiter.cancelled():
                self.release()  # handed over, then cancelled: pass it on
            else:
                self._waiting[lane].remove(waiter)
            raise

    def release(self) -> None:
        if not self._held:
            raise RuntimeError("release of an unheld LaneLock")
        waiter = self._next()
        if waiter is None:
            self._held = False
        else:
            waiter.set_result(None)

    def _next(self) -> asyncio.Future[None] | None:
        urgent, normal, background = (self._drop_done(q) for q in self._waiting)
        if urgent:
            return urgent.popleft()
        if background and (not normal or self._passed >= self.background_every):
            self._passed = 0
            return background.popleft()
        if normal:
            if background:
                self._passed += 1
            return normal.popleft()
        return None

    @staticmethod
    def _drop_done(queue: deque[asyncio.Future[None]]) -> deque[asyncio.Future[None]]:
        while queue and queue[0].done():
            queue.popleft()
        return queue

    async def __aenter__(self) -> None:
        await self.acquire()

    async def __aexit__(self, *exc: object) -> None:
        self.release()
