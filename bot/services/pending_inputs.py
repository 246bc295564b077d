"""The consultations feature's typed answers (a note, a reason, a time), on the shared store."""

from __future__ import annotations

from bot.domain.booking import Awaiting
from bot.services.awaiting import FeatureAnswers
from storage import Database


class PendingInputs:
    """Ask, peek and clear in one call each, for handlers that do just that."""

    def __init__(self, db: Database, answers: FeatureAnswers) -> None:
        self.db = db
        self.answers = answers

    def peek(self, telegram_id: int) -> Awaiting | None:
        """The open question of this account, if it is ours and still fresh."""
        value = self.answers.peek(telegram_id)
        return Awaiting.model_validate(value) if value is not None else None

    async def ask(
        self, telegram_id: int, what: str, args: tuple[int, ...] = (), draft: str = ""
    ) -> Awaiting:
        now = self.answers.shared.clock.now()
        awaiting = Awaiting(what=what, args=args, draft=draft, since=now)
        async with self.db.write() as conn:
            await self.answers.begin(conn, telegram_id, awaiting.model_dump(mode="json"))
        return awaiting

    async def clear(self, telegram_id: int) -> None:
        if not self.answers.awaits(telegram_id):
            return
        async with self.db.write() as conn:
            await self.answers.end(conn, telegram_id)
