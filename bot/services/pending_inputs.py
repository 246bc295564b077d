"""Questions whose answer arrives as a plain message (a note, a reason, a time).

Kept in the database so a restart forgets nothing, and mirrored in memory so the text
handler's filter can tell, without a query, whether a message is an answer for us.
"""

from __future__ import annotations

from datetime import timedelta

from bot.clock import Clock
from bot.domain.booking import Awaiting
from storage import Database
from storage import awaiting as repo


class PendingInputs:
    def __init__(self, db: Database, clock: Clock, timeout_minutes: int) -> None:
        self.db = db
        self.clock = clock
        self.timeout = timedelta(minutes=timeout_minutes)
        self._cache: dict[int, Awaiting] = {}

    async def load(self) -> None:
        self._cache = await repo.all_awaiting(self.db.reader)

    def peek(self, telegram_id: int) -> Awaiting | None:
        """The open question of this account, if it is still fresh."""
        awaiting = self._cache.get(telegram_id)
        if awaiting is None or self.clock.now() - awaiting.since > self.timeout:
            return None
        return awaiting

    async def ask(
        self, telegram_id: int, what: str, args: tuple[int, ...] = (), draft: str = ""
    ) -> Awaiting:
        awaiting = Awaiting(what=what, args=args, draft=draft, since=self.clock.now())
        async with self.db.write() as conn:
            await repo.save_awaiting(conn, telegram_id, awaiting)
        self._cache[telegram_id] = awaiting
        return awaiting

    async def clear(self, telegram_id: int) -> None:
        if self._cache.pop(telegram_id, None) is None:
            return
        async with self.db.write() as conn:
            await repo.clear_awaiting(conn, telegram_id)
