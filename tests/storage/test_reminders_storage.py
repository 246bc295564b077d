"""Reminder rows on a real SQLite file: claims, moves, recovery, the next due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.domain.models import Role
from bot.domain.reminders import BookingPayload, Planned, ReminderKind
from storage import Database
from storage.reminders import RemindersRepo

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def plan(db: Database, ref: str, due_at: datetime, **extra: object) -> None:
    item = Planned(
        chat_id=1,
        role=Role.PUPIL,
        kind=ReminderKind.SESSION,
        ref=ref,
        due_at=due_at,
        payload=BookingPayload(booking_id=1),
        **extra,  # type: ignore[arg-type]
    )
    async with db.write() as conn:
        await RemindersRepo(conn).schedule([item])


async def test_a_claimed_row_is_claimed_by_nobody_else(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        for index in range(5):
            await plan(db, f"r{index}", T0)
        async with db.write() as conn:
            first = await RemindersRepo(conn).claim_due(T0, 3)
        async with db.write() as conn:
            second = await RemindersRepo(conn).claim_due(T0, 3)
        assert len(first) == 3 and len(second) == 2
        assert not {r.id for r in first} & {r.id for r in second}


async def test_next_due_is_the_earliest_pending(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        assert await RemindersRepo(db.reader).next_due_at() is None
        await plan(db, "late", T0 + timedelta(hours=2))
        await plan(db, "soon", T0 + timedelta(hours=1))
        assert await RemindersRepo(db.reader).next_due_at() == T0 + timedelta(hours=1)


async def test_a_sent_row_is_planned_again_only_when_moved(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "r", T0)
        async with db.write() as conn:
            [row] = await RemindersRepo(conn).claim_due(T0, 10)
            await RemindersRepo(conn).mark_sent([row.id], T0)
        await plan(db, "r", T0)
        assert [r.state for r in await RemindersRepo(db.reader).of_chat()] == ["sent"]
        await plan(db, "r", T0 + timedelta(days=1))
        assert [r.state for r in await RemindersRepo(db.reader).of_chat()] == ["pending"]


async def test_recovery_returns_rows_a_dead_process_claimed(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "r", T0)
        async with db.write() as conn:
            await RemindersRepo(conn).claim_due(T0, 10)
    async with Database(tmp_path / "r.db") as db:
        async with db.write() as conn:
            assert await RemindersRepo(conn).recover_interrupted() == 1
        [row] = await RemindersRepo(db.reader).of_chat()
        assert (row.state, row.attempts) == ("pending", 0)


async def test_overdue_rows_past_not_after_expire(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "gone", T0, not_after=T0 + timedelta(minutes=5))
        await plan(db, "fine", T0, not_after=T0 + timedelta(hours=5))
        async with db.write() as conn:
            assert await RemindersRepo(conn).expire_overdue(T0 + timedelta(hours=1)) == 1
        assert await RemindersRepo(db.reader).count_by_state() == {"expired": 1, "pending": 1}
