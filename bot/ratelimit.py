"""Telegram's overall rate, shared fairly between users' answers and reminders.

PTB's ``AIORateLimiter`` keeps every call that names a chat within 30 a second, first
come, first served: a reminder backlog (the dispatcher sends at up to the same rate)
would make every user's answer wait behind it. Here, by the lane of the calling task
(:mod:`storage.lanes`):

- urgent (a reply to words of crisis): never waits for the limiter (a 429 is still
  retried after the time Telegram asks for);
- normal (users' answers): as before;
- background (the reminder dispatcher): only while ``reserve`` calls of the current
  second are still free, so users' answers always find room.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from typing import Any

from telegram._utils.types import JSONDict
from telegram.ext import AIORateLimiter

from storage.lanes import Lane, current_lane


class LaneRateLimiter(AIORateLimiter):
    def __init__(self, *, max_retries: int = 3, rate: float = 30, reserve: int = 5) -> None:
        super().__init__(overall_max_rate=rate, max_retries=max_retries)
        self.reserve = reserve
        self._rate = rate

    async def _run_request(
        self,
        chat: bool,
        group: str | int | bool,
        allow_paid_broadcast: bool,
        callback: Callable[..., Coroutine[Any, Any, bool | JSONDict | list[JSONDict]]],
        args: Any,
        kwargs: dict[str, Any],
    ) -> bool | JSONDict | list[JSONDict]:
        lane = current_lane()
        base = self._base_limiter
        if lane == Lane.URGENT and not group:
            await self._retry_after_event.wait()
            return await callback(*args, **kwargs)
        if lane == Lane.BACKGROUND and chat and base is not None:
            while not base.has_capacity(1 + self.reserve):  # noqa: ASYNC110 - no event to wait on
                await asyncio.sleep(1 / self._rate)
        return await super()._run_request(chat, group, allow_paid_broadcast, callback, args, kwargs)
