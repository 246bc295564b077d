"""Import schools, people and support plans from CSV files and the rest (``pumpurs-bot import``).

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
caterers        ``caterer_id,display_name,school_ids,delivery_days,cutoff_time,delivery_time``;
                school_ids ``;``-separated (one home-delivery caterer a school: a school named
                again moves to this caterer); delivery_days ``mon;tue;wed;thu;fri`` or ISO
                digits; cutoff_time is the Riga time the day before a delivery when its orders
                are fixed and the list is sent; delivery_time when meals are at the door.
availability    ``school_id,specialist_id,weekday,start,end,slot_minutes,valid_from,``
                ``valid_until`` and optionally ``date``. A row is weekly hours (weekday 1-7 or
                mon..sun, start-end in Riga time cut into slot_minutes slots, from valid_from
                to an optional valid_until), one-off slots (date, start, end, optional
                slot_minutes) or a day off (only date: that day's free slots are withdrawn).
==============  ==========================================================================

Ids are at most 64 characters (no ``;``), names at most 120, subjects at most 64.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from bot.domain.consultations import slot_times
from bot.domain.dates import riga_midnight
from bot.domain.errors import ImportFailed
from bot.domain.models import MeasureKind, Model
from bot.services.imports.csvfile import Problem, parse_file
from bot.services.imports.ids import canonical
from bot.services.imports.lines import (
    AvailabilityLine,
    CatererLine,
    CoordinatorLine,
    GuardianLine,
    ImportKind,
    PlanLine,
    PupilLine,
    SchoolLine,
    SpecialistLine,
)
from storage import imports
from storage.uow import Tx, UnitOfWork

log = logging.getLogger(__name__)

# Files of several kinds given at once are imported in this order, so a file never
# names a school or a person that a later file brings.
ORDER = (
    ImportKind.SCHOOLS,
    ImportKind.PUPILS,
    ImportKind.GUARDIANS,
    ImportKind.SPECIALISTS,
    ImportKind.COORDINATORS,
    ImportKind.PLANS,
    ImportKind.CATERERS,
    ImportKind.AVAILABILITY,
)


class ImportReport(Model):
    kind: ImportKind
    rows: int
    changed: int


def _fail_if(problems: list[Problem]) -> None:
    if problems:
        problems.sort(key=lambda problem: problem[0])
        raise ImportFailed(problems=[f"line {number}: {text}" for number, text in problems])


def _unknown_school(number: int, school_id: str) -> Problem:
    return number, f"school_id: unknown school {school_id} (import the schools file first)"


# --- one store function per kind: check references, then (only if all is well) write


async def _store_schools(
    tx: Tx, lines: list[tuple[int, SchoolLine]], problems: list[Problem]
) -> None:
    regions: dict[str, tuple[int, str]] = {}
    for number, row in lines:
        first, name = regions.setdefault(row.region_id, (number, row.region_name))
        if name != row.region_name:
            text = f"region_name: {row.region_name!r} differs from {name!r} on line {first}"
            problems.append((number, text))
    _fail_if(problems)
    await tx.imports.upsert_regions([imports.RegionRow(k, v[1]) for k, v in regions.items()])
    await tx.imports.upsert_schools(
        [
            imports.SchoolRow(
                r.school_id, r.region_id, r.school_name, r.kind.value, r.caterer_delivers_home
            )
            for _, r in lines
        ],
    )


async def _known_schools(tx: Tx, lines: list[tuple[int, Any]], problems: list[Problem]) -> set[str]:
    """The file's schools that exist; a problem for each row whose school does not."""
    schools = await tx.imports.existing_schools({row.school_id for _, row in lines})
    problems.extend(
        _unknown_school(number, row.school_id)
        for number, row in lines
        if row.school_id not in schools
    )
    return schools


async def _store_pupils(
    tx: Tx, lines: list[tuple[int, PupilLine]], problems: list[Problem]
) -> None:
    await _known_schools(tx, lines, problems)
    _fail_if(problems)
    await tx.imports.upsert_pupils(
        [imports.PupilRow(r.school_id, r.pupil_id, r.display_name, r.grade) for _, r in lines],
    )


async def _store_guardians(
    tx: Tx, lines: list[tuple[int, GuardianLine]], problems: list[Problem]
) -> None:
    schools = await _known_schools(tx, lines, problems)
    pupils = await tx.imports.id_map("pupils", schools)
    for number, row in lines:
        missing = [p for p in row.pupil_ids if (row.school_id, p) not in pupils]
        if missing and row.school_id in schools:
            text = f"pupil_ids: no pupil {', '.join(missing)} in school {row.school_id}"
            problems.append((number, text))
    _fail_if(problems)
    await tx.imports.upsert_guardians(
        [imports.GuardianRow(r.school_id, r.guardian_id, r.display_name) for _, r in lines]
    )
    guardians = await tx.imports.id_map("guardians", schools)
    await tx.imports.replace_guardian_pupils(
        {
            guardians[(r.school_id, r.guardian_id)]: [pupils[(r.school_id, p)] for p in r.pupil_ids]
            for _, r in lines
        },
    )


async def _store_specialists(
    tx: Tx, lines: list[tuple[int, SpecialistLine]], problems: list[Problem]
) -> None:
    schools = await _known_schools(tx, lines, problems)
    _fail_if(problems)
    await tx.imports.upsert_specialists(
        [
            imports.SpecialistRow(
                r.school_id, r.specialist_id, r.display_name, r.kind.value, r.on_duty
            )
            for _, r in lines
        ],
    )
    specialists = await tx.imports.id_map("specialists", schools)
    await tx.imports.replace_specialist_subjects(
        {specialists[(r.school_id, r.specialist_id)]: r.subjects for _, r in lines}
    )


async def _store_coordinators(
    tx: Tx, lines: list[tuple[int, CoordinatorLine]], problems: list[Problem]
) -> None:
    schools = await tx.imports.existing_schools({r.school_id for _, r in lines if r.school_id})
    regions = await tx.imports.existing_regions({r.region_id for _, r in lines if r.region_id})
    for number, row in lines:
        if row.school_id is not None and row.school_id not in schools:
            problems.append(_unknown_school(number, row.school_id))
        if row.region_id is not None and row.region_id not in regions:
            text = f"region_id: unknown region {row.region_id} (import the schools file first)"
            problems.append((number, text))
    _fail_if(problems)
    await tx.imports.upsert_coordinators(
        [
            imports.CoordinatorRow(r.school_id, r.region_id, r.coordinator_id, r.display_name)
            for _, r in lines
        ],
    )


# A measure kind's stored text: looked up, as `.value` costs an enum descriptor call per
# measure (0.2 s of a national import).
_KIND_VALUES = {kind: kind.value for kind in MeasureKind}


async def _store_plans(tx: Tx, lines: list[tuple[int, PlanLine]], problems: list[Problem]) -> None:
    schools = await _known_schools(tx, lines, problems)
    pupils = await tx.imports.id_map("pupils", schools)
    for number, row in lines:
        if row.school_id in schools and (row.school_id, row.pupil_id) not in pupils:
            text = f"pupil_id: no pupil {row.pupil_id} in school {row.school_id}"
            problems.append((number, text))
    _fail_if(problems)
    await tx.imports.upsert_plans(
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
    plans = await tx.imports.id_map("plans", schools)
    await tx.imports.replace_plan_measures(
        {
            plans[(r.school_id, r.plan_id)]: {
                (_KIND_VALUES[m.kind], m.subject): m.hours for m in r.measures
            }
            for _, r in lines
        },
    )


async def _store_caterers(
    tx: Tx, lines: list[tuple[int, CatererLine]], problems: list[Problem]
) -> None:
    first: dict[str, int] = {}
    for number, row in lines:
        for school in row.school_ids:
            if school in first:
                problems.append((number, f"school_ids: {school} is on line {first[school]} too"))
            first.setdefault(school, number)
    known = await tx.imports.existing_schools(set(first))
    problems.extend(
        (number, f"school_ids: unknown school {school}")
        for number, row in lines
        for school in row.school_ids
        if school not in known
    )
    _fail_if(problems)
    for _, row in lines:
        caterer_id = await tx.meals.upsert_caterer(
            row.caterer_id,
            row.display_name,
            row.delivery_days,
            row.cutoff_time.strftime("%H:%M"),
            row.delivery_time.strftime("%H:%M"),
        )
        await tx.meals.set_caterer_schools(caterer_id, list(row.school_ids))


async def _store_availability(
    tx: Tx, lines: list[tuple[int, AvailabilityLine]], problems: list[Problem]
) -> None:
    found: dict[tuple[str, str], int] = {}
    for number, row in lines:
        key = (row.school_id, row.specialist_id)
        if key not in found:
            specialist = await tx.slots.specialist_by_external_id(*key)
            if specialist is None:
                problems.append(
                    (number, f"specialist_id: no specialist {key[1]} in school {key[0]}")
                )
                continue
            found[key] = specialist
    _fail_if(problems)
    for _, row in lines:
        specialist_id = found[(row.school_id, row.specialist_id)]
        if row.weekday is not None:
            assert row.start and row.end and row.slot_minutes and row.valid_from  # noqa: S101
            await tx.slots.upsert_rule(
                specialist_id,
                row.weekday,
                row.start,
                row.end,
                row.slot_minutes,
                row.valid_from,
                row.valid_until,
            )
        elif row.start is None or row.end is None:
            assert row.date is not None  # noqa: S101
            await tx.slots.add_day_off(specialist_id, row.date)
            await tx.slots.withdraw_free_between(
                specialist_id,
                riga_midnight(row.date),
                riga_midnight(row.date + timedelta(days=1)),
            )
        else:
            assert row.date is not None  # noqa: S101
            length = (row.end.hour * 60 + row.end.minute) - (row.start.hour * 60 + row.start.minute)
            minutes = row.slot_minutes or length
            for starts, ends in slot_times(row.date, row.start, row.end, minutes):
                await tx.slots.add_slot(specialist_id, starts, ends)


_STORE: dict[ImportKind, Callable[[Tx, Any, list[Problem]], Awaitable[None]]] = {
    ImportKind.SCHOOLS: _store_schools,
    ImportKind.PUPILS: _store_pupils,
    ImportKind.GUARDIANS: _store_guardians,
    ImportKind.SPECIALISTS: _store_specialists,
    ImportKind.COORDINATORS: _store_coordinators,
    ImportKind.PLANS: _store_plans,
    ImportKind.CATERERS: _store_caterers,
    ImportKind.AVAILABILITY: _store_availability,
}


class Importer:
    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow

    async def import_file(self, path: Path) -> ImportReport:
        """Import one CSV file of any kind in one transaction; ImportFailed names every bad line."""
        parsed = await asyncio.to_thread(parse_file, path)
        async with self.uow.write() as tx:
            before = tx.conn.total_changes
            lines = await canonical(tx, parsed.kind, parsed.lines)
            await _STORE[parsed.kind](tx, lines, list(parsed.problems))
            changed = tx.conn.total_changes - before
        report = ImportReport(kind=parsed.kind, rows=len(parsed.lines), changed=changed)
        log.info(
            "imported %s: %s: %d rows, %d changed", path.name, report.kind, report.rows, changed
        )
        return report

    @staticmethod
    async def ordered(paths: list[Path]) -> list[Path]:
        """Files given at once, in the order of :data:`ORDER` (ImportFailed for a bad header)."""
        kinds: dict[Path, ImportKind] = {}
        for path in paths:
            try:
                kinds[path] = await asyncio.to_thread(kind_of, path)
            except ImportFailed as exc:
                raise ImportFailed(problems=[f"{path}: {p}" for p in exc.problems]) from None
        return sorted(paths, key=lambda path: ORDER.index(kinds[path]))


def kind_of(path: Path) -> ImportKind:
    """The kind of a file, from its header (ImportFailed if it is none)."""
    return parse_file(path, header_only=True).kind
