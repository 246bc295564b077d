"""Free text is erased once it has been kept as long as configured."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.clock import FakeClock
from bot.config import LinkingConfig, PrivacyConfig
from bot.domain.models import Role
from bot.domain.reminders import ClaimPayload, Planned, ReminderKind
from bot.services.retention import RetentionService
from storage import to_db_time
from storage.db import Connection, Database
from storage.uow import UnitOfWork
from tests.conftest import BotHarness
from tests.e2e.test_erase import deliver
from tests.factories import link


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


async def test_each_kind_is_kept_as_long_as_configured_and_then_pruned(
    harness: BotHarness, clock: FakeClock
) -> None:
    """Strangers, reminders done with, audit rows, crisis records, codes: none forever."""
    services = harness.services
    await link(services.db, 90, Role.PUPIL, harness.world.pupil_id)  # linked: stays
    for stranger in range(91, 96):
        await harness.tg.send(harness.user(stranger), "/start WRONGCDE")
    await harness.tg.send(harness.user(90), "es gribu nogalināt sevi")
    await services.linking.issue_codes("S1", [Role.GUARDIAN])
    async with services.uow.write() as tx:
        await services.reminders.plan(
            tx,
            [
                Planned(
                    chat_id=90,
                    role=Role.PUPIL,
                    kind=ReminderKind.CLAIM_DECIDED,
                    ref="meals:claim:1",
                    due_at=clock.now(),
                    payload=ClaimPayload(claim_id=1),
                )
            ],
        )
        await tx.audit.add_reads(clock.now(), 90, "read_plan", [harness.world.second_pupil_id])
    await deliver(harness)  # done with (expired: there is no such claim); kept a while
    assert await counts(services.db) == {
        "accounts": 6,
        "audit_log": 2,  # the read, and the codes issued
        "crisis_events": 1,
        "link_codes": 1,
        "link_failures": 5,
        "reminders": 1,
    }
    clock.advance(timedelta(days=15))
    report = await services.retention.prune()
    # Codes expired (after 14 days), wrong tries long forgotten; the rest is young yet.
    assert (report.codes, report.link_failures, report.accounts, report.reminders) == (1, 5, 0, 0)
    clock.advance(timedelta(days=16))  # 31 days: strangers and the old reminder go
    report = await services.retention.prune()
    assert (report.accounts, report.reminders, report.crisis_events) == (5, 1, 0)
    clock.advance(timedelta(days=335))  # 366 days
    assert (await services.retention.prune()).crisis_events == 1
    clock.advance(timedelta(days=365))  # 731 days
    assert (await services.retention.prune()).audit_rows == 2
    assert {k: v for k, v in (await counts(services.db)).items() if v} == {"accounts": 1}


async def counts(db: Database) -> dict[str, int]:
    found = {}
    for table in ("accounts", "audit_log", "crisis_events", "link_codes", "link_failures",
                  "reminders"):  # fmt: skip
        async with db.reader.execute(f"SELECT count(*) FROM {table}") as cursor:
            found[table] = int((await cursor.fetchone())[0])
    return found
