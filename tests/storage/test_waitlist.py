"""The waiting list and series against a real SQLite file: the offer planned in the freeing
transaction, new slots offered, the rule check per place, holds that end, places that
end, and a series counting once against the open-booking limit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.domain.consultations import BookingEvent, TooManyOpen
from bot.domain.models import Role
from bot.domain.waitlist import OfferEnded
from bot.runtime import Services
from tests.factories import World, actor_of, add_slot, link, make_world
from tests.waitlist_factories import add_pupil_with_maths, maths_measure

RIGA = ZoneInfo("Europe/Riga")
ANNA, TEACHER, PSYCHOLOGIST, KARLIS, MARTA = 101, 103, 104, 111, 112


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


@pytest.fixture
async def env(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Services, World]]:
    services = Services.create(config, clock)
    await services.open()
    world = await make_world(services.db)
    await link(services.db, ANNA, Role.PUPIL, world.pupil_id)
    await link(services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(services.db, PSYCHOLOGIST, Role.SPECIALIST, world.psychologist_id)
    yield services, world
    await services.close()


async def rows(services: Services, sql: str, *args: object) -> list[tuple[object, ...]]:
    async with services.db.reader.execute(sql, args) as cursor:
        return [tuple(row) for row in await cursor.fetchall()]


async def join(services: Services, telegram_id: int, pupil_id: int, **wishes: int) -> int:
    actor = await actor_of(services, telegram_id)
    measure = await maths_measure(services.db, pupil_id)
    place = await services.waitlist.join(actor, pupil_id, measure, None, **wishes)
    return place.id


async def book(services: Services, telegram_id: int, pupil_id: int, slot: int) -> int:
    actor = await actor_of(services, telegram_id)
    measure = await maths_measure(services.db, pupil_id)
    return (await services.booking.book(actor, pupil_id, measure, slot)).booking.id


async def test_the_offer_and_its_message_commit_with_the_cancellation(
    env: tuple[Services, World],
) -> None:
    services, world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis")
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    booking = await book(services, ANNA, world.pupil_id, slot)
    await join(services, KARLIS, karlis)
    await services.booking.cancel(await actor_of(services, ANNA), booking)
    (offer,) = await rows(services, "SELECT id, slot_id, state FROM waitlist_offers")
    assert offer[1:] == (slot, "open")
    planned = await rows(
        services, "SELECT chat_id, kind, ref, state FROM reminders WHERE kind = 'waitlist_offer'"
    )
    assert planned == [(KARLIS, "waitlist_offer", f"offer:{offer[0]}", "pending")]
    assert await rows(services, "SELECT held_for FROM slots WHERE id = ?", slot) == [(karlis,)]


async def test_a_newly_published_time_is_offered_to_the_first_it_suits(
    env: tuple[Services, World],
) -> None:
    services, _world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis")
    marta = await add_pupil_with_maths(services.db, MARTA, "P4", "Marta")
    await join(services, KARLIS, karlis, weekdays=1 << 0)  # Mondays only
    await join(services, MARTA, marta)
    teacher = await actor_of(services, TEACHER)
    await services.availability.add_one_off(teacher, "3.12 14:00-14:45")  # a Thursday
    offers = await rows(
        services, "SELECT w.pupil_id FROM waitlist_offers o JOIN waitlist w ON w.id = o.entry_id"
    )
    assert offers == [(marta,)]
    # Weekly hours on Mondays: the next Monday goes to Kārlis.
    await services.availability.add_weekly(teacher, 1, "15:00-15:45")
    offers = await rows(
        services,
        "SELECT w.pupil_id, s.starts_at FROM waitlist_offers o JOIN waitlist w"
        " ON w.id = o.entry_id JOIN slots s ON s.id = o.slot_id ORDER BY o.id",
    )
    assert [pupil for pupil, _ in offers] == [marta, karlis]
    assert str(offers[1][1]).startswith("2026-12-07T13:00")


async def test_a_place_whose_plan_has_no_hours_for_the_time_is_passed_over(
    env: tuple[Services, World],
) -> None:
    services, _world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis", hours=0.5)
    marta = await add_pupil_with_maths(services.db, MARTA, "P4", "Marta")
    await join(services, KARLIS, karlis)  # 30 min left: a 45-minute time does not fit
    await join(services, MARTA, marta)
    await services.availability.add_one_off(await actor_of(services, TEACHER), "4.12 14:00-14:45")
    offers = await rows(
        services, "SELECT w.pupil_id FROM waitlist_offers o JOIN waitlist w ON w.id = o.entry_id"
    )
    assert offers == [(marta,)]


async def test_a_withdrawn_held_time_ends_the_offer_and_the_place_keeps_its_turn(
    env: tuple[Services, World], clock: FakeClock
) -> None:
    services, _world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis")
    place = await join(services, KARLIS, karlis)
    teacher = await actor_of(services, TEACHER)
    await services.availability.add_one_off(teacher, "3.12 14:00-14:45")
    (offer,) = await rows(services, "SELECT id FROM waitlist_offers")
    await services.schedule.add_days_off(teacher, "3.12")
    clock.advance(timedelta(minutes=5))
    assert await services.waitlist.expire_due() == 1
    assert await rows(services, "SELECT state FROM waitlist_offers") == [("void",)]
    assert await rows(services, "SELECT state, queued_at FROM waitlist WHERE id = ?", place) == [
        ("waiting", "2026-12-01T07:00:00+00:00")
    ]
    with pytest.raises(OfferEnded):
        await services.waitlist.book_offer(await actor_of(services, KARLIS), int(str(offer[0])))


async def test_leaving_the_line_passes_a_held_time_on(env: tuple[Services, World]) -> None:
    services, world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis")
    marta = await add_pupil_with_maths(services.db, MARTA, "P4", "Marta")
    place = await join(services, KARLIS, karlis)
    await join(services, MARTA, marta)
    await add_slot(services.db, world.teacher_id, riga(3, 14))
    await services.availability.add_one_off(await actor_of(services, TEACHER), "4.12 14:00-14:45")
    await services.waitlist.leave(await actor_of(services, KARLIS), place)
    offers = await rows(
        services,
        "SELECT w.pupil_id, o.state FROM waitlist_offers o JOIN waitlist w ON w.id = o.entry_id"
        " ORDER BY o.id",
    )
    assert offers == [(karlis, "declined"), (marta, "open")]


async def test_places_end_when_the_plans_hours_are_used(
    env: tuple[Services, World], clock: FakeClock
) -> None:
    services, world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis", hours=0.75)
    slot = await add_slot(services.db, world.teacher_id, riga(3, 14))
    await book(services, KARLIS, karlis, slot)  # all 45 minutes used
    await join(services, ANNA, world.pupil_id)
    async with services.db.write() as conn:  # joined before the hours were used
        await conn.execute(
            "INSERT INTO waitlist (pupil_id, measure_id, school_id, kind, subject, ends_on,"
            " state, queued_at, joined_by, created_at) VALUES (?, ?, 'S1',"
            " 'subject_consultation', 'Matemātika', '2026-12-31', 'waiting', ?, 1, ?)",
            (karlis, await maths_measure(services.db, karlis), "2026-11-30", "2026-11-30"),
        )
    assert await services.waitlist.end_finished() == 1
    ended = await rows(services, "SELECT pupil_id, end_reason FROM waitlist WHERE state = 'ended'")
    assert ended == [(karlis, "hours_used")]
    clock.set(datetime(2027, 1, 1, 9, tzinfo=RIGA))
    assert await services.waitlist.end_finished() == 1
    assert await services.waitlist.places(await actor_of(services, ANNA)) == []


async def test_a_series_counts_once_against_the_open_booking_limit(
    env: tuple[Services, World],
) -> None:
    services, world = env
    teacher = await actor_of(services, TEACHER)
    await services.availability.add_weekly(teacher, 4, "14:00-14:45")
    anna = await actor_of(services, ANNA)
    measure = await maths_measure(services.db, world.pupil_id)
    (first,) = await rows(services, "SELECT min(id) FROM slots")
    booked = await services.series.book(anna, world.pupil_id, measure, int(str(first[0])), 1)
    assert len(booked.series.bookings) == 5
    # Pressed twice: the same series.
    again = await services.series.book(anna, world.pupil_id, measure, int(str(first[0])), 1)
    assert again.event == BookingEvent.ALREADY
    assert again.series.info.id == booked.series.info.id
    # Five sessions, one series: two more bookings fit under the limit of three.
    support = next(
        o.measure_id for o in await services.booking.offers(anna, world.pupil_id) if not o.subject
    )
    for day in (8, 9):
        slot = await add_slot(services.db, world.psychologist_id, riga(day, 10))
        await services.booking.book(anna, world.pupil_id, support, slot)
    extra = await add_slot(services.db, world.psychologist_id, riga(10, 10))
    with pytest.raises(TooManyOpen):
        await services.booking.book(anna, world.pupil_id, support, extra)


async def test_an_offer_held_at_night_is_held_until_the_morning(
    env: tuple[Services, World], clock: FakeClock
) -> None:
    services, _world = env
    karlis = await add_pupil_with_maths(services.db, KARLIS, "P3", "Kārlis")
    await join(services, KARLIS, karlis)
    clock.set(riga(1, 20, 30))
    teacher = await actor_of(services, TEACHER)
    # 10:00 tomorrow is 13.5 hours ahead, but not 12 hours after the hold ends: not offered.
    await services.availability.add_one_off(teacher, "2.12 10:00-10:45")
    assert await rows(services, "SELECT count(*) FROM waitlist_offers") == [(0,)]
    await services.availability.add_one_off(teacher, "4.12 14:00-14:45")
    assert await rows(services, "SELECT expires_at FROM waitlist_offers") == [
        ("2026-12-02T06:30:00+00:00",)  # 08:30 in Riga: 30 minutes before 21:00, 30 after 08:00
    ]
    clock.set(riga(2, 8, 29))
    assert await services.waitlist.expire_due() == 0
    clock.set(riga(2, 8, 31))
    assert await services.waitlist.expire_due() == 1
    assert await rows(services, "SELECT state FROM waitlist_offers") == [("expired",)]
