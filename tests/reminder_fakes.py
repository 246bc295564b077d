"""Fakes for the reminder engine: a recording Sender, a fake monotonic clock, a rig."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from bot.clock import FakeClock
from bot.config import RemindersConfig
from bot.domain.models import Role
from bot.domain.reminders import (
    AgendaPayload,
    BookingPayload,
    CatererListPayload,
    DeliveryPayload,
    Fact,
    NoticePayload,
    Payload,
    Planned,
    Recipient,
    Reminder,
    ReminderKind,
)
from bot.services.reminders.dispatcher import Dispatcher, DispatchReport
from bot.services.reminders.planner import Loader, ReminderService
from storage import Database
from storage.uow import UnitOfWork


class Said(Fact):
    """The test fact: what the fake loader says a reminder is about."""

    text: str


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
    sent: list[tuple[int, Said, float]] = field(default_factory=list)
    fail: dict[int, list[Exception]] = field(default_factory=dict)
    after_send: Callable[[int], None] | None = None

    async def send(self, recipient: Recipient, fact: Fact) -> None:
        await asyncio.sleep(0)
        queue = self.fail.get(recipient.chat_id)
        if queue:
            raise queue.pop(0)
        assert isinstance(fact, Said)
        self.sent.append((recipient.chat_id, fact, self.monotonic() if self.monotonic else 0.0))
        if self.after_send is not None:
            self.after_send(len(self.sent))

    def texts(self) -> list[str]:
        return [fact.text for _, fact, _ in self.sent]

    def per_chat(self) -> Counter[int]:
        return Counter(chat_id for chat_id, _, _ in self.sent)


async def say_kind_and_ref(reminder: Reminder) -> Fact | None:
    """The test loader: '<kind>[:<minutes>] <ref>'."""
    kind = reminder.kind.value
    if reminder.variant is not None:
        kind = f"{kind}:{reminder.variant}"
    return Said(text=f"{kind} {reminder.ref}")


# A payload of each kind the tests plan; the fake loader does not read it.
_PAYLOADS: dict[ReminderKind, Payload] = {
    ReminderKind.SESSION: BookingPayload(booking_id=1),
    ReminderKind.EVIDENCE: BookingPayload(booking_id=1),
    ReminderKind.AGENDA: AgendaPayload(specialist_id=1, day=date(2026, 12, 1)),
    ReminderKind.MEAL_TOMORROW: DeliveryPayload(delivery_id=1),
    ReminderKind.CATERER_LIST: CatererListPayload(caterer_id=1, day=date(2026, 12, 1)),
    ReminderKind.NOTICE: NoticePayload(booking_id=1, event="moved"),
}
# The kinds the fake loader is registered for (NOTICE is left without a loader).
TEST_KINDS = tuple(kind for kind in _PAYLOADS if kind != ReminderKind.NOTICE)


def reminder_config(**overrides: Any) -> RemindersConfig:
    # No pacing unless a test asks for it: tests must not sleep.
    values: dict[str, Any] = {"rate_per_second": 0, "per_chat_seconds": 0}
    values.update(overrides)
    return RemindersConfig(**values)


@dataclass
class ReminderRig:
    """The reminder engine over a real SQLite file, with the fake loader registered."""

    db: Database
    uow: UnitOfWork
    service: ReminderService
    dispatcher: Dispatcher
    clock: FakeClock

    def register(self, kind: ReminderKind, loader: Loader) -> None:
        self.service.register(kind, loader)

    async def plan(
        self,
        *,
        chat_id: int,
        role: Role,
        kind: ReminderKind,
        ref: str,
        due_at: datetime,
        event_at: datetime | None = None,
        not_after: datetime | None = None,
    ) -> None:
        item = Planned(
            chat_id=chat_id,
            role=role,
            kind=kind,
            ref=ref,
            due_at=due_at,
            event_at=event_at,
            not_after=not_after,
            payload=_PAYLOADS[kind],
        )
        async with self.uow.write() as tx:
            await self.service.plan(tx, [item])

    async def plan_before(
        self, *, chat_id: int, role: Role, kind: ReminderKind, ref: str, event_at: datetime
    ) -> None:
        async with self.uow.write() as tx:
            await self.service.plan_before(
                tx,
                [Recipient(chat_id=chat_id, role=role)],
                kind=kind,
                ref=ref,
                event_at=event_at,
                payload=_PAYLOADS[kind],
            )

    async def cancel(self, ref: str, kinds: tuple[ReminderKind, ...] = ()) -> int:
        async with self.uow.write() as tx:
            return await self.service.cancel(tx, ref, kinds)

    async def dispatch_due(self, sender: FakeSender) -> DispatchReport:
        return await self.dispatcher.dispatch_due(sender)

    async def rows(self, chat_id: int | None = None) -> list[Reminder]:
        async with self.uow.read() as tx:
            return await tx.reminders.of_chat(chat_id)

    async def count_by_state(self) -> dict[str, int]:
        async with self.uow.read() as tx:
            return await tx.reminders.count_by_state()


@asynccontextmanager
async def reminder_service(
    path: Path,
    clock: FakeClock,
    config: RemindersConfig | None = None,
    monotonic: FakeMonotonic | None = None,
) -> AsyncIterator[ReminderRig]:
    """The reminder engine over a real SQLite file, with the fake loader registered."""
    db = Database(path)
    await db.open()
    uow = UnitOfWork(db)
    service = ReminderService(clock, config or reminder_config())
    dispatcher = Dispatcher(uow, service)
    if monotonic is not None:
        dispatcher.pacer.monotonic = monotonic
        dispatcher.pacer.sleep = monotonic.sleep
    for kind in TEST_KINDS:
        service.register(kind, say_kind_and_ref)
    try:
        yield ReminderRig(db, uow, service, dispatcher, clock)
    finally:
        await dispatcher.stop()
        await db.close()


async def add_account(db: Database, telegram_id: int, language: str = "lv") -> None:
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO accounts (telegram_id, language, created_at)"
            " VALUES (?, ?, '2026-01-01')",
            (telegram_id, language),
        )
