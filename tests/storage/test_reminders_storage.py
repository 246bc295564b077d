"""Reminder rows on a real SQLite file: claims, moves, recovery, the next due time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from storage import Database
from storage import reminders as repo

T0 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


async def plan(db: Database, ref: str, due_at: datetime, **extra: object) -> None:
    async with db.write() as conn:
        await repo.schedule_reminder(
            conn,
            chat_id=1,
            role="pupil",
            kind="k",
            ref=ref,
            due_at=due_at,
            **extra,  # type: ignore[arg-type]
        )


async def test_a_claimed_row_is_claimed_by_nobody_else(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        for index in range(5):
            await plan(db, f"r{index}", T0)
        async with db.write() as conn:
            first = await repo.claim_due(conn, T0, 3)
        async with db.write() as conn:
            second = await repo.claim_due(conn, T0, 3)
        assert len(first) == 3 and len(second) == 2
        assert not {r.id for r in first} & {r.id for r in second}


async def test_next_due_is_the_earliest_pending(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        assert await repo.next_due_at(db.reader) is None
        await plan(db, "late", T0 + timedelta(hours=2))
        await plan(db, "soon", T0 + timedelta(hours=1))
        assert await repo.next_due_at(db.reader) == T0 + timedelta(hours=1)


async def test_a_sent_row_is_planned_again_only_when_moved(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "r", T0)
        async with db.write() as conn:
            [row] = await repo.claim_due(conn, T0, 10)
            await repo.mark_sent(conn, [row.id], T0)
        await plan(db, "r", T0)
        assert [r.state for r in await repo.list_reminders(db.reader)] == ["sent"]
        await plan(db, "r", T0 + timedelta(days=1))
        assert [r.state for r in await repo.list_reminders(db.reader)] == ["pending"]


async def test_recovery_returns_rows_a_dead_process_claimed(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "r", T0)
        async with db.write() as conn:
            await repo.claim_due(conn, T0, 10)
    async with Database(tmp_path / "r.db") as db:
        async with db.write() as conn:
            assert await repo.recover_interrupted(conn) == 1
        [row] = await repo.list_reminders(db.reader)
        assert (row.state, row.attempts) == ("pending", 0)


async def test_overdue_rows_past_not_after_expire(tmp_path: Path) -> None:
    async with Database(tmp_path / "r.db") as db:
        await plan(db, "gone", T0, not_after=T0 + timedelta(minutes=5))
        await plan(db, "fine", T0, not_after=T0 + timedelta(hours=5))
        async with db.write() as conn:
            assert await repo.expire_overdue(conn, T0 + timedelta(hours=1)) == 1
        assert await repo.count_by_state(db.reader) == {"expired": 1, "pending": 1}
