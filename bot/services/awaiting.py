"""Questions whose answer arrives as a plain message (an address, a note, a reason).

Every feature asks through :class:`AwaitedAnswers`, so an account has at most one open
question: asking a new one replaces the old, whichever feature asked it. The question is
a row in ``account_settings`` (a restart forgets nothing) and is mirrored in memory, so a
Telegram filter can tell without a query whether a message answers *its* feature's
question and let every other text fall through to the handlers after it.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.clock import Clock
from storage import Database
from storage import awaiting as repo
from storage.db import Connection, from_db_time, to_db_time


class AwaitedAnswers:
    """The open question of every account, shared by all features."""

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        # account -> (feature, until, what was asked)
        self._open: dict[int, tuple[str, datetime, dict[str, Any]]] = {}

    async def load(self, db: Database) -> None:
        """Read the open questions; run once the database is open."""
        for telegram_id, stored in (await repo.all_awaiting(db.reader)).items():
            feature, until, value = stored.get("feature"), stored.get("until"), stored.get("value")
            if isinstance(feature, str) and isinstance(until, str) and isinstance(value, dict):
                self._open[telegram_id] = (feature, from_db_time(until), value)

    def peek(self, telegram_id: int, feature: str) -> dict[str, Any] | None:
        """What ``feature`` asked this account, if still open (from memory, no query)."""
        found = self._open.get(telegram_id)
        if found is None or found[0] != feature or found[1] <= self.clock.now():
            return None
        return found[2]

    def awaits(self, telegram_id: int, feature: str) -> bool:
        """Whether ``feature`` waits for this account's next message (no query)."""
        return self.peek(telegram_id, feature) is not None

    async def begin(
        self,
        conn: Connection,
        telegram_id: int,
        feature: str,
        value: dict[str, Any],
        lasting: timedelta,
    ) -> None:
        until = self.clock.now() + lasting
        stored = {"feature": feature, "until": to_db_time(until), "value": value}
        await repo.set_awaiting(conn, telegram_id, stored)
        self._open[telegram_id] = (feature, until, value)

    async def current(
        self, conn: Connection, telegram_id: int, feature: str
    ) -> dict[str, Any] | None:
        """What ``feature`` asked this account, if it is still open."""
        stored = await repo.get_awaiting(conn, telegram_id)
        if stored is None or stored.get("feature") != feature:
            return None
        until = stored.get("until")
        value = stored.get("value")
        if not isinstance(until, str) or from_db_time(until) <= self.clock.now():
            return None
        return value if isinstance(value, dict) else None

    async def end(self, conn: Connection, telegram_id: int, feature: str) -> None:
        """Close ``feature``'s question (another feature's newer question stays)."""
        stored = await repo.get_awaiting(conn, telegram_id)
        if stored is not None and stored.get("feature") == feature:
            await repo.clear_awaiting(conn, telegram_id)
            self._open.pop(telegram_id, None)


class FeatureAnswers:
    """One feature's view of the shared questions, with its own timeout."""

    def __init__(self, shared: AwaitedAnswers, feature: str, timeout_minutes: int) -> None:
        self.shared = shared
        self.feature = feature
        self.timeout = timedelta(minutes=timeout_minutes)

    def awaits(self, telegram_id: int) -> bool:
        return self.shared.awaits(telegram_id, self.feature)

    def peek(self, telegram_id: int) -> dict[str, Any] | None:
        return self.shared.peek(telegram_id, self.feature)

    async def begin(self, conn: Connection, telegram_id: int, value: dict[str, Any]) -> None:
        await self.shared.begin(conn, telegram_id, self.feature, value, self.timeout)

    async def current(self, conn: Connection, telegram_id: int) -> dict[str, Any] | None:
        return await self.shared.current(conn, telegram_id, self.feature)

    async def end(self, conn: Connection, telegram_id: int) -> None:
        await self.shared.end(conn, telegram_id, self.feature)
