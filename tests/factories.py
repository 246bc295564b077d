"""A small world of schools, people and plans, written straight into a test database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from bot.domain.actor import Actor
from bot.domain.models import Role
from bot.runtime import Services
from bot.services.imports.importer import Importer, ImportReport
from storage import Database, to_db_time
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class World:
    school_id: str
    pupil_id: int
    second_pupil_id: int
    other_school_pupil_id: int
    guardian_id: int
    teacher_id: int
    psychologist_id: int
    coordinator_id: int
    plan_id: int


async def make_world(
    db: Database,
    *,
    plan_start: date = date(2026, 9, 1),
    plan_end: date = date(2026, 12, 31),
    grade: int = 7,
) -> World:
    """Two schools; a pupil with a plan (maths 4 h, emotional support 3 h, meals),
    a sister without a plan, a guardian of both, a maths teacher, an on-duty psychologist."""
    async with db.write() as conn:
        await conn.execute("INSERT INTO regions VALUES ('R1', 'Rīga'), ('R2', 'Latgale')")
        await conn.execute(
            "INSERT INTO schools VALUES ('S1', 'R1', 'Rīgas 1. vidusskola', 'general', 1),"
            " ('S2', 'R2', 'Daugavpils tehnikums', 'vocational', 0)"
        )
        pupil = await _insert(
            conn,
            "INSERT INTO pupils (school_id, external_id, display_name, grade)"
            " VALUES ('S1', 'P1', 'Anna Ozola', ?)",
            (grade,),
        )
        sister = await _insert(
            conn,
            "INSERT INTO pupils (school_id, external_id, display_name, grade)"
            " VALUES ('S1', 'P2', 'Līga Ozola', 5)",
        )
        other = await _insert(
            conn,
            "INSERT INTO pupils (school_id, external_id, display_name, grade)"
            " VALUES ('S2', 'P9', 'Jānis Bērziņš', 11)",
        )
        guardian = await _insert(
            conn,
            "INSERT INTO guardians (school_id, external_id, display_name)"
            " VALUES ('S1', 'G1', 'Inese Ozola')",
        )
        await conn.execute(
            "INSERT INTO guardian_pupils VALUES (?, ?), (?, ?)", (guardian, pupil, guardian, sister)
        )
        teacher = await _insert(
            conn,
            "INSERT INTO specialists (school_id, external_id, display_name, kind)"
            " VALUES ('S1', 'T1', 'Pēteris Kalniņš', 'teacher')",
        )
        await conn.execute("INSERT INTO specialist_subjects VALUES (?, 'Matemātika')", (teacher,))
        psychologist = await _insert(
            conn,
            "INSERT INTO specialists (school_id, external_id, display_name, kind, on_duty)"
            " VALUES ('S1', 'T2', 'Dace Liepa', 'psychologist', 1)",
        )
        coordinator = await _insert(
            conn,
            "INSERT INTO coordinators (school_id, external_id, display_name)"
            " VALUES ('S1', 'K1', 'Ilze Vītola')",
        )
        plan = await _insert(
            conn,
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on) VALUES ('S1', 'IAP-1', ?, '2026/2027', 1, ?, ?)",
            (pupil, plan_start.isoformat(), plan_end.isoformat()),
        )
        await conn.execute(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted) VALUES"
            " (?, 'subject_consultation', 'Matemātika', 4),"
            " (?, 'emotional_support', '', 3), (?, 'meals', '', NULL)",
            (plan, plan, plan),
        )
    return World("S1", pupil, sister, other, guardian, teacher, psychologist, coordinator, plan)


async def _insert(conn: object, sql: str, args: tuple[object, ...] = ()) -> int:
    cursor = await conn.execute(sql, args)  # type: ignore[attr-defined]
    return int(cursor.lastrowid)


async def link(db: Database, telegram_id: int, role: Role, person_id: int) -> None:
    """Link an account directly, as if a code had been entered."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT OR IGNORE INTO accounts (telegram_id, created_at) VALUES (?, '2026-01-01')",
            (telegram_id,),
        )
        await conn.execute(
            "INSERT INTO account_links (telegram_id, role, person_id, linked_at)"
            " VALUES (?, ?, ?, '2026-01-01T00:00:00+00:00')",
            (telegram_id, role.value, person_id),
        )


async def add_caterer(
    db: Database,
    school_id: str = "S1",
    *,
    external_id: str = "CAT-1",
    days: str = "12345",
    cutoff: str = "14:00",
) -> int:
    """A caterer delivering home for one school (Monday to Friday by default)."""
    async with db.write() as conn:
        caterer = await _insert(
            conn,
            "INSERT INTO caterers (external_id, display_name, delivery_days, cutoff_time)"
            " VALUES (?, ?, ?, ?)",
            (external_id, f"Caterer {external_id}", days, cutoff),
        )
        await conn.execute("INSERT INTO caterer_schools VALUES (?, ?)", (caterer, school_id))
    return caterer


async def add_internship_plan(
    db: Database, pupil_id: int, measures: tuple[str, ...] = ("transport", "internship_meals")
) -> int:
    """A 2026/2027 semester I plan with internship measures, and a coordinator for school S2."""
    async with db.write() as conn:
        plan = await _insert(
            conn,
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on, created_on) VALUES ('S2', 'IAP-9', ?, '2026/2027', 1,"
            " '2026-09-01', '2026-12-31', '2026-09-03')",
            (pupil_id,),
        )
        for kind in measures:
            await conn.execute(
                "INSERT INTO plan_measures (plan_id, kind) VALUES (?, ?)", (plan, kind)
            )
        coordinator = await _insert(
            conn,
            "INSERT INTO coordinators (school_id, external_id, display_name)"
            " VALUES ('S2', 'K2', 'Rita Eglīte')",
        )
    return coordinator


async def add_slot(db: Database, specialist_id: int, starts_at: datetime, minutes: int = 45) -> int:
    """A free slot of one specialist, as if published; returns its id."""
    from storage.consultations.slots import SlotsRepo

    async with db.write() as conn:
        await SlotsRepo(conn).add_slot(
            specialist_id, starts_at, starts_at + timedelta(minutes=minutes)
        )
        async with conn.execute(
            "SELECT id FROM slots WHERE specialist_id = ? AND starts_at = ?",
            (specialist_id, to_db_time(starts_at)),
        ) as cursor:
            row = await cursor.fetchone()
    assert row is not None
    return int(row[0])


async def set_auto_confirm(db: Database, specialist_id: int, value: bool) -> None:
    from storage.consultations.slots import SlotsRepo

    async with db.write() as conn:
        await SlotsRepo(conn).set_auto_confirm(specialist_id, value)


async def add_crisis_event(db: Database, pupil_id: int, at: datetime) -> None:
    """What the care feature writes when a pupil writes words of crisis."""
    async with db.write() as conn:
        await conn.execute(
            "INSERT INTO crisis_events (at, telegram_id, pupil_id, category, language)"
            " VALUES (?, 0, ?, 'self_harm', 'lv')",
            (to_db_time(at), pupil_id),
        )


async def actor_of(services: Services, telegram_id: int) -> Actor:
    """The Actor of an account, as the bot resolves it when an update arrives."""
    return await services.accounts.resolve(telegram_id, None)


def pack(*parts: object) -> str:
    """Callback data as a client could send it, forged or not: the parts joined by ':'."""
    return ":".join(str(part) for part in parts)


async def import_csv(db: Database, path: Path) -> ImportReport:
    """``pumpurs-bot import`` of one file, into ``db``."""
    return await Importer(UnitOfWork(db)).import_file(path)
