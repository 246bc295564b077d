"""Import caterers and the schools they deliver for (``caterers.csv``).

Columns, in any order: ``caterer_id,display_name,school_ids,delivery_days,cutoff_time,
delivery_time``. school_ids are the schools' ids separated by ``;`` (each school has one
home-delivery caterer; a school named again moves to this caterer); delivery_days are
``mon;tue;wed;thu;fri`` (or ISO digits ``1;2;3;4;5``); cutoff_time is the Riga time on
the day before a delivery when its orders are fixed and the list is sent (``14:00``);
delivery_time is when meals are at the door (``12:00``). UTF-8, one header row. A file
with any bad line is refused as a whole, naming every bad line; nothing is stored.
"""

from __future__ import annotations

import asyncio
import csv
import re
from pathlib import Path
from typing import NamedTuple

from bot.domain.errors import ImportFailed
from storage import Database, people
from storage import meals as repo

COLUMNS = {"caterer_id", "display_name", "school_ids", "delivery_days", "cutoff_time",
           "delivery_time"}  # fmt: skip
DAY_NAMES = {"mon": "1", "tue": "2", "wed": "3", "thu": "4", "fri": "5", "sat": "6", "sun": "7"}
_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ID = re.compile(r"^[^;\s]{1,64}$")


class CatererLine(NamedTuple):
    number: int
    external_id: str
    display_name: str
    school_ids: tuple[str, ...]
    delivery_days: str
    cutoff_time: str
    delivery_time: str


class CaterersReport(NamedTuple):
    rows: int
    schools: int
    changed: int


def is_caterers_header(header: list[str]) -> bool:
    """True if a CSV header row is a caterers file (for the general importer to hand over)."""
    return {h.strip().lstrip("\ufeff").lower() for h in header} == COLUMNS


def _days(text: str) -> str:
    days = set()
    for part in text.lower().replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        day = DAY_NAMES.get(part[:3], part if part in "1234567" and len(part) == 1 else None)
        if day is None:
            raise ValueError(f"unknown day {part!r}")
        days.add(day)
    if not days:
        raise ValueError("no delivery days")
    return "".join(sorted(days))


def _parse_line(number: int, row: dict[str, str]) -> CatererLine:
    cells = {k.strip().lstrip("\ufeff").lower(): (v or "").strip() for k, v in row.items() if k}
    if not _ID.match(cells["caterer_id"]):
        raise ValueError("caterer_id must be 1-64 characters without spaces or ';'")
    name = cells["display_name"]
    if not 1 <= len(name) <= 120:
        raise ValueError("display_name must be 1-120 characters")
    schools = tuple(s.strip() for s in cells["school_ids"].split(";") if s.strip())
    if not schools or not all(_ID.match(s) for s in schools):
        raise ValueError("school_ids must list at least one school id")
    for column in ("cutoff_time", "delivery_time"):
        if not _TIME.match(cells[column]):
            raise ValueError(f"{column} must be HH:MM")
    return CatererLine(
        number,
        cells["caterer_id"],
        name,
        schools,
        _days(cells["delivery_days"]),
        cells["cutoff_time"],
        cells["delivery_time"],
    )


def parse_caterers(path: Path) -> list[CatererLine]:
    problems: list[str] = []
    lines: list[CatererLine] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not is_caterers_header(list(reader.fieldnames or [])):
            raise ImportFailed([f"{path.name}: the header must be {','.join(sorted(COLUMNS))}"])
        seen_schools: dict[str, int] = {}
        for row in reader:
            number = reader.line_num
            if not any((v or "").strip() for v in row.values() if isinstance(v, str)):
                continue
            try:
                line = _parse_line(number, row)
            except (ValueError, KeyError, AttributeError) as exc:
                problems.append(f"line {number}: {exc}")
                continue
            for school in line.school_ids:
                if school in seen_schools:
                    problems.append(
                        f"line {number}: school {school} is on line {seen_schools[school]} too"
                    )
                seen_schools[school] = number
            lines.append(line)
    if problems:
        raise ImportFailed(problems)
    return lines


async def import_caterers_csv(db: Database, path: Path) -> CaterersReport:
    """Import one caterers file in one transaction; ``ImportFailed`` names every bad line."""
    lines = await asyncio.to_thread(parse_caterers, path)
    async with db.write() as conn:
        before = conn.total_changes
        problems = [
            f"line {line.number}: unknown school {school}"
            for line in lines
            for school in line.school_ids
            if await people.get_school(conn, school) is None
        ]
        if problems:
            raise ImportFailed(problems)
        for line in lines:
            caterer_id = await repo.upsert_caterer(
                conn,
                line.external_id,
                line.display_name,
                line.delivery_days,
                line.cutoff_time,
                line.delivery_time,
            )
            await repo.set_caterer_schools(conn, caterer_id, list(line.school_ids))
        changed = conn.total_changes - before
    schools = sum(len(line.school_ids) for line in lines)
    return CaterersReport(rows=len(lines), schools=schools, changed=changed)
