"""Pacing of outgoing messages: an overall rate, a gap per chat, and global pauses.

Time here is a monotonic clock of the machine (how fast we talk to Telegram), not the
business clock of reminders. Both the clock and the sleep are injectable for tests.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable

Sleep = Callable[[float], Awaitable[None]]


class Pacer:
    """Gives each send a start time: at most ``rate`` a second overall, and at least
    ``per_chat`` seconds between two sends to one chat. ``rate=0`` lifts the overall
    limit, ``per_chat=0`` the per-chat one.

    The overall limit is kept exactly with numbered slots of ``1/rate`` seconds: each
    send takes the first free slot not before its chat is free again, so a chat that
    must wait does not hold the others back.
    """

    def __init__(
        self,
        rate: float,
        per_chat: float,
        *,
        monotonic: Callable[[], float] = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.rate = rate
        self.per_chat = per_chat
        self.monotonic = monotonic
        self.sleep = sleep
        self._taken: set[int] = set()
        self._lowest_free = 0
        self._chat_free: dict[int, float] = {}
        self._paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """Nobody sends for ``seconds`` (the server said RetryAfter)."""
        self._paused_until = max(self._paused_until, self.monotonic() + seconds)

    def reserve(self, chat_id: int) -> float:
        """The monotonic time at which a message to ``chat_id`` may be sent."""
        now = self.monotonic()
        earliest = max(now, self._paused_until, self._chat_free.get(chat_id, 0.0))
        if self.rate > 0:
            self._forget_past(now)
            slot = max(math.ceil(earliest * self.rate - 1e-9), self._lowest_free)
            while slot in self._taken:
                slot += 1
            self._taken.add(slot)
            earliest = max(earliest, slot / self.rate)
        if self.per_chat > 0:
            self._chat_free[chat_id] = earliest + self.per_chat
        return earliest

    async def wait_turn(self, chat_id: int) -> None:
        """Sleep until this chat's next send may start; again if a pause began meanwhile."""
        while True:
            start = self.reserve(chat_id)
            delay = start - self.monotonic()
            if delay > 0:
                await self.sleep(delay)
            if self.monotonic() >= self._paused_until:
                return

    def _forget_past(self, now: float) -> None:
        current = math.floor(now * self.rate)
        if current > self._lowest_free:
            self._lowest_free = current
            self._taken = {slot for slot in self._taken if slot >= current}
        if len(self._chat_free) > 10_000:
            self._chat_free = {c: t for c, t in self._chat_free.items() if t > now}
