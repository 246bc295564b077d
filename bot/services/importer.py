"""Import schools, people and support plans from CSV files (``pumpurs-bot import FILE.csv``).

One file holds one kind of record, recognised by its header row: the exact set of
columns below, in any order. Files are UTF-8 (with or without a BOM), comma-separated,
with one header row; blank lines are skipped and every cell is trimmed. Import schools
first, then pupils, then the rest. Rows are matched by the school's own ids, so
re-importing a file changes only what differs and internal ids stay the same. A file
with any bad row is refused as a whole, naming every bad line (the header is line 1);
nothing from it is stored. A personal code (*personas kods*) column is always refused.

==============  ==========================================================================
kind            columns and values
==============  ==========================================================================
schools         ``region_id,region_name,school_id,school_name,kind,caterer_delivers_home``
                kind ``general`` | ``vocational``; caterer_delivers_home ``yes|no|true|false|1|0``.
                Regions are created or renamed from the same rows.
pupils          ``school_id,pupil_id,display_name,grade`` (grade 1 to 12)
guardians       ``school_id,guardian_id,display_name,pupil_ids``; pupil_ids are that school's
                pupil ids separated by ``;``. The guardian's links become exactly these.
specialists     ``school_id,specialist_id,display_name,kind,subjects,on_duty``; kind
                ``teacher`` | ``psychologist`` | ``social_pedagogue``; subjects separated by
                ``;`` (may be empty; they become exactly these); on_duty yes/no.
coordinators    ``coordinator_id,display_name,school_id,region_id``: exactly one of school_id
                (a school coordinator) and region_id (a regional coordinator).
plans           ``school_id,plan_id,pupil_id,school_year,semester,starts_on,ends_on,``
                ``created_on,measures``; school_year like ``2019/2020``; semester 1 | 2; dates
                ``YYYY-MM-DD`` with starts_on <= ends_on; created_on may be empty. measures are
                ``;``-separated items ``kind[:subject][:hours]``, e.g.
                ``subject_consultation:Matemātika:8;emotional_support::6;meals``; kind is
                subject_consultation (subject required), emotional_support, meals, transport,
                accommodation or internship_meals (no subject); empty hours = no limit. The
                plan's measures become exactly these.
==============  ==========================================================================

Ids are at most 64 characters (no ``;``), names at most 120, subjects at most 64.
"""

from __future__ import annotations

import asyncio
import csv
import logging
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import ImportFailed
from bot.services.import_rows import (
    CoordinatorLine,
    GuardianLine,
    ImportKind,
    PlanLine,
    Problem,
    PupilLine,
    SchoolLine,
    SpecialistLine,
    parse_file,
)
from storage import imports
from storage.db import Connection, Database

__all__ = ["ImportKind", "ImportReport", "import_csv"]

log = logging.getLogger(__name__)


class ImportReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str
    rows: int
    changed: int


def _fail_if(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise ImportFailed([f"line {number}: {text}" for number, text in problems])


def _unknown_school(number: int, school_id: str) -> Problem:
    return number, f"school_id: unknown school {school_id} (import the schools file first)"


# --- one store function per kind: check references, then (only if all is well) write


async def _store_schools(
    conn: Connection, lines: list[tuple[int, SchoolLine]], problems: list[Problem]
) -> None:
    regions: dict[str, tuple[int, str]] = {}
    for number, row in lines:
        first, name = regions.setdefault(row.region_id, (number, row.region_name))
        if name != row.region_name:
            text = f"region_name: {row.region_name!r} differs from {name!r} on line {first}"
            problems.append((number, text))
    _fail_if(problems)
    await imports.upsert_regions(conn, [imports.RegionRow(k, v[1]) for k, v in regions.items()])
    await imports.upsert_schools(
        conn,
        [
            imports.SchoolRow(
                r.school_id, r.region_id, r.school_name, r.kind.value, r.caterer_delivers_home
            )
            for _, r in lines
        ],
    )


async def _known_schools(
    conn: Connection, lines: list[tuple[int, Any]], problems: list[Problem]
) -> set[str]:
    """The file's schools that exist; a problem for each row whose school does not."""
    schools = await imports.existing_schools(conn, {row.school_id for _, row in lines})
    problems.extend(
        _unknown_school(number, row.school_id)
        for number, row in lines
        if row.school_id not in schools
    )
    return schools


async def _store_pupils(
    conn: Connection, lines: list[tuple[int, PupilLine]], problems: list[Problem]
) -> None:
    await _known_schools(conn, lines, problems)
    _fail_if(problems)
    await imports.upsert_pupils(
        conn,
        [imports.PupilRow(r.school_id, r.pupil_id, r.display_name, r.grade) for _, r in lines],
    )


async def _store_guardians(
    conn: Connection, lines: list[tuple[int, GuardianLine]], problems: list[Problem]
) -> None:
    schools = await _known_schools(conn, lines, problems)
    pupils = await imports.id_map(conn, "pupils", schools)
    for number, row in lines:
        missing = [p for p in row.pupil_ids if (row.school_id, p) not in pupils]
        if missing and row.school_id in schools:
            text = f"pupil_ids: no pupil {', '.join(missing)} in school {row.school_id}"
            problems.append((number, text))
    _fail_if(problems)
    await imports.upsert_guardians(
        conn, [imports.GuardianRow(r.school_id, r.guardian_id, r.display_name) for _, r in lines]
    )
    guardians = await imports.id_map(conn, "guardians", schools)
    await imports.replace_guardian_pupils(
        conn,
        {
            guardians[(r.school_id, r.guardian_id)]: [pupils[(r.school_id, p)] for p in r.pupil_ids]
            for _, r in lines
        },
    )


async def _store_specialists(
    conn: Connection, lines: list[tuple[int, SpecialistLine]], problems: list[Problem]
) -> None:
    schools = await _known_schools(conn, lines, problems)
    _fail_if(problems)
    await imports.upsert_specialists(
        conn,
        [
            imports.SpecialistRow(
                r.school_id, r.specialist_id, r.display_name, r.kind.value, r.on_duty
            )
            for _, r in lines
        ],
    )
    specialists = await imports.id_map(conn, "specialists", schools)
    await imports.replace_specialist_subjects(
        conn, {specialists[(r.school_id, r.specialist_id)]: r.subjects for _, r in lines}
    )


async def _store_coordinators(
    conn: Connection, lines: list[tuple[int, CoordinatorLine]], problems: list[Problem]
) -> None:
    schools = await imports.existing_schools(conn, {r.school_id for _, r in lines if r.school_id})
    regions = await imports.existing_regions(conn, {r.region_id for _, r in lines if r.region_id})
    for number, row in lines:
        if row.school_id is not None and row.school_id not in schools:
            problems.append(_unknown_school(number, row.school_id))
        if row.region_id is not None and row.region_id not in regions:
            text = f"region_id: unknown region {row.region_id} (import the schools file first)"
            problems.append((number, text))
    _fail_if(problems)
    await imports.upsert_coordinators(
        conn,
        [
            imports.CoordinatorRow(r.school_id, r.region_id, r.coordinator_id, r.display_name)
            for _, r in lines
        ],
    )


async def _store_plans(
    conn: Connection, lines: list[tuple[int, PlanLine]], problems: list[Problem]
) -> None:
    schools = await _known_schools(conn, lines, problems)
    pupils = await imports.id_map(conn, "pupils", schools)
    for number, row in lines:
        if row.school_id in schools and (row.school_id, row.pupil_id) not in pupils:
            text = f"pupil_id: no pupil {row.pupil_id} in school {row.school_id}"
            problems.append((number, text))
    _fail_if(problems)
    await imports.upsert_plans(
        conn,
        [
            imports.PlanRow(
                r.school_id,
                r.plan_id,
                pupils[(r.school_id, r.pupil_id)],
                r.school_year,
                r.semester,
                r.starts_on,
                r.ends_on,
                r.created_on,
            )
            for _, r in lines
        ],
    )
    plans = await imports.id_map(conn, "plans", schools)
    await imports.replace_plan_measures(
        conn,
        {
            plans[(r.school_id, r.plan_id)]: {
                (m.kind.value, m.subject): m.hours for m in r.measures
            }
            for _, r in lines
        },
    )


_STORE: dict[ImportKind, Callable[[Connection, Any, list[Problem]], Awaitable[None]]] = {
    ImportKind.SCHOOLS: _store_schools,
    ImportKind.PUPILS: _store_pupils,
    ImportKind.GUARDIANS: _store_guardians,
    ImportKind.SPECIALISTS: _store_specialists,
    ImportKind.COORDINATORS: _store_coordinators,
    ImportKind.PLANS: _store_plans,
}


async def import_csv(db: Database, path: Path) -> ImportReport:
    """Import one CSV file in one transaction; raise ImportFailed naming every bad line."""
    parsed = await asyncio.to_thread(parse_file, path)
    async with db.write() as conn:
        before = conn.total_changes
        await _STORE[parsed.kind](conn, parsed.lines, list(parsed.problems))
        changed = conn.total_changes - before
    report = ImportReport(kind=parsed.kind, rows=len(parsed.lines), changed=changed)
    log.info("imported %s: %s: %d rows, %d changed", path.name, report.kind, report.rows, changed)
    return report


async def import_file(db: Database, path: Path) -> ImportReport:
    """Any importable file, told by its header: the kinds above, caterers or availability.

    Caterers belong to the meals feature and availability to consultations; each has
    its own reader, and this is the one door ``pumpurs-bot import`` and the demo use.
    """
    from bot.services.availability import import_availability_csv
    from bot.services.availability_csv import is_availability_file
    from bot.services.meals_import import import_caterers_csv, is_caterers_header

    header = await asyncio.to_thread(_header, path)
    if is_caterers_header(header):
        caterers = await import_caterers_csv(db, path)
        return ImportReport(kind="caterers", rows=caterers.rows, changed=caterers.changed)
    if is_availability_file(path):
        availability = await import_availability_csv(db, path)
        return ImportReport(
            kind="availability", rows=availability.rows, changed=availability.changed
        )
    return await import_csv(db, path)


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return [name.strip().lower() for name in next(csv.reader(handle), [])]
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFailed([f"{path}: cannot be read ({exc})"]) from None
