"""Read and validate the import CSV files, row by row (formats: ``bot.services.importer``).

Header detection, BOM and NFC handling, one pydantic model per kind of file and the
cell parsers; nothing here touches the database.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, ClassVar, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    StringConstraints,
    ValidationError,
    model_validator,
)
from pydantic_core import ErrorDetails

from bot.domain.errors import ImportFailed
from bot.domain.models import MeasureKind, SchoolKind, SpecialistKind


class ImportKind(StrEnum):
    SCHOOLS = "schools"
    PUPILS = "pupils"
    GUARDIANS = "guardians"
    SPECIALISTS = "specialists"
    COORDINATORS = "coordinators"
    PLANS = "plans"


# --- cell types: each raises a short English reason that follows "line N: column: "

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOURS = re.compile(r"\d{1,4}(\.\d{1,2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(\d{4})/(\d{4})")
# a Latvian personal code as written: DDMMYY-NNNNN (also the newer 32NNNN-NNNNN)
_CODE_VALUE = re.compile(r"(?<!\d)\d{6}-\d{5}(?!\d)")
_CODE_COLUMN = re.compile(r"personas_?kods|personal_?code|person_?code|^pk$")


def _plain(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("must not contain control characters or line breaks")
    if _CODE_VALUE.search(text):
        raise ValueError("looks like a personal code (personas kods), which is never accepted")
    return text


def _id(text: str) -> str:
    if ";" in text:
        raise ValueError("must not contain ';'")
    return _plain(text)


def _number(low: int, high: int) -> Callable[[object], int]:
    def parse(value: object) -> int:
        if not (isinstance(value, str) and value.isascii() and value.isdigit()):
            raise ValueError(f"must be a whole number between {low} and {high}")
        if not low <= int(value) <= high:
            raise ValueError(f"must be between {low} and {high}")
        return int(value)

    return parse


def _yes_no(value: object) -> bool:
    text = str(value).lower()
    if text in {"yes", "true", "1"}:
        return True
    if text in {"no", "false", "0"}:
        return False
    raise ValueError(f"must be yes or no, not {value!r}")


def _iso_date(value: object) -> date:
    text = str(value)
    try:
        # fromisoformat alone would also take 20200106 and week dates
        if _DATE.fullmatch(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise ValueError(f"must be a date YYYY-MM-DD, not {text!r}")


def _school_year(value: object) -> str:
    found = _YEAR.fullmatch(str(value))
    if not found or int(found[2]) != int(found[1]) + 1:
        raise ValueError(f"must be like 2019/2020, not {value!r}")
    return str(value)


def _split(value: object) -> tuple[str, ...]:
    """A ``;``-separated list, without empty items or repeats, in the file's order."""
    return tuple(dict.fromkeys(item.strip() for item in str(value).split(";") if item.strip()))


def _empty_none(value: object) -> object:
    return None if value == "" else value


def _lower(value: object) -> object:
    return value.lower() if isinstance(value, str) else value


Id = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_id)]
OptionalId = Annotated[Id | None, BeforeValidator(_empty_none)]
Name = Annotated[str, StringConstraints(min_length=1, max_length=120), AfterValidator(_plain)]
Subject = Annotated[str, StringConstraints(min_length=1, max_length=64), AfterValidator(_plain)]
YesNo = Annotated[bool, BeforeValidator(_yes_no)]
IsoDate = Annotated[date, BeforeValidator(_iso_date)]


class Measure(NamedTuple):
    kind: MeasureKind
    subject: str
    hours: float | None


def _measures(value: object) -> tuple[Measure, ...]:
    found: dict[tuple[MeasureKind, str], Measure] = {}
    for item in (part.strip() for part in str(value).split(";")):
        if not item:
            continue
        parts = [part.strip() for part in item.split(":")]
        if len(parts) > 3:
            raise ValueError(f"{item!r}: expected kind[:subject][:hours]")
        kind_text, subject, hours_text = (*parts, "", "")[:3]
        try:
            kind = MeasureKind(kind_text.lower())
        except ValueError:
            kinds = ", ".join(MeasureKind)
            raise ValueError(f"{item!r}: unknown kind, expected one of {kinds}") from None
        if kind is MeasureKind.SUBJECT_CONSULTATION and not subject:
            raise ValueError(f"{item!r}: needs a subject, e.g. {kind}:Matemātika:8")
        if kind is not MeasureKind.SUBJECT_CONSULTATION and subject:
            hint = f" (hours go third: {kind}::{subject})" if _HOURS.fullmatch(subject) else ""
            raise ValueError(f"{item!r}: {kind} takes no subject{hint}")
        if len(subject) > 64 or _CONTROL.search(subject):
            raise ValueError(f"{item!r}: subject must be at most 64 plain characters")
        if hours_text and not _HOURS.fullmatch(hours_text):
            raise ValueError(f"{item!r}: hours must be a number of at least 0, e.g. 8 or 1.5")
        if (kind, subject) in found:
            raise ValueError(f"{item!r} is listed twice")
        found[(kind, subject)] = Measure(
            kind=kind, subject=subject, hours=float(hours_text) if hours_text else None
        )
    if not found:
        raise ValueError("must list at least one measure, e.g. meals")
    return tuple(found.values())


# --- one model per kind of file; ``key`` names a row within the file


class _Line(BaseModel):
    model_config = ConfigDict(frozen=True)
    key_field: ClassVar[str]

    def key(self) -> tuple[str | None, ...]:
        return (getattr(self, "school_id", None), getattr(self, self.key_field))


class SchoolLine(_Line):
    key_field = "school_id"
    region_id: Id
    region_name: Name
    school_id: Id
    school_name: Name
    kind: Annotated[SchoolKind, BeforeValidator(_lower)]
    caterer_delivers_home: YesNo


class PupilLine(_Line):
    key_field = "pupil_id"
    school_id: Id
    pupil_id: Id
    display_name: Name
    grade: Annotated[int, BeforeValidator(_number(1, 12))]


class GuardianLine(_Line):
    key_field = "guardian_id"
    school_id: Id
    guardian_id: Id
    display_name: Name
    pupil_ids: Annotated[tuple[Id, ...], BeforeValidator(_split)]


class SpecialistLine(_Line):
    key_field = "specialist_id"
    school_id: Id
    specialist_id: Id
    display_name: Name
    kind: Annotated[SpecialistKind, BeforeValidator(_lower)]
    subjects: Annotated[tuple[Subject, ...], BeforeValidator(_split)]
    on_duty: YesNo


class CoordinatorLine(_Line):
    key_field = "coordinator_id"
    coordinator_id: Id
    display_name: Name
    school_id: OptionalId
    region_id: OptionalId

    @model_validator(mode="after")
    def _one_place(self) -> CoordinatorLine:
        if (self.school_id is None) == (self.region_id is None):
            raise ValueError(
                "school_id, region_id: give exactly one (school_id for a school"
                " coordinator, region_id for a regional one)"
            )
        return self

    def key(self) -> tuple[str | None, ...]:
        return (self.school_id, self.region_id, self.coordinator_id)


class PlanLine(_Line):
    key_field = "plan_id"
    school_id: Id
    plan_id: Id
    pupil_id: Id
    school_year: Annotated[str, BeforeValidator(_school_year)]
    semester: Annotated[int, BeforeValidator(_number(1, 2))]
    starts_on: IsoDate
    ends_on: IsoDate
    created_on: Annotated[IsoDate | None, BeforeValidator(_empty_none)]
    # a plain validator: the parser builds the tuples, pydantic need not walk them again
    measures: Annotated[tuple[Measure, ...], PlainValidator(_measures)]

    @model_validator(mode="after")
    def _period(self) -> PlanLine:
        if self.ends_on < self.starts_on:
            raise ValueError("ends_on: must not be before starts_on")
        return self


_MODELS: dict[ImportKind, type[_Line]] = {
    ImportKind.SCHOOLS: SchoolLine,
    ImportKind.PUPILS: PupilLine,
    ImportKind.GUARDIANS: GuardianLine,
    ImportKind.SPECIALISTS: SpecialistLine,
    ImportKind.COORDINATORS: CoordinatorLine,
    ImportKind.PLANS: PlanLine,
}
HEADERS = {kind: tuple(model.model_fields) for kind, model in _MODELS.items()}

Problem = tuple[int, str]


def _describe(error: ErrorDetails) -> str:
    field = ".".join(str(part) for part in error["loc"][:1])
    ctx: dict[str, Any] = error.get("ctx") or {}
    if error["type"] == "string_too_short":
        text = "must not be empty"
    elif error["type"] == "string_too_long":
        text = f"must be at most {ctx['max_length']} characters"
    elif error["type"] == "enum":
        text = f"must be {ctx['expected']}, not {error['input']!r}"
    elif error["type"] == "value_error":
        text = str(ctx["error"])
    else:
        text = error["msg"]
    return f"{field}: {text}" if field else text


def _detect(header: list[str]) -> tuple[ImportKind, list[str]]:
    """The kind of file and its column names, from the header row."""
    names = [name.strip().lower() for name in header]
    for name in names:
        if _CODE_COLUMN.search(re.sub(r"[\s-]+", "_", name)):
            raise ImportFailed(
                [
                    f"line 1: column {name!r}: a personal code (personas kods) is never"
                    " accepted; remove the column and identify people by the school's own ids"
                ]
            )
    if len(names) == 1 and ";" in names[0]:
        raise ImportFailed(["line 1: the file is separated by ';'; save it comma-separated"])
    for kind, columns in HEADERS.items():
        if len(names) == len(columns) and set(names) == set(columns):
            return kind, names
    expected = "; ".join(f"{kind}: {','.join(columns)}" for kind, columns in HEADERS.items())
    raise ImportFailed([f"line 1: unknown columns {','.join(names)}, expected one of: {expected}"])


class Parsed(NamedTuple):
    kind: ImportKind
    lines: list[tuple[int, Any]]
    problems: list[Problem]


def parse_file(path: Path) -> Parsed:
    """Read and validate every row; runs in a thread, since it is plain CPU and file work."""
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            # NFC: the same name typed on different systems must compare equal
            lines = (unicodedata.normalize("NFC", line) for line in handle)
            return _parse_rows(csv.reader(lines, strict=True))
    except UnicodeDecodeError:
        raise ImportFailed(["file: not UTF-8 text; save it as 'CSV UTF-8'"]) from None
    except OSError as exc:
        raise ImportFailed([f"file: cannot read {path}: {exc.strerror}"]) from None


def _parse_rows(reader: Any) -> Parsed:
    header = next(reader, None)
    if not header:
        raise ImportFailed(["line 1: the file is empty; expected a header row"])
    kind, names = _detect(header)
    model = _MODELS[kind]
    lines: list[tuple[int, Any]] = []
    problems: list[Problem] = []
    first_line: dict[tuple[str | None, ...], int] = {}
    end = reader.line_num
    while True:
        try:
            cells = next(reader, None)
        except csv.Error as exc:
            raise ImportFailed([f"line {end + 1}: {exc}"]) from None
        if cells is None:
            break
        number, end = end + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(names):
            problems.append((number, f"expected {len(names)} fields, found {len(cells)}"))
            continue
        values = (cell.strip() for cell in cells)
        try:
            row = model.model_validate(dict(zip(names, values, strict=True)))
        except ValidationError as exc:
            problems.extend((number, _describe(error)) for error in exc.errors())
            continue
        key = row.key()
        if key in first_line:
            text = f"{row.key_field}: {key[-1]} is already on line {first_line[key]}"
            problems.append((number, text))
            continue
        first_line[key] = number
        lines.append((number, row))
    return Parsed(kind, lines, problems)
