"""Free text is erased once it has been kept as long as configured."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.config import LinkingConfig, PrivacyConfig
from bot.services.retention import RetentionService
from storage import to_db_time
from storage.db import Connection
from storage.uow import UnitOfWork
from tests.conftest import BotHarness


async def test_old_booking_notes_are_erased_and_recent_ones_kept(
    harness: BotHarness, clock: FakeClock
) -> None:
    db = harness.services.db
    world = harness.world
    old_start = clock.now() - timedelta(days=100)
    new_start = clock.now() - timedelta(days=10)
    async with db.write() as conn:
        for start, note in ((old_start, "old note"), (new_start, "new note")):
            slot = await add_slot_row(conn, world.teacher_id, start)
            await conn.execute(
                "INSERT INTO bookings (slot_id, pupil_id, specialist_id, plan_id, kind, subject,"
                " starts_at, ends_at, minutes, booked_by, state, note, reason, created_at,"
                " updated_at) VALUES (?, ?, ?, ?, 'subject_consultation', 'Matemātika', ?, ?,"
                " 45, 1, 'held', ?, 'why', ?, ?)",
                (
                    slot,
                    world.pupil_id,
                    world.teacher_id,
                    world.plan_id,
                    to_db_time(start),
                    to_db_time(start + timedelta(minutes=45)),
                    note,
                    to_db_time(start),
                    to_db_time(start),
                ),
            )
    service = RetentionService(
        UnitOfWork(db), clock, PrivacyConfig(free_text_retention_days=90), LinkingConfig()
    )
    assert await service.erase_old_free_text() == 1
    async with db.reader.execute("SELECT note, reason FROM bookings ORDER BY starts_at") as cur:
        assert [tuple(r) for r in await cur.fetchall()] == [("", ""), ("new note", "why")]
    assert await service.erase_old_free_text() == 0


async def add_slot_row(conn: Connection, specialist_id: int, start: datetime) -> int:
    cursor = await conn.execute(
        "INSERT INTO slots (specialist_id, starts_at, ends_at, state) VALUES (?, ?, ?, 'booked')",
        (specialist_id, to_db_time(start), to_db_time(start + timedelta(minutes=45))),
    )
    return int(cursor.lastrowid or 0)
