"""One pydantic model per kind of import file, and the cell types they are made of.

Every text cell is checked for control characters and for anything that looks like a
personal code (*personas kods*), which the bot never holds. The formats are described in
``bot/services/imports/importer.py``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, time
from enum import StrEnum
from typing import Annotated, ClassVar, NamedTuple

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    PlainValidator,
    StringConstraints,
    model_validator,
)

from bot.domain.consultations import MAX_SLOT, MIN_SLOT
from bot.domain.dates import parse_clock, weekday_number
from bot.domain.models import MeasureKind, SchoolKind, SpecialistKind


class ImportKind(StrEnum):
    SCHOOLS = "schools"
    PUPILS = "pupils"
    GUARDIANS = "guardians"
    SPECIALISTS = "specialists"
    COORDINATORS = "coordinators"
    PLANS = "plans"
    CATERERS = "caterers"
    AVAILABILITY = "availability"


# --- cell types: each raises a short English reason that follows "line N: column: "

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_HOURS = re.compile(r"\d{1,4}(\.\d{1,2})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_YEAR = re.compile(r"(\d{4})/(\d{4})")
# Hyphens and dashes people and word processors type instead of "-".
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{DASHES}]")
# Characters that print as nothing: an id with one inside is the same id without it.
_INVISIBLE = re.compile("[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]")
# A Latvian personal code as people write it: DDMMYY-NNNNN with a hyphen, a dash or a
# space (also the newer 32NNNN-NNNNN), or the 11 digits run together when the first six
# can be a date (so that a long number such as a phone's is not taken for one).
_CODE_APART = f"[0-9]{{6}}(?:\\s+|[-{DASHES}])[0-9]{{5}}"
_CODE_TOGETHER = "(?:0[1-9]|[12][0-9]|3[01])(?:0[1-9]|1[0-2])[0-9]{7}|32[0-9]{9}"
_CODE_VALUE = re.compile(f"(?<![0-9])(?:{_CODE_APART}|{_CODE_TOGETHER})(?![0-9])")
CODE_COLUMN = re.compile(r"personas_?kods|personal_?code|person_?code|^pk$")


def _plain(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("must not contain control characters or line breaks")
    if _CODE_VALUE.search(unicodedata.normalize("NFKC", text)):
        raise ValueError("looks like a personal code (personas kods), which is never accepted")
    return text


def clean_id(value: object) -> object:
    """An id as the school means it: NFKC (full-width letters, ligatures), no invisible
    characters, every kind of hyphen as "-", trimmed. Letter case stays as written, and
    ids are matched regardless of it (:mod:`.ids`)."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value)
    return _DASH.sub("-", _INVISIBLE.sub("", text)).strip()


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


def _weekday_or(value: object) -> object:
    return None if value in (None, "") else _weekday(value)


Id = Annotated[
    str,
    StringConstraints(min_length=1, max_length=64),
    AfterValidator(_id),
    BeforeValidator(clean_id),
]
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
    optional: ClassVar[frozenset[str]] = frozenset()  # columns a file may leave out

    def key(self) -> tuple[str | None, ...] | None:
        """What names a row within the file (two rows with one key are a mistake)."""
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

    def key(self) -> tuple[str | None, ...] | None:
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


def _clock(value: object) -> time:
    found = parse_clock(str(value))
    if found is None:
        raise ValueError(f"must be a time HH:MM, not {value!r}")
    return found


def _days(value: object) -> str:
    """``mon;tue`` or ``1;2`` as ISO weekday digits, '12'."""
    days = set()
    for part in str(value).replace(",", ";").split(";"):
        if part.strip():
            day = weekday_number(part.strip()[:3])
            if day is None:
                raise ValueError(f"unknown day {part.strip()!r}")
            days.add(str(day))
    if not days:
        raise ValueError("must list at least one day, e.g. mon;tue;wed;thu;fri")
    return "".join(sorted(days))


def _weekday(value: object) -> int:
    day = weekday_number(str(value)[:3])
    if day is None:
        raise ValueError(f"must be 1-7 or mon..sun, not {value!r}")
    return day


Clock = Annotated[time, BeforeValidator(_clock)]
Days = Annotated[str, BeforeValidator(_days)]
SlotMinutes = Annotated[int, BeforeValidator(_number(MIN_SLOT, MAX_SLOT))]


class CatererLine(_Line):
    key_field = "caterer_id"
    caterer_id: Id
    display_name: Name
    school_ids: Annotated[tuple[Id, ...], BeforeValidator(_split)]
    delivery_days: Days
    cutoff_time: Clock
    delivery_time: Clock

    @model_validator(mode="after")
    def _some_school(self) -> CatererLine:
        if not self.school_ids:
            raise ValueError("school_ids: must list at least one school id")
        return self

    def key(self) -> tuple[str | None, ...] | None:
        return (self.caterer_id,)


class AvailabilityLine(_Line):
    """Weekly hours (weekday), one-off slots (date, start, end) or a day off (only date)."""

    key_field = "line"
    optional: ClassVar[frozenset[str]] = frozenset({"date"})
    school_id: Id
    specialist_id: Id
    weekday: Annotated[int | None, BeforeValidator(_weekday_or)]
    start: Annotated[Clock | None, BeforeValidator(_empty_none)]
    end: Annotated[Clock | None, BeforeValidator(_empty_none)]
    slot_minutes: Annotated[SlotMinutes | None, BeforeValidator(_empty_none)]
    valid_from: Annotated[IsoDate | None, BeforeValidator(_empty_none)]
    valid_until: Annotated[IsoDate | None, BeforeValidator(_empty_none)]
    date: Annotated[IsoDate | None, BeforeValidator(_empty_none)] = None

    @model_validator(mode="after")
    def _one_kind(self) -> AvailabilityLine:
        if (self.weekday is None) == (self.date is None):
            raise ValueError("give either weekday (weekly hours) or date (one-off slots, day off)")
        if (self.start is None) != (self.end is None):
            raise ValueError("start and end go together")
        if self.start is not None and self.end is not None and self.start >= self.end:
            raise ValueError("start must be before end")
        if self.weekday is not None:
            if self.start is None or self.slot_minutes is None or self.valid_from is None:
                raise ValueError("weekly hours need start, end, slot_minutes and valid_from")
            if self.valid_until is not None and self.valid_until < self.valid_from:
                raise ValueError("valid_until is before valid_from")
        return self

    def key(self) -> tuple[str | None, ...] | None:
        return None  # a specialist has many rows: none is a duplicate of another


MODELS: dict[ImportKind, type[_Line]] = {
    ImportKind.SCHOOLS: SchoolLine,
    ImportKind.PUPILS: PupilLine,
    ImportKind.GUARDIANS: GuardianLine,
    ImportKind.SPECIALISTS: SpecialistLine,
    ImportKind.COORDINATORS: CoordinatorLine,
    ImportKind.PLANS: PlanLine,
    ImportKind.CATERERS: CatererLine,
    ImportKind.AVAILABILITY: AvailabilityLine,
}
