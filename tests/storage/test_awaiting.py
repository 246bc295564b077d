"""One open typed question per account, shared by every feature, kept across restarts."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.domain.actor import Actor
from bot.domain.questions import BookingNote, DayOff, WeeklyHours
from bot.services.questions import Questions
from storage import Database
from storage.uow import UnitOfWork

ACTOR = Actor(telegram_id=7)


async def _account(uow: UnitOfWork, clock: FakeClock) -> None:
    async with uow.write() as tx:
        await tx.accounts.ensure(ACTOR.telegram_id, "lv", clock.now())


async def test_a_new_question_replaces_another_and_survives_a_restart(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        uow = UnitOfWork(db)
        await _account(uow, clock)
        questions = Questions(uow, clock, timedelta(minutes=30))
        await questions.ask(ACTOR, WeeklyHours(weekday=2))
        await questions.ask(ACTOR, BookingNote(pupil_id=1, measure_id=2, slot_id=3))
        assert questions.peek_as(7, WeeklyHours) is None
        assert questions.peek_as(7, BookingNote) == BookingNote(pupil_id=1, measure_id=2, slot_id=3)

        restarted = Questions(uow, clock, timedelta(minutes=30))
        await restarted.load()
        assert isinstance(restarted.peek(7), BookingNote)


async def test_a_question_expires(tmp_path: Path, clock: FakeClock) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        uow = UnitOfWork(db)
        await _account(uow, clock)
        questions = Questions(uow, clock, timedelta(minutes=30))
        await questions.ask(ACTOR, DayOff())
        clock.advance(timedelta(minutes=31))
        assert questions.peek(7) is None
        async with uow.read() as tx:
            assert await questions.current(tx, ACTOR, DayOff) is None


async def test_memory_follows_the_database_only_when_the_transaction_commits(
    tmp_path: Path, clock: FakeClock
) -> None:
    async with Database(tmp_path / "a.sqlite3") as db:
        uow = UnitOfWork(db)
        await _account(uow, clock)
        questions = Questions(uow, clock, timedelta(minutes=30))
        with pytest.raises(RuntimeError):
            async with uow.write() as tx:
                await questions.ask_in(tx, ACTOR, DayOff())
                raise RuntimeError("a later step of the same transaction failed")
        assert questions.peek(7) is None
        async with uow.read() as tx:
            assert await tx.questions.get(7) is None
