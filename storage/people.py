"""Schools, pupils, guardians, specialists, coordinators and support plans (read side)."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.models import (
    Guardian,
    MeasureKind,
    Person,
    PlanMeasure,
    Pupil,
    School,
    SchoolKind,
    Specialist,
    SpecialistKind,
    SupportPlan,
)
from storage.db import Connection, fetch_all, fetch_one


def _school(row: aiosqlite.Row) -> School:
    return School(
        id=row["id"],
        region_id=row["region_id"],
        name=row["name"],
        kind=SchoolKind(row["kind"]),
        caterer_delivers_home=bool(row["caterer_delivers_home"]),
    )


async def get_school(conn: Connection, school_id: str) -> School | None:
    row = await fetch_one(conn, "SELECT * FROM schools WHERE id = ?", (school_id,))
    return _school(row) if row else None


async def list_schools(conn: Connection, region_id: str | None = None) -> list[School]:
    sql, args = "SELECT * FROM schools", []
    if region_id is not None:
        sql, args = sql + " WHERE region_id = ?", [region_id]
    return [_school(row) for row in await fetch_all(conn, sql + " ORDER BY id", args)]


async def get_pupil(conn: Connection, pupil_id: int) -> Pupil | None:
    row = await fetch_one(conn, "SELECT * FROM pupils WHERE id = ?", (pupil_id,))
    return Pupil.model_validate(dict(row)) if row else None


async def list_people(conn: Connection, table: str, school_id: str) -> list[Person]:
    """(id, external id, display name) of everyone in one school's table, for code issuing."""
    if table not in {"pupils", "guardians", "specialists", "coordinators", "caterer_people"}:
        raise ValueError(table)
    sql = f"SELECT id, external_id, display_name FROM {table} WHERE school_id = ? ORDER BY id"  # noqa: S608
    return [Person.model_validate(dict(r)) for r in await fetch_all(conn, sql, (school_id,))]


async def regional_coordinators(conn: Connection, region_id: str) -> list[Person]:
    """(id, external id, display name) of a region's coordinators, for code issuing."""
    sql = (
        "SELECT id, external_id, display_name FROM coordinators"
        " WHERE region_id = ? AND school_id IS NULL ORDER BY id"
    )
    return [Person.model_validate(dict(r)) for r in await fetch_all(conn, sql, (region_id,))]


async def get_guardian(conn: Connection, guardian_id: int) -> Guardian | None:
    row = await fetch_one(conn, "SELECT * FROM guardians WHERE id = ?", (guardian_id,))
    return Guardian.model_validate(dict(row)) if row else None


async def children_of(conn: Connection, guardian_ids: list[int]) -> list[Pupil]:
    if not guardian_ids:
        return []
    marks = ",".join("?" * len(guardian_ids))
    sql = (
        "SELECT DISTINCT p.* FROM pupils p JOIN guardian_pupils g ON g.pupil_id = p.id"  # noqa: S608
        f" WHERE g.guardian_id IN ({marks}) ORDER BY p.display_name"
    )
    return [Pupil.model_validate(dict(row)) for row in await fetch_all(conn, sql, guardian_ids)]


async def guardians_of(conn: Connection, pupil_id: int) -> list[int]:
    return [
        row[0]
        for row in await fetch_all(
            conn, "SELECT guardian_id FROM guardian_pupils WHERE pupil_id = ?", (pupil_id,)
        )
    ]


async def get_specialist(conn: Connection, specialist_id: int) -> Specialist | None:
    row = await fetch_one(conn, "SELECT * FROM specialists WHERE id = ?", (specialist_id,))
    if row is None:
        return None
    subjects = tuple(
        r[0]
        for r in await fetch_all(
            conn,
            "SELECT subject FROM specialist_subjects WHERE specialist_id = ? ORDER BY subject",
            (specialist_id,),
        )
    )
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
    return [
        row[0]
        for row in await fetch_all(
            conn,
            "SELECT id FROM specialists WHERE school_id = ? AND on_duty = 1 ORDER BY id",
            (school_id,),
        )
    ]


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
    row = await fetch_one(
        conn,
        "SELECT * FROM plans WHERE pupil_id = ? AND starts_on <= ? AND ends_on >= ?"
        " ORDER BY starts_on DESC LIMIT 1",
        (pupil_id, on.isoformat(), on.isoformat()),
    )
    if row is None:
        return None
    return await _with_measures(conn, row)


async def plans_of_pupil(conn: Connection, pupil_id: int) -> list[SupportPlan]:
    rows = await fetch_all(
        conn, "SELECT * FROM plans WHERE pupil_id = ? ORDER BY starts_on", (pupil_id,)
    )
    return [await _with_measures(conn, row) for row in rows]


async def _with_measures(conn: Connection, row: aiosqlite.Row) -> SupportPlan:
    measures = tuple(
        _measure(m)
        for m in await fetch_all(
            conn,
            "SELECT * FROM plan_measures WHERE plan_id = ? ORDER BY kind, subject",
            (row["id"],),
        )
    )
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
