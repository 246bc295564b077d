"""10,000 reminders due at one moment, sent through the real Telegram adapter.

``python -m bench.bench_dispatch [--count 10000] [--rate 30]`` prints how long the
dispatch took against the ideal ``count / rate`` (goal: at least 90 % of the configured
rate), how many were lost and doubled (sendMessage calls per chat), and then the
dispatcher's own rate with the limits lifted, over the in-process Bot API.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from telegram.ext import ExtBot

from bot.clock import FakeClock
from bot.config import RemindersConfig
from bot.domain.models import Role
from bot.domain.reminders import (
    AgendaPayload,
    Fact,
    Planned,
    Recipient,
    Reminder,
    ReminderKind,
)
from bot.i18n import Texts, Translator
from bot.localchat.transport import InProcessBotApi
from bot.services.reminders.dispatcher import Dispatcher
from bot.services.reminders.planner import ReminderService
from handlers.sender import Renderers, TelegramSender
from handlers.ui import Reply
from storage import Database
from storage.uow import UnitOfWork

DUE = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
FIRST_CHAT = 10_000_000


class Due(Fact):
    """The benchmark's fact: which reminder is due."""

    ref: str
    reminder_id: int


async def _load(reminder: Reminder) -> Fact | None:
    return Due(ref=reminder.ref, reminder_id=reminder.id)


def _render(fact: Due, to: Recipient, texts: Texts) -> Reply:
    return Reply(text=f"Reminder {fact.ref}", rows=(((texts("OK"), f"bn:ok:{fact.reminder_id}"),),))


async def run(count: int, rate: float, per_chat: float, folder: Path) -> tuple[float, int, int]:
    """Seconds taken, chats that got nothing, chats that got more than one message."""
    config = RemindersConfig(rate_per_second=rate, per_chat_seconds=per_chat)
    db = Database(folder / f"bench-{rate}.sqlite3")
    await db.open()
    clock = FakeClock(DUE)
    uow = UnitOfWork(db)
    service = ReminderService(clock, config)
    service.register(ReminderKind.AGENDA, _load)
    dispatcher = Dispatcher(uow, service)
    payload = AgendaPayload(specialist_id=1, day=DUE.date())
    items = [
        Planned(
            chat_id=FIRST_CHAT + index,
            role=Role.SPECIALIST,
            kind=ReminderKind.AGENDA,
            ref=f"b:{index}",
            due_at=DUE,
            payload=payload,
        )
        for index in range(count)
    ]
    async with uow.write() as tx:
        await service.plan(tx, items)
    api = InProcessBotApi()
    bot: ExtBot[None] = ExtBot("1:bench", request=api, get_updates_request=api)
    await bot.initialize()
    renderers = Renderers()
    renderers.register(Due, _render)
    sender = TelegramSender(bot, Translator(), renderers)
    started = time.perf_counter()
    report = await dispatcher.dispatch_due(sender)
    elapsed = time.perf_counter() - started
    per_chat_sent = Counter(o.chat_id for o in api.outgoing if o.method == "sendMessage")
    lost = sum(1 for index in range(count) if per_chat_sent[FIRST_CHAT + index] == 0)
    doubled = sum(1 for n in per_chat_sent.values() if n > 1)
    async with uow.read() as tx:
        states = await tx.reminders.count_by_state()
    assert report.sent == states.get("sent", 0) == count - lost, (report, states)
    await bot.shutdown()
    await dispatcher.stop()
    await db.close()
    return elapsed, lost, doubled


async def main(count: int, rate: float) -> dict[str, float]:
    """Print the figure; return the share of the rate reached, lost, doubled, free rate."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        ideal = count / rate
        print(f"{count} reminders due at once to {count} chats, rate {rate:g}/s, 1 s per chat")
        elapsed, lost, doubled = await run(count, rate, 1.0, folder)
        share = 100 * ideal / elapsed
        print(f"  dispatch took {elapsed:.1f} s, ideal {ideal:.1f} s")
        print(f"  reached {count / elapsed:.2f} msg/s = {share:.1f} % of the rate (goal >= 90 %)")
        print(f"  lost {lost}, doubled {doubled} (goal 0 and 0)")
        print(f"{count} reminders with the limits lifted (rate 0, no per-chat gap)")
        free_elapsed, free_lost, free_doubled = await run(count, 0, 0, folder)
        print(f"  dispatch took {free_elapsed:.2f} s: {count / free_elapsed:.0f} msg/s")
        print(f"  lost {free_lost}, doubled {free_doubled}")
    return {
        "dispatch_share": share,
        "dispatch_lost": float(lost + free_lost),
        "dispatch_doubled": float(doubled + free_doubled),
        "dispatch_free_rate": count / free_elapsed,
        "dispatch_count": float(count),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=30.0)
    parser.add_argument("--quick", action="store_true", help="1,000 reminders")
    arguments = parser.parse_args()
    count = 1_000 if arguments.quick else arguments.count
    asyncio.run(main(count, arguments.rate))
