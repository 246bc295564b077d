"""The specialist's own calendar on a real SQLite file: days off in short transactions,
times freed in a holiday staying withdrawn, undo that never doubles a time, weekly hours
edited without moving what still fits, and the calendar version of a booking."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.domain.calendar import DayPassed, DaysOffTooLong, RuleOverlaps
from bot.domain.consultations import BadAvailability
from bot.domain.errors import NotAllowed
from bot.domain.models import Role
from bot.runtime import Services
from tests.factories import World, actor_of, add_slot, import_csv, link, make_world

RIGA = ZoneInfo("Europe/Riga")
PUPIL, TEACHER = 101, 103


def riga(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 12, day, hour, minute, tzinfo=RIGA)


@pytest.fixture
async def env(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Services, World]]:
    services = Services.create(config, clock)
    await services.open()
    world = await make_world(services.db)
    await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
    await link(services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    yield services, world
    await services.close()


async def states(services: Services) -> dict[int, str]:
    async with services.db.reader.execute("SELECT id, state FROM slots") as cursor:
        return {row[0]: row[1] for row in await cursor.fetchall()}


async def test_a_long_holiday_holds_the_writer_in_short_transactions(
    env: tuple[Services, World],
) -> None:
    services, world = env
    inside = await add_slot(services.db, world.teacher_id, riga(20, 10))
    transactions = 0
    real = services.db.write

    def counting_write():  # type: ignore[no-untyped-def]
        nonlocal transactions
        transactions += 1
        return real()

    services.db.write = counting_write  # type: ignore[method-assign]
    teacher = await actor_of(services, TEACHER)
    added = await services.schedule.add_days_off(teacher, "2.12-31.12", hold_seconds=0.0)
    services.db.write = real  # type: ignore[method-assign]
    # 30 days: a first chunk of 7, then a day a transaction (asked to hold for no time).
    assert transactions == 1 + 23
    assert (added.first, added.last, added.withdrawn) == (date(2026, 12, 2), date(2026, 12, 31), 1)
    assert (await states(services))[inside] == "withdrawn"
    assert await services.schedule.days_off(teacher) == [(date(2026, 12, 2), date(2026, 12, 31))]


async def test_days_off_that_make_no_sense_are_refused(env: tuple[Services, World]) -> None:
    services, _ = env
    teacher = await actor_of(services, TEACHER)
    with pytest.raises(DayPassed):
        await services.schedule.add_days_off(teacher, "2026-11-30")
    with pytest.raises(BadAvailability):
        await services.schedule.add_days_off(teacher, "10.12-5.12.2026")
    with pytest.raises(DaysOffTooLong):
        await services.schedule.add_days_off(teacher, "2.12-30.6.2027")
    with pytest.raises(BadAvailability):
        await services.schedule.add_days_off(teacher, "Ziemassvētki")


async def test_a_time_freed_in_a_holiday_stays_withdrawn_and_comes_back_with_the_undo(
    env: tuple[Services, World],
) -> None:
    services, world = env
    slot = await add_slot(services.db, world.teacher_id, riga(9, 14))
    pupil = await actor_of(services, PUPIL)
    maths = next(o for o in await services.booking.offers(pupil, world.pupil_id) if o.subject)
    booked = await services.booking.book(pupil, world.pupil_id, maths.measure_id, slot)
    teacher = await actor_of(services, TEACHER)
    await services.schedule.add_days_off(teacher, "9.12")
    await services.booking.cancel(pupil, booked.booking.id)
    assert (await states(services))[slot] == "withdrawn"  # not bookable in the holiday
    back = await services.schedule.undo_days_off(teacher, date(2026, 12, 9), date(2026, 12, 9))
    assert back.restored == 1 and (await states(services))[slot] == "free"


async def test_an_undone_day_off_gives_back_no_time_that_another_took_meanwhile(
    env: tuple[Services, World],
) -> None:
    services, world = env
    withdrawn = await add_slot(services.db, world.teacher_id, riga(9, 14))
    teacher = await actor_of(services, TEACHER)
    await services.schedule.add_days_off(teacher, "9.12")
    # Meanwhile a one-off time at 14:30 that day (one-off times are not stopped by a day off).
    (other,) = await services.availability.add_one_off(teacher, "9.12 14:30-15:15")
    back = await services.schedule.undo_days_off(teacher, date(2026, 12, 9), date(2026, 12, 9))
    assert back.restored == 0
    found = await states(services)
    assert found[withdrawn] == "withdrawn" and found[other.id] == "free"


async def test_edited_hours_keep_the_free_times_that_still_fit(
    env: tuple[Services, World],
) -> None:
    services, _ = env
    teacher = await actor_of(services, TEACHER)
    rule = await services.availability.add_weekly(teacher, 2, "14:00-15:30")
    before = await states(services)
    await services.schedule.change_rule_hours(teacher, rule.id, "14:00-16:15")
    after = await states(services)
    # 45-minute slots at 14:00 and 14:45 fit still (same ids); 15:30 is new each Tuesday.
    assert set(before) <= set(after)
    assert len(after) == len(before) + len(before) // 2
    with pytest.raises(BadAvailability):
        await services.schedule.change_rule_until(teacher, rule.id, "30.11.2026")
    other = await services.availability.add_weekly(teacher, 2, "17:00-18:00")
    with pytest.raises(RuleOverlaps):
        await services.schedule.change_rule_hours(teacher, other.id, "16:00-18:00")


async def test_another_specialists_weekly_hours_are_refused(env: tuple[Services, World]) -> None:
    services, world = env
    await link(services.db, 104, Role.SPECIALIST, world.psychologist_id)
    theirs = await services.availability.add_weekly(await actor_of(services, 104), 3, "9:00-10:00")
    teacher = await actor_of(services, TEACHER)
    with pytest.raises(NotAllowed):
        await services.schedule.change_rule_hours(teacher, theirs.id, "9:00-11:00")
    with pytest.raises(NotAllowed):
        await services.availability.remove_rule(teacher, theirs.id)


async def test_each_change_raises_the_calendar_version_once(env: tuple[Services, World]) -> None:
    services, world = env
    first = await add_slot(services.db, world.teacher_id, riga(3, 14))
    second = await add_slot(services.db, world.teacher_id, riga(4, 14))
    pupil = await actor_of(services, PUPIL)
    maths = next(o for o in await services.booking.offers(pupil, world.pupil_id) if o.subject)
    booked = (await services.booking.book(pupil, world.pupil_id, maths.measure_id, first)).booking
    assert booked.sequence == 0
    await services.booking.move(pupil, booked.id, second)
    teacher = await actor_of(services, TEACHER)
    await services.desk.set_call_note(teacher, booked.id, "Telefons")
    assert (await services.booking.booking(pupil, booked.id)).sequence == 2
    # Nobody holds a file of it: no calendar notice is planned.
    assert await _calendar_rows(services) == 0
    await services.calendar.session_file(pupil, booked.id)
    await services.desk.cancel(teacher, booked.id, "Slima")
    assert await _calendar_rows(services) == 1


async def _calendar_rows(services: Services) -> int:
    async with services.db.reader.execute(
        "SELECT count(*) FROM reminders WHERE kind = 'calendar'"
    ) as cursor:
        return int((await cursor.fetchone())[0])


async def test_one_person_in_two_schools_files_imports_as_a_record_each_and_links_both(
    env: tuple[Services, World], tmp_path: Path
) -> None:
    services, _ = env
    people = tmp_path / "specialists.csv"
    people.write_text(
        "school_id,specialist_id,display_name,kind,subjects,on_duty\n"
        "S1,PS-1,Māra Kalna,psychologist,,no\n"
        "S2,PS-77,Māra Kalna,psychologist,,yes\n",
        encoding="utf-8",
    )
    hours = tmp_path / "availability.csv"
    hours.write_text(
        "school_id,specialist_id,weekday,start,end,slot_minutes,valid_from,valid_until,date\n"
        "S1,PS-1,tue,10:00,12:00,60,2026-12-01,,\n"
        "S2,PS-77,wed,10:00,12:00,60,2026-12-01,,\n"
        "S2,PS-77,,,,,,,2026-12-09\n",
        encoding="utf-8",
    )
    for path in (people, hours):
        assert (await import_csv(services.db, path)).changed > 0
    async with services.db.reader.execute(
        "SELECT id, school_id FROM specialists WHERE display_name = 'Māra Kalna' ORDER BY id"
    ) as cursor:
        records = [(row[0], row[1]) for row in await cursor.fetchall()]
    assert [school for _, school in records] == ["S1", "S2"]
    for record, _ in records:
        await link(services.db, 301, Role.SPECIALIST, record)
    await services.availability.ensure_slots()
    mara = await actor_of(services, 301)
    mine = await services.availability.overview(mara, days=14)
    assert {(r.specialist_id, r.weekday) for r in mine.rules} == {
        (records[0][0], 2),
        (records[1][0], 3),
    }
    assert [s.school_name for s in mine.schools] == ["Rīgas 1. vidusskola", "Daugavpils tehnikums"]
    # The school's day off from its file is that school's: 9.12 is off in S2 only.
    wednesdays = {s.starts_at.astimezone(RIGA).day for s in mine.free if s.school_id == "S2"}
    assert wednesdays == {2}
    for path in (people, hours):
        assert (await import_csv(services.db, path)).changed == 0
