"""Booking rules against a real SQLite file: races, quota, notice, horizon, cut-off, rights."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import Config, parse_config
from bot.domain.consultations import (
    BookingChanged,
    BookingState,
    NoHoursLeft,
    NotInPlan,
    SlotTaken,
    TooFarAhead,
    TooLateToChange,
    TooManyOpen,
    TooSoon,
)
from bot.domain.errors import NotAllowed, TextTooLong
from bot.domain.models import Role
from bot.runtime import Services
from storage.audit import AuditRepo
from tests.factories import World, actor_of, add_slot, link, make_world

RIGA = ZoneInfo("Europe/Riga")
PUPIL, SISTER, GUARDIAN, TEACHER, STRANGER = 101, 105, 102, 103, 109


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


@pytest.fixture
async def env(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Services, World, FakeClock]]:
    services = Services.create(config, clock)
    await services.open()
    world = await make_world(services.db)
    await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(services.db, SISTER, Role.PUPIL, world.second_pupil_id)
    await link(services.db, GUARDIAN, Role.GUARDIAN, world.guardian_id)
    await link(services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    yield services, world, clock
    await services.close()


async def maths(services: Services, telegram_id: int, pupil_id: int) -> int:
    offers = await services.booking.offers(await actor_of(services, telegram_id), pupil_id)
    return next(o.measure_id for o in offers if o.subject == "Matemātika")


async def test_two_pupils_pressing_at_once_give_exactly_one_booking(
    env: tuple[Services, World, FakeClock], tmp_path: Path
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    # The sister's plan has no maths, so give her one to race fairly.
    async with services.db.write() as conn:
        await conn.execute(
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on) VALUES ('S1', 'IAP-2', ?, '2026/2027', 1,"
            " '2026-09-01', '2026-12-31')",
            (world.second_pupil_id,),
        )
        await conn.execute(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted)"
            " SELECT id, 'subject_consultation', 'Matemātika', 4 FROM plans WHERE external_id"
            " = 'IAP-2'"
        )
    anna = await maths(services, PUPIL, world.pupil_id)
    liga = await maths(services, SISTER, world.second_pupil_id)
    results = await asyncio.gather(
        services.booking.book(await actor_of(services, PUPIL), world.pupil_id, anna, slot),
        services.booking.book(await actor_of(services, SISTER), world.second_pupil_id, liga, slot),
        return_exceptions=True,
    )
    taken = [r for r in results if isinstance(r, SlotTaken)]
    booked = [r for r in results if not isinstance(r, BaseException)]
    assert len(taken) == 1 and len(booked) == 1
    async with services.db.reader.execute(
        "SELECT count(*) FROM bookings WHERE slot_id = ?", (slot,)
    ) as cursor:
        assert (await cursor.fetchone())[0] == 1


async def test_a_double_press_gives_the_same_booking_once(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    first, second = await asyncio.gather(
        services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot),
        services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot),
    )
    assert first.booking.id == second.booking.id
    assert {first.event, second.event} == {"confirmed", "already"}


async def test_rejects_a_slot_inside_the_minimum_notice(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(1, 15))  # 6 hours ahead
    measure = await maths(services, PUPIL, world.pupil_id)
    with pytest.raises(TooSoon):
        await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)


async def test_rejects_a_slot_beyond_the_horizon(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(30, 14))  # 29 days ahead
    measure = await maths(services, PUPIL, world.pupil_id)
    with pytest.raises(TooFarAhead):
        await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)


async def test_never_books_more_hours_than_granted(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    measure = await maths(services, PUPIL, world.pupil_id)
    # 4 hours granted: three 75-minute sessions fit (225 min), a fourth would not.
    slots = [
        await add_slot(services.db, world.teacher_id, riga(day, 14), minutes=75)
        for day in (3, 4, 7, 8)
    ]
    for slot in slots[:3]:
        await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)
    async with services.db.write() as conn:
        await conn.execute("UPDATE bookings SET state = 'held'")  # frees the open-booking quota
    with pytest.raises(NoHoursLeft) as raised:
        await services.booking.book(
            await actor_of(services, PUPIL), world.pupil_id, measure, slots[3]
        )
    assert raised.value.values == {"minutes": 15}


async def test_limits_open_bookings_per_pupil(env: tuple[Services, World, FakeClock]) -> None:
    services, world, _ = env
    measure = await maths(services, PUPIL, world.pupil_id)
    slots = [await add_slot(services.db, world.teacher_id, riga(d, 14)) for d in (3, 4, 7, 8)]
    for slot in slots[:3]:
        await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)
    with pytest.raises(TooManyOpen):
        await services.booking.book(
            await actor_of(services, PUPIL), world.pupil_id, measure, slots[3]
        )


async def test_only_measures_of_the_plan_in_force_on_the_session_date(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, clock = env
    measure = await maths(services, PUPIL, world.pupil_id)
    clock.set(riga(28, 9))
    slot = await add_slot(services.db, world.teacher_id, datetime(2027, 1, 5, 14, tzinfo=RIGA))
    with pytest.raises(NotInPlan):
        await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)


async def test_cancelling_after_the_cutoff_is_refused(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, clock = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    change = await services.booking.book(
        await actor_of(services, PUPIL), world.pupil_id, measure, slot
    )
    clock.set(riga(2, 15))  # 23 hours before
    with pytest.raises(TooLateToChange):
        await services.booking.cancel(await actor_of(services, PUPIL), change.booking.id)
    clock.set(riga(2, 13))
    cancelled = await services.booking.cancel(await actor_of(services, PUPIL), change.booking.id)
    assert cancelled.booking.state == BookingState.CANCELLED
    with pytest.raises(BookingChanged):
        await services.booking.cancel(await actor_of(services, PUPIL), change.booking.id)


async def test_a_forged_booking_id_is_refused_to_a_non_party(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    change = await services.booking.book(
        await actor_of(services, PUPIL), world.pupil_id, measure, slot, "fractions"
    )
    await link(services.db, STRANGER, Role.PUPIL, world.other_school_pupil_id)
    for call in (
        services.booking.booking(await actor_of(services, STRANGER), change.booking.id),
        services.booking.cancel(await actor_of(services, STRANGER), change.booking.id),
        services.desk.accept(await actor_of(services, STRANGER), change.booking.id),
        services.booking.book(await actor_of(services, STRANGER), world.pupil_id, measure, slot),
    ):
        with pytest.raises(NotAllowed):
            await call
    # the sister is linked to the same guardian, but is not a party either
    with pytest.raises(NotAllowed):
        await services.booking.booking(await actor_of(services, SISTER), change.booking.id)


async def test_a_guardian_reading_a_childs_booking_is_audited(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    change = await services.booking.book(
        await actor_of(services, PUPIL), world.pupil_id, measure, slot
    )
    await services.booking.booking(await actor_of(services, GUARDIAN), change.booking.id)
    entries = await AuditRepo(services.db.reader).of_subject(f"pupil:{world.pupil_id}")
    assert (GUARDIAN, "read_booking") in [(e.actor_telegram_id, e.action) for e in entries]


async def test_an_over_long_note_is_refused(env: tuple[Services, World, FakeClock]) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    with pytest.raises(TextTooLong):
        await services.booking.book(
            await actor_of(services, PUPIL), world.pupil_id, measure, slot, "x" * 501
        )


async def test_confirming_plans_reminders_and_cancelling_cancels_them(
    env: tuple[Services, World, FakeClock],
) -> None:
    services, world, _ = env
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    measure = await maths(services, PUPIL, world.pupil_id)
    change = await services.booking.book(
        await actor_of(services, PUPIL), world.pupil_id, measure, slot
    )
    async with services.db.reader.execute(
        "SELECT chat_id, kind, state FROM reminders ORDER BY chat_id, kind"
    ) as cursor:
        rows = [tuple(r) for r in await cursor.fetchall()]
    kinds = {(chat, kind) for chat, kind, _ in rows}
    assert (PUPIL, "evidence") in kinds and (GUARDIAN, "evidence_again") in kinds
    assert (TEACHER, "agenda") in kinds and (TEACHER, "session:15") in kinds
    assert (PUPIL, "session:120") in kinds
    await services.booking.cancel(await actor_of(services, PUPIL), change.booking.id)
    async with services.db.reader.execute(
        "SELECT count(*) FROM reminders WHERE state = 'pending' AND ref = ?",
        (f"booking:{change.booking.id}",),
    ) as cursor:
        assert (await cursor.fetchone())[0] == 0


def test_parse_config_accepts_an_empty_booking_table() -> None:
    config = parse_config({"booking": {}})
    assert config.booking.max_open_bookings == 3
    assert "{room}" in config.booking.call_link_template
