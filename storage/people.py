"""Schools, pupils, guardians, specialists, coordinators and support plans (read side)."""

from __future__ import annotations

from datetime import date

import aiosqlite

from bot.domain.models import (
    MeasureKind,
    Person,
    PlanMeasure,
    Pupil,
    School,
    SchoolKind,
    SupportPlan,
)
from storage.db import Repo, marks

# A plan with its measures in one statement: one row per measure (or one with NULL
# measure columns for a plan without any).
_PLANS = (
    "SELECT p.id, p.school_id, p.external_id, p.pupil_id, p.school_year, p.semester,"
    " p.starts_on, p.ends_on, p.created_on, m.id AS m_id, m.kind AS m_kind,"
    " m.subject AS m_subject, m.hours_granted AS m_hours"
    " FROM plans p LEFT JOIN plan_measures m ON m.plan_id = p.id"
)


def _school(row: aiosqlite.Row) -> School:
    return School(
        id=row["id"],
        region_id=row["region_id"],
        name=row["name"],
        kind=SchoolKind(row["kind"]),
        caterer_delivers_home=bool(row["caterer_delivers_home"]),
    )


def _plans(rows: list[aiosqlite.Row]) -> list[SupportPlan]:
    plans: dict[int, dict[str, object]] = {}
    measures: dict[int, list[PlanMeasure]] = {}
    for row in rows:
        if row["id"] not in plans:
            plans[row["id"]] = {
                "id": row["id"],
                "school_id": row["school_id"],
                "external_id": row["external_id"],
                "pupil_id": row["pupil_id"],
                "school_year": row["school_year"],
                "semester": row["semester"],
                "starts_on": date.fromisoformat(row["starts_on"]),
                "ends_on": date.fromisoformat(row["ends_on"]),
                "created_on": date.fromisoformat(row["created_on"]) if row["created_on"] else None,
            }
            measures[row["id"]] = []
        if row["m_id"] is not None:
            measures[row["id"]].append(
                PlanMeasure(
                    id=row["m_id"],
                    plan_id=row["id"],
                    kind=MeasureKind(row["m_kind"]),
                    subject=row["m_subject"],
                    hours_granted=row["m_hours"],
                )
            )
    return [
        SupportPlan.model_validate(
            {**fields, "measures": tuple(sorted(measures[pid], key=lambda m: (m.kind, m.subject)))}
        )
        for pid, fields in plans.items()
    ]


class PeopleRepo(Repo):
    async def school(self, school_id: str) -> School | None:
        row = await self.one("SELECT * FROM schools WHERE id = ?", (school_id,))
        return _school(row) if row else None

    async def schools(self, region_id: str | None = None) -> list[School]:
        sql, args = "SELECT * FROM schools", []
        if region_id is not None:
            sql, args = sql + " WHERE region_id = ?", [region_id]
        return [_school(row) for row in await self.all(sql + " ORDER BY id", args)]

    async def pupil(self, pupil_id: int) -> Pupil | None:
        row = await self.one("SELECT * FROM pupils WHERE id = ?", (pupil_id,))
        return Pupil.model_validate(dict(row)) if row else None

    async def pupils_of_school(self, school_id: str) -> list[Pupil]:
        rows = await self.all("SELECT * FROM pupils WHERE school_id = ? ORDER BY id", (school_id,))
        return [Pupil.model_validate(dict(row)) for row in rows]

    async def people_of_school(self, table: str, school_id: str) -> list[Person]:
        """(id, external id, display name) of everyone in one school's table, for codes."""
        if table not in {"pupils", "guardians", "specialists", "coordinators", "caterer_people"}:
            raise ValueError(table)
        sql = f"SELECT id, external_id, display_name FROM {table} WHERE school_id = ? ORDER BY id"  # noqa: S608
        return [Person.model_validate(dict(r)) for r in await self.all(sql, (school_id,))]

    async def regional_coordinators(self, region_id: str) -> list[Person]:
        """(id, external id, display name) of a region's coordinators, for codes."""
        rows = await self.all(
            "SELECT id, external_id, display_name FROM coordinators"
            " WHERE region_id = ? AND school_id IS NULL ORDER BY id",
            (region_id,),
        )
        return [Person.model_validate(dict(r)) for r in rows]

    async def children(self, guardian_ids: list[int]) -> list[Pupil]:
        if not guardian_ids:
            return []
        sql = (
            "SELECT DISTINCT p.* FROM pupils p JOIN guardian_pupils g ON g.pupil_id = p.id"  # noqa: S608
            f" WHERE g.guardian_id IN ({marks(len(guardian_ids))}) ORDER BY p.display_name"
        )
        return [Pupil.model_validate(dict(row)) for row in await self.all(sql, guardian_ids)]

    async def on_duty_specialists(self, school_id: str) -> list[int]:
        rows = await self.all(
            "SELECT id FROM specialists WHERE school_id = ? AND on_duty = 1 ORDER BY id",
            (school_id,),
        )
        return [row[0] for row in rows]

    async def plan_in_force(self, pupil_id: int, on: date) -> SupportPlan | None:
        """The pupil's plan whose period contains ``on`` (the latest-starting one if several)."""
        rows = await self.all(
            _PLANS  # noqa: S608 - a constant
            + " WHERE p.id = (SELECT id FROM plans WHERE pupil_id = ? AND starts_on <= ?"
            " AND ends_on >= ? ORDER BY starts_on DESC LIMIT 1)",
            (pupil_id, on.isoformat(), on.isoformat()),
        )
        found = _plans(rows)
        return found[0] if found else None

    async def plans_of_school(self, school_id: str) -> list[SupportPlan]:
        rows = await self.all(_PLANS + " WHERE p.school_id = ? ORDER BY p.starts_on", (school_id,))
        return _plans(rows)

    async def plans_of_pupil(self, pupil_id: int) -> list[SupportPlan]:
        rows = await self.all(_PLANS + " WHERE p.pupil_id = ? ORDER BY p.starts_on", (pupil_id,))
        return _plans(rows)

    async def coordinator_accounts(self, school_id: str) -> list[int]:
        """Active accounts of the school's own coordinators (not the region's)."""
        rows = await self.all(
            "SELECT l.telegram_id FROM coordinators c"
            " JOIN account_links l ON l.role = 'coordinator' AND l.person_id = c.id"
            " JOIN accounts a ON a.telegram_id = l.telegram_id AND a.active = 1"
            " WHERE c.school_id = ? ORDER BY l.linked_at",
            (school_id,),
        )
        return [row[0] for row in rows]
