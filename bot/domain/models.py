"""Domain models. Storage returns these; services and handlers pass them around."""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict

LANGUAGES = ("lv", "ru", "en")  # Latvian is the default; Russian and English are offered


class Model(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class Role(StrEnum):
    PUPIL = "pupil"
    GUARDIAN = "guardian"
    SPECIALIST = "specialist"
    COORDINATOR = "coordinator"
    CATERER = "caterer"


class SchoolKind(StrEnum):
    GENERAL = "general"
    VOCATIONAL = "vocational"


class SpecialistKind(StrEnum):
    TEACHER = "teacher"
    PSYCHOLOGIST = "psychologist"
    SOCIAL_PEDAGOGUE = "social_pedagogue"


class MeasureKind(StrEnum):
    SUBJECT_CONSULTATION = "subject_consultation"
    EMOTIONAL_SUPPORT = "emotional_support"
    MEALS = "meals"
    TRANSPORT = "transport"
    ACCOMMODATION = "accommodation"
    INTERNSHIP_MEALS = "internship_meals"


class School(Model):
    id: str
    region_id: str
    name: str
    kind: SchoolKind
    caterer_delivers_home: bool


class Pupil(Model):
    id: int
    school_id: str
    external_id: str
    display_name: str
    grade: int


class PlanMeasure(Model):
    id: int
    plan_id: int
    kind: MeasureKind
    subject: str
    hours_granted: float | None


class SupportPlan(Model):
    id: int
    school_id: str
    external_id: str
    pupil_id: int
    school_year: str
    semester: int
    starts_on: date
    ends_on: date
    created_on: date | None
    measures: tuple[PlanMeasure, ...] = ()


class Person(Model):
    """Someone the school listed: the internal id, the school's own id and the name."""

    id: int
    external_id: str
    display_name: str


class PersonRef(Model):
    """One person an account is linked to."""

    role: Role
    person_id: int
    school_id: str
    display_name: str


class LinkCode(Model):
    """A stored one-time code (only its keyed hash is kept, so the code itself is not here).

    ``used_by`` is forgotten when that account is erased; ``used_at`` stays.
    """

    school_id: str
    role: Role
    person_id: int
    expires_at: datetime
    used_at: datetime | None = None
    used_by: int | None = None


class AuditEntry(Model):
    id: int
    at: datetime
    actor_telegram_id: int | None
    action: str
    subject: str
    detail: str
