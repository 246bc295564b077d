"""Bulk upserts for the CSV import, run inside the caller's write transaction.

Every upsert changes a row only when a column differs, so re-importing an identical
file changes nothing (``total_changes`` stays put) and internal ids stay stable.
Child rows (guardian links, specialist subjects, plan measures) are made to equal the
file by a diff against what is stored: unchanged rows are not touched, so a measure
keeps its id while only its hours change.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping
from datetime import date
from typing import Any, Literal, NamedTuple

from storage.db import Repo

PeopleTable = Literal["pupils", "guardians", "specialists", "plans"]


class RegionRow(NamedTuple):
    id: str
    name: str


class SchoolRow(NamedTuple):
    id: str
    region_id: str
    name: str
    kind: str
    caterer_delivers_home: bool


class PupilRow(NamedTuple):
    school_id: str
    external_id: str
    display_name: str
    grade: int


class GuardianRow(NamedTuple):
    school_id: str
    external_id: str
    display_name: str


class SpecialistRow(NamedTuple):
    school_id: str
    external_id: str
    display_name: str
    kind: str
    on_duty: bool


class CoordinatorRow(NamedTuple):
    school_id: str | None
    region_id: str | None
    external_id: str
    display_name: str


class PlanRow(NamedTuple):
    school_id: str
    external_id: str
    pupil_id: int
    school_year: str
    semester: int
    starts_on: date
    ends_on: date
    created_on: date | None


# (kind, subject) -> hours granted (None: no limit)
MeasureSet = Mapping[tuple[str, str], float | None]


def _json(values: Iterable[object]) -> str:
    """One JSON array parameter for ``json_each``: any number of values in one query."""
    return json.dumps(list(values), ensure_ascii=False)


class ImportsRepo(Repo):
    async def _fetch(self, sql: str, args: Iterable[Any] = ()) -> list[Any]:
        async with self.conn.execute(sql, tuple(args)) as cursor:
            # plain tuples: tens of thousands of rows build noticeably faster than Row objects
            cursor.row_factory = None
            return list(await cursor.fetchall())

    async def all_ids(self, table: Literal["schools", "regions", "caterers"]) -> list[str]:
        """Every id of a small table as stored (schools, regions: their ids; caterers:
        their own ids), for matching a file's ids whatever their letter case."""
        column = {"schools": "id", "regions": "id", "caterers": "external_id"}[table]
        rows = await self._fetch(f"SELECT {column} FROM {table} ORDER BY rowid")  # noqa: S608
        return [row[0] for row in rows]

    async def coordinator_ids(self) -> list[tuple[str | None, str | None, str]]:
        """(school, region, own id) of every coordinator."""
        return [
            (row[0], row[1], row[2])
            for row in await self._fetch(
                "SELECT school_id, region_id, external_id FROM coordinators ORDER BY id"
            )
        ]

    async def existing_regions(self, ids: Collection[str]) -> set[str]:
        rows = await self._fetch(
            "SELECT id FROM regions WHERE id IN (SELECT value FROM json_each(?))",
            [_json(ids)],
        )
        return {row[0] for row in rows}

    async def existing_schools(self, ids: Collection[str]) -> set[str]:
        rows = await self._fetch(
            "SELECT id FROM schools WHERE id IN (SELECT value FROM json_each(?))",
            [_json(ids)],
        )
        return {row[0] for row in rows}

    async def id_map(
        self, table: PeopleTable, school_ids: Collection[str]
    ) -> dict[tuple[str, str], int]:
        """(school id, external id) -> internal id for every row of these schools, in one query."""
        if table not in {"pupils", "guardians", "specialists", "plans"}:
            raise ValueError(table)
        sql = (
            f"SELECT school_id, external_id, id FROM {table}"  # noqa: S608 - table is whitelisted
            " WHERE school_id IN (SELECT value FROM json_each(?))"
        )
        rows = await self._fetch(sql, [_json(school_ids)])
        return {(row[0], row[1]): row[2] for row in rows}

    async def upsert_regions(self, rows: Iterable[RegionRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO regions (id, name) VALUES (?, ?)"
            " ON CONFLICT (id) DO UPDATE SET name = excluded.name"
            " WHERE regions.name IS NOT excluded.name",
            list(rows),
        )

    async def upsert_schools(self, rows: Iterable[SchoolRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO schools (id, region_id, name, kind, caterer_delivers_home)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (id) DO UPDATE SET region_id = excluded.region_id,"
            " name = excluded.name, kind = excluded.kind,"
            " caterer_delivers_home = excluded.caterer_delivers_home"
            " WHERE schools.region_id IS NOT excluded.region_id"
            " OR schools.name IS NOT excluded.name OR schools.kind IS NOT excluded.kind"
            " OR schools.caterer_delivers_home IS NOT excluded.caterer_delivers_home",
            [(r.id, r.region_id, r.name, r.kind, int(r.caterer_delivers_home)) for r in rows],
        )

    async def upsert_pupils(self, rows: Iterable[PupilRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO pupils (school_id, external_id, display_name, grade) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (school_id, external_id) DO UPDATE SET"
            " display_name = excluded.display_name, grade = excluded.grade"
            " WHERE pupils.display_name IS NOT excluded.display_name"
            " OR pupils.grade IS NOT excluded.grade",
            list(rows),
        )

    async def upsert_guardians(self, rows: Iterable[GuardianRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO guardians (school_id, external_id, display_name) VALUES (?, ?, ?)"
            " ON CONFLICT (school_id, external_id) DO UPDATE SET"
            " display_name = excluded.display_name"
            " WHERE guardians.display_name IS NOT excluded.display_name",
            list(rows),
        )

    async def upsert_specialists(self, rows: Iterable[SpecialistRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO specialists (school_id, external_id, display_name, kind, on_duty)"
            " VALUES (?, ?, ?, ?, ?)"
            " ON CONFLICT (school_id, external_id) DO UPDATE SET"
            " display_name = excluded.display_name, kind = excluded.kind,"
            " on_duty = excluded.on_duty"
            " WHERE specialists.display_name IS NOT excluded.display_name"
            " OR specialists.kind IS NOT excluded.kind"
            " OR specialists.on_duty IS NOT excluded.on_duty",
            [(r.school_id, r.external_id, r.display_name, r.kind, int(r.on_duty)) for r in rows],
        )

    async def upsert_coordinators(self, rows: Iterable[CoordinatorRow]) -> None:
        """Insert or rename coordinators, keyed by (school, region, external id).

        Not an ``ON CONFLICT`` upsert: the table's UNIQUE key always has one NULL column,
        and SQLite treats NULLs as distinct, so the constraint never fires.
        """
        stored = {
            (row[0], row[1], row[2]): (row[3], row[4])
            for row in await self._fetch(
                "SELECT school_id, region_id, external_id, id, display_name FROM coordinators",
            )
        }
        inserts: list[CoordinatorRow] = []
        renames: list[tuple[str, int]] = []
        for row in rows:
            found = stored.get((row.school_id, row.region_id, row.external_id))
            if found is None:
                inserts.append(row)
            elif found[1] != row.display_name:
                renames.append((row.display_name, found[0]))
        await self.conn.executemany(
            "INSERT INTO coordinators (school_id, region_id, external_id, display_name)"
            " VALUES (?, ?, ?, ?)",
            inserts,
        )
        await self.conn.executemany(
            "UPDATE coordinators SET display_name = ? WHERE id = ?", renames
        )

    async def upsert_plans(self, rows: Iterable[PlanRow]) -> None:
        await self.conn.executemany(
            "INSERT INTO plans (school_id, external_id, pupil_id, school_year, semester,"
            " starts_on, ends_on, created_on) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (school_id, external_id) DO UPDATE SET"
            " pupil_id = excluded.pupil_id, school_year = excluded.school_year,"
            " semester = excluded.semester, starts_on = excluded.starts_on,"
            " ends_on = excluded.ends_on, created_on = excluded.created_on"
            " WHERE plans.pupil_id IS NOT excluded.pupil_id"
            " OR plans.school_year IS NOT excluded.school_year"
            " OR plans.semester IS NOT excluded.semester"
            " OR plans.starts_on IS NOT excluded.starts_on"
            " OR plans.ends_on IS NOT excluded.ends_on"
            " OR plans.created_on IS NOT excluded.created_on",
            [
                (
                    r.school_id,
                    r.external_id,
                    r.pupil_id,
                    r.school_year,
                    r.semester,
                    r.starts_on.isoformat(),
                    r.ends_on.isoformat(),
                    r.created_on.isoformat() if r.created_on else None,
                )
                for r in rows
            ],
        )

    async def _replace_children(
        self,
        table: Literal["guardian_pupils", "specialist_subjects"],
        parent: str,
        child: str,
        wanted: Mapping[int, Collection[object]],
    ) -> None:
        """Make the (parent, child) pairs of the given parents equal ``wanted``."""
        stored = await self._fetch(
            f"SELECT {parent}, {child} FROM {table}"  # noqa: S608 - names are constants
            f" WHERE {parent} IN (SELECT value FROM json_each(?))",
            [_json(wanted)],
        )
        have = {(row[0], row[1]) for row in stored}
        want = {(owner, item) for owner, items in wanted.items() for item in items}
        await self.conn.executemany(
            f"DELETE FROM {table} WHERE {parent} = ? AND {child} = ?",  # noqa: S608
            sorted(have - want),
        )
        await self.conn.executemany(
            f"INSERT INTO {table} ({parent}, {child}) VALUES (?, ?)",  # noqa: S608
            sorted(want - have),
        )

    async def replace_guardian_pupils(self, wanted: Mapping[int, Collection[int]]) -> None:
        """Each listed guardian ends up linked to exactly the given pupils."""
        await self._replace_children("guardian_pupils", "guardian_id", "pupil_id", wanted)

    async def replace_specialist_subjects(self, wanted: Mapping[int, Collection[str]]) -> None:
        """Each listed specialist ends up with exactly the given subjects."""
        await self._replace_children("specialist_subjects", "specialist_id", "subject", wanted)

    async def replace_plan_measures(self, wanted: Mapping[int, MeasureSet]) -> None:
        """Each listed plan ends up with exactly the given measures; kept ones keep their ids."""
        stored = await self._fetch(
            "SELECT id, plan_id, kind, subject, hours_granted FROM plan_measures"
            " WHERE plan_id IN (SELECT value FROM json_each(?))",
            [_json(wanted)],
        )
        deletes: list[tuple[int]] = []
        updates: list[tuple[float | None, int]] = []
        kept: set[tuple[int, str, str]] = set()
        for measure_id, plan_id, kind, subject, hours in stored:
            measures = wanted[plan_id]
            if (kind, subject) not in measures:
                deletes.append((measure_id,))
                continue
            kept.add((plan_id, kind, subject))
            if measures[(kind, subject)] != hours:
                updates.append((measures[(kind, subject)], measure_id))
        inserts = [
            (plan_id, kind, subject, hours)
            for plan_id, measures in wanted.items()
            for (kind, subject), hours in measures.items()
            if (plan_id, kind, subject) not in kept
        ]
        await self.conn.executemany("DELETE FROM plan_measures WHERE id = ?", deletes)
        await self.conn.executemany(
            "UPDATE plan_measures SET hours_granted = ? WHERE id = ?", updates
        )
        await self.conn.executemany(
            "INSERT INTO plan_measures (plan_id, kind, subject, hours_granted) VALUES (?, ?, ?, ?)",
            inserts,
        )
