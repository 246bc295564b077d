"""Few trips to the database threads: "Book" in a handful of statements, reads in one or two,
audit rows of reads group-committed and never lost, slot making in short chunks,
checkpoints in the background."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bench.trips import TripCounter
from bot.clock import FakeClock
from bot.config import Config
from bot.domain.consultations import BookingState
from bot.domain.models import Role
from bot.runtime import Services
from storage.audit import AuditRepo
from storage.checkpoints import Checkpointer
from tests.factories import World, actor_of, add_slot, link, make_world

RIGA = ZoneInfo("Europe/Riga")
PUPIL, GUARDIAN, TEACHER = 101, 102, 103


@pytest.fixture
async def env(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Services, World]]:
    services = Services.create(config, clock)
    await services.open()
    world = await make_world(services.db)
    await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(services.db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    yield services, world
    await services.close()


def counter(services: Services) -> TripCounter:
    return TripCounter(services.db.reader, services.db.writer)


async def test_book_is_five_trips_and_plans_every_reminder_and_notice(
    env: tuple[Services, World],
) -> None:
    services, world = env
    slot = await add_slot(services.db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
    pupil = await actor_of(services, PUPIL)
    offers = await services.booking.offers(pupil, world.pupil_id)
    measure = next(o.measure_id for o in offers if o.subject)
    trips = counter(services)
    with trips.counting() as booked:
        change = await services.booking.book(pupil, world.pupil_id, measure, slot)
    # BEGIN, take the slot with the terms and parties, INSERT, the reminders, COMMIT.
    assert booked.count == 5, booked.statements
    assert change.booking.state == BookingState.CONFIRMED and change.booking.call_link
    kinds = {(r.chat_id, r.kind.value) for r in await _pending(services)}
    assert (PUPIL, "session") in kinds and (GUARDIAN, "notice") in kinds
    assert (TEACHER, "agenda") in kinds and (PUPIL, "evidence") in kinds


async def _pending(services: Services) -> list:  # type: ignore[type-arg]
    async with services.uow.read() as tx:
        return [r for r in await tx.reminders.of_chat(None) if r.state == "pending"]


async def test_screens_that_only_read_take_one_or_two_trips(env: tuple[Services, World]) -> None:
    services, world = env
    await add_slot(services.db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
    pupil = await actor_of(services, PUPIL)
    trips = counter(services)
    with trips.counting() as offers_trips:
        offers = await services.booking.offers(pupil, world.pupil_id)
    maths = next(o.measure_id for o in offers if o.subject)
    with trips.counting() as slots_trips:
        page = await services.booking.slot_page(pupil, world.pupil_id, maths)
    with trips.counting() as mine_trips:
        await services.booking.my_bookings(pupil)
    assert (offers_trips.count, slots_trips.count, mine_trips.count) == (1, 2, 1)
    assert page.slots


async def _booked(services: Services, world: World) -> None:
    slot = await add_slot(services.db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
    pupil = await actor_of(services, PUPIL)
    offers = await services.booking.offers(pupil, world.pupil_id)
    measure = next(o.measure_id for o in offers if o.subject)
    await services.booking.book(pupil, world.pupil_id, measure, slot)


async def test_a_parents_reads_are_audited_without_a_write_transaction(
    env: tuple[Services, World],
) -> None:
    services, world = env
    await _booked(services, world)
    parent = await actor_of(services, GUARDIAN)
    trips = counter(services)
    with trips.counting() as read:
        await asyncio.gather(*(services.booking.my_bookings(parent) for _ in range(5)))
    # Five screens, five reads; their audit rows in one statement each at most (how many
    # arrive while an insert is under way depends on the scheduler: the next test pins it).
    inserts = [s for s in read.statements if "INSERT INTO audit_log" in s]
    assert 1 <= len(inserts) <= 5, read.statements
    assert not any("BEGIN" in s for s in read.statements)
    rows = await AuditRepo(services.db.reader).of_subject(f"pupil:{world.pupil_id}")
    assert len([r for r in rows if r.action == "read_booking"]) == 5


async def test_audit_rows_that_arrive_during_a_write_go_in_together(
    env: tuple[Services, World],
) -> None:
    services, _ = env
    writer = services.uow.audit_writer
    real = services.db.single
    gate = asyncio.Event()

    @contextlib.asynccontextmanager
    async def held() -> AsyncIterator[Any]:
        await gate.wait()  # the first write holds on here while four more arrive
        async with real() as conn:
            yield conn

    services.db.single = held  # type: ignore[method-assign]
    row = ("2026-12-01T07:00:00+00:00", GUARDIAN, "read_booking", "pupil:1", "")
    trips = counter(services)
    with trips.counting() as wrote:
        first = asyncio.create_task(writer.write([row]))
        await asyncio.sleep(0)
        others = [asyncio.create_task(writer.write([row])) for _ in range(4)]
        await asyncio.sleep(0)
        gate.set()
        await asyncio.gather(first, *others)
    services.db.single = real  # type: ignore[method-assign]
    inserts = [s for s in wrote.statements if "INSERT INTO audit_log" in s]
    assert len(inserts) == 2, wrote.statements  # the first alone, then the four together
    rows = await AuditRepo(services.db.reader).of_subject("pupil:1")
    assert len(rows) == 5


async def test_audit_rows_that_failed_to_be_written_go_with_the_next_write(
    env: tuple[Services, World],
) -> None:
    services, world = env
    await _booked(services, world)
    parent = await actor_of(services, GUARDIAN)
    writer = services.uow.audit_writer
    real = services.db.single
    services.db.single = lambda: (_ for _ in ()).throw(RuntimeError("disk full"))  # type: ignore[method-assign]
    with pytest.raises(RuntimeError):
        await services.booking.my_bookings(parent)
    services.db.single = real  # type: ignore[method-assign]
    await services.booking.my_bookings(parent)
    assert writer._rows == []
    rows = await AuditRepo(services.db.reader).of_subject(f"pupil:{world.pupil_id}")
    assert len([r for r in rows if r.action == "read_booking"]) == 2


async def test_slot_making_holds_the_writer_in_short_chunks(
    env: tuple[Services, World],
) -> None:
    services, world = env
    async with services.db.write() as conn:
        await conn.executemany(
            "INSERT INTO availability_rules (specialist_id, weekday, start_time, end_time,"
            " slot_minutes, valid_from) VALUES (?, ?, ?, ?, 60, '2026-12-01')",
            [
                (specialist, day, f"{hour:02d}:00", f"{hour + 1:02d}:00")
                for specialist in (world.teacher_id, world.psychologist_id)
                for day in range(1, 6)
                for hour in range(8, 20)
            ],
        )
    transactions = 0
    real = services.db.write

    def counting_write():  # type: ignore[no-untyped-def]
        nonlocal transactions
        transactions += 1
        return real()

    services.db.write = counting_write  # type: ignore[method-assign]
    made = await services.availability.ensure_slots(hold_seconds=0.0)
    services.db.write = real  # type: ignore[method-assign]
    # 120 rules: the first chunk of 20, then one rule a chunk (asked to hold for no time).
    assert transactions == 1 + 100
    async with services.db.reader.execute("SELECT count(*) FROM slots") as cursor:
        assert (await cursor.fetchone())[0] == made > 0
    assert await services.availability.ensure_slots() == 0


async def test_the_checkpointer_empties_the_wal_when_writes_stop(
    env: tuple[Services, World],
) -> None:
    services, world = env
    checkpointer = Checkpointer(services.db, interval=60, idle_seconds=0.01)
    await checkpointer.start()
    try:
        await add_slot(services.db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
        assert checkpointer.wal_bytes() > 0
        async with services.db.writer.execute("PRAGMA wal_autocheckpoint") as cursor:
            assert (await cursor.fetchone())[0] == 0
        await asyncio.sleep(0.02)
        assert await checkpointer.step() == "truncate"
        assert checkpointer.wal_bytes() == 0
    finally:
        await checkpointer.stop()
