"""Typed answers the meals feature waits for (an address, a phone, a claim's amount).

What is awaited is a row in ``account_settings`` (so a restart forgets nothing); a copy
of who awaits is kept in memory so the Telegram filter can decide synchronously whether
a message is ours, and lets every other text fall through to the features after us.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from storage import Database
from storage import meals as repo
from storage.db import Connection, from_db_time, to_db_time


class AwaitingInput:
    def __init__(self, clock: Clock, timeout_minutes: int) -> None:
        self.clock = clock
        self.timeout = timedelta(minutes=timeout_minutes)
        self._until: dict[int, datetime] = {}

    async def load(self, db: Database) -> None:
        """Read who awaits input; run once the database is open."""
        for telegram_id, value in (await repo.all_awaiting(db.reader)).items():
            until = value.get("until")
            if isinstance(until, str):
                self._until[telegram_id] = from_db_time(until)

    def awaits(self, telegram_id: int) -> bool:
        until = self._until.get(telegram_id)
        return until is not None and until > self.clock.now()

    async def begin(self, conn: Connection, telegram_id: int, value: dict[str, Any]) -> None:
        until = self.clock.now() + self.timeout
        await repo.set_awaiting(conn, telegram_id, {**value, "until": to_db_time(until)})
        self._until[telegram_id] = until

    async def current(self, conn: Connection, telegram_id: int) -> dict[str, Any] | None:
        value = await repo.get_awaiting(conn, telegram_id)
        if value is None:
            self._until.pop(telegram_id, None)
            return None
        until = value.get("until")
        if not isinstance(until, str) or from_db_time(until) <= self.clock.now():
            return None
        return value

    async def end(self, conn: Connection, telegram_id: int) -> None:
        await repo.clear_awaiting(conn, telegram_id)
        self._until.pop(telegram_id, None)
