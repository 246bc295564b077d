"""Availability: weekly hours into slots (idempotent, DST-safe), days off, the CSV import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.clock import FakeClock
from bot.config import Config
from bot.domain.consultations import BadAvailability, HasBookings, slot_times
from bot.domain.errors import ImportFailed, NotAllowed
from bot.domain.models import Role
from bot.runtime import Services
from bot.services.imports.importer import kind_of
from bot.services.imports.lines import ImportKind
from storage import Database
from storage.consultations.slots import SlotsRepo
from tests.factories import World, actor_of, add_slot, import_csv, link, make_world

RIGA = ZoneInfo("Europe/Riga")
TEACHER, PUPIL = 103, 101


@pytest.fixture
async def env(config: Config, clock: FakeClock) -> AsyncIterator[tuple[Services, World]]:
    services = Services.create(config, clock)
    await services.open()
    world = await make_world(services.db)
    await link(services.db, TEACHER, Role.SPECIALIST, world.teacher_id)
    await link(services.db, PUPIL, Role.PUPIL, world.pupil_id)
    yield services, world
    await services.close()


async def count_slots(services: Services, state: str = "free") -> int:
    async with services.db.reader.execute(
        "SELECT count(*) FROM slots WHERE state = ?", (state,)
    ) as cursor:
        row = await cursor.fetchone()
    return int(row[0])


async def test_weekly_hours_become_slots_once_however_often_ensured(
    env: tuple[Services, World],
) -> None:
    services, _ = env
    # Tuesdays 14:00-16:00 in 45-minute slots: 2 a day; the horizon of 28 days holds 4 more
    # Tuesdays after today (1 Dec is one, at 09:00, so its slots are still ahead).
    await services.availability.add_weekly(await actor_of(services, TEACHER), 2, "14:00-16:00")
    first = await count_slots(services)
    assert first == 2 * 5
    assert await services.availability.ensure_slots() == 0
    assert await count_slots(services) == first


def test_weekly_slots_keep_their_wall_clock_time_across_dst() -> None:
    before = slot_times(date(2027, 3, 23), time(14), time(15), 60)[0][0]
    after = slot_times(date(2027, 3, 30), time(14), time(15), 60)[0][0]
    assert before.astimezone(RIGA).hour == after.astimezone(RIGA).hour == 14
    assert before.utcoffset() != after.utcoffset()


async def test_a_day_off_withdraws_that_days_free_slots_and_keeps_them_away(
    env: tuple[Services, World],
) -> None:
    services, _ = env
    await services.availability.add_weekly(await actor_of(services, TEACHER), 2, "14:00-16:00")
    added = await services.schedule.add_days_off(await actor_of(services, TEACHER), "8.12")
    day = added.first
    assert day == added.last == date(2026, 12, 8) and added.booked == ()
    assert added.withdrawn == 2
    assert await count_slots(services) == 8
    assert await count_slots(services, "withdrawn") == 2
    await services.availability.ensure_slots(date(2027, 1, 31))
    free = (await services.availability.overview(await actor_of(services, TEACHER), days=14)).free
    assert all(s.starts_at.astimezone(RIGA).date() != day for s in free)


async def test_typed_times_that_make_no_sense_are_refused(env: tuple[Services, World]) -> None:
    services, _ = env
    for text in ("16:00-14:00", "14:00-14:20 45", "soon", "25:00-26:00"):
        with pytest.raises(BadAvailability):
            await services.availability.add_weekly(await actor_of(services, TEACHER), 2, text)
    with pytest.raises(BadAvailability):
        await services.availability.add_one_off(
            await actor_of(services, TEACHER), "31.02 10:00-11:00"
        )


async def test_a_one_off_period_is_split_into_slots(env: tuple[Services, World]) -> None:
    services, _ = env
    slots = await services.availability.add_one_off(
        await actor_of(services, TEACHER), "3.12 15:00-17:00 40"
    )
    assert [s.starts_at.astimezone(RIGA).strftime("%H:%M") for s in slots] == [
        "15:00",
        "15:40",
        "16:20",
    ]


async def test_a_booked_slot_cannot_be_withdrawn_only_cancelled(
    env: tuple[Services, World],
) -> None:
    services, world = env
    slot = await add_slot(services.db, world.teacher_id, datetime(2026, 12, 3, 14, tzinfo=RIGA))
    offers = await services.booking.offers(await actor_of(services, PUPIL), world.pupil_id)
    measure = next(o.measure_id for o in offers if o.subject)
    await services.booking.book(await actor_of(services, PUPIL), world.pupil_id, measure, slot)
    with pytest.raises(HasBookings):
        await services.availability.withdraw_slot(await actor_of(services, TEACHER), slot)
    with pytest.raises(NotAllowed):
        await services.availability.withdraw_slot(await actor_of(services, PUPIL), slot)


CSV_HEADER = "school_id,specialist_id,weekday,start,end,slot_minutes,valid_from,valid_until,date\n"


async def test_availability_csv_imports_weekly_one_off_and_days_off(
    env: tuple[Services, World], tmp_path: Path
) -> None:
    services, world = env
    path = tmp_path / "availability.csv"
    path.write_text(
        CSV_HEADER + "S1,T1,tue,14:00,16:00,45,2026-09-01,2026-12-31,\n"
        "S1,T1,,15:00,16:00,,,,2026-12-04\n"
        "S1,T1,,,,,,,2026-12-08\n",
        encoding="utf-8",
    )
    report = await import_csv(services.db, path)
    assert report.rows == 3
    rules = await SlotsRepo(services.db.reader).rules_of(world.teacher_id)
    assert [(r.weekday, r.start_time, r.slot_minutes) for r in rules] == [(2, time(14), 45)]
    await services.availability.ensure_slots()
    # Tuesdays 1, 15, 22, 29 Dec (8 Dec is off) x 2, plus the one-off on 4 Dec.
    assert await count_slots(services) == 9
    again = await import_csv(services.db, path)
    assert again.rows == 3
    assert len(await SlotsRepo(services.db.reader).rules_of(world.teacher_id)) == 1


async def test_reimporting_unchanged_weekly_hours_changes_no_row(
    env: tuple[Services, World], tmp_path: Path
) -> None:
    services, _ = env
    path = tmp_path / "availability.csv"
    path.write_text(CSV_HEADER + "S1,T1,tue,14:00,16:00,45,2026-09-01,2026-12-31,\n", "utf-8")
    await import_csv(services.db, path)
    await services.availability.ensure_slots()
    again = await import_csv(services.db, path)
    # Rewriting the rule would also forget how far its slots were made.
    assert again.changed == 0
    path.write_text(CSV_HEADER + "S1,T1,tue,14:00,17:00,45,2026-09-01,2026-12-31,\n", "utf-8")
    assert (await import_csv(services.db, path)).changed == 1


async def test_a_bad_availability_file_stores_nothing_and_names_the_lines(
    env: tuple[Services, World], tmp_path: Path
) -> None:
    services, world = env
    path = tmp_path / "availability.csv"
    path.write_text(
        CSV_HEADER + "S1,T1,tue,14:00,16:00,45,2026-09-01,,\n"
        "S1,T1,someday,14:00,16:00,45,2026-09-01,,\n"
        "S1,NOBODY,mon,14:00,16:00,45,2026-09-01,,\n",
        encoding="utf-8",
    )
    with pytest.raises(ImportFailed) as raised:
        await import_csv(services.db, path)
    assert any("line 3" in p for p in raised.value.problems)
    assert any("line 4" in p for p in raised.value.problems)
    assert await SlotsRepo(services.db.reader).rules_of(world.teacher_id) == []


EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


async def test_the_demo_availability_file_imports(tmp_path: Path) -> None:
    examples = EXAMPLES
    async with Database(tmp_path / "demo.sqlite3") as db:
        for kind in ("schools", "pupils", "guardians", "specialists", "coordinators", "plans"):
            await import_csv(db, examples / f"{kind}.csv")
        report = await import_csv(db, examples / "availability.csv")
    assert report.rows > 0
    assert kind_of(examples / "availability.csv") == ImportKind.AVAILABILITY
    assert kind_of(examples / "plans.csv") == ImportKind.PLANS
