"""More pupils for the waiting list and series tests: each with a plan granting maths."""

from __future__ import annotations

from datetime import date

from bot.domain.models import Role
from storage import Database
from tests.factories import link


async def add_pupil_with_maths(
    db: Database,
    telegram_id: int,
    external_id: str,
    name: str,
    *,
    hours: float = 4.0,
    plan_end: date = date(2026, 12, 31),
) -> int:
    """A pupil of school S1 with a plan (maths ``hours`` h), linked to ``telegram_id``."""
    async with db.write() as conn:
        cursor = await conn.execute(
            "INSERT INTO pupils (school_id, external_id, display_name, grade)"
            " VALUES ('S1', ?, ?, 8)",
            (external_id, name),
        )
        pupil = int(cursor.lastrowid or 0)
        plan = await conn.execute(
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on) VALUES ('S1', ?, ?, '2026/2027', 1, '2026-09-01', ?)",
            (f"IAP-{external_id}", pupil, plan_end.isoformat()),
        )
        await conn.execute(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted)"
            " VALUES (?, 'subject_consultation', 'Matemātika', ?)",
            (plan.lastrowid, hours),
        )
    await link(db, telegram_id, Role.PUPIL, pupil)
    return pupil


async def maths_measure(db: Database, pupil_id: int) -> int:
    """The id of the pupil's maths measure."""
    async with db.reader.execute(
        "SELECT m.id FROM plan_measures m JOIN plans p ON p.id = m.plan_id"
        " WHERE p.pupil_id = ? AND m.subject = 'Matemātika'",
        (pupil_id,),
    ) as cursor:
        row = await cursor.fetchone()
    assert row is not None
    return int(row[0])
