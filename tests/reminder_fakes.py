"""Fakes for the reminder engine: a recording Sender, a fake monotonic clock, a world."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.config import RemindersConfig
from bot.domain.models import OutgoingMessage, Reminder
from bot.i18n import Texts, Translator
from bot.services.reminders import ReminderService
from storage import Database


class FakeMonotonic:
    """Machine time that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class FakeSender:
    """Records what was sent; ``fail`` holds exceptions to raise for a chat, in order."""

    monotonic: FakeMonotonic | None = None
    sent: list[tuple[int, OutgoingMessage, float]] = field(default_factory=list)
    fail: dict[int, list[Exception]] = field(default_factory=dict)
    after_send: Callable[[int], None] | None = None

    async def send(self, chat_id: int, message: OutgoingMessage) -> None:
        await asyncio.sleep(0)
        queue = self.fail.get(chat_id)
        if queue:
            raise queue.pop(0)
        self.sent.append((chat_id, message, self.monotonic() if self.monotonic else 0.0))
        if self.after_send is not None:
            self.after_send(len(self.sent))

    def texts(self) -> list[str]:
        return [message.text for _, message, _ in self.sent]

    def per_chat(self) -> Counter[int]:
        return Counter(chat_id for chat_id, _, _ in self.sent)


async def say_kind_and_ref(reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
    """The test renderer: '<kind> <ref>' and one button."""
    return OutgoingMessage(text=f"{reminder.kind} {reminder.ref}", buttons=((("OK", "t:ok"),),))


def reminder_config(**overrides: Any) -> RemindersConfig:
    # No pacing unless a test asks for it: tests must not sleep.
    values: dict[str, Any] = {"rate_per_second": 0, "per_chat_seconds": 0}
    values.update(overrides)
    return RemindersConfig(**values)


@asynccontextmanager
async def reminder_service(
    path: Path,
    clock: FakeClock,
    config: RemindersConfig | None = None,
    monotonic: FakeMonotonic | None = None,
) -> AsyncIterator[ReminderService]:
    """A ReminderService over a real SQLite file, with the test renderers registered."""
    db = Database(path)
    await db.open()
    service = ReminderService(db, clock, config or reminder_config(), Translator())
    if monotonic is not None:
        service.dispatcher.pacer.monotonic = monotonic
        service.dispatcher.pacer.sleep = monotonic.sleep
    for kind in ("session", "evidence", "agenda", "meal_tomorrow", "delivery_list"):
        service.register(kind, say_kind_and_ref)
    try:
        yield service
    finally:
        await service.close()
        await db.close()


async def add_account(db: Database, telegram_id: int, language: str = "lv") -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO accounts (telegram_id, language, created_at)"
            " VALUES (?, ?, '2026-01-01')",
            (telegram_id, language),
        )
