"""Questions whose answer arrives as a plain message (a note, an address, a reason).

An account has at most one open question, whichever feature asked it: asking a new one
replaces the old. The question is a typed model (:mod:`bot.domain.questions`) stored in
the database, so a restart forgets nothing, and mirrored in memory, so the Telegram
filter knows without a query whether a message is an answer, and to what.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import TypeVar

from bot.clock import Clock
from bot.domain.actor import Actor
from bot.domain.models import Model
from bot.domain.questions import OpenQuestion, Question
from storage.uow import Tx, UnitOfWork

Q = TypeVar("Q", bound=Model)


class Questions:
    """The open question of every account."""

    def __init__(
        self,
        uow: UnitOfWork,
        clock: Clock,
        timeout: timedelta,
        timeouts: Mapping[str, timedelta] | None = None,
    ) -> None:
        self.uow = uow
        self.clock = clock
        self.timeout = timeout
        # How long an answer is taken, by question kind (else ``timeout``).
        self.timeouts = dict(timeouts or {})
        self._open: dict[int, OpenQuestion] = {}

    async def load(self) -> None:
        """Read the open questions; run once the database is open."""
        async with self.uow.read() as tx:
            self._open = await tx.questions.all_open()

    def peek(self, telegram_id: int) -> Question | None:
        """The account's open question, if still fresh (from memory, no query)."""
        found = self._open.get(telegram_id)
        if found is None or found.until <= self.clock.now():
            return None
        return found.question

    def peek_as(self, telegram_id: int, kind: type[Q]) -> Q | None:
        """The open question if it is of this type."""
        found = self.peek(telegram_id)
        return found if isinstance(found, kind) else None

    async def ask(self, actor: Actor, question: Question) -> None:
        """Ask in a write of its own (a handler asking before the next screen)."""
        async with self.uow.single() as tx:
            await self.ask_in(tx, actor, question)

    async def ask_in(self, tx: Tx, actor: Actor, question: Question) -> None:
        """Ask inside the caller's transaction; it replaces any open question."""
        lasting = self.timeouts.get(question.kind, self.timeout)
        stored = OpenQuestion(question=question, until=self.clock.now() + lasting)
        await tx.questions.set(actor.telegram_id, stored)
        # The in-memory copy follows the database only once the transaction is committed.
        tx.after_commit(lambda: self._open.__setitem__(actor.telegram_id, stored))

    async def current(self, tx: Tx, actor: Actor, kind: type[Q]) -> Q | None:
        """The open question of this type, read in the caller's transaction."""
        stored = await tx.questions.get(actor.telegram_id)
        if stored is None or stored.until <= self.clock.now():
            return None
        return stored.question if isinstance(stored.question, kind) else None

    async def end(self, actor: Actor) -> None:
        """Close the open question, if any (nothing is written when there is none)."""
        if actor.telegram_id not in self._open:
            return
        async with self.uow.single() as tx:
            await self.end_in(tx, actor)

    async def end_in(self, tx: Tx, actor: Actor, kind: type[Model] | None = None) -> None:
        """Close the open question (only if of ``kind``, when given)."""
        found = self._open.get(actor.telegram_id)
        if kind is not None and found is not None and not isinstance(found.question, kind):
            return
        await tx.questions.clear(actor.telegram_id)
        tx.after_commit(lambda: self._forget(actor.telegram_id))

    def _forget(self, telegram_id: int) -> None:
        self._open.pop(telegram_id, None)

    def forget(self, telegram_id: int) -> None:
        """The account was erased: its question went with it."""
        self._open.pop(telegram_id, None)
