"""Availability from a CSV file: weekly hours, one-off slots and days off.

Header (any order): ``school_id,specialist_id,weekday,start,end,slot_minutes,valid_from,
valid_until`` and optionally ``date``. Each row is one of:

- weekly hours: ``weekday`` (1-7, 1 = Monday, or mon..sun), ``start``/``end`` (HH:MM, Riga
  time), ``slot_minutes``, ``valid_from`` and optional ``valid_until`` (YYYY-MM-DD); ``date``
  empty. Re-importing the same specialist, weekday, start and valid_from changes that rule.
- one-off slots: ``date``, ``start``, ``end``; ``slot_minutes`` splits the period (empty: one
  slot); ``weekday`` and validity empty.
- a day off: only ``date`` (start and end empty): free slots that day are withdrawn.

``specialist_id`` is the school's own id of the specialist (as in specialists.csv). A file
with any bad row is refused as a whole, naming every bad line; nothing from it is stored.
"""

from __future__ import annotations

import asyncio
import csv
from datetime import date, time, timedelta
from pathlib import Path

from pydantic import BaseModel, ConfigDict

from bot.domain.errors import ImportFailed
from bot.services import booking_common as common
from bot.services.availability import MAX_SLOT, MIN_SLOT, slot_times
from storage import Database
from storage import availability as repo

COLUMNS = (
    "school_id",
    "specialist_id",
    "weekday",
    "start",
    "end",
    "slot_minutes",
    "valid_from",
    "valid_until",
)
WEEKDAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


class ImportReport(BaseModel):
    model_config = ConfigDict(frozen=True)

    kind: str = "availability"
    rows: int
    changed: int


class _Row(BaseModel):
    line: int
    school_id: str
    specialist_id: str
    weekday: int | None
    day: date | None
    start: time | None
    end: time | None
    slot_minutes: int | None
    valid_from: date | None
    valid_until: date | None


def _parse_row(line: int, cells: dict[str, str]) -> _Row:
    """One row, or ValueError naming the column."""

    def opt(name: str) -> str:
        return (cells.get(name) or "").strip()

    def as_date(name: str) -> date | None:
        value = opt(name)
        try:
            return date.fromisoformat(value) if value else None
        except ValueError:
            raise ValueError(f"{name}: expected YYYY-MM-DD, got {value!r}") from None

    def as_time(name: str) -> time | None:
        value = opt(name)
        try:
            return time.fromisoformat(value) if value else None
        except ValueError:
            raise ValueError(f"{name}: expected HH:MM, got {value!r}") from None

    weekday_text = opt("weekday").lower()
    weekday = WEEKDAYS.get(weekday_text[:3]) if weekday_text else None
    if weekday_text and weekday is None:
        if not weekday_text.isdigit() or not 1 <= int(weekday_text) <= 7:
            raise ValueError(f"weekday: expected 1-7 or mon..sun, got {weekday_text!r}")
        weekday = int(weekday_text)
    minutes_text = opt("slot_minutes")
    if minutes_text and (
        not minutes_text.isdigit() or not MIN_SLOT <= int(minutes_text) <= MAX_SLOT
    ):
        raise ValueError(f"slot_minutes: expected {MIN_SLOT}-{MAX_SLOT}, got {minutes_text!r}")
    row = _Row(
        line=line,
        school_id=opt("school_id"),
        specialist_id=opt("specialist_id"),
        weekday=weekday,
        day=as_date("date"),
        start=as_time("start"),
        end=as_time("end"),
        slot_minutes=int(minutes_text) if minutes_text else None,
        valid_from=as_date("valid_from"),
        valid_until=as_date("valid_until"),
    )
    _check_row(row)
    return row


def _check_row(row: _Row) -> None:
    if not row.school_id or not row.specialist_id:
        raise ValueError("school_id and specialist_id are required")
    if (row.weekday is None) == (row.day is None):
        raise ValueError("give either weekday (weekly hours) or date (one-off slots, day off)")
    if (row.start is None) != (row.end is None):
        raise ValueError("start and end go together")
    if row.start is not None and row.end is not None and row.start >= row.end:
        raise ValueError("start must be before end")
    if row.weekday is not None:
        if row.start is None or row.slot_minutes is None or row.valid_from is None:
            raise ValueError("weekly hours need start, end, slot_minutes and valid_from")
        if row.valid_until is not None and row.valid_until < row.valid_from:
            raise ValueError("valid_until is before valid_from")


def is_availability_file(path: Path) -> bool:
    """True when the header row is an availability header (for ``pumpurs-bot import``)."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return set(COLUMNS) <= {name.strip() for name in header}


def _read(path: Path) -> tuple[list[_Row], list[str]]:
    rows: list[_Row] = []
    problems: list[str] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = [name.strip() for name in reader.fieldnames or []]
        missing = [c for c in COLUMNS if c not in header]
        extra = [c for c in header if c not in (*COLUMNS, "date")]
        if missing or extra:
            raise ImportFailed(
                [
                    f"line 1: expected columns {','.join(COLUMNS)}[,date]; "
                    f"missing {missing or '-'}, unknown {extra or '-'}"
                ]
            )
        for number, cells in enumerate(reader, start=2):
            clean = {(k or "").strip(): (v or "") for k, v in cells.items()}
            if not any(value.strip() for value in clean.values()):
                continue
            try:
                rows.append(_parse_row(number, clean))
            except ValueError as exc:
                problems.append(f"line {number}: {exc}")
    return rows, problems


async def import_file(db: Database, path: Path) -> ImportReport:
    """Import one availability file in one transaction; ImportFailed names every bad line."""
    rows, problems = await asyncio.to_thread(_read, path)
    async with db.write() as conn:
        before = conn.total_changes
        found: dict[tuple[str, str], int] = {}
        for row in rows:
            key = (row.school_id, row.specialist_id)
            if key not in found:
                specialist = await repo.specialist_by_external_id(conn, *key)
                if specialist is None:
                    problems.append(f"line {row.line}: no specialist {key[1]} in school {key[0]}")
                    continue
                found[key] = specialist
        if problems:
            raise ImportFailed(problems)
        for row in rows:
            specialist_id = found[(row.school_id, row.specialist_id)]
            if row.weekday is not None:
                assert row.start and row.end and row.slot_minutes and row.valid_from  # noqa: S101
                await repo.upsert_rule(
                    conn,
                    specialist_id,
                    row.weekday,
                    row.start,
                    row.end,
                    row.slot_minutes,
                    row.valid_from,
                    row.valid_until,
                )
            elif row.start is None or row.end is None:
                assert row.day is not None  # noqa: S101
                await repo.add_day_off(conn, specialist_id, row.day)
                await repo.withdraw_free_between(
                    conn,
                    specialist_id,
                    common.riga_midnight(row.day),
                    common.riga_midnight(row.day + timedelta(days=1)),
                )
            else:
                assert row.day is not None  # noqa: S101
                length = (row.end.hour * 60 + row.end.minute) - (
                    row.start.hour * 60 + row.start.minute
                )
                for starts, ends in slot_times(
                    row.day, row.start, row.end, row.slot_minutes or length
                ):
                    await repo.add_slot(conn, specialist_id, starts, ends)
        changed = conn.total_changes - before
    return ImportReport(rows=len(rows), changed=changed)
