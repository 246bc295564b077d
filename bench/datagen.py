"""Synthetic, reproducible import files for benchmarks: no real names, no real schools.

The same ``seed`` and sizes always give byte-identical files. Ids are derived from
indexes by the ``*_id`` helpers, and pupils and specialists sit in contiguous blocks
per school (:func:`school_of`), so a later benchmark can add availability and bookings
for the same people without reading the files back.
"""

from __future__ import annotations

import csv
import random
from collections.abc import Iterable, Sequence
from pathlib import Path

SUBJECTS = ("Matemātika", "Latviešu valoda", "Angļu valoda", "Fizika", "Ķīmija", "Bioloģija")
SCHOOL_YEAR = "2026/2027"
_KINDS = ("teacher",) * 4 + ("psychologist", "social_pedagogue")
SEMESTERS = {1: ("2026-09-01", "2026-12-31"), 2: ("2027-01-05", "2027-05-31")}


def region_id(index: int) -> str:
    return f"R-{index:02d}"


def school_id(index: int) -> str:
    return f"SK-{index:04d}"


def pupil_id(index: int) -> str:
    return f"P-{index:05d}"


def guardian_id(index: int) -> str:
    return f"G-{index:05d}"


def specialist_id(index: int) -> str:
    return f"S-{index:05d}"


def plan_id(index: int) -> str:
    return f"IAP-{index:06d}"


def school_of(index: int, count: int, schools: int) -> int:
    """The school of the ``index``-th of ``count`` people spread in blocks over the schools."""
    return index * schools // count


def specialist_kind(index: int) -> str:
    """Four teachers, then a psychologist and a social pedagogue, repeating."""
    return _KINDS[index % len(_KINDS)]


def _write(path: Path, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def generate(
    out_dir: Path,
    seed: int,
    schools: int = 500,
    pupils: int = 30000,
    regions: int = 5,
    guardians: int = 15000,
    specialists: int = 3000,
    plans: int = 30000,
) -> dict[str, Path]:
    """Write the six import files into ``out_dir``; return their paths by kind, in import order."""
    rng = random.Random(seed)
    out_dir.mkdir(parents=True, exist_ok=True)
    vocational = {s for s in range(schools) if s % 5 == 4}
    files: dict[str, Path] = {}

    files["schools"] = _write(
        out_dir / "schools.csv",
        ("region_id", "region_name", "school_id", "school_name", "kind", "caterer_delivers_home"),
        (
            (
                region_id(s % regions),
                f"Reģions {s % regions:02d}",
                school_id(s),
                f"Skola {s:04d}",
                "vocational" if s in vocational else "general",
                "yes" if rng.random() < 0.6 else "no",
            )
            for s in range(schools)
        ),
    )

    grades: list[int] = []
    for p in range(pupils):
        low = 10 if school_of(p, pupils, schools) in vocational else 1
        grades.append(rng.randint(low, 12))
    files["pupils"] = _write(
        out_dir / "pupils.csv",
        ("school_id", "pupil_id", "display_name", "grade"),
        (
            (school_id(school_of(p, pupils, schools)), pupil_id(p), f"Skolēns {p:05d}", grades[p])
            for p in range(pupils)
        ),
    )

    def children(g: int) -> str:
        # a guardian has one or two neighbouring pupils of the same school
        first = g * pupils // guardians
        chosen = [first]
        second = first + 1
        if second < pupils and school_of(second, pupils, schools) == school_of(
            first, pupils, schools
        ):
            chosen.append(second)
        return ";".join(pupil_id(p) for p in chosen)

    files["guardians"] = _write(
        out_dir / "guardians.csv",
        ("school_id", "guardian_id", "display_name", "pupil_ids"),
        (
            (
                school_id(school_of(g * pupils // guardians, pupils, schools)),
                guardian_id(g),
                f"Vecāks {g:05d}",
                children(g),
            )
            for g in range(guardians)
        ),
    )

    files["specialists"] = _write(
        out_dir / "specialists.csv",
        ("school_id", "specialist_id", "display_name", "kind", "subjects", "on_duty"),
        (
            (
                school_id(school_of(s, specialists, schools)),
                specialist_id(s),
                f"Speciālists {s:05d}",
                specialist_kind(s),
                ";".join(rng.sample(SUBJECTS, 2)) if specialist_kind(s) == "teacher" else "",
                "yes" if specialist_kind(s) == "psychologist" else "no",
            )
            for s in range(specialists)
        ),
    )

    files["coordinators"] = _write(
        out_dir / "coordinators.csv",
        ("coordinator_id", "display_name", "school_id", "region_id"),
        [(f"K-{s:04d}", f"Koordinators {s:04d}", school_id(s), "") for s in range(schools)]
        + [(f"RK-{r:02d}", f"Reģiona koord. {r:02d}", "", region_id(r)) for r in range(regions)],
    )

    def measures(pupil: int) -> str:
        items = [f"subject_consultation:{rng.choice(SUBJECTS)}:{rng.choice((4, 6, 8))}"]
        if rng.random() < 0.5:
            items.append(f"emotional_support::{rng.choice((4, 6))}")
        if school_of(pupil, pupils, schools) in vocational:
            items.extend(("transport", "internship_meals"))
        elif grades[pupil] >= 5 and rng.random() < 0.6:
            items.append("meals")
        return ";".join(items)

    def plan_row(n: int) -> tuple[object, ...]:
        pupil = n % pupils
        semester = 1 + (n // pupils) % 2
        starts_on, ends_on = SEMESTERS[semester]
        return (
            school_id(school_of(pupil, pupils, schools)),
            plan_id(n),
            pupil_id(pupil),
            SCHOOL_YEAR,
            semester,
            starts_on,
            ends_on,
            starts_on if n % 3 else "",
            measures(pupil),
        )

    files["plans"] = _write(
        out_dir / "plans.csv",
        (
            "school_id",
            "plan_id",
            "pupil_id",
            "school_year",
            "semester",
            "starts_on",
            "ends_on",
            "created_on",
            "measures",
        ),
        (plan_row(n) for n in range(plans)),
    )
    return files
