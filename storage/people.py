"""Schools, pupils, guardians, specialists, coordinators and support plans (read side)."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.models import (
    Guardian,
    MeasureKind,
    PlanMeasure,
    Pupil,
    School,
    SchoolKind,
    Specialist,
    SpecialistKind,
    SupportPlan,
)
from storage.db import Connection


def _school(row: aiosqlite.Row) -> School:
    return School(
        id=row["id"],
        region_id=row["region_id"],
        name=row["name"],
        kind=SchoolKind(row["kind"]),
        caterer_delivers_home=bool(row["caterer_delivers_home"]),
    )


async def get_school(conn: Connection, school_id: str) -> School | None:
    async with conn.execute("SELECT * FROM schools WHERE id = ?", (school_id,)) as cursor:
        row = await cursor.fetchone()
    return _school(row) if row else None


async def list_schools(conn: Connection, region_id: str | None = None) -> list[School]:
    sql, args = "SELECT * FROM schools", []
    if region_id is not None:
        sql, args = sql + " WHERE region_id = ?", [region_id]
    async with conn.execute(sql + " ORDER BY id", args) as cursor:
        return [_school(row) for row in await cursor.fetchall()]


async def get_pupil(conn: Connection, pupil_id: int) -> Pupil | None:
    async with conn.execute("SELECT * FROM pupils WHERE id = ?", (pupil_id,)) as cursor:
        row = await cursor.fetchone()
    return Pupil.model_validate(dict(row)) if row else None


async def list_people(conn: Connection, table: str, school_id: str) -> list[tuple[int, str, str]]:
    """(id, external id, display name) of everyone in one school's table, for code issuing."""
    if table not in {"pupils", "guardians", "specialists", "coordinators", "caterer_people"}:
        raise ValueError(table)
    sql = f"SELECT id, external_id, display_name FROM {table} WHERE school_id = ? ORDER BY id"  # noqa: S608
    async with conn.execute(sql, (school_id,)) as cursor:
        return [(r[0], r[1], r[2]) for r in await cursor.fetchall()]


async def get_guardian(conn: Connection, guardian_id: int) -> Guardian | None:
    async with conn.execute("SELECT * FROM guardians WHERE id = ?", (guardian_id,)) as cursor:
        row = await cursor.fetchone()
    return Guardian.model_validate(dict(row)) if row else None


async def children_of(conn: Connection, guardian_ids: list[int]) -> list[Pupil]:
    if not guardian_ids:
        return []
    marks = ",".join("?" * len(guardian_ids))
    sql = (
        "SELECT DISTINCT p.* FROM pupils p JOIN guardian_pupils g ON g.pupil_id = p.id"  # noqa: S608
        f" WHERE g.guardian_id IN ({marks}) ORDER BY p.display_name"
    )
    async with conn.execute(sql, guardian_ids) as cursor:
        return [Pupil.model_validate(dict(row)) for row in await cursor.fetchall()]


async def guardians_of(conn: Connection, pupil_id: int) -> list[int]:
    async with conn.execute(
        "SELECT guardian_id FROM guardian_pupils WHERE pupil_id = ?", (pupil_id,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


async def get_specialist(conn: Connection, specialist_id: int) -> Specialist | None:
    async with conn.execute("SELECT * FROM specialists WHERE id = ?", (specialist_id,)) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    async with conn.execute(
        "SELECT subject FROM specialist_subjects WHERE specialist_id = ? ORDER BY subject",
        (specialist_id,),
    ) as cursor:
        subjects = tuple(r[0] for r in await cursor.fetchall())
    return Specialist(
        id=row["id"],
        school_id=row["school_id"],
        external_id=row["external_id"],
        display_name=row["display_name"],
        kind=SpecialistKind(row["kind"]),
        subjects=subjects,
        on_duty=bool(row["on_duty"]),
    )


async def on_duty_specialists(conn: Connection, school_id: str) -> list[int]:
    async with conn.execute(
        "SELECT id FROM specialists WHERE school_id = ? AND on_duty = 1 ORDER BY id", (school_id,)
    ) as cursor:
        return [row[0] for row in await cursor.fetchall()]


def _measure(row: aiosqlite.Row) -> PlanMeasure:
    return PlanMeasure(
        id=row["id"],
        plan_id=row["plan_id"],
        kind=MeasureKind(row["kind"]),
        subject=row["subject"],
        hours_granted=row["hours_granted"],
    )


async def plan_in_force(conn: Connection, pupil_id: int, on: date) -> SupportPlan | None:
    """The pupil's plan whose period contains ``on`` (the latest-starting one if several)."""
    async with conn.execute(
        "SELECT * FROM plans WHERE pupil_id = ? AND starts_on <= ? AND ends_on >= ?"
        " ORDER BY starts_on DESC LIMIT 1",
        (pupil_id, on.isoformat(), on.isoformat()),
    ) as cursor:
        row = await cursor.fetchone()
    if row is None:
        return None
    return await _with_measures(conn, row)


async def plans_of_pupil(conn: Connection, pupil_id: int) -> list[SupportPlan]:
    async with conn.execute(
        "SELECT * FROM plans WHERE pupil_id = ? ORDER BY starts_on", (pupil_id,)
    ) as cursor:
        rows = await cursor.fetchall()
    return [await _with_measures(conn, row) for row in rows]


async def _with_measures(conn: Connection, row: aiosqlite.Row) -> SupportPlan:
    async with conn.execute(
        "SELECT * FROM plan_measures WHERE plan_id = ? ORDER BY kind, subject", (row["id"],)
    ) as cursor:
        measures = tuple(_measure(m) for m in await cursor.fetchall())
    return SupportPlan(
        id=row["id"],
        school_id=row["school_id"],
        external_id=row["external_id"],
        pupil_id=row["pupil_id"],
        school_year=row["school_year"],
        semester=row["semester"],
        starts_on=date.fromisoformat(row["starts_on"]),
        ends_on=date.fromisoformat(row["ends_on"]),
        created_on=date.fromisoformat(row["created_on"]) if row["created_on"] else None,
        measures=measures,
    )
