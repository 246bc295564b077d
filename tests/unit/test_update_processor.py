"""The update processor's mechanics, driven directly: keys, failures, cancellation, bound.

How it behaves inside the real Application is in tests/e2e/test_update_processor.py.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from datetime import UTC, datetime
from typing import Any

import pytest
from telegram import Chat, Message, Update, User

from bot.updates import SHARED_KEY, PerUserUpdateProcessor, sender_key

WHEN = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def _message(user_id: int | None, chat_id: int = 1) -> Update:
    user = User(user_id, "Test", is_bot=False) if user_id is not None else None
    chat = Chat(chat_id, Chat.PRIVATE if user_id else Chat.CHANNEL)
    message = Message(1, WHEN, chat, from_user=user, text="hi")
    if user is None:
        return Update(1, channel_post=message)
    return Update(1, message=message)


class Log:
    """Work that records when it starts and ends, and may fail."""

    def __init__(self) -> None:
        self.events: list[str] = []
        self.running = 0
        self.most_running = 0

    async def work(self, name: str, seconds: float = 0.01, fail: bool = False) -> None:
        self.events.append(f"start {name}")
        self.running += 1
        self.most_running = max(self.most_running, self.running)
        try:
            await asyncio.sleep(seconds)
            if fail:
                raise RuntimeError(name)
        finally:
            self.running -= 1
            self.events.append(f"end {name}")


def _start(
    processor: PerUserUpdateProcessor, update: object, work: Awaitable[Any]
) -> asyncio.Task[None]:
    # As PTB's fetcher does: one task per update, in the order they came.
    return asyncio.create_task(processor.process_update(update, work))


def test_updates_are_keyed_by_user_then_chat_then_shared() -> None:
    assert sender_key(_message(5, chat_id=-100)) == 5
    assert sender_key(_message(None, chat_id=-100)) == -100
    assert sender_key(Update(1)) == SHARED_KEY
    assert sender_key("not an update") == SHARED_KEY


def test_the_bound_must_be_positive() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        PerUserUpdateProcessor(0)
    assert PerUserUpdateProcessor(3).max_concurrent_updates == 3


async def test_a_failure_is_raised_to_ptb_and_the_users_next_update_runs() -> None:
    processor, log = PerUserUpdateProcessor(4), Log()
    first = _start(processor, _message(1), log.work("a1", 0.05, fail=True))
    second = _start(processor, _message(1), log.work("a2"))
    with pytest.raises(RuntimeError, match="a1"):
        await first
    await second
    assert log.events == ["start a1", "end a1", "start a2", "end a2"]
    assert processor.pending_updates == 0


async def test_no_more_than_the_bound_run_at_once_and_state_is_dropped() -> None:
    processor, log = PerUserUpdateProcessor(3), Log()
    tasks = [_start(processor, _message(n % 10), log.work(str(n))) for n in range(50)]
    await asyncio.gather(*tasks)
    assert log.most_running == 3
    assert processor.pending_updates == processor.current_concurrent_updates == 0
    assert processor._senders == {}  # nothing kept per user once idle


async def test_a_cancelled_update_neither_breaks_the_order_nor_keeps_its_slot() -> None:
    processor, log = PerUserUpdateProcessor(1), Log()
    running = _start(processor, _message(1), log.work("a1", 0.05))
    waiting_for_turn = _start(processor, _message(1), log.work("a2"))
    waiting_for_slot = _start(processor, _message(2), log.work("b1"))
    after = _start(processor, _message(1), log.work("a3"))
    last = _start(processor, _message(3), log.work("c1"))
    await asyncio.sleep(0.01)
    waiting_for_turn.cancel()
    waiting_for_slot.cancel()
    await asyncio.gather(running, after, last)
    assert log.events == ["start a1", "end a1", "start c1", "end c1", "start a3", "end a3"]
    assert processor.pending_updates == processor.current_concurrent_updates == 0


async def test_an_urgent_update_does_not_wait_for_other_users() -> None:
    processor, log = PerUserUpdateProcessor(1), Log()
    processor.urgent = lambda update: (
        update.effective_user is not None and (update.effective_user.id == 9)
    )
    busy = [_start(processor, _message(n), log.work(f"u{n}", 0.05)) for n in range(1, 4)]
    urgent = _start(processor, _message(9), log.work("urgent"))
    await urgent
    assert log.events[:3] == ["start u1", "start urgent", "end urgent"]
    await asyncio.gather(*busy)


async def test_a_failing_urgent_check_only_makes_the_update_wait_its_turn(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def broken(update: Update) -> bool:
        raise KeyError("bug")

    processor, log = PerUserUpdateProcessor(1, urgent=broken), Log()
    await asyncio.gather(
        _start(processor, _message(1), log.work("a")), _start(processor, _message(2), log.work("b"))
    )
    assert log.events == ["start a", "end a", "start b", "end b"]
    assert "urgent-update check failed" in caplog.text


async def test_shutdown_waits_for_the_updates_in_flight() -> None:
    processor, log = PerUserUpdateProcessor(2), Log()
    tasks = [_start(processor, _message(n % 3), log.work(str(n), 0.02)) for n in range(6)]
    await asyncio.sleep(0)  # handed over
    async with processor:
        pass  # initialize, then shutdown
    assert log.events.count("end 5") == 1 and len(log.events) == 12
    assert all(task.done() for task in tasks)
