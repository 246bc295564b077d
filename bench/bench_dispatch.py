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
from bot.domain.models import OutgoingMessage, Reminder, Role
from bot.i18n import Texts, Translator
from bot.localchat.transport import InProcessBotApi
from bot.services.reminders import ReminderService
from handlers.sender import TelegramSender
from storage import Database
from storage import reminders as repo

DUE = datetime(2026, 12, 1, 7, 0, tzinfo=UTC)
FIRST_CHAT = 10_000_000


async def _render(reminder: Reminder, texts: Texts) -> OutgoingMessage | None:
    return OutgoingMessage(
        text=f"Reminder {reminder.ref}", buttons=(((texts("OK"), f"bn:ok:{reminder.id}"),),)
    )


async def run(count: int, rate: float, per_chat: float, folder: Path) -> tuple[float, int, int]:
    """Seconds taken, chats that got nothing, chats that got more than one message."""
    config = RemindersConfig(rate_per_second=rate, per_chat_seconds=per_chat)
    db = Database(folder / f"bench-{rate}.sqlite3")
    await db.open()
    clock = FakeClock(DUE)
    service = ReminderService(db, clock, config, Translator())
    service.register("bench", _render)
    async with db.write() as conn:
        for index in range(count):
            await service.plan(
                conn,
                chat_id=FIRST_CHAT + index,
                role=Role.SPECIALIST,
                kind="bench",
                ref=f"b:{index}",
                due_at=DUE,
            )
    api = InProcessBotApi()
    bot: ExtBot[None] = ExtBot("1:bench", request=api, get_updates_request=api)
    await bot.initialize()
    sender = TelegramSender(bot)
    started = time.perf_counter()
    report = await service.dispatch_due(sender)
    elapsed = time.perf_counter() - started
    per_chat_sent = Counter(o.chat_id for o in api.outgoing if o.method == "sendMessage")
    lost = sum(1 for index in range(count) if per_chat_sent[FIRST_CHAT + index] == 0)
    doubled = sum(1 for n in per_chat_sent.values() if n > 1)
    states = await repo.count_by_state(db.reader)
    assert report.sent == states.get("sent", 0) == count - lost, (report, states)
    await bot.shutdown()
    await service.close()
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
